//! Matches: who is skilled, affordable and ready for a job order (or a role described in the
//! request), ranked, with the market estimate, exclusions and what a bigger budget would bring.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::json::ApiJson;
use super::parse_id;
use super::query::Query;
use crate::auth::Caller;
use crate::domain::job_order::RoleInput;
use crate::domain::matching::ramp_up::Wait;
use crate::domain::matching::{Ask, Outcome, Segment, Weights};
use crate::domain::money::scaled;
use crate::error::ApiError;
use crate::service::matching::{self, Answer, Found, Subject};
use crate::state::AppState;

const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 100;

#[derive(Serialize)]
struct RateCardRef {
    id: String,
    skill: Option<String>,
    role_family: Option<String>,
    experienced_rate_cents: i64,
    entry_rate_cents: Option<i64>,
}

#[derive(Serialize)]
struct MarketView {
    /// A pay rate: what experienced people ask.
    experienced_rate_cents: Option<i64>,
    /// That pay billed at the role's markup: what an experienced person would cost the client.
    experienced_bill_rate_cents: Option<i64>,
    basis: &'static str,
    sample_size: usize,
    rate_card_entry: Option<RateCardRef>,
}

/// Each part's points: its 0–1 value times its weight. They add up to the score.
#[derive(Serialize)]
struct PartsView {
    skill_fit: f64,
    it_breadth: f64,
    healthcare_experience: f64,
    crossover_signals: f64,
    rate_fit: f64,
}

#[derive(Serialize)]
struct EvidenceView {
    line: usize,
    text: String,
}

#[derive(Serialize)]
struct MatchedSkillView {
    name: String,
    required: bool,
    years: Option<i32>,
    min_years: i32,
    via: Option<String>,
    evidence: Option<EvidenceView>,
}

#[derive(Serialize)]
struct MissingSkillView {
    name: String,
    required: bool,
    healthcare: bool,
}

#[derive(Serialize)]
struct StepView {
    name: String,
    closes: Vec<String>,
}

/// A certification that waits until after placement, and what it waits for.
#[derive(Serialize)]
struct LaterView {
    name: String,
    closes: Vec<String>,
    /// `employer_sponsorship` or `healthcare_experience`.
    requires: &'static str,
    /// The healthcare experience it asks for, in months.
    healthcare_months: Option<i32>,
}

#[derive(Serialize)]
struct RampUpView {
    to_learn: Vec<String>,
    steps: Vec<StepView>,
    after_placement: Vec<LaterView>,
    on_the_job: Vec<String>,
    estimated_months_to_productive: i32,
}

#[derive(Serialize)]
struct MatchView {
    candidate_id: String,
    full_name: String,
    headline: Option<String>,
    location: Option<String>,
    remote_ok: bool,
    score: f64,
    parts: PartsView,
    segment: &'static str,
    matched_skills: Vec<MatchedSkillView>,
    missing_skills: Vec<MissingSkillView>,
    it_experience_months: Option<i32>,
    healthcare_experience_months: Option<i32>,
    min_rate_cents: Option<i64>,
    desired_rate_cents: Option<i64>,
    min_bill_rate_cents: Option<i64>,
    desired_bill_rate_cents: Option<i64>,
    offer_pay_rate_cents: Option<i64>,
    margin_cents: Option<i64>,
    margin_percent: Option<f64>,
    within_budget: bool,
    concession_cents: Option<i64>,
    crossover_signals: Vec<crate::domain::candidate::Signal>,
    ramp_up: Option<RampUpView>,
    explanation: String,
    shortlist_stage: Option<String>,
}

#[derive(Serialize)]
struct ExcludedView {
    total: usize,
    status: usize,
    no_rate: usize,
    over_budget: usize,
    missing_required_skills: usize,
    location: usize,
}

