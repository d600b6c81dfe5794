//! Budget-aware matching as a use case: the role's needs and budget, the market estimate, the
//! agency's candidates ranked from the match index, and, for the matches returned, the
//! evidence, ramp-up plans and explanations. The rules themselves are in `domain::matching`.
//!
//! A match holds a database connection only for short reads: the role and the index brought up
//! to date, then (after ranking) the details of the matches returned. Ranking, the CPU-bound
//! part, runs on the blocking pool through the ranking gate, without a connection, so large
//! matches never keep the pool from other requests.

use std::collections::HashMap;

use super::Error;
use crate::db::models::agencies;
use crate::db::models::candidates::{self, Candidate};
use crate::db::models::job_orders::{self, JobOrder};
use crate::db::models::rate_card::{self, RateCardEntry};
use crate::db::models::skills::{resolve, SkillRef};
use crate::db::models::{resumes, shortlist};
use crate::db::{DbConnection, WriteError};
use crate::domain::job_order::{RoleDraft, SkillNeed};
use crate::domain::matching::catalog::Catalog;
use crate::domain::matching::explain;
use crate::domain::matching::ramp_up::{self, Step, Wait};
use crate::domain::matching::{
    self, region_of, Ask, Basis, Criteria, Market, Match, Need, Outcome, Profile, Segment, Signals,
};
use crate::domain::money::{self, Markup, MarkupSource, Offer};
use crate::domain::skills::normalize;
use crate::domain::validate::FieldError;
use crate::match_index::Fresh;
use crate::resume::extract::{Evidence, Extraction};
use crate::state::AppState;

/// Where the budget came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetSource {
    JobOrder,
    Client,
    Request,
    None,
}

impl BudgetSource {
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetSource::JobOrder => "job_order",
            BudgetSource::Client => "client",
            BudgetSource::Request => "request",
            BudgetSource::None => "none",
        }
    }
}

/// A role to match: a job order's, or one described in the request.
#[derive(Debug, Clone)]
pub struct Role {
    /// The job order this role is, when it is one: its shortlist is shown beside the matches.
    pub job_order_id: Option<i64>,
    pub title: Option<String>,
    pub needs: Vec<Need>,
    /// A bill rate: what the client pays the agency per hour.
    pub budget_cents: Option<i64>,
    pub budget_source: BudgetSource,
    pub markup: Markup,
    pub markup_source: MarkupSource,
    pub location: Option<String>,
    pub remote: bool,
}

/// A skill of the role, resolved, as `Role::from_skills` takes it.
pub struct RoleSkill {
    pub skill: SkillRef,
    pub required: bool,
    pub weight: i32,
    pub min_years: i32,
}

impl Role {
    pub fn from_skills(skills: Vec<RoleSkill>) -> Vec<Need> {
        skills
            .into_iter()
            .filter_map(|s| {
                Some(Need {
                    skill_id: u32::try_from(s.skill.id).ok()?,
                    healthcare: matches!(s.skill.category.as_str(), "healthcare_it" | "clinical"),
                    name: s.skill.name,
                    weight: s.weight,
                    min_years: s.min_years,
                    required: s.required,
                })
            })
            .collect()
    }

    pub fn of_job_order(j: &JobOrder) -> Role {
        let (markup, markup_source) = j.effective_markup();
        let skills = j
            .skills
            .iter()
            .map(|s| RoleSkill {
                skill: s.skill.clone(),
                required: s.required,
                weight: s.weight,
                min_years: s.min_years,
            })
            .collect();
        let budget_source = match (j.row.max_rate_cents, j.inherited.client_max_rate_cents) {
            (Some(_), _) => BudgetSource::JobOrder,
            (None, Some(_)) => BudgetSource::Client,
            (None, None) => BudgetSource::None,
        };
        Role {
            job_order_id: Some(j.row.id),
            title: Some(j.row.title.clone()),
            needs: Role::from_skills(skills),
            budget_cents: j.effective_max_rate_cents(),
            budget_source,
            markup,
            markup_source,
            location: j.row.location.clone(),
            remote: j.row.remote,
        }
    }

    pub(super) fn criteria(&self) -> Criteria {
        Criteria {
            needs: self.needs.clone(),
            budget_cents: self.budget_cents,
            markup: self.markup,
            onsite_region: if self.remote { None } else { self.location.as_deref().and_then(region_of) },
        }
    }
}

/// A skill the candidate covers, with the skill they hold that covers it and the résumé line.
#[derive(Debug, Clone)]
pub struct MatchedSkill {
    pub need: usize,
    pub years: Option<i32>,
    /// The skill held when it is not the needed one itself but implies it ("Epic Cadence" for
    /// "Epic").
    pub via: Option<String>,
    pub evidence: Option<Evidence>,
}

