//! Budget-aware matching, as pure functions over plain data: which candidates fit a role and its
//! budget, in what order, and why. The database and HTTP layers only gather the inputs and
//! present the answer.
//!
//! The rules, in the order they are applied:
//! The budget B is a bill rate (what the client pays the agency) and candidates' rates are pay
//! rates; at the agency's markup m the most it can pay is the pay ceiling B × 100 / (100 + m).
//!
//! 1. **Hard exclusions** (counted by reason): a status other than active; no rate on file; a
//!    minimum pay above the pay ceiling; none of the required skills; an on-site role in another
//!    state (or a candidate without a location).
//! 2. **Market rate**: the median desired rate of candidates with at least
//!    [`EXPERIENCED_MONTHS`] of healthcare experience who cover every required skill (any
//!    status: placed people are market data too); with fewer than [`MIN_SAMPLE`] of them the
//!    agency's rate card decides, and without a card the thin sample is used and said to be.
//! 3. **Score** 0–100 from five parts, each 0–1: skill fit, IT breadth, healthcare experience,
//!    crossover signals and rate fit. When the budget is below the market rate billed at the
//!    markup, healthcare
//!    experience weighs nothing and crossover signals weigh more: the crossover segment is the
//!    answer. Otherwise healthcare experience counts.
//! 4. **Order**: score, then id (newest first), so the same data always ranks the same.

pub mod catalog;
pub mod explain;
pub mod ramp_up;

use crate::domain::candidate::{SignalKind, Status};
use crate::domain::money::Markup;

/// Healthcare experience from which a candidate counts as experienced.
pub const EXPERIENCED_MONTHS: i32 = 24;
/// Data points below which the agency's own candidates are too few to set the market rate.
pub const MIN_SAMPLE: usize = 5;

/// Crossover signals as a set of bits, so a profile stays small.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signals(u8);

impl Signals {
    const KINDS: [SignalKind; 5] = [
        SignalKind::HealthcareTraining,
        SignalKind::ClinicalVolunteering,
        SignalKind::ClinicalBackground,
        SignalKind::HealthcareCertification,
        SignalKind::LowerRateOk,
    ];

    fn bit(kind: SignalKind) -> u8 {
        1 << Signals::KINDS.iter().position(|k| *k == kind).unwrap_or(0)
    }

    pub fn has(self, kind: SignalKind) -> bool {
        self.0 & Signals::bit(kind) != 0
    }

    /// These signals and one more.
    pub fn with(self, kind: SignalKind) -> Signals {
        Signals(self.0 | Signals::bit(kind))
    }

    pub fn kinds(self) -> impl Iterator<Item = SignalKind> {
        Signals::KINDS.into_iter().filter(move |k| self.has(*k))
    }
}

impl FromIterator<SignalKind> for Signals {
    fn from_iter<I: IntoIterator<Item = SignalKind>>(kinds: I) -> Self {
        Signals(kinds.into_iter().fold(0, |bits, k| bits | Signals::bit(k)))
    }
}

/// A skill a candidate holds: its id and years (`None` when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Held {
    pub skill: u32,
    pub years: Option<u16>,
}

/// A candidate's skills sorted by id, with a 64-bit summary (bit `id % 64` set for each) that
/// answers most "does not hold it" questions without reading the list: a match asks that of
/// every candidate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skills {
    held: Box<[Held]>,
    mask: u64,
}

impl Skills {
    fn bit(skill: u32) -> u64 {
        1 << (skill % 64)
    }

    /// The years for a skill held (`Some(None)` when unknown), `None` when not held.
    pub fn get(&self, skill: u32) -> Option<Option<i32>> {
        if self.mask & Skills::bit(skill) == 0 {
            return None;
        }
        self.held.binary_search_by_key(&skill, |h| h.skill).ok().map(|i| self.held[i].years.map(i32::from))
    }

    pub fn has(&self, skill: u32) -> bool {
        self.get(skill).is_some()
    }

    pub fn held(&self) -> &[Held] {
        &self.held
    }
}