#[derive(Serialize)]
struct WhatIfView {
    budget_increase_percent: u32,
    budget_cents: i64,
    additional_candidates: usize,
    crossover: usize,
    experienced: usize,
}

#[derive(Serialize)]
struct WeightsView {
    skill_fit: f64,
    it_breadth: f64,
    healthcare_experience: f64,
    crossover_signals: f64,
    rate_fit: f64,
}

#[derive(Serialize)]
struct MatchesView {
    job_order_id: Option<String>,
    budget_cents: Option<i64>,
    budget_source: &'static str,
    markup_percent: f64,
    markup_source: &'static str,
    pay_ceiling_cents: Option<i64>,
    market: MarketView,
    can_afford_experienced: Option<bool>,
    weights: WeightsView,
    matches: Vec<MatchView>,
    total_matches: usize,
    filtered_out: usize,
    excluded: ExcludedView,
    what_if: Vec<WhatIfView>,
}

/// One decimal, and never `-0.0`.
fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0 + 0.0
}

fn match_view(f: Found, needs: &[crate::domain::matching::Need], weights: &Weights) -> MatchView {
    let m = &f.found;
    let c = &f.candidate.row;
    let p = &m.parts;
    let o = &f.offer;
    MatchView {
        candidate_id: c.id.to_string(),
        full_name: c.full_name.clone(),
        headline: c.headline.clone(),
        location: c.location.clone(),
        remote_ok: c.remote_ok,
        score: m.score_tenths as f64 / 10.0,
        parts: PartsView {
            skill_fit: tenth(p.skill_fit * weights.skill_fit),
            it_breadth: tenth(p.it_breadth * weights.it_breadth),
            healthcare_experience: tenth(p.healthcare_experience * weights.healthcare_experience),
            crossover_signals: tenth(p.crossover_signals * weights.crossover_signals),
            rate_fit: tenth(p.rate_fit * weights.rate_fit),
        },
        segment: m.segment.as_str(),
        matched_skills: f
            .matched
            .into_iter()
            .map(|s| MatchedSkillView {
                name: needs[s.need].name.clone(),
                required: needs[s.need].required,
                years: s.years,
                min_years: needs[s.need].min_years,
                via: s.via,
                evidence: s.evidence.map(|e| EvidenceView { line: e.line, text: e.text }),
            })
            .collect(),
        missing_skills: m
            .missing
            .iter()
            .map(|&i| MissingSkillView {
                name: needs[i].name.clone(),
                required: needs[i].required,
                healthcare: needs[i].healthcare,
            })
            .collect(),
        it_experience_months: c.it_experience_months,
        healthcare_experience_months: c.healthcare_experience_months,
        min_rate_cents: c.min_rate_cents,
        desired_rate_cents: c.desired_rate_cents,
        min_bill_rate_cents: o.min_bill_rate_cents,
        desired_bill_rate_cents: o.desired_bill_rate_cents,
        offer_pay_rate_cents: o.offer_pay_rate_cents,
        margin_cents: o.margin_cents,
        margin_percent: o.margin_percent_tenths.map(|t| scaled(t, 10)),
        within_budget: o.within_budget,
        concession_cents: o.concession_cents,
        crossover_signals: crate::db::models::json_list(&c.crossover_signals),
        ramp_up: f.ramp_up.map(|r| RampUpView {
            to_learn: r.to_learn,
            steps: r.steps.into_iter().map(|s| StepView { name: s.name, closes: s.closes }).collect(),
            after_placement: r
                .after_placement
                .into_iter()
                .map(|(s, wait)| LaterView {
                    name: s.name,
                    closes: s.closes,
                    requires: match wait {
                        Wait::Sponsorship => "employer_sponsorship",
                        Wait::Experience(_) => "healthcare_experience",
                    },
                    healthcare_months: match wait {
                        Wait::Sponsorship => None,
                        Wait::Experience(months) => Some(months),
                    },
                })
                .collect(),
            on_the_job: r.on_the_job,
            estimated_months_to_productive: r.estimated_months,
        }),
        explanation: f.explanation,
        shortlist_stage: f.shortlist_stage,
    }
}