/// One match, with everything its explanation needs.
pub struct Found {
    pub found: Match,
    pub candidate: Candidate,
    pub matched: Vec<MatchedSkill>,
    pub ramp_up: Option<RampUpView>,
    /// The candidate's pay priced against the budget at the markup.
    pub offer: Offer,
    /// Their crossover signals, those typed or read and those the certifications tell.
    pub signals: Signals,
    pub explanation: String,
    /// The candidate's stage on the job order's shortlist, if they are on it.
    pub shortlist_stage: Option<String>,
}

/// A certification in a plan, by name, with the gaps it closes.
pub struct NamedStep {
    pub name: String,
    pub closes: Vec<String>,
}

/// A ramp-up plan with skill names.
pub struct RampUpView {
    pub to_learn: Vec<String>,
    pub steps: Vec<NamedStep>,
    /// After placement, and why it waits.
    pub after_placement: Vec<(NamedStep, Wait)>,
    pub on_the_job: Vec<String>,
    pub estimated_months: i32,
}

pub struct Answer {
    pub role: Role,
    pub outcome: Outcome,
    pub rate_card: Option<RateCardEntry>,
    pub found: Vec<Found>,
}

/// What to match: a job order of the agency, or a role described in the request.
pub enum Subject {
    JobOrder(i64),
    Role(RoleDraft),
}

