//! Candidates: the people an agency places.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;

use super::export::{stream_csv, Export};
use super::json::ApiJson;
use super::query::Query;
use super::{created, if_match, journaled, parse_id, ts, versioned, Page};
use crate::auth::Caller;
use crate::db::models::candidates::{self, Candidate, CandidateFilter};
use crate::db::models::json_list;
use crate::db::{lock, Lock, Table};
use crate::domain::candidate::{CandidateInput, CandidatePatch, Signal, Status};
use crate::domain::csv::Cell;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize)]
struct SkillView {
    skill_id: String,
    name: String,
    category: String,
    years: Option<i32>,
    level: Option<&'static str>,
}

#[derive(Serialize)]
pub struct CandidateView {
    id: String,
    full_name: String,
    email: Option<String>,
    phone: Option<String>,
    location: Option<String>,
    remote_ok: bool,
    status: &'static str,
    headline: Option<String>,
    skills: Vec<SkillView>,
    certifications: Vec<String>,
    crossover_signals: Vec<Signal>,
    it_experience_months: Option<i32>,
    healthcare_experience_months: Option<i32>,
    desired_rate_cents: Option<i64>,
    min_rate_cents: Option<i64>,
    available_from: Option<NaiveDate>,
    tags: Vec<String>,
    notes: Option<String>,
    current_resume_id: Option<String>,
    created_at: String,
    updated_at: String,
    version: i32,
}

impl From<&Candidate> for CandidateView {
    fn from(c: &Candidate) -> Self {
        let r = &c.row;
        CandidateView {
            id: r.id.to_string(),
            full_name: r.full_name.clone(),
            email: r.email.clone(),
            phone: r.phone.clone(),
            location: r.location.clone(),
            remote_ok: r.remote_ok,
            status: c.status().as_str(),
            headline: r.headline.clone(),
            skills: c
                .skills
                .iter()
                .map(|s| SkillView {
                    skill_id: s.skill.id.to_string(),
                    name: s.skill.name.clone(),
                    category: s.skill.category.clone(),
                    years: s.years,
                    level: s.level.map(|l| l.as_str()),
                })
                .collect(),
            certifications: json_list(&r.certifications),
            crossover_signals: json_list(&r.crossover_signals),
            it_experience_months: r.it_experience_months,
            healthcare_experience_months: r.healthcare_experience_months,
            desired_rate_cents: r.desired_rate_cents,
            min_rate_cents: r.min_rate_cents,
            available_from: r.available_from,
            tags: json_list(&r.tags),
            notes: r.notes.clone(),
            current_resume_id: r.current_resume_id.map(|id| id.to_string()),
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
            version: r.version,
        }
    }
}

/// The resource name in the audit log and in webhook events.
const RESOURCE: &str = "candidate";

pub async fn create_candidate(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CandidateInput>,
) -> Result<HttpResponse, ApiError> {
    let draft = body.into_inner().validate()?;
    let agency_id = caller.agency_id();
    let candidate = journaled(&state, &caller, move |conn, journal| {
        let candidate = candidates::create(conn, agency_id, &draft)?;
        journal.created(RESOURCE, candidate.row.id, &CandidateView::from(&candidate), Some("candidate.created"));
        Ok(candidate)
    })
    .await?;
    Ok(created(
        &CandidateView::from(&candidate),
        format!("/api/v1/candidates/{}", candidate.row.id),
        candidate.row.version,
    ))
}

