//! Full-text search over candidates, as pure functions: the tokenizer, the indexed document and
//! the query language. `db::search` hands their output to SQLite FTS5 or PostgreSQL.

pub mod document;
pub mod query;
pub mod tokens;
