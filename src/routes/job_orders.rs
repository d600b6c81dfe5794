//! Job orders: roles at clients, with the skills they need and their budget.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::export::{stream_csv, unranked, Export};
use super::json::ApiJson;
use super::query::Query;
use super::{created, if_match, journaled, parse_id, ts, versioned, Page};
use crate::auth::Caller;
use crate::db::models::job_orders::{self, JobOrder, JobOrderFilter};
use crate::db::{lock, Lock, Table};
use crate::domain::csv::Cell;
use crate::domain::job_order::{JobOrderInput, JobOrderPatch, Status};
use crate::domain::money::Markup;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize)]
struct SkillNeedView {
    skill_id: String,
    name: String,
    category: String,
    weight: i32,
    min_years: i32,
}

#[derive(Serialize)]
pub struct JobOrderView {
    id: String,
    client_id: String,
    title: String,
    description: Option<String>,
    required_skills: Vec<SkillNeedView>,
    nice_to_have_skills: Vec<SkillNeedView>,
    max_rate_cents: Option<i64>,
    effective_max_rate_cents: Option<i64>,
    /// `null`: the client's markup applies, else the agency's default.
    markup_percent: Option<f64>,
    effective_markup_percent: f64,
    markup_source: &'static str,
    /// Standing match alerts on this job order.
    alerts: bool,
    alert_min_score: Option<f64>,
    location: Option<String>,
    remote: bool,
    duration_months: Option<i32>,
    status: &'static str,
    created_at: String,
    updated_at: String,
    version: i32,
}

impl From<&JobOrder> for JobOrderView {
    fn from(j: &JobOrder) -> Self {
        let needs = |required: bool| {
            j.skills
                .iter()
                .filter(|s| s.required == required)
                .map(|s| SkillNeedView {
                    skill_id: s.skill.id.to_string(),
                    name: s.skill.name.clone(),
                    category: s.skill.category.clone(),
                    weight: s.weight,
                    min_years: s.min_years,
                })
                .collect()
        };
        let r = &j.row;
        let (markup, markup_source) = j.effective_markup();
        JobOrderView {
            id: r.id.to_string(),
            client_id: r.client_id.to_string(),
            title: r.title.clone(),
            description: r.description.clone(),
            required_skills: needs(true),
            nice_to_have_skills: needs(false),
            max_rate_cents: r.max_rate_cents,
            effective_max_rate_cents: j.effective_max_rate_cents(),
            markup_percent: j.markup().map(|m| m.percent()),
            effective_markup_percent: markup.percent(),
            markup_source: markup_source.as_str(),
            location: r.location.clone(),
            remote: r.remote,
            duration_months: r.duration_months,
            status: j.status().as_str(),
            alerts: r.alerts,
            alert_min_score: r.alert_min_score_tenths.map(|t| f64::from(t) / 10.0),
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
            version: r.version,
        }
    }
}

/// The resource name in the audit log and in webhook events.
const RESOURCE: &str = "job_order";

pub async fn create_job_order(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<JobOrderInput>,
) -> Result<HttpResponse, ApiError> {
    let draft = body.into_inner().validate()?;
    let agency_id = caller.agency_id();
    let order = journaled(&state, &caller, move |conn, journal| {
        let order = job_orders::create(conn, agency_id, &draft)?;
        journal.created(RESOURCE, order.row.id, &JobOrderView::from(&order), Some("job_order.created"));
        Ok(order)
    })
    .await?;
    Ok(created(&JobOrderView::from(&order), format!("/api/v1/job-orders/{}", order.row.id), order.row.version))
}

pub async fn list_job_orders(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    let filter = filter(&mut q);
    q.finish()?;
    let agency_id = caller.agency_id();
    let (rows, next) =
        state.db(move |conn| Ok::<_, ApiError>(job_orders::list(conn, agency_id, &filter, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(JobOrderView::from).collect(), next)))
}

/// Every job order the list's filters match, as CSV.
pub async fn export_job_orders(
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
        filename: "job-orders.csv",
        columns: CSV_COLUMNS,
        read: move |conn, page| unranked(job_orders::list(conn, agency_id, &filter, page)),
        row: csv_row,
    };
    stream_csv(state, &req, export).await
}

/// The list's filters, for the list and its export alike.
fn filter(q: &mut Query) -> JobOrderFilter {
    let client_id = q.id("client_id");
    JobOrderFilter {
        status: q.choice("status", &["open", "on_hold", "filled", "closed"], Status::parse),
        client_id: client_id.map(|id| id.unwrap_or(-1)),
        skills: q.many("skill", crate::domain::skills::MAX_NAME),
        q: q.text("q", 200),
        remote: q.boolean("remote"),
        max_rate_cents_lte: q.cents("max_rate_cents_lte"),
        max_rate_cents_gte: q.cents("max_rate_cents_gte"),
    }
}

const CSV_COLUMNS: &[&str] = &[
    "id",
    "client_id",
    "title",
    "status",
    "location",
    "remote",
    "duration_months",
    "required_skills",
    "nice_to_have_skills",
    "max_rate_cents",
    "effective_max_rate_cents",
    "markup_percent",
    "effective_markup_percent",
    "markup_source",
    "description",
    "created_at",
    "updated_at",
    "version",
];

fn csv_row(j: &JobOrder) -> Vec<Cell<'_>> {
    let r = &j.row;
    let skills = |required: bool| {
        j.skills.iter().filter(|s| s.required == required).map(|s| s.skill.name.as_str()).collect::<Vec<_>>().join("; ")
    };
    let percent = |m: Markup| Cell::Fixed { units: m.hundredths().into(), decimals: 2 };
    let (markup, markup_source) = j.effective_markup();
    vec![
        r.id.into(),
        r.client_id.into(),
        r.title.as_str().into(),
        j.status().as_str().into(),
        r.location.as_deref().into(),
        r.remote.into(),
        r.duration_months.into(),
        skills(true).into(),
        skills(false).into(),
        r.max_rate_cents.into(),
        j.effective_max_rate_cents().into(),
        j.markup().map_or(Cell::Empty, percent),
        percent(markup),
        markup_source.as_str().into(),
        r.description.as_deref().into(),
        ts(r.created_at).into(),
        ts(r.updated_at).into(),
        r.version.into(),
    ]
}

pub async fn get_job_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let order = state.db(move |conn| Ok::<_, ApiError>(job_orders::find(conn, agency_id, id)?)).await?;
    Ok(versioned(StatusCode::OK, &JobOrderView::from(&order), order.row.version))
}

pub async fn update_job_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<JobOrderPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let patch = body.into_inner();
    let order = journaled(&state, &caller, move |conn, journal| {
        lock(conn, Table::JobOrders, agency_id, id, Lock::Update)?;
        let before = JobOrderView::from(&job_orders::find(conn, agency_id, id)?);
        let after = job_orders::update(conn, agency_id, id, precondition.as_ref(), &patch)?;
        journal.updated(RESOURCE, id, &before, &JobOrderView::from(&after), Some("job_order.updated"));
        Ok(after)
    })
    .await?;
    Ok(versioned(StatusCode::OK, &JobOrderView::from(&order), order.row.version))
}

pub async fn delete_job_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    journaled(&state, &caller, move |conn, journal| {
        job_orders::delete(conn, agency_id, id, precondition.as_ref())?;
        journal.deleted(RESOURCE, id, None);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
