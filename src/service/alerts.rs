//! Standing match alerts: when a candidate is created or changed so that they newly match an
//! open job order with `alerts` on (by the rules a match ranks with: active, a rate within the
//! pay ceiling, a required skill, the location, and the job order's minimum score), a
//! `match.alert` event goes to the agency's webhooks with the score, segment and explanation.
//!
//! The candidate changes are read from the outbox after they commit (`candidate.created` and
//! `candidate.updated` events), past a cursor kept in the database, and evaluated on the match
//! index, so a candidate write pays nothing for them. An instance evaluates a batch, then
//! commits its alerts and moves the cursor in one transaction only if no other instance moved
//! it first: each change is evaluated into alerts once, and a crash leaves the batch to be
//! evaluated again. Which candidates a job order has alerted on is kept, so a candidate is
//! alerted on when they start matching, not at every change; one who stops matching is
//! forgotten, and alerted on again if they match again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::json;

use super::journal::Journal;
use super::matching::{assemble, details, implying, named_plan, Role};
use super::Error;
use crate::db::models::{job_orders, now, rate_card};
use crate::db::schema::{app_meta, match_alerts, outbox_events};
use crate::db::{write_tx, DbConnection};
use crate::domain::matching::{self, Market};
use crate::match_index::MatchIndex;

const CURSOR: &str = "match_alerts_cursor";
/// Candidate events evaluated per batch.
const BATCH: i64 = 500;
/// How long a job order's market estimate is reused: it weighs the score (whether the budget can
/// pay for experience), moves slowly, and costs a pass over the agency's candidates.
const MARKET_FRESH_FOR: Duration = Duration::from_secs(300);

/// Market estimates by job order and version, with when they were made.
#[derive(Default)]
pub struct Markets(HashMap<(i64, i32), (Market, Instant)>);

/// What one batch decided for a candidate and a job order: alert (with the event's data) or not.
struct Verdict {
    job_order_id: i64,
    candidate_id: i64,
    alert: Option<(i64, serde_json::Value)>,
}

