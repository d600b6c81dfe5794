//! The submittal of a shortlisted candidate to the client: the match as the client may see it,
//! blind by default, priced at the bill rate.

use chrono::Utc;

use super::matching;
use super::Error;
use crate::db::models::{agencies, clients, placements, shortlist};
use crate::domain::matching::explain::signal_phrase;
use crate::domain::submittal::{blind_name, hidden_names, public_location, scrub, Submittal, SubmittedSkill};
use crate::state::AppState;

/// The submittal of the candidate on the job order's shortlist (404 when they are not on it).
pub async fn prepare(
    state: &AppState,
    agency_id: i64,
    job_order_id: i64,
    candidate_id: i64,
    blind: bool,
) -> Result<Submittal, Error> {
    let (agency, client, placed_bill) = state
        .db(move |conn| -> Result<_, Error> {
            let entry = shortlist::find(conn, agency_id, job_order_id, candidate_id)?;
            let agency = agencies::find(conn, agency_id)?;
            let placed_bill = match entry.placement_id {
                Some(id) => Some(placements::find(conn, agency_id, id)?.row.bill_rate_cents),
                None => None,
            };
            let client_id = crate::db::models::job_orders::find(conn, agency_id, job_order_id)?.row.client_id;
            Ok((agency, clients::find(conn, agency_id, client_id)?, placed_bill))
        })
        .await?;
    let (role, found) = matching::one(state, agency_id, job_order_id, candidate_id).await?;
    let c = &found.candidate.row;
    let hidden = if blind { hidden_names(&c.full_name) } else { Vec::new() };
    let first_name = c.full_name.split_whitespace().next().unwrap_or("The candidate").to_owned();
    let needs = &role.needs;
    let plan = found.ramp_up.as_ref();
    Ok(Submittal {
        agency: agency.name,
        client: client.name,
        job_title: role.title.clone().unwrap_or_default(),
        prepared_on: Utc::now().date_naive(),
        candidate: if blind { blind_name(&c.full_name) } else { c.full_name.clone() },
        blind,
        headline: c.headline.as_deref().map(|h| scrub(h, &hidden)).filter(|h| !h.is_empty()),
        location: public_location(c.location.as_deref()),
        it_experience_months: c.it_experience_months,
        healthcare_experience_months: c.healthcare_experience_months,
        matched_skills: found
            .matched
            .iter()
            .map(|s| SubmittedSkill {
                name: needs[s.need].name.clone(),
                years: s.years,
                evidence: s.evidence.as_ref().map(|e| scrub(&e.text, &hidden)).filter(|e| !e.is_empty()),
            })
            .collect(),
        to_learn: match plan {
            Some(plan) => plan.to_learn.clone(),
            None => found.found.missing.iter().map(|&i| needs[i].name.clone()).collect(),
        },
        crossover: found.signals.kinds().map(|k| format!("{first_name} {}.", signal_phrase(k))).collect(),
        ramp_up_steps: plan.map(|p| p.steps.iter().map(|s| s.name.clone()).collect()).unwrap_or_default(),
        after_placement: plan
            .map(|p| p.after_placement.iter().map(|(s, _)| s.name.clone()).collect())
            .unwrap_or_default(),
        months_to_productive: plan.map(|p| p.estimated_months),
        available_from: c.available_from,
        // What the client would pay: the placement's bill rate once placed, else the offered pay
        // billed at the role's markup (within the budget).
        bill_rate_cents: placed_bill.or_else(|| found.offer.offer_pay_rate_cents.map(|pay| role.markup.bill_for(pay))),
    })
}
