//! The audit log: who changed what, and when. An entry is written in the transaction of the
//! change it records (see `service::journal`), names fields but never their values, and is kept
//! for the configured period.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{finish_page, json_list, now, to_json, PageRequest};
use crate::db::schema::audit_events;
use crate::db::DbConnection;
use crate::domain::Actor;

/// Who makes a change, for whom, and in which request.
#[derive(Debug, Clone)]
pub struct Who {
    pub agency_id: i64,
    pub actor: Actor,
    pub request_id: Option<String>,
}

/// One change to one record.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `candidate`, `job_order`, `shortlist_entry`, …
    pub resource: &'static str,
    pub id: i64,
    /// `created`, `updated`, `deleted`, or what else happened (`merged`, `revoked`, …).
    pub action: &'static str,
    /// The names of the fields the change set, sorted.
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct AuditEvent {
    pub id: i64,
    pub agency_id: i64,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub resource: String,
    pub resource_id: i64,
    pub action: String,
    pub fields: String,
    pub request_id: Option<String>,
    pub at: NaiveDateTime,
}

impl AuditEvent {
    pub fn fields(&self) -> Vec<String> {
        json_list(&self.fields)
    }
}

fn actor_columns(actor: Actor) -> (&'static str, i64) {
    match actor {
        Actor::User(id) => ("user", id),
        Actor::ApiKey(id) => ("api_key", id),
    }
}

pub fn record(conn: &mut DbConnection, who: &Who, changes: &[Change]) -> QueryResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let (kind, actor_id) = actor_columns(who.actor);
    let at = now();
    let rows: Vec<_> = changes
        .iter()
        .map(|c| {
            (
                audit_events::agency_id.eq(who.agency_id),
                audit_events::actor_kind.eq(kind),
                audit_events::actor_id.eq(Some(actor_id)),
                audit_events::resource.eq(c.resource),
                audit_events::resource_id.eq(c.id),
                audit_events::action.eq(c.action),
                audit_events::fields.eq(to_json(&c.fields)),
                audit_events::request_id.eq(who.request_id.as_deref()),
                audit_events::at.eq(at),
            )
        })
        .collect();
    crate::db::with_backend!(conn, |c| diesel::insert_into(audit_events::table).values(&rows).execute(c))?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<Actor>,
    pub resource: Option<String>,
    pub resource_id: Option<i64>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// The agency's entries, newest first.
pub fn list(
    conn: &mut DbConnection,
    agency_id: i64,
    filter: &AuditFilter,
    page: PageRequest,
) -> QueryResult<(Vec<AuditEvent>, Option<i64>)> {
    let mut query = audit_events::table.filter(audit_events::agency_id.eq(agency_id)).into_boxed();
    if let Some(actor) = filter.actor {
        let (kind, id) = actor_columns(actor);
        query = query.filter(audit_events::actor_kind.eq(kind)).filter(audit_events::actor_id.eq(id));
    }
    if let Some(resource) = &filter.resource {
        query = query.filter(audit_events::resource.eq(resource.clone()));
    }
    if let Some(id) = filter.resource_id {
        query = query.filter(audit_events::resource_id.eq(id));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_events::at.lt(until));
    }
    if let Some(before) = page.before {
        query = query.filter(audit_events::id.lt(before));
    }
    let rows = query.select(AuditEvent::as_select()).order(audit_events::id.desc()).limit(page.limit + 1).load(conn)?;
    Ok(finish_page(rows, page, |e| e.id))
}

/// Deletes the entries older than `before`, a batch at a time; answers how many went.
pub fn purge(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    let ids: Vec<i64> =
        audit_events::table.filter(audit_events::at.lt(before)).select(audit_events::id).limit(10_000).load(conn)?;
    diesel::delete(audit_events::table.filter(audit_events::id.eq_any(ids))).execute(conn)
}
