//! A job order's shortlist: candidates put forward, their stage and who moved them when.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::json;

use super::json::ApiJson;
use super::query::Query;
use super::{created, if_match, journaled, parse_id, ts, versioned, Page};
use crate::auth::{Actor, Caller};
use crate::db::models::shortlist::{self, Entry};
use crate::domain::shortlist::{note, ShortlistAdd, Stage, StageChange};
use crate::error::ApiError;
use crate::service;
use crate::state::AppState;

/// Who did something: a person, or an API key acting for the agency.
#[derive(Serialize)]
struct ActorView {
    kind: &'static str,
    id: String,
    name: String,
}

impl From<(Actor, &str)> for ActorView {
    fn from((actor, name): (Actor, &str)) -> Self {
        let (kind, id) = match actor {
            Actor::User(id) => ("user", id),
            Actor::ApiKey(id) => ("api_key", id),
        };
        ActorView { kind, id: id.to_string(), name: name.to_owned() }
    }
}

#[derive(Serialize)]
struct EventView {
    from_stage: Option<String>,
    to_stage: String,
    note: Option<String>,
    by: ActorView,
    at: String,
}

#[derive(Serialize)]
pub struct EntryView {
    job_order_id: String,
    candidate_id: String,
    full_name: String,
    stage: &'static str,
    history: Vec<EventView>,
    /// The placement made when the candidate was placed.
    placement_id: Option<String>,
    created_at: String,
    updated_at: String,
    version: i32,
}

impl From<&Entry> for EntryView {
    fn from(e: &Entry) -> Self {
        EntryView {
            job_order_id: e.row.job_order_id.to_string(),
            candidate_id: e.row.candidate_id.to_string(),
            full_name: e.full_name.clone(),
            stage: e.stage().as_str(),
            history: e
                .history
                .iter()
                .map(|h| EventView {
                    from_stage: h.from_stage.clone(),
                    to_stage: h.to_stage.clone(),
                    note: h.note.clone(),
                    by: ActorView::from((h.by, h.by_name.as_str())),
                    at: ts(h.at),
                })
                .collect(),
            placement_id: e.placement_id.map(|id| id.to_string()),
            created_at: ts(e.row.created_at),
            updated_at: ts(e.row.updated_at),
            version: e.row.version,
        }
    }
}

fn location(e: &Entry) -> String {
    format!("/api/v1/job-orders/{}/shortlist/{}", e.row.job_order_id, e.row.candidate_id)
}

pub async fn add_to_shortlist(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<ShortlistAdd>,
) -> Result<HttpResponse, ApiError> {
    let job_order_id = parse_id(&id)?;
    let body = body.into_inner();
    let note = note(body.note.as_deref())?;
    let (agency_id, by) = (caller.agency_id(), caller.actor());
    let entry = journaled(&state, &caller, move |conn, journal| {
        let entry = shortlist::add(conn, agency_id, by, job_order_id, &body.candidate_id, note.as_deref())?;
        journal.created("shortlist_entry", entry.row.id, &EntryView::from(&entry), None);
        let data = json!({"job_order_id": job_order_id.to_string(), "candidate_id": entry.row.candidate_id.to_string(),
                          "from": null, "to": entry.stage().as_str()});
        journal.event("shortlist.stage_changed", "shortlist_entry", entry.row.id, data);
        Ok(entry)
    })
    .await?;
    Ok(created(&EntryView::from(&entry), location(&entry), entry.row.version))
}

pub async fn list_shortlist(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let job_order_id = parse_id(&id)?;
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    let stage = q.choice("stage", &stages, Stage::parse);
    q.finish()?;
    let agency_id = caller.agency_id();
    let (rows, next) =
        state.db(move |conn| Ok::<_, ApiError>(shortlist::list(conn, agency_id, job_order_id, stage, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(EntryView::from).collect(), next)))
}

pub async fn get_shortlisted(
    state: web::Data<AppState>,
    caller: Caller,
    ids: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (job_order_id, candidate_id) = (parse_id(&ids.0)?, parse_id(&ids.1)?);
    let agency_id = caller.agency_id();
    let entry =
        state.db(move |conn| Ok::<_, ApiError>(shortlist::find(conn, agency_id, job_order_id, candidate_id)?)).await?;
    Ok(versioned(StatusCode::OK, &EntryView::from(&entry), entry.row.version))
}

pub async fn move_shortlisted(
    state: web::Data<AppState>,
    caller: Caller,
    ids: web::Path<(String, String)>,
    req: HttpRequest,
    body: ApiJson<StageChange>,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (job_order_id, candidate_id) = (parse_id(&ids.0)?, parse_id(&ids.1)?);
    let change = body.into_inner().validate()?;
    let who = caller.who();
    let entry = state
        .db(move |conn| {
            let ids = (job_order_id, candidate_id);
            Ok::<_, ApiError>(service::shortlist::move_to(conn, &who, ids, precondition.as_ref(), &change)?)
        })
        .await?;
    Ok(versioned(StatusCode::OK, &EntryView::from(&entry), entry.row.version))
}

pub async fn remove_shortlisted(
    state: web::Data<AppState>,
    caller: Caller,
    ids: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (job_order_id, candidate_id) = (parse_id(&ids.0)?, parse_id(&ids.1)?);
    let agency_id = caller.agency_id();
    journaled(&state, &caller, move |conn, journal| {
        let entry = shortlist::find(conn, agency_id, job_order_id, candidate_id)?;
        shortlist::remove(conn, agency_id, job_order_id, candidate_id, precondition.as_ref())?;
        journal.deleted("shortlist_entry", entry.row.id, None);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The client-ready submittal of a shortlisted candidate: a PDF, or the same content as JSON
/// with `Accept: application/json`. Blind unless `blind=false`; it shows the bill rate, never
/// the pay rate, the markup or the margin.
pub async fn get_submittal(
    state: web::Data<AppState>,
    caller: Caller,
    ids: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (job_order_id, candidate_id) = (parse_id(&ids.0)?, parse_id(&ids.1)?);
    let mut q = Query::from_request(&req)?;
    let blind = q.boolean("blind").unwrap_or(true);
    q.finish()?;
    let submittal = service::submittals::prepare(&state, caller.agency_id(), job_order_id, candidate_id, blind).await?;
    let wants_json = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("application/pdf"));
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "no-store")).insert_header((header::VARY, "Accept"));
    if wants_json {
        return Ok(response.json(&submittal));
    }
    let title = format!("Candidate submittal: {}", submittal.candidate);
    let bytes = crate::pdf::render(&title, &submittal.blocks());
    Ok(response
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"submittal-{job_order_id}-{candidate_id}.pdf\""),
        ))
        .body(bytes))
}
