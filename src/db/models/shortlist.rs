//! Shortlists: candidates put forward for a job order, their stage and its history.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{candidates, finish_page, now, PageRequest};
use crate::db::schema::{
    candidates as candidate_rows, job_orders, shortlist_entries as entries, shortlist_events as events, users,
};
use crate::db::{write_tx, DbConnection};
use crate::domain::candidate::{CandidatePatch, Status};
use crate::domain::patch::IfMatch;
use crate::domain::shortlist::Stage;
use crate::error::ApiError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = entries)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct EntryRow {
    pub id: i64,
    pub agency_id: i64,
    pub job_order_id: i64,
    pub candidate_id: i64,
    pub stage: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub note: Option<String>,
    pub user_id: i64,
    pub user_name: String,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub row: EntryRow,
    pub full_name: String,
    pub history: Vec<Event>,
}

impl Entry {
    pub fn stage(&self) -> Stage {
        Stage::parse(&self.row.stage).unwrap_or(Stage::Shortlisted)
    }
}

/// An event with its entry and the user who made it, as read.
type EventRow = (i64, Option<String>, String, Option<String>, i64, String, NaiveDateTime);

/// The agency's job order, or 404.
fn job_order(conn: &mut DbConnection, agency_id: i64, job_order_id: i64) -> Result<(), ApiError> {
    job_orders::table
        .filter(job_orders::id.eq(job_order_id))
        .filter(job_orders::agency_id.eq(agency_id))
        .select(job_orders::id)
        .first::<i64>(conn)?;
    Ok(())
}

