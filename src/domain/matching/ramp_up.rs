//! The ramp-up plan for a crossover candidate: the healthcare skills they still have to learn,
//! the certifications from the taxonomy that close them, and a rough time to productive a
//! recruiter can pitch. A plan only promises what the candidate can actually do:
//! - never a retired certification, nor one the candidate already holds; one they hold closes
//!   the gaps it covers;
//! - before placement, only exams anyone may sit (and those whose healthcare experience the
//!   candidate already has);
//! - after placement, those open only through a sponsoring employer (Epic's) or once enough
//!   healthcare experience is earned;
//! - never one that first takes a degree, a clinical license or a training program: that is a
//!   career, not a ramp-up.

use super::catalog::Catalog;
use crate::domain::candidate::SignalKind;
use crate::domain::matching::{Need, Profile};
use crate::domain::skills::{Certification, Pathway};

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

/// Why a certification waits until after placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Only a sponsoring employer can enrol the candidate.
    Sponsorship,
    /// It asks for this much healthcare experience first, in months.
    Experience(i32),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Later {
    pub step: Step,
    pub wait: Wait,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RampUp {
    /// Healthcare skills to learn: the role's missing ones, then the domain basics when the
    /// candidate has never worked in healthcare; less what a held certification covers.
    pub to_learn: Vec<u32>,
    /// Before placement.
    pub steps: Vec<Step>,
    /// After placement.
    pub after_placement: Vec<Later>,
    /// Skills no certification the candidate can earn closes: learned on the job.
    pub on_the_job: Vec<u32>,
    pub estimated_months: i32,
}

/// When a certification the candidate does not hold fits in a plan, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    Before,
    After(Wait),
    Never,
}

fn fit(profile: &Profile, certification: Option<&Certification>) -> Fit {
    let Some(c) = certification else { return Fit::Before };
    if c.is_retired() {
        return Fit::Never;
    }
    match c.pathway {
        Pathway::Exam => Fit::Before,
        Pathway::Employer => Fit::After(Wait::Sponsorship),
        Pathway::Experience => match c.healthcare_months.unwrap_or(0) {
            months if profile.healthcare_months >= months => Fit::Before,
            months => Fit::After(Wait::Experience(months)),
        },
        Pathway::Program | Pathway::Degree | Pathway::License => Fit::Never,
    }
}

/// Takes certifications greedily, the one closing the most of what is `left` first (lowest id
/// on a tie), among those `allowed`, until none closes anything more.
fn choose(left: &mut Vec<u32>, catalog: &Catalog, allowed: impl Fn(u32) -> bool) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    loop {
        let mut best: Option<Step> = None;
        let closers = left.iter().flat_map(|s| catalog.closed_by.get(s).into_iter().flatten());
        for &closer in closers {
            if !allowed(closer) || steps.iter().any(|s| s.skill == closer) {
                continue;
            }
            let closes: Vec<u32> = left.iter().copied().filter(|s| catalog.closes(closer).contains(s)).collect();
            let better = best
                .as_ref()
                .is_none_or(|b| closes.len() > b.closes.len() || (closes.len() == b.closes.len() && closer < b.skill));
            if better {
                best = Some(Step { skill: closer, closes });
            }
        }
        let Some(step) = best else { return steps };
        left.retain(|s| !step.closes.contains(s));
        steps.push(step);
    }
}

