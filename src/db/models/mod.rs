//! Plain functions over a connection, one module per table family. Every function that reads or
//! writes tenant data takes the caller's `agency_id`, so forgetting tenancy does not compile.
//! Reads return `QueryResult`; writes that check something return [`WriteError`].
//!
//! Every record with a `version` is written by one protocol, here: in a write transaction,
//! [`lock_checked`] locks the row and checks the caller's `If-Match` against its version; an
//! update ([`update`]) then reads the record, applies the change, writes nothing when nothing
//! changed, and otherwise writes the draft with `version = version + 1` guarded by the version
//! it read. Two writers of one row therefore take turns on every backend, and the second one
//! answers 412 when its `If-Match` named the version the first one replaced.

pub mod agencies;
pub mod api_keys;
pub mod audit;
pub mod candidates;
pub mod clients;
pub mod job_orders;
pub mod login_attempts;
pub mod placements;
pub mod profiles;
pub mod rate_card;
pub mod refresh_tokens;
pub mod resumes;
pub mod shortlist;
pub mod skills;
pub mod users;
pub mod webhooks;

use chrono::{NaiveDateTime, Utc};

use super::{lock, write_tx, DbConnection, Lock, Table, WriteError};
use crate::domain::patch::IfMatch;

pub type Backend = <super::DbConnection as diesel::Connection>::Backend;

/// The first step of every versioned write: locks the agency's row until the transaction ends
/// and checks the caller's `If-Match` against its version, which it returns.
pub fn lock_checked(
    conn: &mut DbConnection,
    table: Table,
    agency_id: i64,
    id: i64,
    if_match: Option<&IfMatch>,
) -> Result<i32, WriteError> {
    let version = lock(conn, table, agency_id, id, Lock::Update)?.ok_or(WriteError::NotFound)?;
    match if_match {
        Some(m) if !m.allows(version) => Err(WriteError::Stale { current_version: version }),
        _ => Ok(version),
    }
}

/// Why a write guarded by the version it read changed no row: the row is gone, or at another
/// version. (Under [`lock_checked`] neither can happen; this keeps the answer true regardless.)
pub fn lost(conn: &mut DbConnection, table: Table, agency_id: i64, id: i64) -> WriteError {
    match lock(conn, table, agency_id, id, Lock::None) {
        Ok(Some(current_version)) => WriteError::Stale { current_version },
        Ok(None) => WriteError::NotFound,
        Err(error) => error.into(),
    }
}

/// Runs `write` (an insert or update that may meet a unique index) in a savepoint, so that when
/// a concurrent write took the value first the answer is a 409 naming the record that holds it
/// (`holder`), not a failed transaction.
pub fn unique<T>(
    conn: &mut DbConnection,
    write: impl FnOnce(&mut DbConnection) -> diesel::QueryResult<T>,
    holder: impl FnOnce(&mut DbConnection) -> diesel::QueryResult<Option<i64>>,
    detail: &str,
) -> Result<T, WriteError> {
    use diesel::result::{DatabaseErrorKind, Error};
    use diesel::Connection;
    match conn.transaction(write) {
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            Err(WriteError::Conflict { detail: detail.to_owned(), existing_id: holder(conn)? })
        }
        other => Ok(other?),
    }
}

/// A record that follows the versioned write protocol through [`update`].
pub trait Versioned: Sized {
    const TABLE: Table;
    /// Everything a client can change, compared to tell a change from a no-op.
    type Draft: PartialEq;

    fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> diesel::QueryResult<Self>;
    fn draft(&self) -> Self::Draft;
    /// Writes `draft` over this record at this record's version, bumping it; runs inside the
    /// protocol's transaction, with the row locked.
    fn store(&self, conn: &mut DbConnection, draft: &Self::Draft) -> Result<Self, WriteError>;
}

/// Changes a record by the write protocol: lock and check `If-Match`, read, `change` the draft,
/// and store it unless nothing changed (then the record and its version stay as they were).
/// `change` may run more than once when a transaction is retried.
pub fn update<R: Versioned>(
    conn: &mut DbConnection,
    agency_id: i64,
    id: i64,
    if_match: Option<&IfMatch>,
    change: impl Fn(R::Draft) -> Result<R::Draft, WriteError>,
) -> Result<R, WriteError> {
    write_tx(conn, |conn| {
        lock_checked(conn, R::TABLE, agency_id, id, if_match)?;
        let current = R::find(conn, agency_id, id)?;
        let draft = change(current.draft())?;
        if draft == current.draft() {
            return Ok(current);
        }
        current.store(conn, &draft)
    })
}

/// Now, at the microsecond precision both backends keep.
pub fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now - chrono::Duration::nanoseconds(i64::from(now.and_utc().timestamp_subsec_nanos() % 1_000))
}

/// A page request: at most `limit` rows with an id below `before` (newest first). In a list
/// ranked by relevance, `rank` is the rank of the row `before` points at, and the page goes on
/// from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    pub before: Option<i64>,
    pub rank: Option<i64>,
}

/// Where the next page starts: after this id and, in a list ranked by relevance, this rank.
pub type Position = (i64, Option<i64>);

/// Trims a page fetched with `limit + 1` rows and says whether another page follows.
pub fn finish_page<T>(mut rows: Vec<T>, request: PageRequest, id_of: impl Fn(&T) -> i64) -> (Vec<T>, Option<i64>) {
    if rows.len() as i64 > request.limit {
        rows.truncate(request.limit as usize);
        let last = rows.last().map(&id_of);
        (rows, last)
    } else {
        (rows, None)
    }
}

/// A LIKE pattern matching `needle` anywhere, with `\` escaping the wildcards it may contain.
pub fn contains_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The lower-cased text the simple `q` search looks in.
pub fn search_text<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" \u{1f} ").to_lowercase()
}

/// A JSON list column, read back; a malformed value reads as empty rather than failing a page.
pub fn json_list<T: serde::de::DeserializeOwned>(raw: &str) -> Vec<T> {
    serde_json::from_str(raw).unwrap_or_default()
}

pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_the_needle_are_escaped() {
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn a_full_page_points_at_the_next() {
        let request = PageRequest { limit: 2, before: None, rank: None };
        assert_eq!(finish_page(vec![9, 8, 7], request, |x| *x), (vec![9, 8], Some(8)));
        assert_eq!(finish_page(vec![9, 8], request, |x| *x), (vec![9, 8], None));
    }
}
