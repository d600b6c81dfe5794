//! The ramp-up plan for a crossover candidate: the healthcare skills they still have to learn,
//! the certifications or trainings from the taxonomy that close them, and a rough time to
//! productive a recruiter can pitch.

use super::catalog::Catalog;
use crate::domain::candidate::SignalKind;
use crate::domain::matching::{Need, Profile};

/// Domain basics every newcomer to healthcare is expected to pick up.
const BASICS: [&str; 2] = ["HIPAA", "Medical Terminology"];
/// The longest plan the estimate will promise.
const MAX_MONTHS: i32 = 12;

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The certification or training.
    pub skill: u32,
    /// The missing skills it closes, in the order they were missing.
    pub closes: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RampUp {
    /// Healthcare skills to learn: the role's missing ones, then the domain basics when the
    /// candidate has never worked in healthcare.
    pub to_learn: Vec<u32>,
    pub steps: Vec<Step>,
    /// Skills no certification in the taxonomy closes: learned on the job.
    pub on_the_job: Vec<u32>,
    pub estimated_months: i32,
}

/// The plan, chosen greedily: the certification that closes the most of what is left first
/// (lowest id on a tie), until none closes anything more.
pub fn plan(profile: &Profile, needs: &[Need], missing: &[usize], catalog: &Catalog) -> RampUp {
    let held = |skill: u32| profile.skills.has(skill);
    let mut to_learn: Vec<u32> =
        missing.iter().map(|&i| &needs[i]).filter(|n| n.healthcare).map(|n| n.skill_id).collect();
    if profile.healthcare_months == 0 {
        for basic in BASICS.iter().filter_map(|name| catalog.find(name)) {
            if !held(basic) && !to_learn.contains(&basic) {
                to_learn.push(basic);
            }
        }
    }
    let mut left = to_learn.clone();
    let mut steps = Vec::new();
    loop {
        let mut best: Option<Step> = None;
        let closers = left.iter().flat_map(|s| catalog.closed_by.get(s).into_iter().flatten());
        for &closer in closers {
            if held(closer) || steps.iter().any(|s: &Step| s.skill == closer) {
                continue;
            }
            let closes: Vec<u32> = left
                .iter()
                .copied()
                .filter(|s| catalog.closed_by.get(s).is_some_and(|c| c.contains(&closer)))
                .collect();
            let better = best
                .as_ref()
                .is_none_or(|b| closes.len() > b.closes.len() || (closes.len() == b.closes.len() && closer < b.skill));
            if better {
                best = Some(Step { skill: closer, closes });
            }
        }
        let Some(step) = best else { break };
        left.retain(|s| !step.closes.contains(s));
        steps.push(step);
    }
    let mut months = 1 + 2 * steps.len() as i32 + left.len() as i32;
    if profile.signals.has(SignalKind::HealthcareTraining) || profile.signals.has(SignalKind::HealthcareCertification) {
        months -= 1;
    }
    RampUp { to_learn, steps, on_the_job: left, estimated_months: months.clamp(1, MAX_MONTHS) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::candidate::Status;
    use crate::domain::matching::catalog::SkillDef;
    use crate::domain::matching::{Held, Signals};

    fn catalog() -> Catalog {
        let row = |id: i64, name: &str, category: &str, closes: &[&str]| SkillDef {
            id,
            name: name.to_owned(),
            category: category.to_owned(),
            aliases: vec![],
            implies: vec![],
            closes: closes.iter().map(|c| c.to_string()).collect(),
        };
        Catalog::build(vec![
            row(1, "Epic", "healthcare_it", &[]),
            row(2, "HIPAA", "healthcare_it", &[]),
            row(3, "Medical Terminology", "clinical", &[]),
            row(4, "Clinical Workflows", "healthcare_it", &[]),
            row(5, "CHTS", "certification", &["Clinical Workflows"]),
            row(6, "CEHRS", "certification", &["HIPAA", "Medical Terminology", "Clinical Workflows"]),
            row(7, "SQL", "general_it", &[]),
        ])
    }

    fn newcomer(skills: &[u32]) -> Profile {
        Profile {
            id: 1,
            status: Status::Active,
            remote_ok: true,
            region: None,
            it_months: 96,
            healthcare_months: 0,
            min_rate_cents: Some(5_000),
            desired_rate_cents: Some(6_000),
            signals: Signals::default(),
            skills: skills.iter().map(|&skill| Held { skill, years: Some(3) }).collect(),
        }
    }

    fn need(skill_id: u32, name: &str, healthcare: bool) -> Need {
        Need { skill_id, name: name.into(), weight: 5, min_years: 0, required: true, healthcare }
    }

    #[test]
    fn the_certification_closing_most_comes_first_and_the_rest_is_on_the_job() {
        let needs = [need(7, "SQL", false), need(4, "Clinical Workflows", true), need(1, "Epic", true)];
        let plan = plan(&newcomer(&[7]), &needs, &[1, 2], &catalog());
        assert_eq!(plan.to_learn, [4, 1, 2, 3], "missing healthcare skills, then the basics");
        assert_eq!(plan.steps, [Step { skill: 6, closes: vec![4, 2, 3] }]);
        assert_eq!(plan.on_the_job, [1]);
        assert_eq!(plan.estimated_months, 1 + 2 + 1);
    }

    #[test]
    fn nothing_to_learn_is_a_short_plan() {
        let mut veteran = newcomer(&[1, 7]);
        veteran.healthcare_months = 36;
        let plan = plan(&veteran, &[need(1, "Epic", true)], &[], &catalog());
        assert!(plan.to_learn.is_empty() && plan.steps.is_empty());
        assert_eq!(plan.estimated_months, 1);
    }
}