impl From<Vec<Held>> for Skills {
    /// Sorts by skill; a skill listed twice keeps its first entry.
    fn from(mut held: Vec<Held>) -> Self {
        held.sort_by_key(|h| h.skill);
        held.dedup_by_key(|h| h.skill);
        let mask = held.iter().fold(0, |mask, h| mask | Skills::bit(h.skill));
        Skills { held: held.into_boxed_slice(), mask }
    }
}

impl FromIterator<Held> for Skills {
    fn from_iter<I: IntoIterator<Item = Held>>(iter: I) -> Self {
        iter.into_iter().collect::<Vec<_>>().into()
    }
}

/// A candidate as the matcher sees it: small, because the match index keeps one per candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub id: i64,
    pub status: Status,
    pub remote_ok: bool,
    /// The state or region part of the location, normalised ("OK" for "Tulsa, OK").
    pub region: Option<Box<str>>,
    pub it_months: i32,
    pub healthcare_months: i32,
    pub min_rate_cents: Option<i64>,
    pub desired_rate_cents: Option<i64>,
    pub signals: Signals,
    /// Skills held, including the ones implied by those held.
    pub skills: Skills,
    /// Certifications typed on the candidate that the taxonomy knows (those listed as skills
    /// are in `skills`).
    pub certifications: Box<[u32]>,
}

impl Profile {
    /// Whether the candidate holds this skill or certification, listed either way.
    pub fn holds(&self, skill: u32) -> bool {
        self.skills.has(skill) || self.certifications.contains(&skill)
    }

    fn years_of(&self, skill: u32) -> Option<Option<i32>> {
        self.skills.get(skill)
    }

    /// The pay held against the pay ceiling: the minimum, else the desired rate.
    pub fn floor_rate(&self) -> Option<i64> {
        self.min_rate_cents.or(self.desired_rate_cents)
    }

    pub fn is_experienced(&self) -> bool {
        self.healthcare_months >= EXPERIENCED_MONTHS
    }
}

/// The region part of a location: what follows the last comma, upper-cased ("Tulsa, OK" → "OK");
/// a location without a comma is its own region.
pub fn region_of(location: &str) -> Option<Box<str>> {
    let part = location.rsplit(',').next().unwrap_or(location).trim();
    (!part.is_empty()).then(|| part.to_uppercase().into_boxed_str())
}

/// A skill the role asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub skill_id: u32,
    pub name: String,
    pub weight: i32,
    pub min_years: i32,
    pub required: bool,
    /// Healthcare or clinical skills: the ones a crossover candidate may have to learn.
    pub healthcare: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Criteria {
    pub needs: Vec<Need>,
    /// The budget: a bill rate, what the client pays the agency.
    pub budget_cents: Option<i64>,
    /// The agency's markup on the budget: candidates' rates are pay rates, held to the pay
    /// ceiling the budget leaves at this markup.
    pub markup: Markup,
    /// The region an on-site role is in; `None` for a remote role or one without a location.
    pub onsite_region: Option<Box<str>>,
}

impl Criteria {
    /// The most the agency can pay and keep its markup within the budget.
    pub fn pay_ceiling(&self) -> Option<i64> {
        self.budget_cents.map(|b| self.markup.pay_ceiling(b))
    }
}

/// Where the experienced rate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Candidates,
    RateCard,
    ThinCandidates,
    /// The caller named the experienced rate.
    Override,
    Unknown,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Candidates => "candidates",
            Basis::RateCard => "rate_card",
            Basis::ThinCandidates => "candidates_thin",
            Basis::Override => "override",
            Basis::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Market {
    pub experienced_rate_cents: Option<i64>,
    pub basis: Basis,
    pub sample_size: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Crossover,
    Experienced,
}

impl Segment {
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Crossover => "crossover",
            Segment::Experienced => "experienced",
        }
    }

    pub fn parse(s: &str) -> Option<Segment> {
        match s {
            "crossover" => Some(Segment::Crossover),
            "experienced" => Some(Segment::Experienced),
            _ => None,
        }
    }
}

/// Why a candidate was left out; a candidate is counted under the first reason that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusion {
    Status,
    NoRate,
    OverBudget,
    MissingRequiredSkills,
    Location,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Excluded {
    pub status: usize,
    pub no_rate: usize,
    pub over_budget: usize,
    pub missing_required_skills: usize,
    pub location: usize,
}

