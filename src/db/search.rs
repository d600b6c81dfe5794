//! The candidate search index on either engine: an FTS5 table on SQLite, a `tsvector` column
//! with a GIN index on PostgreSQL. Both hold the same tokens (see `crate::search`), matching is
//! done by the engine, and ranking is computed in SQL from whole numbers worked out here, so the
//! same data gives the same answers, in the same order, on both.
//!
//! Relevance is BM25 with term frequency left out (k1 = 0), over two fields: each word or phrase
//! of the search earns its inverse document frequency (rarer words weigh more) once for being in
//! the résumé and twice for being in the profile. Ties go to the newest candidate.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, HasSqlType, SqlType, Text};

use super::schema::{app_meta, candidates, resumes};
use super::{write_tx, DbConnection};
use crate::search::document::Document;
use crate::search::query::{Atom, Dialect, Field, Plan, Query};

/// Bump when the tokenizer or the document changes: the index is rebuilt at the next start.
const INDEX_VERSION: &str = "1";
const VERSION_KEY: &str = "search_index_version";

pub fn dialect(conn: &DbConnection) -> Dialect {
    match conn {
        DbConnection::Sqlite(_) => Dialect::Fts5,
        DbConnection::Postgresql(_) => Dialect::TsQuery,
    }
}

/// Re-indexes one candidate from what is stored: the profile's search text and the current
/// résumé's text. Runs inside the caller's write transaction.
pub fn refresh(conn: &mut DbConnection, agency_id: i64, candidate_id: i64) -> QueryResult<()> {
    let row: Option<(String, Option<String>)> = candidates::table
        .left_join(resumes::table.on(candidates::current_resume_id.eq(resumes::id.nullable())))
        .filter(candidates::id.eq(candidate_id))
        .filter(candidates::agency_id.eq(agency_id))
        .select((candidates::search_text, resumes::text.nullable()))
        .first(conn)
        .optional()?;
    match row {
        Some((profile, resume)) => write(conn, candidate_id, &Document::new(&profile, resume.as_deref().unwrap_or(""))),
        None => Ok(()),
    }
}

fn write(conn: &mut DbConnection, candidate_id: i64, doc: &Document) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => {
            let (profile, resume) = doc.fts5_columns();
            diesel::sql_query("DELETE FROM candidate_search WHERE rowid = ?")
                .bind::<BigInt, _>(candidate_id)
                .execute(c)?;
            diesel::sql_query("INSERT INTO candidate_search (rowid, profile, resume) VALUES (?, ?, ?)")
                .bind::<BigInt, _>(candidate_id)
                .bind::<Text, _>(profile)
                .bind::<Text, _>(resume)
                .execute(c)?;
        }
        DbConnection::Postgresql(c) => {
            diesel::sql_query(
                "INSERT INTO candidate_search (candidate_id, document) VALUES ($1, CAST($2 AS tsvector)) \
                 ON CONFLICT (candidate_id) DO UPDATE SET document = EXCLUDED.document",
            )
            .bind::<BigInt, _>(candidate_id)
            .bind::<Text, _>(doc.tsvector_literal())
            .execute(c)?;
        }
    }
    Ok(())
}

/// Rebuilds the whole index when it was built by another version of the tokenizer, or never
/// (a database that had candidates before search existed). Runs at start-up, under the
/// start-up lock.
pub fn sync(conn: &mut DbConnection) -> anyhow::Result<()> {
    let stored: Option<String> = app_meta::table.find(VERSION_KEY).select(app_meta::value).first(conn).optional()?;
    if stored.as_deref() == Some(INDEX_VERSION) {
        return Ok(());
    }
    write_tx(conn, |conn| -> anyhow::Result<()> {
        diesel::sql_query("DELETE FROM candidate_search").execute(conn)?;
        let mut after = 0i64;
        let mut indexed = 0usize;
        loop {
            let batch: Vec<(i64, String, Option<String>)> = candidates::table
                .left_join(resumes::table.on(candidates::current_resume_id.eq(resumes::id.nullable())))
                .filter(candidates::id.gt(after))
                .order(candidates::id.asc())
                .limit(500)
                .select((candidates::id, candidates::search_text, resumes::text.nullable()))
                .load(conn)?;
            let Some(last) = batch.last() else { break };
            after = last.0;
            for (id, profile, resume) in &batch {
                write(conn, *id, &Document::new(profile, resume.as_deref().unwrap_or("")))?;
            }
            indexed += batch.len();
        }
        diesel::delete(app_meta::table.find(VERSION_KEY)).execute(conn)?;
        diesel::insert_into(app_meta::table)
            .values((app_meta::key.eq(VERSION_KEY), app_meta::value.eq(INDEX_VERSION)))
            .execute(conn)?;
        if indexed > 0 {
            tracing::info!(candidates = indexed, version = INDEX_VERSION, "search index rebuilt");
        }
        Ok(())
    })
}

/// A piece of SQL with bound values, built at run time: the search plan and the ranking are as
/// long as the search. Values are always bound, never written into the SQL.
#[derive(Debug, Clone)]
pub struct Fragment<ST> {
    parts: Vec<Part>,
    sql_type: PhantomData<ST>,
}

#[derive(Debug, Clone)]
enum Part {
    Sql(String),
    Text(String),
    Int(i64),
}

impl<ST> Fragment<ST> {
    fn new() -> Self {
        Fragment { parts: Vec::new(), sql_type: PhantomData }
    }

    fn sql(mut self, sql: &str) -> Self {
        self.parts.push(Part::Sql(sql.to_owned()));
        self
    }

    fn text(mut self, value: String) -> Self {
        self.parts.push(Part::Text(value));
        self
    }

    fn int(mut self, value: i64) -> Self {
        self.parts.push(Part::Int(value));
        self
    }

