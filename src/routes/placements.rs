//! Placements: who was placed where, at what pay and bill rates, from when, with the step-ups
//! promised. They are made by moving a shortlist entry to `placed`; here they are read and
//! corrected.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;

use super::export::{stream_csv, unranked, Export};
use super::json::ApiJson;
use super::query::Query;
use super::{if_match, journaled, parse_id, ts, versioned, Page};
use crate::auth::Caller;
use crate::db::models::placements::{self, Placement, PlacementFilter};
use crate::db::{lock, Lock, Table};
use crate::domain::csv::Cell;
use crate::domain::money::scaled;
use crate::domain::placement::{effective_date, spread, PlacementPatch};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize)]
struct ActorView {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct StepUpView {
    after_months: i32,
    effective_date: Option<NaiveDate>,
    pay_rate_cents: i64,
    bill_rate_cents: i64,
    margin_cents: i64,
}

#[derive(Serialize)]
pub struct PlacementView {
    id: String,
    job_order_id: String,
    job_order_title: String,
    client_id: String,
    candidate_id: String,
    candidate_name: String,
    pay_rate_cents: i64,
    bill_rate_cents: i64,
    margin_cents: i64,
    markup_percent: Option<f64>,
    gross_margin_percent: Option<f64>,
    /// The job order's budget (a bill rate) when the candidate was placed.
    budget_cents: Option<i64>,
    over_budget: bool,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    step_ups: Vec<StepUpView>,
    placed_by: Option<ActorView>,
    created_at: String,
    updated_at: String,
    version: i32,
}

impl From<&Placement> for PlacementView {
    fn from(p: &Placement) -> Self {
        let r = &p.row;
        let money = spread(r.pay_rate_cents, r.bill_rate_cents);
        PlacementView {
            id: r.id.to_string(),
            job_order_id: r.job_order_id.to_string(),
            job_order_title: p.job_title.clone(),
            client_id: p.client_id.to_string(),
            candidate_id: r.candidate_id.to_string(),
            candidate_name: p.candidate_name.clone(),
            pay_rate_cents: r.pay_rate_cents,
            bill_rate_cents: r.bill_rate_cents,
            margin_cents: money.margin_cents,
            markup_percent: money.markup_hundredths.map(|h| scaled(h, 100)),
            gross_margin_percent: money.gross_margin_tenths.map(|t| scaled(t, 10)),
            budget_cents: r.budget_cents,
            over_budget: p.over_budget(),
            start_date: r.start_date,
            end_date: r.end_date,
            step_ups: p
                .step_ups
                .iter()
                .map(|s| StepUpView {
                    after_months: s.after_months,
                    effective_date: effective_date(r.start_date, s.after_months),
                    pay_rate_cents: s.pay_rate_cents,
                    bill_rate_cents: s.bill_rate_cents,
                    margin_cents: s.bill_rate_cents - s.pay_rate_cents,
                })
                .collect(),
            placed_by: r
                .placed_by
                .zip(p.placed_by_name.clone())
                .map(|(id, name)| ActorView { id: id.to_string(), name }),
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
            version: r.version,
        }
    }
}

pub async fn list_placements(
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
        state.db(move |conn| Ok::<_, ApiError>(placements::list(conn, agency_id, &filter, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(PlacementView::from).collect(), next)))
}

/// Every placement the list's filters match, as CSV.
pub async fn export_placements(
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
        filename: "placements.csv",
        columns: CSV_COLUMNS,
        read: move |conn, page| unranked(placements::list(conn, agency_id, &filter, page)),
        row: csv_row,
    };
    stream_csv(state, &req, export).await
}

/// The list's filters, for the list and its export alike.
fn filter(q: &mut Query) -> PlacementFilter {
    // An id that is no id of the agency's matches nothing.
    let unknown = |id: Option<Option<i64>>| id.map(|id| id.unwrap_or(-1));
    PlacementFilter {
        id: None,
        client_id: unknown(q.id("client_id")),
        job_order_id: unknown(q.id("job_order_id")),
        candidate_id: unknown(q.id("candidate_id")),
        start_from: q.date("start_from"),
        start_to: q.date("start_to"),
    }
}

const CSV_COLUMNS: &[&str] = &[
    "id",
    "job_order_id",
    "job_order_title",
    "client_id",
    "candidate_id",
    "candidate_name",
    "pay_rate_cents",
    "bill_rate_cents",
    "margin_cents",
    "markup_percent",
    "gross_margin_percent",
    "budget_cents",
    "over_budget",
    "start_date",
    "end_date",
    "step_up_count",
    "placed_by_name",
    "created_at",
    "updated_at",
    "version",
];

fn csv_row(p: &Placement) -> Vec<Cell<'_>> {
    let r = &p.row;
    let money = spread(r.pay_rate_cents, r.bill_rate_cents);
    let fixed = |units: Option<i64>, decimals| units.map_or(Cell::Empty, |units| Cell::Fixed { units, decimals });
    vec![
        r.id.into(),
        r.job_order_id.into(),
        p.job_title.as_str().into(),
        p.client_id.into(),
        r.candidate_id.into(),
        p.candidate_name.as_str().into(),
        r.pay_rate_cents.into(),
        r.bill_rate_cents.into(),
        money.margin_cents.into(),
        fixed(money.markup_hundredths, 2),
        fixed(money.gross_margin_tenths, 1),
        r.budget_cents.into(),
        p.over_budget().into(),
        r.start_date.to_string().into(),
        r.end_date.map(|d| d.to_string()).into(),
        Cell::Int(p.step_ups.len() as i64),
        p.placed_by_name.as_deref().into(),
        ts(r.created_at).into(),
        ts(r.updated_at).into(),
        r.version.into(),
    ]
}

pub async fn get_placement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let placement = state.db(move |conn| Ok::<_, ApiError>(placements::find(conn, agency_id, id)?)).await?;
    Ok(versioned(StatusCode::OK, &PlacementView::from(&placement), placement.row.version))
}

pub async fn update_placement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<PlacementPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let patch = body.into_inner();
    let placement = journaled(&state, &caller, move |conn, journal| {
        lock(conn, Table::Placements, agency_id, id, Lock::Update)?;
        let before = PlacementView::from(&placements::find(conn, agency_id, id)?);
        let after = placements::update(conn, agency_id, id, precondition.as_ref(), &patch)?;
        journal.updated("placement", id, &before, &PlacementView::from(&after), None);
        Ok(after)
    })
    .await?;
    Ok(versioned(StatusCode::OK, &PlacementView::from(&placement), placement.row.version))
}