pub fn plan(profile: &Profile, needs: &[Need], missing: &[usize], catalog: &Catalog) -> RampUp {
    let mut to_learn: Vec<u32> =
        missing.iter().map(|&i| &needs[i]).filter(|n| n.healthcare).map(|n| n.skill_id).collect();
    if profile.healthcare_months == 0 {
        for basic in BASICS.iter().filter_map(|name| catalog.find(name)) {
            if !profile.holds(basic) && !to_learn.contains(&basic) {
                to_learn.push(basic);
            }
        }
    }
    // A certification the candidate holds has taught what it covers.
    let held_certifications: Vec<u32> = profile
        .skills
        .held()
        .iter()
        .map(|h| h.skill)
        .chain(profile.certifications.iter().copied())
        .filter(|&s| catalog.certification(s).is_some())
        .collect();
    to_learn.retain(|s| !held_certifications.iter().any(|&c| catalog.closes(c).contains(s)));

    let fits =
        |closer: u32| if profile.holds(closer) { Fit::Never } else { fit(profile, catalog.certification(closer)) };
    let mut left = to_learn.clone();
    let steps = choose(&mut left, catalog, |c| fits(c) == Fit::Before);
    let after_placement: Vec<Later> = choose(&mut left, catalog, |c| matches!(fits(c), Fit::After(_)))
        .into_iter()
        .filter_map(|step| match fits(step.skill) {
            Fit::After(wait) => Some(Later { step, wait }),
            _ => None,
        })
        .collect();
    let mut months = 1 + 2 * steps.len() as i32 + after_placement.len() as i32 + left.len() as i32;
    if profile.signals.has(SignalKind::HealthcareTraining) || profile.signals.has(SignalKind::HealthcareCertification) {
        months -= 1;
    }
    RampUp { to_learn, steps, after_placement, on_the_job: left, estimated_months: months.clamp(1, MAX_MONTHS) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::candidate::Status;
    use crate::domain::matching::catalog::SkillDef;
    use crate::domain::matching::{Held, Signals};
    use crate::domain::skills::CertStatus;

    fn def(id: i64, name: &str, category: &str, closes: &[&str], certification: Option<Certification>) -> SkillDef {
        SkillDef {
            id,
            name: name.to_owned(),
            category: category.to_owned(),
            aliases: vec![],
            implies: vec![],
            closes: closes.iter().map(|c| c.to_string()).collect(),
            certification,
        }
    }

    fn exam() -> Option<Certification> {
        Some(Certification::default())
    }

    fn catalog() -> Catalog {
        let retired = Certification { status: CertStatus::Retired, retired: Some(2017), ..Certification::default() };
        let sponsored = Certification { pathway: Pathway::Employer, ..Certification::default() };
        let seasoned =
            Certification { pathway: Pathway::Experience, healthcare_months: Some(24), ..Certification::default() };
        let degree = Certification { pathway: Pathway::Degree, ..Certification::default() };
        Catalog::build(vec![
            def(1, "Epic", "healthcare_it", &[], None),
            def(2, "HIPAA", "healthcare_it", &[], None),
            def(3, "Medical Terminology", "clinical", &[], None),
            def(4, "Clinical Workflows", "healthcare_it", &[], None),
            def(5, "CHTS", "certification", &["Clinical Workflows"], exam()),
            def(6, "CEHRS", "certification", &["HIPAA", "Medical Terminology", "Clinical Workflows"], exam()),
            def(7, "SQL", "general_it", &[], None),
            def(
                8,
                "Retired Everything",
                "certification",
                &["HIPAA", "Medical Terminology", "Clinical Workflows", "Epic"],
                Some(retired),
            ),
            def(9, "Epic Certified", "certification", &["Epic"], Some(sponsored)),
            def(
                10,
                "Health Degree",
                "certification",
                &["HIPAA", "Medical Terminology", "Clinical Workflows", "Epic"],
                Some(degree),
            ),
            def(11, "Seasoned Cert", "certification", &["Medical Terminology", "Clinical Workflows"], Some(seasoned)),
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
            certifications: Box::default(),
        }
    }

    fn need(skill_id: u32, name: &str, healthcare: bool) -> Need {
        Need { skill_id, name: name.into(), weight: 5, min_years: 0, required: true, healthcare }
    }

    #[test]
    fn the_certification_closing_most_comes_first_and_sponsored_ones_wait_for_placement() {
        let needs = [need(7, "SQL", false), need(4, "Clinical Workflows", true), need(1, "Epic", true)];
        let plan = plan(&newcomer(&[7]), &needs, &[1, 2], &catalog());
        assert_eq!(plan.to_learn, [4, 1, 2, 3], "missing healthcare skills, then the basics");
        assert_eq!(plan.steps, [Step { skill: 6, closes: vec![4, 2, 3] }], "not the retired one, nor the degree");
        assert_eq!(plan.after_placement, [Later { step: Step { skill: 9, closes: vec![1] }, wait: Wait::Sponsorship }]);
        assert!(plan.on_the_job.is_empty());
        assert_eq!(plan.estimated_months, 1 + 2 + 1);
    }

    #[test]
    fn a_held_certification_closes_its_gaps_and_is_never_recommended_again() {
        let needs = [need(4, "Clinical Workflows", true), need(1, "Epic", true)];
        let mut holder = newcomer(&[7]);
        holder.certifications = vec![6].into();
        let plan = plan(&holder, &needs, &[0, 1], &catalog());
        assert_eq!(plan.to_learn, [1], "CEHRS already covers workflows, HIPAA and terminology");
        assert!(plan.steps.iter().chain(plan.after_placement.iter().map(|l| &l.step)).all(|s| s.skill != 6));
    }

    #[test]
    fn experience_gated_certifications_come_after_placement_until_the_experience_is_there() {
        let needs = [need(3, "Medical Terminology", true), need(4, "Clinical Workflows", true)];
        let only_seasoned = |profile: &Profile| {
            let mut catalog = catalog();
            catalog.closed_by.values_mut().for_each(|c| c.retain(|&id| id == 11));
            plan(profile, &needs, &[0, 1], &catalog)
        };
        let fresh = only_seasoned(&newcomer(&[]));
        assert!(fresh.steps.is_empty());
        assert_eq!(fresh.after_placement[0].wait, Wait::Experience(24));
        let mut seasoned = newcomer(&[]);
        seasoned.healthcare_months = 30;
        assert_eq!(only_seasoned(&seasoned).steps[0].skill, 11);
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
