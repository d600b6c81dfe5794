//! The per-agency change sequence. Every candidate write takes the next number with
//! `UPDATE agencies … RETURNING`, inside its own transaction, and stamps the rows it writes with
//! it; a delete leaves a tombstone with its number. The update locks the agency's row until
//! commit, so writers of one agency commit in sequence order on PostgreSQL too (SQLite has one
//! writer at a time anyway). A reader that has seen everything up to `n` therefore gets exactly
//! what changed since with `change_seq > n`.

use diesel::prelude::*;

use super::schema::{agencies, candidate_tombstones};
use super::DbConnection;

/// Takes the agency's next change number. Call inside the writing transaction.
pub fn next(conn: &mut DbConnection, agency_id: i64) -> QueryResult<i64> {
    diesel::update(agencies::table.find(agency_id))
        .set(agencies::change_seq.eq(agencies::change_seq + 1))
        .returning(agencies::change_seq)
        .get_result(conn)
}

/// Records that the agency's skills changed (one added, renamed, merged away or deleted), so a
/// match index rebuilds its skill catalog. Takes a change number like a candidate write, so
/// readers see it in the same order. Call inside the writing transaction.
pub fn skills_changed(conn: &mut DbConnection, agency_id: i64) -> QueryResult<()> {
    let seq = next(conn, agency_id)?;
    diesel::update(agencies::table.find(agency_id)).set(agencies::skills_seq.eq(seq)).execute(conn)?;
    Ok(())
}

/// The number of the agency's last skill change (0 when it never changed one).
pub fn skills_seq(conn: &mut DbConnection, agency_id: i64) -> QueryResult<i64> {
    agencies::table.find(agency_id).select(agencies::skills_seq).first(conn)
}

/// Records that a candidate is gone. Call in the transaction that deletes it.
pub fn bury(conn: &mut DbConnection, agency_id: i64, candidate_id: i64) -> QueryResult<()> {
    let seq = next(conn, agency_id)?;
    diesel::insert_into(candidate_tombstones::table)
        .values((
            candidate_tombstones::candidate_id.eq(candidate_id),
            candidate_tombstones::agency_id.eq(agency_id),
            candidate_tombstones::change_seq.eq(seq),
        ))
        .execute(conn)?;
    Ok(())
}

/// The agency's current change number: everything committed up to it is visible.
pub fn current(conn: &mut DbConnection, agency_id: i64) -> QueryResult<i64> {
    agencies::table.find(agency_id).select(agencies::change_seq).first(conn)
}
