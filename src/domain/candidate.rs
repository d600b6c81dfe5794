//! What a candidate is: the input a recruiter sends, and the validated draft that is stored.

use serde::{Deserialize, Serialize};

use super::patch::{non_null, nullable, present, required};
use super::skills::{self, Level};
use super::validate::{Check, Date, Invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Placed,
    Archived,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Active, Status::Placed, Status::Archived];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Placed => "placed",
            Status::Archived => "archived",
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// Whether a line (of a résumé, or a certification as typed) tells of healthcare-IT training: a
/// course, certificate, program or bootcamp in health IT, health information, informatics,
/// medical terminology, HIPAA or an EHR.
pub fn mentions_healthcare_training(text: &str) -> bool {
    static TRAINING: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    TRAINING
        .get_or_init(|| {
            regex::Regex::new(
                r"(?i)(health(care)?\s*(it|information|informatics)|medical terminology|hipaa|epic|ehr|emr|clinical informatics|health information).{0,60}(course|certificate|certification program|program|training|bootcamp|coursework|class)|(course|certificate|program|training|bootcamp|coursework)\b.{0,40}\b(health(care)?\s*(it|information|informatics)|medical terminology|hipaa|ehr|emr)",
            )
            .expect("the training pattern compiles")
        })
        .is_match(text)
}

/// Evidence that someone is ready to cross over into healthcare IT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    HealthcareTraining,
    ClinicalVolunteering,
    ClinicalBackground,
    HealthcareCertification,
    LowerRateOk,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    pub kind: SignalKind,
    #[serde(default)]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillClaim {
    pub name: String,
    #[serde(default)]
    pub years: Option<i32>,
    #[serde(default)]
    pub level: Option<Level>,
}

/// A candidate as a client sends it to create one, and the shape a PATCH is applied to.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateInput {
    pub full_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub remote_ok: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    pub status: Option<Status>,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub skills: Option<Vec<SkillClaim>>,
    #[serde(default, deserialize_with = "non_null")]
    pub certifications: Option<Vec<String>>,
    #[serde(default, deserialize_with = "non_null")]
    pub crossover_signals: Option<Vec<Signal>>,
    #[serde(default)]
    pub it_experience_months: Option<i32>,
    #[serde(default)]
    pub healthcare_experience_months: Option<i32>,
    #[serde(default)]
    pub desired_rate_cents: Option<i64>,
    #[serde(default)]
    pub min_rate_cents: Option<i64>,
    #[serde(default)]
    pub available_from: Option<Date>,
    #[serde(default, deserialize_with = "non_null")]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A validated candidate, ready to store. Skill names are not yet resolved to the taxonomy.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateDraft {
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub remote_ok: bool,
    pub status: Status,
    pub headline: Option<String>,
    pub skills: Vec<SkillClaim>,
    pub certifications: Vec<String>,
    pub crossover_signals: Vec<Signal>,
    pub it_experience_months: Option<i32>,
    pub healthcare_experience_months: Option<i32>,
    pub desired_rate_cents: Option<i64>,
    pub min_rate_cents: Option<i64>,
    pub available_from: Option<Date>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
}

pub const MAX_SKILLS: usize = 200;

impl CandidateInput {
    pub fn validate(self) -> Result<CandidateDraft, Invalid> {
        let mut check = Check::new();
        let skills = self.skills.unwrap_or_default();
        check.list_len("skills", &skills, MAX_SKILLS);
        let skills = skills
            .into_iter()
            .enumerate()
            .map(|(i, claim)| SkillClaim {
                name: check.text(&format!("skills[{i}].name"), &claim.name, skills::MAX_NAME),
                years: check.opt_int_range(&format!("skills[{i}].years"), claim.years, 0, 60),
                level: claim.level,
            })
            .collect::<Vec<_>>();
        let mut seen = std::collections::HashSet::new();
        for (i, claim) in skills.iter().enumerate() {
            if !seen.insert(skills::normalize(&claim.name)) {
                check.fail(format!("skills[{i}].name"), "is listed twice");
            }
        }
        let signals = self.crossover_signals.unwrap_or_default();
        check.list_len("crossover_signals", &signals, 50);
        let crossover_signals = signals
            .into_iter()
            .enumerate()
            .map(|(i, s)| Signal {
                kind: s.kind,
                detail: check.opt_text(&format!("crossover_signals[{i}].detail"), s.detail.as_deref(), 500),
            })
            .collect();
        let desired_rate_cents = check.cents("desired_rate_cents", self.desired_rate_cents);
        let min_rate_cents = check.cents("min_rate_cents", self.min_rate_cents);
        if let (Some(min), Some(desired)) = (min_rate_cents, desired_rate_cents) {
            if min > desired {
                check.fail("min_rate_cents", "must not exceed desired_rate_cents");
            }
        }
        let draft = CandidateDraft {
            full_name: check.text("full_name", &self.full_name, 200),
            email: check.opt_email("email", self.email.as_deref()),
            phone: check.opt_text("phone", self.phone.as_deref(), 50),
            location: check.opt_text("location", self.location.as_deref(), 200),
            remote_ok: self.remote_ok.unwrap_or(false),
            status: self.status.unwrap_or(Status::Active),
            headline: check.opt_text("headline", self.headline.as_deref(), 300),
            skills,
            certifications: check.labels("certifications", &self.certifications.unwrap_or_default(), 100, 200),
            crossover_signals,
            it_experience_months: check.months("it_experience_months", self.it_experience_months),
            healthcare_experience_months: check
                .months("healthcare_experience_months", self.healthcare_experience_months),
            desired_rate_cents,
            min_rate_cents,
            available_from: self.available_from,
            tags: check.labels("tags", &self.tags.unwrap_or_default(), 50, 50),
            notes: check.opt_text("notes", self.notes.as_deref(), 10_000),
        };
        check.finish(draft)
    }
}

