//! Moving a candidate along a job order's shortlist, and what a move means beyond the entry:
//! placing them records the placement and sets their status to placed, in the same transaction.

use super::Error;
use crate::db::models::placements::{self, NewPlacement};
use crate::db::models::shortlist::{self, Entry};
use crate::db::models::{candidates, job_orders};
use serde_json::json;

use super::journal::recorded;
use crate::db::models::audit::Who;
use crate::db::{lock, DbConnection, Lock, Table, WriteError};
use crate::domain::candidate::Status;
use crate::domain::patch::IfMatch;
use crate::domain::shortlist::{Move, Stage};

/// Moves the candidate on the job order's shortlist, as `who`. A move to `placed` records the
/// placement (rates and start date are then required) and sets the candidate placed, all in
/// one transaction with its journal: `shortlist.stage_changed`, and for a placement
/// `placement.created` and `candidate.updated`.
pub fn move_to(
    conn: &mut DbConnection,
    who: &Who,
    (job_order_id, candidate_id): (i64, i64),
    if_match: Option<&IfMatch>,
    change: &Move,
) -> Result<Entry, Error> {
    let (agency_id, by, to) = (who.agency_id, who.actor, change.stage);
    recorded(conn, who, |conn, journal| {
        if to == Stage::Placed {
            // The candidate's row before the entry's, the order every write that changes a
            // candidate takes them in (deleting one deletes its entries), so none can deadlock;
            // and the job order kept from changing while it is placed on.
            lock(conn, Table::Candidates, agency_id, candidate_id, Lock::Update)?;
            lock(conn, Table::JobOrders, agency_id, job_order_id, Lock::Share)?;
        }
        let note = change.note.as_deref();
        let moved = shortlist::move_to(conn, agency_id, by, job_order_id, candidate_id, if_match, to, note)?;
        let entry_id = moved.entry.row.id;
        if moved.from == to {
            journal.other("shortlist_entry", entry_id, "noted", &["note"]);
        } else {
            journal.other("shortlist_entry", entry_id, "stage_changed", &["stage"]);
            let data = json!({"job_order_id": job_order_id.to_string(), "candidate_id": candidate_id.to_string(),
                              "from": moved.from.as_str(), "to": to.as_str()});
            journal.event("shortlist.stage_changed", "shortlist_entry", entry_id, data);
        }
        if to != Stage::Placed {
            return Ok(moved.entry);
        }
        if moved.from == Stage::Placed {
            if change.placement.is_some() {
                return Err(WriteError::conflict(
                    "The candidate is already placed; change the placement itself (PATCH /api/v1/placements/{id}).",
                )
                .into());
            }
            return Ok(moved.entry);
        }
        let Some(draft) = &change.placement else {
            return Err(WriteError::invalid(
                "placement",
                "is required to place a candidate: pay_rate_cents, bill_rate_cents and start_date",
            )
            .into());
        };
        let budget_cents = job_orders::find(conn, agency_id, job_order_id)?.effective_max_rate_cents();
        let new = NewPlacement { job_order_id, candidate_id, budget_cents, placed_by: by.user_id(), draft };
        let placement = placements::create(conn, agency_id, new)?;
        let placement_id = placement.row.id;
        journal.other("placement", placement_id, "created", &["bill_rate_cents", "pay_rate_cents", "start_date"]);
        let data = json!({"id": placement_id.to_string(), "job_order_id": job_order_id.to_string(),
                          "candidate_id": candidate_id.to_string(), "pay_rate_cents": draft.pay_rate_cents,
                          "bill_rate_cents": draft.bill_rate_cents, "start_date": draft.start_date.to_string()});
        journal.event("placement.created", "placement", placement_id, data);
        candidates::set_status(conn, agency_id, candidate_id, Status::Placed)?;
        journal.other("candidate", candidate_id, "updated", &["status"]);
        journal.event(
            "candidate.updated",
            "candidate",
            candidate_id,
            json!({"id": candidate_id.to_string(), "changed": ["status"]}),
        );
        Ok(shortlist::find(conn, agency_id, job_order_id, candidate_id)?)
    })
}
