//! Moving a candidate along a job order's shortlist, and what a move means for the candidate:
//! placing them sets their status to placed, in the same transaction.

use super::Error;
use crate::db::models::candidates;
use crate::db::models::shortlist::{self, Entry};
use crate::db::{lock, write_tx, DbConnection, Lock, Table};
use crate::domain::candidate::Status;
use crate::domain::patch::IfMatch;
use crate::domain::shortlist::Stage;

#[allow(clippy::too_many_arguments)]
pub fn move_to(
    conn: &mut DbConnection,
    agency_id: i64,
    user_id: i64,
    job_order_id: i64,
    candidate_id: i64,
    if_match: Option<&IfMatch>,
    to: Stage,
    note: Option<&str>,
) -> Result<Entry, Error> {
    write_tx(conn, |conn| {
        if to == Stage::Placed {
            // The candidate's row before the entry's, the order every write that changes a
            // candidate takes them in (deleting one deletes its entries), so none can deadlock.
            lock(conn, Table::Candidates, agency_id, candidate_id, Lock::Update)?;
        }
        let moved = shortlist::move_to(conn, agency_id, user_id, job_order_id, candidate_id, if_match, to, note)?;
        if to == Stage::Placed && moved.from != Stage::Placed {
            candidates::set_status(conn, agency_id, candidate_id, Status::Placed)?;
        }
        Ok(moved.entry)
    })
}