    fn append<T>(mut self, other: Fragment<T>) -> Self {
        self.parts.extend(other.parts);
        self
    }
}

impl<ST: SqlType + diesel::sql_types::SingleValue> Expression for Fragment<ST> {
    type SqlType = ST;
}

impl<ST, QS> AppearsOnTable<QS> for Fragment<ST> where Fragment<ST>: Expression {}

impl<ST, QS> SelectableExpression<QS> for Fragment<ST> where Fragment<ST>: Expression {}

impl<ST> ValidGrouping<()> for Fragment<ST> {
    type IsAggregate = is_aggregate::Never;
}

impl<ST> QueryId for Fragment<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST, DB> QueryFragment<DB> for Fragment<ST>
where
    DB: Backend + HasSqlType<Text> + HasSqlType<BigInt>,
    String: ToSql<Text, DB>,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for part in &self.parts {
            match part {
                Part::Sql(sql) => out.push_sql(sql),
                Part::Text(value) => out.push_bind_param::<Text, String>(value)?,
                Part::Int(value) => out.push_bind_param::<BigInt, i64>(value)?,
            }
        }
        Ok(())
    }
}

/// `candidates.id` is among the engine's matches for `native` (in the engine's own language).
fn engine_match(dialect: Dialect, native: String) -> Fragment<Bool> {
    let open = match dialect {
        Dialect::Fts5 => "candidates.id IN (SELECT rowid FROM candidate_search WHERE candidate_search MATCH ",
        Dialect::TsQuery => "candidates.id IN (SELECT candidate_id FROM candidate_search WHERE document @@ CAST(",
    };
    let close = match dialect {
        Dialect::Fts5 => ")",
        Dialect::TsQuery => " AS tsquery))",
    };
    Fragment::new().sql(open).text(native).sql(close)
}

/// The search as a condition on `candidates`.
pub fn condition(dialect: Dialect, query: &Query) -> Fragment<Bool> {
    fn render(dialect: Dialect, plan: Plan) -> Fragment<Bool> {
        let join = |parts: Vec<Plan>, op: &str| {
            let mut out = Fragment::new().sql("(");
            for (i, part) in parts.into_iter().enumerate() {
                if i > 0 {
                    out = out.sql(op);
                }
                out = out.append(render(dialect, part));
            }
            out.sql(")")
        };
        match plan {
            Plan::Match(native) => engine_match(dialect, native),
            Plan::And(parts) => join(parts, " AND "),
            Plan::Or(parts) => join(parts, " OR "),
            Plan::Not(inner) => Fragment::new().sql("NOT (").append(render(dialect, *inner)).sql(")"),
        }
    }
    render(dialect, query.plan(dialect))
}

/// A word or phrase of the search with what a match on it is worth.
#[derive(Debug, Clone)]
pub struct Weighted {
    atom: Atom,
    weight: i64,
}

/// Weighs the search's words and phrases by how rare they are among the agency's candidates:
/// BM25's inverse document frequency, in thousandths.
pub fn weigh(conn: &mut DbConnection, agency_id: i64, query: &Query) -> QueryResult<Vec<Weighted>> {
    let dialect = dialect(conn);
    let total: i64 = candidates::table.filter(candidates::agency_id.eq(agency_id)).count().get_result(conn)?;
    query
        .ranked_atoms()
        .into_iter()
        .map(|atom| {
            let with: i64 = candidates::table
                .filter(candidates::agency_id.eq(agency_id))
                .filter(engine_match(dialect, atom.render(dialect, Field::Anywhere)))
                .count()
                .get_result(conn)?;
            let (n, df) = (total as f64, with as f64);
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            Ok(Weighted { atom, weight: ((idf * 1000.0).round() as i64).max(1) })
        })
        .collect()
}

/// A candidate's relevance to the search, as a whole number.
///
/// On SQLite each term is an `IN` probe of the FTS5 table. On PostgreSQL the candidate's own
/// document is read once (a primary-key lookup) and every term is tested against it: the `IN`
/// form there made the planner hash every matching id of every term, for each search.
pub fn score(dialect: Dialect, weighted: &[Weighted]) -> Fragment<BigInt> {
    // Not a bare `0`: both engines read a constant integer in ORDER BY as a column number.
    let mut out = Fragment::new().sql("(CAST(0 AS BIGINT)");
    if dialect == Dialect::TsQuery && !weighted.is_empty() {
        out = out.sql(" + COALESCE((SELECT CAST(0 AS BIGINT)");
    }
    for w in weighted {
        for (field, weight) in [(Field::Profile, 2 * w.weight), (Field::Resume, w.weight)] {
            let native = w.atom.render(dialect, field);
            let test = match dialect {
                Dialect::Fts5 => engine_match(dialect, native),
                Dialect::TsQuery => Fragment::new().sql("s.document @@ CAST(").text(native).sql(" AS tsquery)"),
            };
            out = out.sql(" + CASE WHEN ").append(test).sql(" THEN ").int(weight).sql(" ELSE 0 END");
        }
    }
    if dialect == Dialect::TsQuery && !weighted.is_empty() {
        out = out.sql(" FROM candidate_search s WHERE s.candidate_id = candidates.id), 0)");
    }
    out.sql(")")
}

/// Rows after (`score`, `id`) in the order of relevance, newest first among equals.
pub fn ranked_after(score: Fragment<BigInt>, rank: i64, id: i64) -> Fragment<Bool> {
    Fragment::new()
        .sql("(")
        .append(score.clone())
        .sql(" < ")
        .int(rank)
        .sql(" OR (")
        .append(score)
        .sql(" = ")
        .int(rank)
        .sql(" AND candidates.id < ")
        .int(id)
        .sql("))")
}
