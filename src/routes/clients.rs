//! Clients: the healthcare organisations an agency staffs, with their budget limits.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::json::ApiJson;
use super::query::Query;
use super::{created, if_match, journaled, parse_id, ts, versioned, Page};
use crate::auth::Caller;
use crate::db::models::clients::{self, Client, ClientFilter};
use crate::db::{lock, Lock, Table};
use crate::domain::client::{ClientInput, ClientPatch, Sector};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize)]
pub struct ClientView {
    id: String,
    name: String,
    sector: &'static str,
    location: Option<String>,
    max_rate_cents: Option<i64>,
    /// `null`: the agency's default applies.
    markup_percent: Option<f64>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    notes: Option<String>,
    created_at: String,
    updated_at: String,
    version: i32,
}

impl From<&Client> for ClientView {
    fn from(c: &Client) -> Self {
        ClientView {
            id: c.id.to_string(),
            name: c.name.clone(),
            sector: c.sector().as_str(),
            location: c.location.clone(),
            max_rate_cents: c.max_rate_cents,
            markup_percent: c.markup().map(|m| m.percent()),
            contact_name: c.contact_name.clone(),
            contact_email: c.contact_email.clone(),
            notes: c.notes.clone(),
            created_at: ts(c.created_at),
            updated_at: ts(c.updated_at),
            version: c.version,
        }
    }
}

/// The resource name in the audit log and in webhook events.
const RESOURCE: &str = "client";

pub async fn create_client(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<ClientInput>,
) -> Result<HttpResponse, ApiError> {
    let draft = body.into_inner().validate()?;
    let agency_id = caller.agency_id();
    let client = journaled(&state, &caller, move |conn, journal| {
        let client = clients::create(conn, agency_id, &draft)?;
        journal.created(RESOURCE, client.id, &ClientView::from(&client), None);
        Ok(client)
    })
    .await?;
    Ok(created(&ClientView::from(&client), format!("/api/v1/clients/{}", client.id), client.version))
}

pub async fn list_clients(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    let sectors: Vec<&str> = Sector::ALL.iter().map(|s| s.as_str()).collect();
    let filter = ClientFilter {
        sector: q.choice("sector", &sectors, Sector::parse),
        q: q.text("q", 200),
        max_rate_cents_lte: q.cents("max_rate_cents_lte"),
        max_rate_cents_gte: q.cents("max_rate_cents_gte"),
    };
    q.finish()?;
    let agency_id = caller.agency_id();
    let (rows, next) = state.db(move |conn| Ok::<_, ApiError>(clients::list(conn, agency_id, &filter, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(ClientView::from).collect(), next)))
}

pub async fn get_client(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let client = state.db(move |conn| Ok::<_, ApiError>(clients::find(conn, agency_id, id)?)).await?;
    Ok(versioned(StatusCode::OK, &ClientView::from(&client), client.version))
}

pub async fn update_client(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<ClientPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let patch = body.into_inner();
    let client = journaled(&state, &caller, move |conn, journal| {
        lock(conn, Table::Clients, agency_id, id, Lock::Update)?;
        let before = ClientView::from(&clients::find(conn, agency_id, id)?);
        let after = clients::update(conn, agency_id, id, precondition.as_ref(), &patch)?;
        journal.updated(RESOURCE, id, &before, &ClientView::from(&after), None);
        Ok(after)
    })
    .await?;
    Ok(versioned(StatusCode::OK, &ClientView::from(&client), client.version))
}

pub async fn delete_client(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    journaled(&state, &caller, move |conn, journal| {
        clients::delete(conn, agency_id, id, precondition.as_ref())?;
        journal.deleted(RESOURCE, id, None);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