/// The role's skills resolved to the taxonomy; a name nobody could hold is a 422 naming it.
fn resolve_role(conn: &mut DbConnection, agency_id: i64, d: RoleDraft) -> Result<Role, WriteError> {
    let (markup, markup_source) = match d.markup {
        Some(markup) => (markup, MarkupSource::Request),
        None => (agencies::find(conn, agency_id)?.default_markup(), MarkupSource::Agency),
    };
    let lists = [("required_skills", true, &d.required_skills), ("nice_to_have_skills", false, &d.nice_to_have_skills)];
    let names: Vec<String> = lists.iter().flat_map(|(_, _, list)| list.iter().map(|n| n.name.clone())).collect();
    let known = resolve(conn, agency_id, &names)?;
    let mut skills = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (field, required, list) in lists {
        for (i, SkillNeed { name, weight, min_years }) in list.iter().enumerate() {
            match known.get(&normalize(name)) {
                None => errors.push(FieldError::new(
                    format!("{field}[{i}].name"),
                    "is not a known skill or alias (see GET /api/v1/skills)",
                )),
                Some(skill) if !seen.insert(skill.id) => errors.push(FieldError::new(
                    format!("{field}[{i}].name"),
                    format!("is the same skill as one listed before ({})", skill.name),
                )),
                Some(skill) => {
                    skills.push(RoleSkill { skill: skill.clone(), required, weight: *weight, min_years: *min_years })
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(WriteError::Invalid(errors));
    }
    Ok(Role {
        job_order_id: None,
        title: d.title,
        needs: Role::from_skills(skills),
        budget_source: if d.budget_cents.is_some() { BudgetSource::Request } else { BudgetSource::None },
        budget_cents: d.budget_cents,
        markup,
        markup_source,
        location: d.location,
        remote: d.remote,
    })
}

/// A crossover candidate's ramp-up plan, with names; experienced people need none.
pub(super) fn named_plan(profile: &Profile, m: &Match, criteria: &Criteria, catalog: &Catalog) -> Option<RampUpView> {
    if m.segment != Segment::Crossover {
        return None;
    }
    let plan = ramp_up::plan(profile, &criteria.needs, &m.missing, catalog);
    let names = |ids: &[u32]| ids.iter().map(|&s| catalog.name(s).to_owned()).collect::<Vec<_>>();
    let named = |s: &Step| NamedStep { name: catalog.name(s.skill).to_owned(), closes: names(&s.closes) };
    Some(RampUpView {
        to_learn: names(&plan.to_learn),
        steps: plan.steps.iter().map(named).collect(),
        after_placement: plan.after_placement.iter().map(|l| (named(&l.step), l.wait)).collect(),
        on_the_job: names(&plan.on_the_job),
        estimated_months: plan.estimated_months,
    })
}

/// For each need, the skills that imply it.
pub(super) fn implying(criteria: &Criteria, catalog: &Catalog) -> HashMap<u32, Vec<u32>> {
    criteria.needs.iter().map(|n| (n.skill_id, catalog.implying(n.skill_id))).collect()
}

/// What ranking produced, owned, so no lock or connection outlives it.
struct Ranked {
    outcome: Outcome,
    plans: HashMap<i64, RampUpView>,
    /// For each need, the skills that imply it.
    implying: HashMap<u32, Vec<u32>>,
    /// The profiles of the matches returned.
    profiles: HashMap<i64, Profile>,
}

/// Ranks the agency's candidates for the role on the index as read: the market estimate (or
/// the caller's `experienced_rate`), the ranking, and the ramp-up plans of the matches returned.
fn rank(fresh: &Fresh, criteria: &Criteria, card_rate: Option<i64>, ask: Ask, experienced_rate: Option<i64>) -> Ranked {
    let agency = fresh.read();
    let profiles = agency.profiles();
    let mut market = matching::market(profiles.iter(), &criteria.needs, card_rate);
    if let Some(rate) = experienced_rate {
        market = Market { experienced_rate_cents: Some(rate), basis: Basis::Override, ..market };
    }
    let outcome = matching::rank(profiles, criteria, market, ask);
    let catalog = agency.catalog();
    let plans = outcome
        .matches
        .iter()
        .filter_map(|m| Some((m.candidate_id, named_plan(agency.profile(m.candidate_id)?, m, criteria, catalog)?)))
        .collect();
    let implying = implying(criteria, catalog);
    let profiles = outcome
        .matches
        .iter()
        .filter_map(|m| Some((m.candidate_id, agency.profile(m.candidate_id)?.clone())))
        .collect();
    Ranked { outcome, plans, implying, profiles }
}

/// What is read of the matches returned: the candidates, their current résumés' extractions,
/// and their stages on the job order's shortlist.
pub(super) struct Details {
    pub(super) people: HashMap<i64, Candidate>,
    pub(super) extractions: HashMap<i64, Extraction>,
    pub(super) stages: HashMap<i64, String>,
}

pub(super) fn details(
    conn: &mut DbConnection,
    agency_id: i64,
    job_order_id: Option<i64>,
    ids: &[i64],
) -> diesel::QueryResult<Details> {
    let people = candidates::find_many(conn, agency_id, ids)?;
    let resume_ids: Vec<i64> = people.iter().filter_map(|c| c.row.current_resume_id).collect();
    let extractions = resumes::extractions(conn, agency_id, &resume_ids)?
        .into_iter()
        .filter_map(|(id, json)| Some((id, serde_json::from_str(&json).ok()?)))
        .collect();
    let stages = match job_order_id {
        Some(job_order_id) => shortlist::stages(conn, agency_id, job_order_id, ids)?,
        None => HashMap::new(),
    };
    Ok(Details { people: people.into_iter().map(|c| (c.row.id, c)).collect(), extractions, stages })
}

/// Runs the match for the agency: the role and the fresh index (a short read), the ranking
/// (no connection held), and the details of the matches returned (another short read).
pub async fn run(
    state: &AppState,
    agency_id: i64,
    subject: Subject,
    ask: Ask,
    experienced_rate: Option<i64>,
) -> Result<Answer, Error> {
    let index = state.match_index.clone();
    let (role, card, fresh) = state
        .db(move |conn| -> Result<_, Error> {
            let role = match subject {
                Subject::JobOrder(id) => Role::of_job_order(&job_orders::find(conn, agency_id, id)?),
                Subject::Role(draft) => resolve_role(conn, agency_id, draft)?,
            };
            let required: Vec<i64> = role.needs.iter().filter(|n| n.required).map(|n| i64::from(n.skill_id)).collect();
            let card = rate_card::applicable(conn, agency_id, &required, role.title.as_deref())?;
            let fresh = index.fresh(conn, agency_id)?;
            Ok((role, card, fresh))
        })
        .await?;
    let criteria = role.criteria();
    let card_rate = card.as_ref().map(|c| c.row.experienced_rate_cents);
    let ranked_criteria = criteria.clone();
    let turn = state.gates.ranking.enter().await?;
    let ranked = state.blocking(move || rank(&fresh, &ranked_criteria, card_rate, ask, experienced_rate)).await?;
    drop(turn);
    let ids: Vec<i64> = ranked.outcome.matches.iter().map(|m| m.candidate_id).collect();
    let job_order_id = role.job_order_id;
    let details =
        state.db(move |conn| -> Result<_, Error> { Ok(details(conn, agency_id, job_order_id, &ids)?) }).await?;
    let (outcome, found) = explain_matches(&criteria, ranked, details);
    Ok(Answer { role, outcome, rate_card: card, found })
}

/// Puts each match together with its candidate, the skills and evidence that cover each need,
/// its ramp-up plan and its explanation. A candidate deleted since the index was read is left
/// out.
fn explain_matches(criteria: &Criteria, ranked: Ranked, details: Details) -> (Outcome, Vec<Found>) {
    let Ranked { outcome, mut plans, implying, profiles } = ranked;
    let Details { mut people, extractions, mut stages } = details;
    let mut found = Vec::new();
    for m in &outcome.matches {
        let (Some(candidate), Some(profile)) = (people.remove(&m.candidate_id), profiles.get(&m.candidate_id)) else {
            continue;
        };
        let extraction = candidate.row.current_resume_id.and_then(|id| extractions.get(&id));
        let plan = plans.remove(&m.candidate_id);
        let stage = stages.remove(&m.candidate_id);
        found.push(assemble(criteria, m, profile, candidate, extraction, plan, &implying, stage));
    }
    (outcome, found)
}

/// One match with everything said about it: the skills that cover each need (with the résumé
/// line), the money, the plan and the explanation.
#[allow(clippy::too_many_arguments)]
pub(super) fn assemble(
    criteria: &Criteria,
    m: &Match,
    profile: &Profile,
    candidate: Candidate,
    extraction: Option<&Extraction>,
    plan: Option<RampUpView>,
    implying: &HashMap<u32, Vec<u32>>,
    shortlist_stage: Option<String>,
) -> Found {
    let matched = m
        .matched
        .iter()
        .map(|&(need_index, years)| {
            let need = &criteria.needs[need_index];
            let held = candidate
                .skills
                .iter()
                .find(|s| s.skill.id == i64::from(need.skill_id))
                .or_else(|| {
                    let implying = implying.get(&need.skill_id)?;
                    candidate.skills.iter().find(|s| u32::try_from(s.skill.id).is_ok_and(|id| implying.contains(&id)))
                })
                .map(|s| s.skill.name.clone());
            let evidence = held.as_deref().and_then(|name| {
                let wanted = normalize(name);
                extraction?.skills.iter().find(|f| normalize(&f.name) == wanted).map(|f| f.evidence.clone())
            });
            let via = held.filter(|name| normalize(name) != normalize(&need.name));
            MatchedSkill { need: need_index, years, via, evidence }
        })
        .collect();
    let steps: Vec<String> =
        plan.as_ref().map(|view| view.steps.iter().map(|s| s.name.clone()).collect()).unwrap_or_default();
    // Priced from the rates as read with the candidate, so the money shown agrees with itself.
    let (min, desired) = (candidate.row.min_rate_cents, candidate.row.desired_rate_cents);
    let offer = money::offer(min, desired, criteria.budget_cents, criteria.markup);
    let explanation = explain::explain(&explain::Facts {
        full_name: &candidate.row.full_name,
        profile,
        found: m,
        needs: &criteria.needs,
        budget_cents: criteria.budget_cents,
        offer: &offer,
        ramp_up_months: plan.as_ref().map(|view| view.estimated_months),
        ramp_up_steps: &steps,
    });
    Found {
        found: m.clone(),
        candidate,
        matched,
        ramp_up: plan,
        offer,
        signals: profile.signals,
        explanation,
        shortlist_stage,
    }
}

/// One candidate against one of the agency's job orders, assessed as a match would assess them
/// (whatever the rules would exclude them for): what a submittal presents.
pub async fn one(
    state: &AppState,
    agency_id: i64,
    job_order_id: i64,
    candidate_id: i64,
) -> Result<(Role, Found), Error> {
    let index = state.match_index.clone();
    let (role, fresh) = state
        .db(move |conn| -> Result<_, Error> {
            let role = Role::of_job_order(&job_orders::find(conn, agency_id, job_order_id)?);
            Ok((role, index.fresh(conn, agency_id)?))
        })
        .await?;
    let criteria = role.criteria();
    let (m, profile, plan, implying) = {
        let agency = fresh.read();
        let profile = agency.profile(candidate_id).cloned().ok_or(WriteError::NotFound)?;
        let m = matching::assess(&profile, &criteria, &matching::BALANCED_WEIGHTS);
        let plan = named_plan(&profile, &m, &criteria, agency.catalog());
        (m, profile, plan, implying(&criteria, agency.catalog()))
    };
    let mut details = state
        .db(move |conn| -> Result<_, Error> { Ok(details(conn, agency_id, Some(job_order_id), &[candidate_id])?) })
        .await?;
    let candidate = details.people.remove(&candidate_id).ok_or(WriteError::NotFound)?;
    let extraction = candidate.row.current_resume_id.and_then(|id| details.extractions.get(&id));
    let stage = details.stages.remove(&candidate_id);
    let found = assemble(&criteria, &m, &profile, candidate, extraction, plan, &implying, stage);
    Ok((role, found))
}
