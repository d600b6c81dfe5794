//! Validated types and rules: what a well-formed candidate, client, job order, user or password
//! is. No actix and no diesel here.

pub mod candidate;
pub mod client;
pub mod job_order;
pub mod matching;
pub mod password;
pub mod patch;
pub mod rate_card;
pub mod shortlist;
pub mod skills;
pub mod taxonomy;
pub mod user;
pub mod validate;