fn view(answer: Answer, job_order_id: Option<i64>) -> MatchesView {
    let Answer { role, outcome, rate_card, found } = answer;
    let Outcome { market, can_afford_experienced, weights, qualified, filtered_out, excluded, what_if, .. } = outcome;
    let matches = found.into_iter().map(|f| match_view(f, &role.needs, &weights)).collect();
    MatchesView {
        job_order_id: job_order_id.map(|id| id.to_string()),
        budget_cents: role.budget_cents,
        budget_source: role.budget_source.as_str(),
        markup_percent: role.markup.percent(),
        markup_source: role.markup_source.as_str(),
        pay_ceiling_cents: role.budget_cents.map(|b| role.markup.pay_ceiling(b)),
        market: MarketView {
            experienced_rate_cents: market.experienced_rate_cents,
            experienced_bill_rate_cents: market.experienced_rate_cents.map(|e| role.markup.bill_for(e)),
            basis: market.basis.as_str(),
            sample_size: market.sample_size,
            rate_card_entry: rate_card.map(|e| RateCardRef {
                id: e.row.id.to_string(),
                skill: e.skill.map(|s| s.name),
                role_family: e.row.role_family,
                experienced_rate_cents: e.row.experienced_rate_cents,
                entry_rate_cents: e.row.entry_rate_cents,
            }),
        },
        can_afford_experienced,
        weights: WeightsView {
            skill_fit: weights.skill_fit,
            it_breadth: weights.it_breadth,
            healthcare_experience: weights.healthcare_experience,
            crossover_signals: weights.crossover_signals,
            rate_fit: weights.rate_fit,
        },
        matches,
        total_matches: qualified,
        filtered_out,
        excluded: ExcludedView {
            total: excluded.total(),
            status: excluded.status,
            no_rate: excluded.no_rate,
            over_budget: excluded.over_budget,
            missing_required_skills: excluded.missing_required_skills,
            location: excluded.location,
        },
        what_if: what_if
            .into_iter()
            .map(|w| WhatIfView {
                budget_increase_percent: w.percent,
                budget_cents: w.budget_cents,
                additional_candidates: w.crossover + w.experienced,
                crossover: w.crossover,
                experienced: w.experienced,
            })
            .collect(),
    }
}

/// `limit`, `min_score`, `segment` and `experienced_rate_cents` from the query string.
fn ask(req: &HttpRequest) -> Result<(Ask, Option<i64>), ApiError> {
    let mut q = Query::from_request(req)?;
    let limit = q.int("limit", 1, MAX_LIMIT).unwrap_or(DEFAULT_LIMIT) as usize;
    let min_score = q.decimal("min_score", 0.0, 100.0).unwrap_or(0.0);
    let segment = q.choice("segment", &["crossover", "experienced"], Segment::parse);
    let experienced_rate = q.int("experienced_rate_cents", 1, crate::domain::validate::MAX_CENTS);
    q.finish()?;
    Ok((Ask { limit, min_score, segment }, experienced_rate))
}

pub async fn job_order_matches(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    let (ask, experienced_rate) = ask(&req)?;
    let answer = matching::run(&state, caller.agency_id(), Subject::JobOrder(id), ask, experienced_rate).await?;
    Ok(HttpResponse::Ok().json(view(answer, Some(id))))
}

pub async fn adhoc_matches(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: ApiJson<RoleInput>,
) -> Result<HttpResponse, ApiError> {
    let (ask, experienced_rate) = ask(&req)?;
    let draft = body.into_inner().validate()?;
    let answer = matching::run(&state, caller.agency_id(), Subject::Role(draft), ask, experienced_rate).await?;
    Ok(HttpResponse::Ok().json(view(answer, None)))
}
