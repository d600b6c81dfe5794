//! The rate card: what experienced and entry-level people cost per skill or role family. Anyone
//! in the agency reads it; admins change it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::json::ApiJson;
use super::query::Query;
use super::{created, if_match, journaled, parse_id, ts, versioned, Page};
use crate::auth::{Admin, Caller};
use crate::db::models::rate_card::{self, RateCardEntry};
use crate::db::{lock, Lock, Table};
use crate::domain::rate_card::{RateCardInput, RateCardPatch};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize)]
pub struct RateCardView {
    id: String,
    skill: Option<String>,
    skill_id: Option<String>,
    role_family: Option<String>,
    experienced_rate_cents: i64,
    entry_rate_cents: Option<i64>,
    notes: Option<String>,
    created_at: String,
    updated_at: String,
    version: i32,
}

impl From<&RateCardEntry> for RateCardView {
    fn from(e: &RateCardEntry) -> Self {
        let r = &e.row;
        RateCardView {
            id: r.id.to_string(),
            skill: e.skill.as_ref().map(|s| s.name.clone()),
            skill_id: r.skill_id.map(|id| id.to_string()),
            role_family: r.role_family.clone(),
            experienced_rate_cents: r.experienced_rate_cents,
            entry_rate_cents: r.entry_rate_cents,
            notes: r.notes.clone(),
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
            version: r.version,
        }
    }
}

/// The resource name in the audit log and in webhook events.
const RESOURCE: &str = "rate_card_entry";

pub async fn create_entry(
    state: web::Data<AppState>,
    caller: Admin,
    body: ApiJson<RateCardInput>,
) -> Result<HttpResponse, ApiError> {
    let draft = body.into_inner().validate()?;
    let agency_id = caller.0.agency_id();
    let entry = journaled(&state, &caller.0, move |conn, journal| {
        let entry = rate_card::create(conn, agency_id, &draft)?;
        journal.created(RESOURCE, entry.row.id, &RateCardView::from(&entry), None);
        Ok(entry)
    })
    .await?;
    Ok(created(&RateCardView::from(&entry), format!("/api/v1/rate-card/{}", entry.row.id), entry.row.version))
}

pub async fn list_entries(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    q.finish()?;
    let agency_id = caller.agency_id();
    let (rows, next) = state.db(move |conn| Ok::<_, ApiError>(rate_card::list(conn, agency_id, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(RateCardView::from).collect(), next)))
}

pub async fn get_entry(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let entry = state.db(move |conn| Ok::<_, ApiError>(rate_card::find(conn, agency_id, id)?)).await?;
    Ok(versioned(StatusCode::OK, &RateCardView::from(&entry), entry.row.version))
}

pub async fn update_entry(
    state: web::Data<AppState>,
    caller: Admin,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<RateCardPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (agency_id, id) = (caller.0.agency_id(), parse_id(&id)?);
    let patch = body.into_inner();
    let entry = journaled(&state, &caller.0, move |conn, journal| {
        lock(conn, Table::RateCard, agency_id, id, Lock::Update)?;
        let before = RateCardView::from(&rate_card::find(conn, agency_id, id)?);
        let after = rate_card::update(conn, agency_id, id, precondition.as_ref(), &patch)?;
        journal.updated(RESOURCE, id, &before, &RateCardView::from(&after), None);
        Ok(after)
    })
    .await?;
    Ok(versioned(StatusCode::OK, &RateCardView::from(&entry), entry.row.version))
}

pub async fn delete_entry(
    state: web::Data<AppState>,
    caller: Admin,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (agency_id, id) = (caller.0.agency_id(), parse_id(&id)?);
    journaled(&state, &caller.0, move |conn, journal| {
        rate_card::delete(conn, agency_id, id, precondition.as_ref())?;
        journal.deleted(RESOURCE, id, None);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
