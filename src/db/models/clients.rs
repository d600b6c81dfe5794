//! Clients: healthcare organisations and their default budget limits.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{contains_pattern, finish_page, now, search_text, PageRequest};
use crate::db::schema::{clients, job_orders};
use crate::db::{write_tx, DbConnection};
use crate::domain::client::{ClientDraft, ClientPatch, Sector};
use crate::domain::patch::IfMatch;
use crate::error::ApiError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = clients)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Client {
    pub id: i64,
    pub agency_id: i64,
    pub name: String,
    pub sector: String,
    pub location: Option<String>,
    pub max_rate_cents: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub notes: Option<String>,
    pub search_text: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Client {
    pub fn to_draft(&self) -> ClientDraft {
        ClientDraft {
            name: self.name.clone(),
            sector: Sector::parse(&self.sector).unwrap_or(Sector::Other),
            location: self.location.clone(),
            max_rate_cents: self.max_rate_cents,
            contact_name: self.contact_name.clone(),
            contact_email: self.contact_email.clone(),
            notes: self.notes.clone(),
        }
    }
}

fn client_search_text(d: &ClientDraft) -> String {
    let mut parts = vec![d.name.as_str()];
    parts.extend([&d.location, &d.contact_name, &d.contact_email].into_iter().flatten().map(String::as_str));
    search_text(parts)
}

pub fn create(conn: &mut DbConnection, agency_id: i64, d: &ClientDraft) -> QueryResult<Client> {
    let at = now();
    diesel::insert_into(clients::table)
        .values((
            clients::agency_id.eq(agency_id),
            clients::name.eq(&d.name),
            clients::sector.eq(d.sector.as_str()),
            clients::location.eq(&d.location),
            clients::max_rate_cents.eq(d.max_rate_cents),
            clients::contact_name.eq(&d.contact_name),
            clients::contact_email.eq(&d.contact_email),
            clients::notes.eq(&d.notes),
            clients::search_text.eq(client_search_text(d)),
            clients::version.eq(1),
            clients::created_at.eq(at),
            clients::updated_at.eq(at),
        ))
        .returning(clients::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Client> {
    clients::table
        .filter(clients::id.eq(id))
        .filter(clients::agency_id.eq(agency_id))
        .select(Client::as_select())
        .first(conn)
}

#[derive(Debug, Default, Clone)]
pub struct ClientFilter {
    pub sector: Option<Sector>,
    pub q: Option<String>,
    pub max_rate_cents_lte: Option<i64>,
    pub max_rate_cents_gte: Option<i64>,
}

pub fn list(
    conn: &mut DbConnection,
    agency_id: i64,
    f: &ClientFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Client>, Option<i64>)> {
    let mut query = clients::table.filter(clients::agency_id.eq(agency_id)).select(Client::as_select()).into_boxed();
    if let Some(sector) = f.sector {
        query = query.filter(clients::sector.eq(sector.as_str()));
    }
    if let Some(q) = &f.q {
        for word in q.to_lowercase().split_whitespace() {
            query = query.filter(clients::search_text.like(contains_pattern(word)).escape('\\'));
        }
    }
    if let Some(v) = f.max_rate_cents_lte {
        query = query.filter(clients::max_rate_cents.le(v));
    }
    if let Some(v) = f.max_rate_cents_gte {
        query = query.filter(clients::max_rate_cents.ge(v));
    }
    if let Some(before) = page.before {
        query = query.filter(clients::id.lt(before));
    }
    let rows = query.order(clients::id.desc()).limit(page.limit + 1).load(conn)?;
    Ok(finish_page(rows, page, |c| c.id))
}

pub fn update(
    conn: &mut DbConnection,
    agency_id: i64,
    id: i64,
    if_match: Option<&IfMatch>,
    patch: ClientPatch,
) -> Result<Client, ApiError> {
    write_tx(conn, |conn| {
        let current = find(conn, agency_id, id)?;
        if if_match.is_some_and(|m| !m.allows(current.version)) {
            return Err(ApiError::PreconditionFailed { current_version: current.version });
        }
        let d = patch.apply(current.to_draft())?;
        if d == current.to_draft() {
            return Ok(current);
        }
        diesel::update(clients::table.filter(clients::id.eq(id)).filter(clients::version.eq(current.version)))
            .set((
                clients::name.eq(&d.name),
                clients::sector.eq(d.sector.as_str()),
                clients::location.eq(&d.location),
                clients::max_rate_cents.eq(d.max_rate_cents),
                clients::contact_name.eq(&d.contact_name),
                clients::contact_email.eq(&d.contact_email),
                clients::notes.eq(&d.notes),
                clients::search_text.eq(client_search_text(&d)),
                clients::version.eq(current.version + 1),
                clients::updated_at.eq(now()),
            ))
            .returning(clients::all_columns)
            .get_result(conn)
            .optional()?
            .ok_or(ApiError::PreconditionFailed { current_version: current.version + 1 })
    })
}

/// Deletes a client that has no job orders; one with job orders answers 409.
pub fn delete(conn: &mut DbConnection, agency_id: i64, id: i64, if_match: Option<&IfMatch>) -> Result<(), ApiError> {
    write_tx(conn, |conn| {
        let current = find(conn, agency_id, id)?;
        if if_match.is_some_and(|m| !m.allows(current.version)) {
            return Err(ApiError::PreconditionFailed { current_version: current.version });
        }
        let orders: i64 = job_orders::table.filter(job_orders::client_id.eq(id)).count().get_result(conn)?;
        if orders > 0 {
            return Err(ApiError::Conflict {
                detail: format!("The client still has {orders} job order(s); delete them first."),
                existing_id: None,
            });
        }
        diesel::delete(clients::table.filter(clients::id.eq(id)).filter(clients::agency_id.eq(agency_id)))
            .execute(conn)?;
        Ok(())
    })
}