impl Excluded {
    fn count(&mut self, why: Exclusion) {
        match why {
            Exclusion::Status => self.status += 1,
            Exclusion::NoRate => self.no_rate += 1,
            Exclusion::OverBudget => self.over_budget += 1,
            Exclusion::MissingRequiredSkills => self.missing_required_skills += 1,
            Exclusion::Location => self.location += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.status + self.no_rate + self.over_budget + self.missing_required_skills + self.location
    }
}

/// The score's parts, each from 0 to 1, and the weights they were given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parts {
    pub skill_fit: f64,
    pub it_breadth: f64,
    pub healthcare_experience: f64,
    pub crossover_signals: f64,
    pub rate_fit: f64,
}

/// How much each part counts, out of 100.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub skill_fit: f64,
    pub it_breadth: f64,
    pub healthcare_experience: f64,
    pub crossover_signals: f64,
    pub rate_fit: f64,
}

impl Parts {
    /// The parts of a candidate's score, given their skill fit and the pay ceiling.
    fn of(profile: &Profile, skill_fit: f64, ceiling: Option<i64>) -> Parts {
        Parts {
            skill_fit,
            it_breadth: (f64::from(profile.it_months.max(0)) / 120.0).min(1.0),
            healthcare_experience: (f64::from(profile.healthcare_months.max(0)) / 60.0).min(1.0),
            crossover_signals: signal_strength(profile.signals),
            rate_fit: rate_fit(profile, ceiling),
        }
    }

    /// The score, 0–100: each part times its weight.
    pub fn score(&self, w: &Weights) -> f64 {
        self.skill_fit * w.skill_fit
            + self.it_breadth * w.it_breadth
            + self.healthcare_experience * w.healthcare_experience
            + self.crossover_signals * w.crossover_signals
            + self.rate_fit * w.rate_fit
    }
}

/// When the client cannot afford experienced rates: skills, IT breadth and readiness to cross.
pub const CROSSOVER_WEIGHTS: Weights =
    Weights { skill_fit: 50.0, it_breadth: 20.0, healthcare_experience: 0.0, crossover_signals: 15.0, rate_fit: 15.0 };
/// When it can (or the market is unknown): healthcare experience counts.
pub const BALANCED_WEIGHTS: Weights =
    Weights { skill_fit: 50.0, it_breadth: 10.0, healthcare_experience: 20.0, crossover_signals: 5.0, rate_fit: 15.0 };

#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub candidate_id: i64,
    /// 0–100, in tenths so that equal scores are truly equal.
    pub score_tenths: i64,
    pub parts: Parts,
    pub segment: Segment,
    pub matched: Vec<Covered>,
    pub missing: Vec<usize>,
}

/// Extra candidates a larger budget would bring in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WhatIf {
    pub percent: u32,
    pub budget_cents: i64,
    pub crossover: usize,
    pub experienced: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub market: Market,
    pub can_afford_experienced: Option<bool>,
    pub weights: Weights,
    pub matches: Vec<Match>,
    /// Candidates that passed every rule and the caller's filters, before `limit`.
    pub qualified: usize,
    /// Matches that passed every rule but fell below `min_score` or outside `segment`.
    pub filtered_out: usize,
    pub excluded: Excluded,
    pub what_if: Vec<WhatIf>,
}

/// What the caller asks of the answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ask {
    pub limit: usize,
    pub min_score: f64,
    pub segment: Option<Segment>,
}

/// A need the candidate covers: its index in `Criteria::needs` and the candidate's years.
pub type Covered = (usize, Option<i32>);

/// What a need is worth: its weight, a nice-to-have a third of a required one.
fn worth(need: &Need) -> f64 {
    f64::from(need.weight.max(1)) * if need.required { 1.0 } else { 1.0 / 3.0 }
}

/// The credit for holding a skill with these years: full at the minimum, partial below it.
fn credit(need: &Need, years: Option<i32>) -> f64 {
    match years {
        _ if need.min_years <= 0 => 1.0,
        Some(y) if y >= need.min_years => 1.0,
        Some(y) => 0.5 + 0.5 * f64::from(y.max(0)) / f64::from(need.min_years),
        None => 0.5,
    }
}

