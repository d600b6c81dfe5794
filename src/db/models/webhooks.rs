//! Webhook endpoints, the outbox of events, and deliveries. An event is written in the
//! transaction of the change it reports, with a delivery for every endpoint subscribed to it,
//! so a rolled-back change leaves no event and a committed one cannot lose its event. Delivery
//! workers claim due deliveries with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so each
//! is sent by one instance at a time, and one resource's deliveries go out in event order.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};

use super::{finish_page, json_list, lock_checked, now, to_json, PageRequest};
use crate::db::schema::{outbox_events, webhook_deliveries as deliveries, webhook_endpoints as endpoints};
use crate::db::{write_tx, DbConnection, Table, WriteError};
use crate::domain::patch::IfMatch;
use crate::domain::webhook::{WebhookDraft, FAILING_AFTER};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = endpoints)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Endpoint {
    pub id: i64,
    pub agency_id: i64,
    pub url: String,
    pub description: Option<String>,
    pub events: String,
    pub secret: String,
    pub failing_since: Option<NaiveDateTime>,
    pub consecutive_failures: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Endpoint {
    pub fn events(&self) -> Vec<String> {
        json_list(&self.events)
    }

    pub fn draft(&self) -> WebhookDraft {
        WebhookDraft { url: self.url.clone(), events: self.events(), description: self.description.clone() }
    }
}

pub fn create(conn: &mut DbConnection, agency_id: i64, d: &WebhookDraft, secret: &str) -> QueryResult<Endpoint> {
    let at = now();
    diesel::insert_into(endpoints::table)
        .values((
            endpoints::agency_id.eq(agency_id),
            endpoints::url.eq(&d.url),
            endpoints::description.eq(d.description.as_deref()),
            endpoints::events.eq(to_json(&d.events)),
            endpoints::secret.eq(secret),
            endpoints::version.eq(1),
            endpoints::created_at.eq(at),
            endpoints::updated_at.eq(at),
        ))
        .returning(endpoints::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Endpoint> {
    endpoints::table
        .filter(endpoints::id.eq(id))
        .filter(endpoints::agency_id.eq(agency_id))
        .select(Endpoint::as_select())
        .first(conn)
}

pub fn list(conn: &mut DbConnection, agency_id: i64, page: PageRequest) -> QueryResult<(Vec<Endpoint>, Option<i64>)> {
    let mut query = endpoints::table.filter(endpoints::agency_id.eq(agency_id)).into_boxed();
    if let Some(before) = page.before {
        query = query.filter(endpoints::id.lt(before));
    }
    let rows = query.select(Endpoint::as_select()).order(endpoints::id.desc()).limit(page.limit + 1).load(conn)?;
    Ok(finish_page(rows, page, |e| e.id))
}

/// Changes the endpoint's URL, events and description by the write protocol (`change` turns the
/// current draft into the new one); a change also clears `failing` (the admin has looked at it).
pub fn update(
    conn: &mut DbConnection,
    agency_id: i64,
    id: i64,
    if_match: Option<&IfMatch>,
    change: impl Fn(WebhookDraft) -> Result<WebhookDraft, WriteError>,
) -> Result<Endpoint, WriteError> {
    write_tx(conn, |conn| {
        lock_checked(conn, Table::Webhooks, agency_id, id, if_match)?;
        let current = find(conn, agency_id, id)?;
        let d = change(current.draft())?;
        if d == current.draft() {
            return Ok(current);
        }
        Ok(diesel::update(endpoints::table.filter(endpoints::id.eq(id)).filter(endpoints::agency_id.eq(agency_id)))
            .set((
                endpoints::url.eq(&d.url),
                endpoints::description.eq(d.description.as_deref()),
                endpoints::events.eq(to_json(&d.events)),
                endpoints::failing_since.eq(None::<NaiveDateTime>),
                endpoints::consecutive_failures.eq(0),
                endpoints::version.eq(endpoints::version + 1),
                endpoints::updated_at.eq(now()),
            ))
            .returning(endpoints::all_columns)
            .get_result(conn)?)
    })
}

/// Deletes the endpoint and its delivery log; events already written stay for other endpoints.
pub fn delete(conn: &mut DbConnection, agency_id: i64, id: i64, if_match: Option<&IfMatch>) -> Result<(), WriteError> {
    write_tx(conn, |conn| {
        lock_checked(conn, Table::Webhooks, agency_id, id, if_match)?;
        diesel::delete(deliveries::table.filter(deliveries::endpoint_id.eq(id))).execute(conn)?;
        diesel::delete(endpoints::table.filter(endpoints::id.eq(id)).filter(endpoints::agency_id.eq(agency_id)))
            .execute(conn)?;
        Ok(())
    })
}

/// One event to send: its type, the resource it is about (`candidate:12`) and its JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event_type: &'static str,
    pub resource_key: String,
    pub payload: String,
}

/// Writes events to the outbox with a delivery for each endpoint of the agency subscribed to
/// them. Call inside the transaction of the change they report. Answers the event ids.
pub fn emit(conn: &mut DbConnection, agency_id: i64, events: &[NewEvent]) -> QueryResult<Vec<i64>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let subscribed: Vec<(i64, String)> = endpoints::table
        .filter(endpoints::agency_id.eq(agency_id))
        .select((endpoints::id, endpoints::events))
        .load(conn)?;
    let at = now();
    let mut ids = Vec::with_capacity(events.len());
    for event in events {
        let id: i64 = diesel::insert_into(outbox_events::table)
            .values((
                outbox_events::agency_id.eq(agency_id),
                outbox_events::event_type.eq(event.event_type),
                outbox_events::resource_key.eq(&event.resource_key),
                outbox_events::payload.eq(&event.payload),
                outbox_events::created_at.eq(at),
            ))
            .returning(outbox_events::id)
            .get_result(conn)?;
        ids.push(id);
        for (endpoint_id, types) in &subscribed {
            if json_list::<String>(types).iter().any(|t| t == event.event_type) {
                enqueue(conn, agency_id, *endpoint_id, id, &event.resource_key, at)?;
            }
        }
    }
    Ok(ids)
}

fn enqueue(
    conn: &mut DbConnection,
    agency_id: i64,
    endpoint_id: i64,
    event_id: i64,
    resource_key: &str,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(deliveries::table)
        .values((
            deliveries::agency_id.eq(agency_id),
            deliveries::endpoint_id.eq(endpoint_id),
            deliveries::event_id.eq(event_id),
            deliveries::resource_key.eq(resource_key),
            deliveries::state.eq(PENDING),
            deliveries::next_attempt_at.eq(at),
            deliveries::created_at.eq(at),
        ))
        .returning(deliveries::id)
        .get_result(conn)
}

pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deliveries)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Delivery {
    pub id: i64,
    pub agency_id: i64,
    pub endpoint_id: i64,
    pub event_id: i64,
    pub resource_key: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_latency_ms: Option<i32>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A delivery with its event, as shown in the endpoint's log.
#[derive(Debug, Clone)]
pub struct Logged {
    pub delivery: Delivery,
    pub event_type: String,
}

/// The endpoint's deliveries, newest first.
pub fn deliveries(
    conn: &mut DbConnection,
    agency_id: i64,
    endpoint_id: i64,
    page: PageRequest,
) -> QueryResult<(Vec<Logged>, Option<i64>)> {
    find(conn, agency_id, endpoint_id)?;
    let mut query = deliveries::table
        .inner_join(outbox_events::table)
        .filter(deliveries::endpoint_id.eq(endpoint_id))
        .filter(deliveries::agency_id.eq(agency_id))
        .into_boxed();
    if let Some(before) = page.before {
        query = query.filter(deliveries::id.lt(before));
    }
    let rows: Vec<(Delivery, String)> = query
        .select((Delivery::as_select(), outbox_events::event_type))
        .order(deliveries::id.desc())
        .limit(page.limit + 1)
        .load(conn)?;
    let (rows, next) = finish_page(rows, page, |(d, _)| d.id);
    Ok((rows.into_iter().map(|(delivery, event_type)| Logged { delivery, event_type }).collect(), next))
}

pub fn delivery(conn: &mut DbConnection, agency_id: i64, endpoint_id: i64, id: i64) -> QueryResult<Logged> {
    let (delivery, event_type) = deliveries::table
        .inner_join(outbox_events::table)
        .filter(deliveries::id.eq(id))
        .filter(deliveries::endpoint_id.eq(endpoint_id))
        .filter(deliveries::agency_id.eq(agency_id))
        .select((Delivery::as_select(), outbox_events::event_type))
        .first(conn)?;
    Ok(Logged { delivery, event_type })
}

/// Sends a delivery again as soon as a worker is free: a failed one gets a new series of
/// attempts; a pending one is moved forward; a delivered one is sent once more. Answers it.
pub fn retry(conn: &mut DbConnection, agency_id: i64, endpoint_id: i64, id: i64) -> Result<Logged, WriteError> {
    write_tx(conn, |conn| {
        delivery(conn, agency_id, endpoint_id, id)?;
        diesel::update(deliveries::table.filter(deliveries::id.eq(id)))
            .set((
                deliveries::state.eq(PENDING),
                deliveries::attempts.eq(0),
                deliveries::next_attempt_at.eq(now()),
                deliveries::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        Ok(delivery(conn, agency_id, endpoint_id, id)?)
    })
}

/// A test event for one endpoint (whatever it subscribes to), sent like any other.
pub fn ping(conn: &mut DbConnection, agency_id: i64, endpoint_id: i64, payload: &str) -> Result<Logged, WriteError> {
    write_tx(conn, |conn| {
        find(conn, agency_id, endpoint_id)?;
        let at = now();
        let event_id: i64 = diesel::insert_into(outbox_events::table)
            .values((
                outbox_events::agency_id.eq(agency_id),
                outbox_events::event_type.eq("webhook.test"),
                outbox_events::resource_key.eq(format!("webhook:{endpoint_id}")),
                outbox_events::payload.eq(payload),
                outbox_events::created_at.eq(at),
            ))
            .returning(outbox_events::id)
            .get_result(conn)?;
        let id = enqueue(conn, agency_id, endpoint_id, event_id, &format!("webhook:{endpoint_id}"), at)?;
        Ok(delivery(conn, agency_id, endpoint_id, id)?)
    })
}

/// What a worker needs to send one delivery.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub event_id: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub url: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub secret: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub payload: String,
}

/// Claims up to `limit` due deliveries until `lease_until`: pending, due, not claimed by a live
/// worker, and the oldest pending one of their endpoint and resource (so one resource's events
/// arrive in order). Each claim counts as an attempt.
pub fn claim(
    conn: &mut DbConnection,
    at: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Claimed>, WriteError> {
    let skip_locked = matches!(conn, DbConnection::Postgresql(_));
    let sql = format!(
        "UPDATE webhook_deliveries SET locked_until = $1, attempts = attempts + 1, last_attempt_at = $2
         WHERE id IN (
             SELECT d.id FROM webhook_deliveries d
             WHERE d.state = 'pending' AND d.next_attempt_at <= $2
               AND (d.locked_until IS NULL OR d.locked_until < $2)
               AND NOT EXISTS (
                   SELECT 1 FROM webhook_deliveries e
                   WHERE e.endpoint_id = d.endpoint_id AND e.resource_key = d.resource_key
                     AND e.state = 'pending' AND e.id < d.id)
             ORDER BY d.id LIMIT $3 {})
         RETURNING id, event_id, attempts,
             (SELECT url FROM webhook_endpoints w WHERE w.id = webhook_deliveries.endpoint_id) AS url,
             (SELECT secret FROM webhook_endpoints w WHERE w.id = webhook_deliveries.endpoint_id) AS secret,
             (SELECT payload FROM outbox_events o WHERE o.id = webhook_deliveries.event_id) AS payload",
        if skip_locked { "FOR UPDATE SKIP LOCKED" } else { "" }
    );
    // SQLite numbers its parameters `?1`, `?2`, …
    let sql = if skip_locked { sql } else { sql.replace('$', "?") };
    write_tx(conn, |conn| {
        Ok::<_, WriteError>(
            diesel::sql_query(sql.as_str())
                .bind::<Timestamp, _>(lease_until)
                .bind::<Timestamp, _>(at)
                .bind::<BigInt, _>(limit)
                .load(conn)?,
        )
    })
}

/// How one attempt went.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub status: Option<i32>,
    pub error: Option<String>,
    pub latency_ms: i32,
    /// When to try again after a failure; `None` when it succeeded or there is no next attempt.
    pub retry_at: Option<NaiveDateTime>,
    pub succeeded: bool,
}

/// Records an attempt: delivered, pending again (with its next time), or failed for good; and
/// the endpoint's run of failures (it shows as failing after [`FAILING_AFTER`] in a row).
pub fn finish(conn: &mut DbConnection, id: i64, attempt: &Attempt) -> Result<(), WriteError> {
    write_tx(conn, |conn| {
        let state = match (attempt.succeeded, attempt.retry_at) {
            (true, _) => DELIVERED,
            (false, Some(_)) => PENDING,
            (false, None) => FAILED,
        };
        // Only a delivery still claimed: one an admin sent again meanwhile (`retry` releases the
        // claim) starts its new series of attempts instead of taking this outcome.
        let claimed = deliveries::table.filter(deliveries::id.eq(id)).filter(deliveries::locked_until.is_not_null());
        let Some(endpoint_id) = diesel::update(claimed)
            .set((
                deliveries::state.eq(state),
                deliveries::locked_until.eq(None::<NaiveDateTime>),
                deliveries::next_attempt_at.eq(attempt.retry_at.unwrap_or_else(now)),
                deliveries::last_status.eq(attempt.status),
                deliveries::last_error.eq(attempt.error.as_deref()),
                deliveries::last_latency_ms.eq(attempt.latency_ms),
            ))
            .returning(deliveries::endpoint_id)
            .get_result::<i64>(conn)
            .optional()?
        else {
            return Ok(());
        };
        if attempt.succeeded {
            diesel::update(endpoints::table.find(endpoint_id))
                .set((endpoints::consecutive_failures.eq(0), endpoints::failing_since.eq(None::<NaiveDateTime>)))
                .execute(conn)?;
        } else {
            let failures: i32 = diesel::update(endpoints::table.find(endpoint_id))
                .set(endpoints::consecutive_failures.eq(endpoints::consecutive_failures + 1))
                .returning(endpoints::consecutive_failures)
                .get_result(conn)?;
            if failures >= FAILING_AFTER {
                diesel::update(endpoints::table.find(endpoint_id).filter(endpoints::failing_since.is_null()))
                    .set(endpoints::failing_since.eq(Some(now())))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

/// Deletes finished deliveries (delivered or failed) made before `before`, and the events
/// before then that no delivery needs any more and that match alerts have evaluated (at or
/// below `evaluated`). Answers how many rows went.
pub fn purge(conn: &mut DbConnection, before: NaiveDateTime, evaluated: i64) -> QueryResult<usize> {
    let finished = diesel::delete(
        deliveries::table.filter(deliveries::state.ne(PENDING)).filter(deliveries::created_at.lt(before)),
    )
    .execute(conn)?;
    let needed = deliveries::table.select(deliveries::event_id);
    let events = diesel::delete(
        outbox_events::table
            .filter(outbox_events::created_at.lt(before))
            .filter(outbox_events::id.le(evaluated))
            .filter(outbox_events::id.ne_all(needed)),
    )
    .execute(conn)?;
    Ok(finished + events)
}