impl From<CandidateDraft> for CandidateInput {
    fn from(d: CandidateDraft) -> Self {
        CandidateInput {
            full_name: d.full_name,
            email: d.email,
            phone: d.phone,
            location: d.location,
            remote_ok: Some(d.remote_ok),
            status: Some(d.status),
            headline: d.headline,
            skills: Some(d.skills),
            certifications: Some(d.certifications),
            crossover_signals: Some(d.crossover_signals),
            it_experience_months: d.it_experience_months,
            healthcare_experience_months: d.healthcare_experience_months,
            desired_rate_cents: d.desired_rate_cents,
            min_rate_cents: d.min_rate_cents,
            available_from: d.available_from,
            tags: Some(d.tags),
            notes: d.notes,
        }
    }
}

/// A PATCH body: every field optional; `null` clears a nullable field.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidatePatch {
    #[serde(default, deserialize_with = "present")]
    pub full_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub remote_ok: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    pub status: Option<Option<Status>>,
    #[serde(default, deserialize_with = "present")]
    pub headline: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub skills: Option<Option<Vec<SkillClaim>>>,
    #[serde(default, deserialize_with = "present")]
    pub certifications: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "present")]
    pub crossover_signals: Option<Option<Vec<Signal>>>,
    #[serde(default, deserialize_with = "present")]
    pub it_experience_months: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present")]
    pub healthcare_experience_months: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present")]
    pub desired_rate_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    pub min_rate_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    pub available_from: Option<Option<Date>>,
    #[serde(default, deserialize_with = "present")]
    pub tags: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "present")]
    pub notes: Option<Option<String>>,
}

impl CandidatePatch {
    /// The candidate after the patch, validated as a whole so that rules spanning fields
    /// (minimum rate ≤ desired rate) hold after every change.
    pub fn apply(self, current: CandidateDraft) -> Result<CandidateDraft, Invalid> {
        let mut nulls = Vec::new();
        let c = CandidateInput::from(current);
        let merged = CandidateInput {
            full_name: required(c.full_name, self.full_name, "full_name", &mut nulls),
            email: nullable(c.email, self.email),
            phone: nullable(c.phone, self.phone),
            location: nullable(c.location, self.location),
            remote_ok: Some(required(c.remote_ok.unwrap_or(false), self.remote_ok, "remote_ok", &mut nulls)),
            status: Some(required(c.status.unwrap_or(Status::Active), self.status, "status", &mut nulls)),
            headline: nullable(c.headline, self.headline),
            skills: Some(required(c.skills.unwrap_or_default(), self.skills, "skills", &mut nulls)),
            certifications: Some(required(
                c.certifications.unwrap_or_default(),
                self.certifications,
                "certifications",
                &mut nulls,
            )),
            crossover_signals: Some(required(
                c.crossover_signals.unwrap_or_default(),
                self.crossover_signals,
                "crossover_signals",
                &mut nulls,
            )),
            it_experience_months: nullable(c.it_experience_months, self.it_experience_months),
            healthcare_experience_months: nullable(c.healthcare_experience_months, self.healthcare_experience_months),
            desired_rate_cents: nullable(c.desired_rate_cents, self.desired_rate_cents),
            min_rate_cents: nullable(c.min_rate_cents, self.min_rate_cents),
            available_from: nullable(c.available_from, self.available_from),
            tags: Some(required(c.tags.unwrap_or_default(), self.tags, "tags", &mut nulls)),
            notes: nullable(c.notes, self.notes),
        };
        finish_patch(merged.validate(), nulls)
    }
}

/// Joins the "must not be null" complaints of a patch with those of validating its result.
pub fn finish_patch<T>(result: Result<T, Invalid>, nulls: Vec<String>) -> Result<T, Invalid> {
    let mut errors: Vec<_> =
        nulls.into_iter().map(|f| super::validate::FieldError::new(f, "must not be null")).collect();
    match result {
        Ok(value) if errors.is_empty() => Ok(value),
        Ok(_) => Err(Invalid(errors)),
        Err(Invalid(more)) => {
            errors.extend(more);
            Err(Invalid(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CandidateInput {
        CandidateInput { full_name: "Dana Reyes".into(), ..Default::default() }
    }

    #[test]
    fn minimum_rate_may_not_exceed_desired_rate() {
        let mut c = input();
        c.desired_rate_cents = Some(5000);
        c.min_rate_cents = Some(6000);
        let errors = c.validate().unwrap_err().0;
        assert_eq!(errors[0].field, "min_rate_cents");
    }

    #[test]
    fn a_patch_is_validated_as_a_whole() {
        let mut c = input();
        c.desired_rate_cents = Some(7000);
        let current = c.validate().unwrap();
        let patch = CandidatePatch { min_rate_cents: Some(Some(9000)), ..Default::default() };
        assert!(patch.apply(current.clone()).is_err());
        let patch = CandidatePatch { full_name: Some(None), ..Default::default() };
        assert_eq!(patch.apply(current).unwrap_err().0[0].field, "full_name");
    }

    #[test]
    fn the_same_skill_twice_is_refused() {
        let mut c = input();
        c.skills = Some(vec![
            SkillClaim { name: "Epic".into(), years: None, level: None },
            SkillClaim { name: " epic ".into(), years: None, level: None },
        ]);
        assert_eq!(c.validate().unwrap_err().0[0].field, "skills[1].name");
    }
}