/// The weighted skill fit (0–1) and whether any required need is covered, without allocating:
/// this runs once per candidate per match.
fn fit(profile: &Profile, needs: &[Need]) -> (f64, bool) {
    let (mut earned, mut possible, mut any_required) = (0.0, 0.0, false);
    for need in needs {
        let w = worth(need);
        possible += w;
        if let Some(years) = profile.years_of(need.skill_id) {
            earned += w * credit(need, years);
            any_required |= need.required;
        }
    }
    (if possible > 0.0 { earned / possible } else { 0.0 }, any_required)
}

/// Which needs the candidate covers (with years) and which it misses.
pub fn coverage(profile: &Profile, needs: &[Need]) -> (Vec<Covered>, Vec<usize>) {
    let (mut matched, mut missing) = (Vec::new(), Vec::new());
    for (i, need) in needs.iter().enumerate() {
        match profile.years_of(need.skill_id) {
            Some(years) => matched.push((i, years)),
            None => missing.push(i),
        }
    }
    (matched, missing)
}

/// The first rule that leaves the candidate out, given whether they cover a required need; the
/// pay `ceiling` is passed apart so the what-if counts can ask the same question at other
/// budgets. A minimum pay above the ceiling is over budget: placing them would eat the markup.
fn exclusion(profile: &Profile, criteria: &Criteria, ceiling: Option<i64>, any_required: bool) -> Option<Exclusion> {
    if profile.status != Status::Active {
        return Some(Exclusion::Status);
    }
    let Some(rate) = profile.floor_rate() else { return Some(Exclusion::NoRate) };
    if ceiling.is_some_and(|ceiling| rate > ceiling) {
        return Some(Exclusion::OverBudget);
    }
    if criteria.needs.iter().any(|n| n.required) && !any_required {
        return Some(Exclusion::MissingRequiredSkills);
    }
    if let Some(region) = &criteria.onsite_region {
        if profile.region.as_ref() != Some(region) {
            return Some(Exclusion::Location);
        }
    }
    None
}

fn signal_strength(signals: Signals) -> f64 {
    signals
        .kinds()
        .map(|s| match s {
            SignalKind::HealthcareTraining => 0.35,
            SignalKind::HealthcareCertification => 0.3,
            SignalKind::ClinicalBackground => 0.3,
            SignalKind::ClinicalVolunteering => 0.2,
            SignalKind::LowerRateOk => 0.2,
        })
        .sum::<f64>()
        .min(1.0)
}

/// 1 when the floor pay leaves a fifth of the pay ceiling or more, falling to 0 at the ceiling;
/// without a budget every rate fits.
fn rate_fit(profile: &Profile, ceiling: Option<i64>) -> f64 {
    match (ceiling, profile.floor_rate()) {
        (Some(ceiling), Some(rate)) if ceiling > 0 => {
            let headroom = (ceiling - rate) as f64 / ceiling as f64;
            (headroom / 0.2).clamp(0.0, 1.0)
        }
        _ => 1.0,
    }
}

fn median(mut rates: Vec<i64>) -> Option<i64> {
    rates.sort_unstable();
    let n = rates.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(rates[n / 2]),
        _ => Some((rates[n / 2 - 1] + rates[n / 2]) / 2),
    }
}

/// Estimates the experienced rate from the candidates, falling back to the rate card's figure.
pub fn market<'a>(profiles: impl Iterator<Item = &'a Profile>, needs: &[Need], rate_card: Option<i64>) -> Market {
    let required: Vec<&Need> = needs.iter().filter(|n| n.required).collect();
    let rates: Vec<i64> = profiles
        .filter(|p| p.is_experienced() && p.status != Status::Archived && p.desired_rate_cents.is_some())
        .filter(|p| required.iter().all(|n| p.years_of(n.skill_id).is_some()))
        .filter_map(|p| p.desired_rate_cents)
        .collect();
    let sample_size = rates.len();
    match (sample_size, rate_card) {
        (n, _) if n >= MIN_SAMPLE => {
            Market { experienced_rate_cents: median(rates), basis: Basis::Candidates, sample_size }
        }
        (_, Some(card)) => Market { experienced_rate_cents: Some(card), basis: Basis::RateCard, sample_size },
        (0, None) => Market { experienced_rate_cents: None, basis: Basis::Unknown, sample_size },
        _ => Market { experienced_rate_cents: median(rates), basis: Basis::ThinCandidates, sample_size },
    }
}

