//! What a résumé adds to a candidate: it fills what is empty and adds what is missing, and never
//! overwrites what a recruiter typed.

use super::extract::Extraction;
use crate::domain::candidate::{CandidateDraft, Signal, SkillClaim, Status};
use crate::domain::skills::normalize;
use crate::domain::taxonomy::Taxonomy;

/// A new candidate built from a résumé alone; `fallback_name` is used when no name was found.
pub fn new_candidate(x: &Extraction, fallback_name: &str) -> CandidateDraft {
    let blank = CandidateDraft {
        full_name: x.name.as_ref().map(|f| f.value.clone()).unwrap_or_else(|| fallback_name.to_owned()),
        email: None,
        phone: None,
        location: None,
        remote_ok: false,
        status: Status::Active,
        headline: None,
        skills: vec![],
        certifications: vec![],
        crossover_signals: vec![],
        it_experience_months: None,
        healthcare_experience_months: None,
        desired_rate_cents: None,
        min_rate_cents: None,
        available_from: None,
        tags: vec![],
        notes: None,
    };
    merge(blank, x)
}

fn clip(value: &str, max: usize) -> String {
    value.chars().take(max).collect::<String>().trim().to_owned()
}

/// The candidate with the résumé's findings added where the candidate has nothing yet.
pub fn merge(mut d: CandidateDraft, x: &Extraction) -> CandidateDraft {
    let fill = |slot: &mut Option<String>, found: Option<&super::extract::Field>, max: usize| {
        if slot.is_none() {
            *slot = found.map(|f| clip(&f.value, max)).filter(|v| !v.is_empty());
        }
    };
    if x.email.as_ref().is_some_and(|e| crate::domain::validate::is_email(&e.value)) {
        fill(&mut d.email, x.email.as_ref(), 254);
    }
    fill(&mut d.phone, x.phone.as_ref(), 50);
    fill(&mut d.location, x.location.as_ref(), 200);
    if d.headline.is_none() {
        d.headline = x.jobs.first().map(|j| clip(&j.heading, 300)).filter(|h| !h.is_empty());
    }
    if d.it_experience_months.is_none() && !x.jobs.is_empty() {
        d.it_experience_months = Some(x.it_experience_months.min(crate::domain::validate::MAX_MONTHS));
    }
    if d.healthcare_experience_months.is_none() && !x.jobs.is_empty() {
        d.healthcare_experience_months = Some(x.healthcare_experience_months.min(crate::domain::validate::MAX_MONTHS));
    }
    // Compared through the taxonomy, so a typed "HL7 2.x" and a found "HL7 v2" are one skill.
    let canonical = |name: &str| match Taxonomy::shipped().lookup(name) {
        Some(entry) => normalize(&entry.name),
        None => normalize(name),
    };
    let have: std::collections::HashSet<String> = d.skills.iter().map(|s| canonical(&s.name)).collect();
    for skill in &x.skills {
        if d.skills.len() >= crate::domain::candidate::MAX_SKILLS {
            break;
        }
        if !have.contains(&canonical(&skill.name)) {
            d.skills.push(SkillClaim { name: skill.name.clone(), years: skill.years.map(|y| y.min(60)), level: None });
        }
    }
    for cert in &x.certifications {
        let value = clip(&cert.value, 200);
        if d.certifications.len() < 100
            && !value.is_empty()
            && !d.certifications.iter().any(|c| c.eq_ignore_ascii_case(&value))
        {
            d.certifications.push(value);
        }
    }
    for signal in &x.crossover_signals {
        if d.crossover_signals.len() < 50 && !d.crossover_signals.iter().any(|s| s.kind == signal.kind) {
            d.crossover_signals.push(Signal { kind: signal.kind, detail: Some(clip(&signal.evidence.text, 500)) });
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extraction() -> Extraction {
        super::super::extract::extract(
            "Dana Reyes\nTulsa, OK | dana@example.org\nEXPERIENCE\nNetwork Administrator, Acme\nJan 2020 – Dec 2020\n• Cisco and HL7 2.x\n",
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        )
    }

    #[test]
    fn a_recruiters_values_are_kept_and_gaps_filled() {
        let mut d = new_candidate(&extraction(), "resume.pdf");
        assert_eq!(d.full_name, "Dana Reyes");
        assert_eq!(d.it_experience_months, Some(12));
        d.email = Some("typed@example.org".into());
        d.skills = vec![SkillClaim { name: "HL7 2.x".into(), years: Some(9), level: None }];
        let merged = merge(d, &extraction());
        assert_eq!(merged.email.as_deref(), Some("typed@example.org"));
        assert_eq!(merged.skills[0].years, Some(9), "the typed skill is untouched");
        assert!(merged.skills.len() > 1, "new skills are added");
        assert!(!merged.skills.iter().any(|s| s.name == "HL7 v2"), "the same skill is not added twice");
    }
}
