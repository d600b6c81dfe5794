//! Shortlists: candidates put forward for a job order, their stage and its history.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{finish_page, lock_checked, lost, now, unique, PageRequest};
use crate::db::schema::{
    api_keys, candidates as candidate_rows, job_orders, placements, shortlist_entries as entries,
    shortlist_events as events, users,
};
use crate::db::{lock, write_tx, DbConnection, Lock, Table, WriteError};
use crate::domain::patch::IfMatch;
use crate::domain::shortlist::Stage;
use crate::domain::{Actor, Stored};

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
    /// Who moved it, and their name (a person's, or the API key's).
    pub by: Actor,
    pub by_name: String,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub row: EntryRow,
    pub full_name: String,
    pub history: Vec<Event>,
    /// The placement made when the candidate reached `placed`.
    pub placement_id: Option<i64>,
}

impl Entry {
    pub fn stage(&self) -> Stage {
        Stage::from_stored(&self.row.stage)
    }
}

/// An event with its entry and the user or key that made it, as read.
type EventRow = (
    i64,
    Option<String>,
    String,
    Option<String>,
    (Option<i64>, Option<String>),
    (Option<i64>, Option<String>),
    NaiveDateTime,
);

/// The agency's job order, or 404.
fn job_order(conn: &mut DbConnection, agency_id: i64, job_order_id: i64) -> QueryResult<()> {
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
    by: Actor,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(events::table)
        .values((
            events::entry_id.eq(entry_id),
            events::from_stage.eq(from.map(Stage::as_str)),
            events::to_stage.eq(to.as_str()),
            events::note.eq(note),
            events::user_id.eq(by.user_id()),
            events::api_key_id.eq(by.api_key_id()),
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
        .left_join(users::table)
        .left_join(api_keys::table)
        .filter(events::entry_id.eq_any(&ids))
        .order((events::entry_id, events::id))
        .select((
            events::entry_id,
            events::from_stage,
            events::to_stage,
            events::note,
            (users::id.nullable(), users::name.nullable()),
            (api_keys::id.nullable(), api_keys::name.nullable()),
            events::at,
        ))
        .load(conn)?;
    let placed: std::collections::HashMap<(i64, i64), i64> = placements::table
        .filter(placements::job_order_id.eq_any(rows.iter().map(|r| r.job_order_id).collect::<Vec<_>>()))
        .filter(placements::candidate_id.eq_any(&candidate_ids))
        .select((placements::job_order_id, placements::candidate_id, placements::id))
        .load::<(i64, i64, i64)>(conn)?
        .into_iter()
        .map(|(job_order, candidate, id)| ((job_order, candidate), id))
        .collect();
    let mut by_entry: std::collections::HashMap<i64, Vec<Event>> = std::collections::HashMap::new();
    for (entry_id, from_stage, to_stage, note, user, key, at) in found {
        let (by, by_name) = match (user, key) {
            ((Some(id), name), _) => (Actor::User(id), name.unwrap_or_default()),
            (_, (Some(id), name)) => (Actor::ApiKey(id), name.unwrap_or_default()),
            _ => continue,
        };
        by_entry.entry(entry_id).or_default().push(Event { from_stage, to_stage, note, by, by_name, at });
    }
    Ok(rows
        .into_iter()
        .map(|row| Entry {
            full_name: names.get(&row.candidate_id).cloned().unwrap_or_default(),
            history: by_entry.remove(&row.id).unwrap_or_default(),
            placement_id: placed.get(&(row.job_order_id, row.candidate_id)).copied(),
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

const ON_IT: &str = "The candidate is already on this job order's shortlist.";

fn entry_id(conn: &mut DbConnection, job_order_id: i64, candidate_id: i64) -> QueryResult<Option<i64>> {
    entries::table
        .filter(entries::job_order_id.eq(job_order_id))
        .filter(entries::candidate_id.eq(candidate_id))
        .select(entries::id)
        .first(conn)
        .optional()
}

/// Puts the agency's candidate on the job order's shortlist. Both are share-locked while the
/// entry is written, so neither can be deleted under it.
pub fn add(
    conn: &mut DbConnection,
    agency_id: i64,
    by: Actor,
    job_order_id: i64,
    candidate_id: &str,
    note: Option<&str>,
) -> Result<Entry, WriteError> {
    write_tx(conn, |conn| {
        lock(conn, Table::JobOrders, agency_id, job_order_id, Lock::Share)?.ok_or(WriteError::NotFound)?;
        let unknown = || WriteError::invalid("candidate_id", "is not one of your candidates");
        let candidate_id: i64 = candidate_id.trim().parse().map_err(|_| unknown())?;
        lock(conn, Table::Candidates, agency_id, candidate_id, Lock::Share)?.ok_or_else(unknown)?;
        if entry_id(conn, job_order_id, candidate_id)?.is_some() {
            return Err(WriteError::Conflict { detail: ON_IT.into(), existing_id: Some(candidate_id) });
        }
        let at = now();
        let row: EntryRow = unique(
            conn,
            |conn| {
                diesel::insert_into(entries::table)
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
                    .get_result(conn)
            },
            |_| Ok(Some(candidate_id)),
            ON_IT,
        )?;
        record(conn, row.id, None, Stage::Shortlisted, note, by, at)?;
        Ok(with_history(conn, vec![row])?.remove(0))
    })
}

pub fn find(conn: &mut DbConnection, agency_id: i64, job_order_id: i64, candidate_id: i64) -> QueryResult<Entry> {
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
) -> QueryResult<(Vec<Entry>, Option<i64>)> {
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

/// A stage change as made: the entry afterwards and the stage it left.
pub struct Moved {
    pub entry: Entry,
    pub from: Stage,
}

/// Moves the candidate to another stage by the write protocol (the entry's row locked, its
/// version checked against `if_match`), recording who did it. Runs inside the caller's write
/// transaction; what the move means for the candidate is the caller's (`service::shortlist`).
#[allow(clippy::too_many_arguments)]
pub fn move_to(
    conn: &mut DbConnection,
    agency_id: i64,
    by: Actor,
    job_order_id: i64,
    candidate_id: i64,
    if_match: Option<&IfMatch>,
    to: Stage,
    note: Option<&str>,
) -> Result<Moved, WriteError> {
    job_order(conn, agency_id, job_order_id)?;
    let id = entry_id(conn, job_order_id, candidate_id)?.ok_or(WriteError::NotFound)?;
    lock_checked(conn, Table::Shortlist, agency_id, id, if_match)?;
    let current = find(conn, agency_id, job_order_id, candidate_id)?;
    let from = current.stage();
    if from == to && note.is_none() {
        return Ok(Moved { entry: current, from });
    }
    if from != to {
        if let Some(why) = from.refuse_move(to) {
            return Err(WriteError::conflict(format!("Cannot move to {}: {why}.", to.as_str())));
        }
    }
    let at = now();
    let changed =
        diesel::update(entries::table.filter(entries::id.eq(id)).filter(entries::version.eq(current.row.version)))
            .set((
                entries::stage.eq(to.as_str()),
                entries::version.eq(entries::version + 1),
                entries::updated_at.eq(at),
            ))
            .execute(conn)?;
    if changed == 0 {
        return Err(lost(conn, Table::Shortlist, agency_id, id));
    }
    record(conn, id, Some(from), to, note, by, at)?;
    Ok(Moved { entry: find(conn, agency_id, job_order_id, candidate_id)?, from })
}

pub fn remove(
    conn: &mut DbConnection,
    agency_id: i64,
    job_order_id: i64,
    candidate_id: i64,
    if_match: Option<&IfMatch>,
) -> Result<(), WriteError> {
    write_tx(conn, |conn| {
        job_order(conn, agency_id, job_order_id)?;
        let id = entry_id(conn, job_order_id, candidate_id)?.ok_or(WriteError::NotFound)?;
        lock_checked(conn, Table::Shortlist, agency_id, id, if_match)?;
        diesel::delete(entries::table.filter(entries::id.eq(id))).execute(conn)?;
        Ok(())
    })
}