/// Whether the client's budget (a bill rate) covers the market's experienced pay rate billed at
/// the markup; unknown without a market figure.
pub fn affordability(budget: Option<i64>, market: &Market, markup: Markup) -> Option<bool> {
    match (budget, market.experienced_rate_cents) {
        (None, _) => Some(true),
        (Some(budget), Some(rate)) => Some(budget >= markup.bill_for(rate)),
        (Some(_), None) => None,
    }
}

fn segment_of(profile: &Profile) -> Segment {
    if profile.is_experienced() {
        Segment::Experienced
    } else {
        Segment::Crossover
    }
}

/// One candidate against the criteria, with these weights: the score, its parts, the segment,
/// and the needs covered and missing. The rules that exclude candidates are not applied.
pub fn assess(profile: &Profile, criteria: &Criteria, weights: &Weights) -> Match {
    let parts = Parts::of(profile, fit(profile, &criteria.needs).0, criteria.pay_ceiling());
    let (matched, missing) = coverage(profile, &criteria.needs);
    Match {
        candidate_id: profile.id,
        score_tenths: (parts.score(weights) * 10.0).round() as i64,
        parts,
        segment: segment_of(profile),
        matched,
        missing,
    }
}

/// One candidate against the criteria as a ranking takes them: `None` when a rule leaves them
/// out (status, rate over the pay ceiling, no required skill, location), else their match,
/// scored with the weights the market calls for.
pub fn qualify(profile: &Profile, criteria: &Criteria, market: &Market) -> Option<Match> {
    if profile.status != Status::Active {
        return None;
    }
    let (_, any_required) = fit(profile, &criteria.needs);
    if exclusion(profile, criteria, criteria.pay_ceiling(), any_required).is_some() {
        return None;
    }
    let affordable = affordability(criteria.budget_cents, market, criteria.markup);
    let weights = if affordable == Some(false) { CROSSOVER_WEIGHTS } else { BALANCED_WEIGHTS };
    Some(assess(profile, criteria, &weights))
}