pub async fn list_candidates(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    let filter = filter(&mut q);
    if filter.search.is_some() {
        q.require_rank(&page);
    }
    q.finish()?;
    let agency_id = caller.agency_id();
    let (rows, next) =
        state.db(move |conn| Ok::<_, ApiError>(candidates::list(conn, agency_id, &filter, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::at(rows.iter().map(CandidateView::from).collect(), next)))
}

/// Every candidate the list's filters match, as CSV (most relevant first with `q`).
pub async fn export_candidates(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut q = Query::from_request(&req)?;
    q.no_paging();
    let filter = filter(&mut q);
    q.finish()?;
    let agency_id = caller.agency_id();
    let export = Export {
        filename: "candidates.csv",
        columns: CSV_COLUMNS,
        read: move |conn, page| candidates::list(conn, agency_id, &filter, page),
        row: csv_row,
    };
    stream_csv(state, &req, export).await
}

/// The list's filters, for the list and its export alike.
fn filter(q: &mut Query) -> CandidateFilter {
    CandidateFilter {
        status: q.choice("status", &["active", "placed", "archived"], Status::parse),
        skills: q.many("skill", crate::domain::skills::MAX_NAME),
        search: q.search("q", 500),
        tag: q.text("tag", 50),
        remote_ok: q.boolean("remote_ok"),
        min_rate_cents_lte: q.cents("min_rate_cents_lte"),
        min_rate_cents_gte: q.cents("min_rate_cents_gte"),
        desired_rate_cents_lte: q.cents("desired_rate_cents_lte"),
        desired_rate_cents_gte: q.cents("desired_rate_cents_gte"),
        available_before: q.date("available_before"),
    }
}

const CSV_COLUMNS: &[&str] = &[
    "id",
    "full_name",
    "email",
    "phone",
    "location",
    "remote_ok",
    "status",
    "headline",
    "skills",
    "certifications",
    "tags",
    "it_experience_months",
    "healthcare_experience_months",
    "desired_rate_cents",
    "min_rate_cents",
    "available_from",
    "current_resume_id",
    "notes",
    "created_at",
    "updated_at",
    "version",
];

fn csv_row(c: &Candidate) -> Vec<Cell<'_>> {
    let r = &c.row;
    vec![
        r.id.into(),
        r.full_name.as_str().into(),
        r.email.as_deref().into(),
        r.phone.as_deref().into(),
        r.location.as_deref().into(),
        r.remote_ok.into(),
        c.status().as_str().into(),
        r.headline.as_deref().into(),
        c.skills.iter().map(|s| s.skill.name.as_str()).collect::<Vec<_>>().join("; ").into(),
        json_list::<String>(&r.certifications).join("; ").into(),
        json_list::<String>(&r.tags).join("; ").into(),
        r.it_experience_months.into(),
        r.healthcare_experience_months.into(),
        r.desired_rate_cents.into(),
        r.min_rate_cents.into(),
        r.available_from.map(|d| d.to_string()).into(),
        r.current_resume_id.into(),
        r.notes.as_deref().into(),
        ts(r.created_at).into(),
        ts(r.updated_at).into(),
        r.version.into(),
    ]
}

pub async fn get_candidate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let candidate = state.db(move |conn| Ok::<_, ApiError>(candidates::find(conn, agency_id, id)?)).await?;
    Ok(versioned(StatusCode::OK, &CandidateView::from(&candidate), candidate.row.version))
}

pub async fn update_candidate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<CandidatePatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let patch = body.into_inner();
    let candidate = journaled(&state, &caller, move |conn, journal| {
        lock(conn, Table::Candidates, agency_id, id, Lock::Update)?;
        let before = CandidateView::from(&candidates::find(conn, agency_id, id)?);
        let after = candidates::update(conn, agency_id, id, precondition.as_ref(), &patch)?;
        journal.updated(RESOURCE, id, &before, &CandidateView::from(&after), Some("candidate.updated"));
        Ok(after)
    })
    .await?;
    Ok(versioned(StatusCode::OK, &CandidateView::from(&candidate), candidate.row.version))
}

pub async fn delete_candidate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    journaled(&state, &caller, move |conn, journal| {
        candidates::delete(conn, agency_id, id, precondition.as_ref())?;
        journal.deleted(RESOURCE, id, Some("candidate.deleted"));
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