fn record(
    conn: &mut DbConnection,
    entry_id: i64,
    from: Option<Stage>,
    to: Stage,
    note: Option<&str>,
    user_id: i64,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(events::table)
        .values((
            events::entry_id.eq(entry_id),
            events::from_stage.eq(from.map(Stage::as_str)),
            events::to_stage.eq(to.as_str()),
            events::note.eq(note),
            events::user_id.eq(user_id),
            events::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

fn with_history(conn: &mut DbConnection, rows: Vec<EntryRow>) -> QueryResult<Vec<Entry>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let candidate_ids: Vec<i64> = rows.iter().map(|r| r.candidate_id).collect();
    let names: std::collections::HashMap<i64, String> = candidate_rows::table
        .filter(candidate_rows::id.eq_any(&candidate_ids))
        .select((candidate_rows::id, candidate_rows::full_name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let found: Vec<EventRow> = events::table
        .inner_join(users::table)
        .filter(events::entry_id.eq_any(&ids))
        .order((events::entry_id, events::id))
        .select((
            events::entry_id,
            events::from_stage,
            events::to_stage,
            events::note,
            users::id,
            users::name,
            events::at,
        ))
        .load(conn)?;
    let mut by_entry: std::collections::HashMap<i64, Vec<Event>> = std::collections::HashMap::new();
    for (entry_id, from_stage, to_stage, note, user_id, user_name, at) in found {
        by_entry.entry(entry_id).or_default().push(Event { from_stage, to_stage, note, user_id, user_name, at });
    }
    Ok(rows
        .into_iter()
        .map(|row| Entry {
            full_name: names.get(&row.candidate_id).cloned().unwrap_or_default(),
            history: by_entry.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// The stage of each of these candidates on the job order's shortlist, for those on it.
pub fn stages(
    conn: &mut DbConnection,
    agency_id: i64,
    job_order_id: i64,
    candidate_ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = entries::table
        .filter(entries::agency_id.eq(agency_id))
        .filter(entries::job_order_id.eq(job_order_id))
        .filter(entries::candidate_id.eq_any(candidate_ids))
        .select((entries::candidate_id, entries::stage))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Puts the agency's candidate on the job order's shortlist.
pub fn add(
    conn: &mut DbConnection,
    agency_id: i64,
    user_id: i64,
    job_order_id: i64,
    candidate_id: &str,
    note: Option<&str>,
) -> Result<Entry, ApiError> {
    write_tx(conn, |conn| {
        job_order(conn, agency_id, job_order_id)?;
        let unknown = || ApiError::validation("candidate_id", "is not one of your candidates");
        let candidate_id: i64 = candidate_id.trim().parse().map_err(|_| unknown())?;
        candidate_rows::table
            .filter(candidate_rows::id.eq(candidate_id))
            .filter(candidate_rows::agency_id.eq(agency_id))
            .select(candidate_rows::id)
            .first::<i64>(conn)
            .optional()?
            .ok_or_else(unknown)?;
        let existing: Option<i64> = entries::table
            .filter(entries::job_order_id.eq(job_order_id))
            .filter(entries::candidate_id.eq(candidate_id))
            .select(entries::id)
            .first(conn)
            .optional()?;
        if existing.is_some() {
            return Err(ApiError::Conflict {
                detail: "The candidate is already on this job order's shortlist.".into(),
                existing_id: Some(candidate_id.to_string()),
            });
        }
        let at = now();
        let row: EntryRow = diesel::insert_into(entries::table)
            .values((
                entries::agency_id.eq(agency_id),
                entries::job_order_id.eq(job_order_id),
                entries::candidate_id.eq(candidate_id),
                entries::stage.eq(Stage::Shortlisted.as_str()),
                entries::version.eq(1),
                entries::created_at.eq(at),
                entries::updated_at.eq(at),
            ))
            .returning(entries::all_columns)
            .get_result(conn)?;
        record(conn, row.id, None, Stage::Shortlisted, note, user_id, at)?;
        Ok(with_history(conn, vec![row])?.remove(0))
    })
}

pub fn find(conn: &mut DbConnection, agency_id: i64, job_order_id: i64, candidate_id: i64) -> Result<Entry, ApiError> {
    job_order(conn, agency_id, job_order_id)?;
    let row = entries::table
        .filter(entries::agency_id.eq(agency_id))
        .filter(entries::job_order_id.eq(job_order_id))
        .filter(entries::candidate_id.eq(candidate_id))
        .select(EntryRow::as_select())
        .first(conn)?;
    Ok(with_history(conn, vec![row])?.remove(0))
}

pub fn list(
    conn: &mut DbConnection,
    agency_id: i64,
    job_order_id: i64,
    stage: Option<Stage>,
    page: PageRequest,
) -> Result<(Vec<Entry>, Option<i64>), ApiError> {
    job_order(conn, agency_id, job_order_id)?;
    let mut query = entries::table
        .filter(entries::agency_id.eq(agency_id))
        .filter(entries::job_order_id.eq(job_order_id))
        .into_boxed();
    if let Some(stage) = stage {
        query = query.filter(entries::stage.eq(stage.as_str()));
    }
    if let Some(before) = page.before {
        query = query.filter(entries::id.lt(before));
    }
    let rows = query.select(EntryRow::as_select()).order(entries::id.desc()).limit(page.limit + 1).load(conn)?;
    let (rows, next) = finish_page(rows, page, |r| r.id);
    Ok((with_history(conn, rows)?, next))
}

/// Moves the candidate to another stage, recording who did it; placing a candidate also sets
/// their status to placed, in the same transaction.
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
) -> Result<Entry, ApiError> {
    write_tx(conn, |conn| {
        let current = find(conn, agency_id, job_order_id, candidate_id)?;
        if if_match.is_some_and(|m| !m.allows(current.row.version)) {
            return Err(ApiError::PreconditionFailed { current_version: current.row.version });
        }
        let from = current.stage();
        if from == to && note.is_none() {
            return Ok(current);
        }
        if from != to {
            if let Some(why) = from.refuse_move(to) {
                return Err(ApiError::Conflict {
                    detail: format!("Cannot move to {}: {why}.", to.as_str()),
                    existing_id: None,
                });
            }
        }
        let at = now();
        diesel::update(entries::table.filter(entries::id.eq(current.row.id)))
            .set((
                entries::stage.eq(to.as_str()),
                entries::version.eq(current.row.version + 1),
                entries::updated_at.eq(at),
            ))
            .execute(conn)?;
        record(conn, current.row.id, Some(from), to, note, user_id, at)?;
        if to == Stage::Placed && from != Stage::Placed {
            let patch = CandidatePatch { status: Some(Some(Status::Placed)), ..Default::default() };
            candidates::update(conn, agency_id, candidate_id, None, patch)?;
        }
        find(conn, agency_id, job_order_id, candidate_id)
    })
}

pub fn remove(
    conn: &mut DbConnection,
    agency_id: i64,
    job_order_id: i64,
    candidate_id: i64,
    if_match: Option<&IfMatch>,
) -> Result<(), ApiError> {
    write_tx(conn, |conn| {
        let current = find(conn, agency_id, job_order_id, candidate_id)?;
        if if_match.is_some_and(|m| !m.allows(current.row.version)) {
            return Err(ApiError::PreconditionFailed { current_version: current.row.version });
        }
        diesel::delete(entries::table.filter(entries::id.eq(current.row.id))).execute(conn)?;
        Ok(())
    })
}