/// Ranks the profiles for the criteria against a market estimate. One pass over the profiles
/// counts the exclusions and what-if raises and scores the rest; only the returned matches get
/// their matched and missing skills listed.
pub fn rank(profiles: &[Profile], criteria: &Criteria, market: Market, ask: Ask) -> Outcome {
    let can_afford_experienced = affordability(criteria.budget_cents, &market, criteria.markup);
    let ceiling = criteria.pay_ceiling();
    let weights = if can_afford_experienced == Some(false) { CROSSOVER_WEIGHTS } else { BALANCED_WEIGHTS };
    let mut what_if: Vec<WhatIf> = match criteria.budget_cents {
        Some(budget) => [10u32, 25]
            .iter()
            .map(|&percent| WhatIf {
                percent,
                budget_cents: budget + budget * i64::from(percent) / 100,
                crossover: 0,
                experienced: 0,
            })
            .collect(),
        None => Vec::new(),
    };
    let mut excluded = Excluded::default();
    // (score in tenths, id, index): light enough to keep one per qualifying candidate.
    let mut scored: Vec<(i64, i64, usize)> = Vec::new();
    let mut filtered_out = 0;
    // Scores are compared in tenths; the tolerance keeps 72.3 from reading as 722.99….
    let min_tenths = (ask.min_score * 10.0 - 1e-6).ceil() as i64;
    // Above the pay ceiling of the largest what-if budget, an over-budget candidate needs no
    // further look.
    let widest = what_if.iter().map(|w| criteria.markup.pay_ceiling(w.budget_cents)).max();
    for (index, profile) in profiles.iter().enumerate() {
        if profile.status != Status::Active {
            excluded.count(Exclusion::Status);
            continue;
        }
        if let (Some(rate), Some(ceiling), Some(widest)) = (profile.floor_rate(), ceiling, widest) {
            if rate > ceiling && rate > widest {
                excluded.count(Exclusion::OverBudget);
                continue;
            }
        }
        let (skill_fit, any_required) = fit(profile, &criteria.needs);
        if let Some(why) = exclusion(profile, criteria, ceiling, any_required) {
            excluded.count(why);
            if why == Exclusion::OverBudget && exclusion(profile, criteria, None, any_required).is_none() {
                let rate = profile.floor_rate().unwrap_or(i64::MAX);
                for w in what_if.iter_mut().filter(|w| rate <= criteria.markup.pay_ceiling(w.budget_cents)) {
                    match segment_of(profile) {
                        Segment::Experienced => w.experienced += 1,
                        Segment::Crossover => w.crossover += 1,
                    }
                }
            }
            continue;
        }
        let parts = Parts::of(profile, skill_fit, ceiling);
        let score_tenths = (parts.score(&weights) * 10.0).round() as i64;
        if score_tenths < min_tenths || ask.segment.is_some_and(|s| s != segment_of(profile)) {
            filtered_out += 1;
            continue;
        }
        scored.push((score_tenths, profile.id, index));
    }
    let qualified = scored.len();
    let order = |a: &(i64, i64, usize), b: &(i64, i64, usize)| b.0.cmp(&a.0).then(b.1.cmp(&a.1));
    if scored.len() > ask.limit && ask.limit > 0 {
        scored.select_nth_unstable_by(ask.limit - 1, order);
    }
    scored.truncate(ask.limit);
    scored.sort_unstable_by(order);
    let matches = scored.into_iter().map(|(_, _, index)| assess(&profiles[index], criteria, &weights)).collect();
    Outcome { market, can_afford_experienced, weights, matches, qualified, filtered_out, excluded, what_if }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPIC: u32 = 1;
    const HL7: u32 = 2;
    const SQL: u32 = 3;

    /// Ranks against the market the profiles themselves give.
    fn rank(profiles: &[Profile], criteria: &Criteria, rate_card: Option<i64>, ask: Ask) -> Outcome {
        super::rank(profiles, criteria, market(profiles.iter(), &criteria.needs, rate_card), ask)
    }

    fn person(id: i64, it: i32, hc: i32, min: i64, desired: i64, skills: &[(u32, u16)]) -> Profile {
        let mut skills: Vec<Held> = skills.iter().map(|(s, y)| Held { skill: *s, years: Some(*y) }).collect();
        skills.sort();
        Profile {
            id,
            status: Status::Active,
            remote_ok: true,
            region: Some("OK".into()),
            it_months: it,
            healthcare_months: hc,
            min_rate_cents: Some(min),
            desired_rate_cents: Some(desired),
            signals: Signals::default(),
            skills: skills.into(),
            certifications: Box::default(),
        }
    }

    fn need(skill_id: u32, name: &str, weight: i32, min_years: i32) -> Need {
        Need { skill_id, name: name.into(), weight, min_years, required: true, healthcare: skill_id != SQL }
    }

    /// A role at this budget with no markup, so budgets and pay rates compare directly; the
    /// markup has tests of its own below.
    fn criteria(budget: i64) -> Criteria {
        Criteria {
            needs: vec![need(EPIC, "Epic", 3, 2), need(HL7, "HL7 v2", 2, 0), need(SQL, "SQL", 1, 0)],
            budget_cents: Some(budget),
            markup: Markup::from_hundredths(0).unwrap(),
            onsite_region: None,
        }
    }

    const ALL: Ask = Ask { limit: 100, min_score: 0.0, segment: None };

    /// Five experienced Epic analysts asking $95–$115 an hour set the market.
    fn experienced() -> Vec<Profile> {
        (1..=5)
            .map(|i| person(i, 120, 96, 9_000 + i * 500, 9_500 + i * 500, &[(EPIC, 8), (HL7, 6), (SQL, 5)]))
            .collect()
    }

    #[test]
    fn a_low_budget_puts_skilled_crossover_people_first() {
        let mut people = experienced();
        let mut trained = person(10, 96, 0, 5_500, 6_500, &[(EPIC, 1), (HL7, 2), (SQL, 8)]);
        trained.signals = [SignalKind::HealthcareTraining, SignalKind::LowerRateOk].into_iter().collect();
        let plain = person(11, 96, 0, 5_500, 6_500, &[(EPIC, 1), (HL7, 2), (SQL, 8)]);
        let weak = person(12, 24, 0, 4_000, 4_500, &[(SQL, 2)]);
        people.extend([trained, plain, weak]);
        let out = rank(&people, &criteria(6_000), None, ALL);

        assert_eq!(
            out.market,
            Market { experienced_rate_cents: Some(11_000), basis: Basis::Candidates, sample_size: 5 }
        );
        assert_eq!(out.can_afford_experienced, Some(false));
        let order: Vec<i64> = out.matches.iter().map(|m| m.candidate_id).collect();
        assert_eq!(order, [10, 11, 12], "signals lift the trained one; the weak fit comes last");
        assert!(out.matches.iter().all(|m| m.segment == Segment::Crossover));
        assert_eq!(out.excluded.over_budget, 5, "every experienced analyst is over budget");
        let first = &people[5];
        let offer = crate::domain::money::offer(
            first.min_rate_cents,
            first.desired_rate_cents,
            Some(6_000),
            Markup::from_hundredths(0).unwrap(),
        );
        assert!(!offer.within_budget, "asks $65 against $60: a concession");
    }

    #[test]
    fn a_well_funded_hospital_sees_experienced_people_lead() {
        let mut people = experienced();
        people.push(person(10, 96, 0, 5_500, 6_500, &[(EPIC, 1), (HL7, 2), (SQL, 8)]));
        let out = rank(&people, &criteria(15_000), None, ALL);
        assert_eq!(out.can_afford_experienced, Some(true));
        assert_eq!(out.matches.len(), 6);
        assert!(out.matches[..5].iter().all(|m| m.segment == Segment::Experienced));
        assert_eq!(out.matches[5].candidate_id, 10);
    }

    #[test]
    fn equal_candidates_rank_newest_first() {
        let people: Vec<Profile> = (1..=3).map(|i| person(i, 60, 0, 5_000, 5_000, &[(EPIC, 3)])).collect();
        let out = rank(&people, &criteria(6_000), None, ALL);
        let order: Vec<i64> = out.matches.iter().map(|m| m.candidate_id).collect();
        assert_eq!(order, [3, 2, 1]);
        assert_eq!(out.matches[0].score_tenths, out.matches[2].score_tenths);
    }

    #[test]
    fn candidates_without_skills_or_rates_are_counted_not_lost() {
        let mut no_rate = person(2, 60, 0, 0, 0, &[(EPIC, 3)]);
        no_rate.min_rate_cents = None;
        no_rate.desired_rate_cents = None;
        let mut placed = person(3, 60, 0, 5_000, 5_000, &[(EPIC, 3)]);
        placed.status = Status::Placed;
        let mut elsewhere = person(4, 60, 0, 5_000, 5_000, &[(EPIC, 3)]);
        elsewhere.region = Some("TX".into());
        let people = vec![person(1, 60, 0, 5_000, 5_000, &[]), no_rate, placed, elsewhere];
        let onsite = Criteria { onsite_region: Some("OK".into()), ..criteria(6_000) };
        let out = rank(&people, &onsite, None, ALL);
        assert!(out.matches.is_empty());
        assert_eq!(
            out.excluded,
            Excluded { status: 1, no_rate: 1, over_budget: 0, missing_required_skills: 1, location: 1 }
        );
    }

    #[test]
    fn an_empty_agency_answers_with_an_unknown_market() {
        let out = rank(&[], &criteria(6_000), None, ALL);
        assert_eq!(out.market, Market { experienced_rate_cents: None, basis: Basis::Unknown, sample_size: 0 });
        assert_eq!(out.can_afford_experienced, None);
        assert!(out.matches.is_empty());
        assert_eq!(out.excluded.total(), 0);
    }

    #[test]
    fn a_thin_sample_gives_way_to_the_rate_card() {
        let people = experienced()[..2].to_vec();
        assert_eq!(rank(&people, &criteria(6_000), Some(12_500), ALL).market.basis, Basis::RateCard);
        let thin = rank(&people, &criteria(6_000), None, ALL).market;
        assert_eq!(
            (thin.basis, thin.sample_size, thin.experienced_rate_cents),
            (Basis::ThinCandidates, 2, Some(10_250))
        );
    }

    #[test]
    fn what_if_counts_who_a_bigger_budget_brings_in() {
        let mut people = experienced();
        people.push(person(10, 96, 0, 6_500, 7_000, &[(EPIC, 3)]));
        let out = rank(&people, &criteria(6_000), None, ALL);
        // +10% = $66: the crossover at $65; +25% = $75: still none of the experienced ($95+).
        assert_eq!(out.what_if[0], WhatIf { percent: 10, budget_cents: 6_600, crossover: 1, experienced: 0 });
        assert_eq!(out.what_if[1], WhatIf { percent: 25, budget_cents: 7_500, crossover: 1, experienced: 0 });
        let richer = rank(&people, &criteria(8_000), None, ALL);
        assert_eq!(richer.what_if[1].experienced, 2, "minimums of $95 and $100 fit $80 + 25%");
    }

    #[test]
    fn the_budget_is_a_bill_rate_held_against_pay_at_the_markup() {
        // B = 6500 at 30 %: a pay ceiling of 5000.
        let marked_up = Criteria { markup: Markup::DEFAULT, ..criteria(6_500) };
        let fits = person(1, 60, 0, 4_500, 5_200, &[(EPIC, 3), (HL7, 1), (SQL, 1)]);
        let over = person(2, 60, 0, 5_400, 5_600, &[(EPIC, 3), (HL7, 1), (SQL, 1)]);
        let out = rank(&[fits, over], &marked_up, None, ALL);
        assert_eq!(out.matches.iter().map(|m| m.candidate_id).collect::<Vec<_>>(), [1]);
        assert_eq!(out.excluded.over_budget, 1, "a minimum of 5400 is above the ceiling, though below 6500");
        // +10 % = 7150 → ceiling 5500: the one at 5400 comes in.
        assert_eq!(out.what_if[0], WhatIf { percent: 10, budget_cents: 7_150, crossover: 1, experienced: 0 });
        // The market's experienced pay, billed at the markup, is what the client cannot afford.
        let market = Market { experienced_rate_cents: Some(5_100), basis: Basis::Override, sample_size: 0 };
        assert_eq!(affordability(Some(6_500), &market, Markup::DEFAULT), Some(false), "5100 bills at 6630");
        assert_eq!(affordability(Some(6_630), &market, Markup::DEFAULT), Some(true));
    }

    #[test]
    fn skills_sharing_a_summary_bit_are_still_told_apart() {
        let skills: Skills = vec![Held { skill: 65, years: Some(2) }, Held { skill: 3, years: None }].into();
        assert_eq!(skills.get(65), Some(Some(2)));
        assert_eq!(skills.get(3), Some(None));
        assert_eq!(skills.get(1), None, "bit 1 is set by 65, the list says no");
        assert_eq!(skills.get(4), None);
        assert_eq!(skills.held().iter().map(|h| h.skill).collect::<Vec<_>>(), [3, 65]);
    }

    #[test]
    fn fewer_years_than_asked_earn_partial_credit() {
        let people = vec![person(1, 60, 0, 5_000, 5_000, &[(EPIC, 1), (HL7, 1), (SQL, 1)])];
        let full = vec![person(2, 60, 0, 5_000, 5_000, &[(EPIC, 2), (HL7, 1), (SQL, 1)])];
        let partial = rank(&people, &criteria(6_000), None, ALL).matches[0].parts.skill_fit;
        let complete = rank(&full, &criteria(6_000), None, ALL).matches[0].parts.skill_fit;
        assert!((complete - 1.0).abs() < 1e-9);
        assert!((partial - (3.0 * 0.75 + 2.0 + 1.0) / 6.0).abs() < 1e-9, "{partial}");
    }

    #[test]
    fn min_score_and_segment_filter_the_answer() {
        let mut people = experienced();
        people.push(person(10, 96, 0, 5_500, 6_500, &[(EPIC, 1)]));
        let ask = Ask { limit: 100, min_score: 0.0, segment: Some(Segment::Crossover) };
        let out = rank(&people, &criteria(15_000), None, ask);
        assert_eq!(out.matches.iter().map(|m| m.candidate_id).collect::<Vec<_>>(), [10]);
        assert_eq!(out.filtered_out, 5);
        let strict = rank(&people, &criteria(15_000), None, Ask { limit: 100, min_score: 99.5, segment: None });
        assert!(strict.matches.is_empty());
    }
}