/// Evaluates the next batch of candidate changes. Answers how many events it read.
pub fn run(conn: &mut DbConnection, index: &MatchIndex, markets: &mut Markets) -> Result<usize, Error> {
    let cursor = cursor(conn)?;
    let events: Vec<(i64, i64, String)> = outbox_events::table
        .filter(outbox_events::id.gt(cursor))
        .filter(outbox_events::event_type.eq_any(["candidate.created", "candidate.updated"]))
        .order(outbox_events::id)
        .limit(BATCH)
        .select((outbox_events::id, outbox_events::agency_id, outbox_events::resource_key))
        .load(conn)?;
    let Some(&(last, ..)) = events.last() else { return Ok(0) };
    let mut changed: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (_, agency_id, key) in &events {
        if let Some(id) = key.strip_prefix("candidate:").and_then(|id| id.parse::<i64>().ok()) {
            let ids = changed.entry(*agency_id).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let started = Instant::now();
    let mut verdicts = Vec::new();
    for (agency_id, candidate_ids) in &changed {
        verdicts.extend(evaluate(conn, index, markets, *agency_id, candidate_ids)?);
    }
    let candidates: usize = changed.values().map(Vec::len).sum();
    tracing::debug!(
        candidates,
        pairs = verdicts.len(),
        alerts = verdicts.iter().filter(|v| v.alert.is_some()).count(),
        elapsed_ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
        "match alerts evaluated"
    );
    write_tx(conn, |conn| {
        // Another instance may have taken this batch meanwhile: its alerts stand.
        let now_at: i64 = lock_cursor(conn)?;
        if now_at != cursor {
            return Ok(());
        }
        apply(conn, &verdicts)?;
        diesel::update(app_meta::table.find(CURSOR)).set(app_meta::value.eq(last.to_string())).execute(conn)?;
        Ok::<_, Error>(())
    })?;
    Ok(events.len())
}

/// The cursor: the last outbox event evaluated. The first time, alerts start from now.
fn cursor(conn: &mut DbConnection) -> QueryResult<i64> {
    let stored: Option<String> = app_meta::table.find(CURSOR).select(app_meta::value).first(conn).optional()?;
    if let Some(value) = stored {
        return Ok(value.parse().unwrap_or(0));
    }
    let latest: Option<i64> = outbox_events::table.select(diesel::dsl::max(outbox_events::id)).first(conn)?;
    let start = latest.unwrap_or(0);
    let row = (app_meta::key.eq(CURSOR), app_meta::value.eq(start.to_string()));
    crate::db::with_backend!(conn, |c| diesel::insert_into(app_meta::table)
        .values(&row)
        .on_conflict_do_nothing()
        .execute(c))?;
    cursor_value(conn)
}

/// The last outbox event match alerts have evaluated (0 before they ever ran).
pub fn evaluated_up_to(conn: &mut DbConnection) -> QueryResult<i64> {
    let stored: Option<String> = app_meta::table.find(CURSOR).select(app_meta::value).first(conn).optional()?;
    Ok(stored.and_then(|v| v.parse().ok()).unwrap_or(0))
}

fn cursor_value(conn: &mut DbConnection) -> QueryResult<i64> {
    let value: String = app_meta::table.find(CURSOR).select(app_meta::value).first(conn)?;
    Ok(value.parse().unwrap_or(0))
}

/// The cursor, locked until the transaction ends (SQLite's writers take turns anyway).
fn lock_cursor(conn: &mut DbConnection) -> QueryResult<i64> {
    if let DbConnection::Postgresql(pg) = conn {
        let value: String = app_meta::table.find(CURSOR).select(app_meta::value).for_update().first(pg)?;
        return Ok(value.parse().unwrap_or(0));
    }
    cursor_value(conn)
}

/// Each changed candidate against each of the agency's alerting job orders.
fn evaluate(
    conn: &mut DbConnection,
    index: &MatchIndex,
    markets: &mut Markets,
    agency_id: i64,
    candidate_ids: &[i64],
) -> Result<Vec<Verdict>, Error> {
    let orders = job_orders::alerting(conn, agency_id)?;
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    let fresh = index.fresh(conn, agency_id)?;
    let mut verdicts = Vec::new();
    for order in &orders {
        let role = Role::of_job_order(order);
        let criteria = role.criteria();
        let key = (order.row.id, order.row.version);
        let market = match markets.0.get(&key) {
            Some((market, at)) if at.elapsed() < MARKET_FRESH_FOR => *market,
            _ => {
                let required: Vec<i64> =
                    role.needs.iter().filter(|n| n.required).map(|n| i64::from(n.skill_id)).collect();
                let card = rate_card::applicable(conn, agency_id, &required, role.title.as_deref())?;
                let card_rate = card.map(|c| c.row.experienced_rate_cents);
                let market = matching::market(fresh.read().profiles().iter(), &criteria.needs, card_rate);
                markets.0.insert(key, (market, Instant::now()));
                market
            }
        };
        let min_tenths = order.row.alert_min_score_tenths.map(i64::from).unwrap_or(0);
        for &candidate_id in candidate_ids {
            let agency = fresh.read();
            let qualified = agency
                .profile(candidate_id)
                .and_then(|p| matching::qualify(p, &criteria, &market).map(|m| (p.clone(), m)))
                .filter(|(_, m)| m.score_tenths >= min_tenths);
            let alert = match qualified {
                None => None,
                Some((profile, m)) => {
                    let plan = named_plan(&profile, &m, &criteria, agency.catalog());
                    let implied = implying(&criteria, agency.catalog());
                    drop(agency);
                    let mut found = details(conn, agency_id, Some(order.row.id), &[candidate_id])?;
                    let Some(candidate) = found.people.remove(&candidate_id) else { continue };
                    let extraction = candidate.row.current_resume_id.and_then(|id| found.extractions.get(&id));
                    let stage = found.stages.remove(&candidate_id);
                    let shown = assemble(&criteria, &m, &profile, candidate, extraction, plan, &implied, stage);
                    let data = json!({
                        "job_order_id": order.row.id.to_string(),
                        "candidate_id": candidate_id.to_string(),
                        "score": m.score_tenths as f64 / 10.0,
                        "segment": m.segment.as_str(),
                        "explanation": shown.explanation,
                    });
                    Some((m.score_tenths, data))
                }
            };
            verdicts.push(Verdict { job_order_id: order.row.id, candidate_id, alert });
        }
    }
    Ok(verdicts)
}

/// Records the verdicts: a new alert is remembered and sent, a candidate who stopped matching is
/// forgotten, one alerted on before is not alerted on again.
fn apply(conn: &mut DbConnection, verdicts: &[Verdict]) -> Result<(), Error> {
    let candidates: Vec<i64> = verdicts.iter().map(|v| v.candidate_id).collect::<HashSet<_>>().into_iter().collect();
    let known: HashSet<(i64, i64)> = match_alerts::table
        .filter(match_alerts::candidate_id.eq_any(&candidates))
        .select((match_alerts::job_order_id, match_alerts::candidate_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let mut by_agency: HashMap<i64, Journal> = HashMap::new();
    for v in verdicts {
        let pair = (v.job_order_id, v.candidate_id);
        match (&v.alert, known.contains(&pair)) {
            (Some((score, data)), false) => {
                let agency_id: i64 = crate::db::schema::job_orders::table
                    .find(v.job_order_id)
                    .select(crate::db::schema::job_orders::agency_id)
                    .first(conn)?;
                diesel::insert_into(match_alerts::table)
                    .values((
                        match_alerts::job_order_id.eq(v.job_order_id),
                        match_alerts::candidate_id.eq(v.candidate_id),
                        match_alerts::agency_id.eq(agency_id),
                        match_alerts::score_tenths.eq(*score as i32),
                        match_alerts::created_at.eq(now()),
                    ))
                    .execute(conn)?;
                by_agency.entry(agency_id).or_default().event("match.alert", "job_order", v.job_order_id, data.clone());
            }
            (None, true) => {
                diesel::delete(
                    match_alerts::table
                        .filter(match_alerts::job_order_id.eq(v.job_order_id))
                        .filter(match_alerts::candidate_id.eq(v.candidate_id)),
                )
                .execute(conn)?;
            }
            _ => {}
        }
    }
    for (agency_id, journal) in &by_agency {
        journal.send(conn, *agency_id)?;
    }
    Ok(())
}
