//! A job order: a role at a client, the skills it needs, and the budget for it.

use serde::{Deserialize, Serialize};

use super::candidate::finish_patch;
use super::money::Markup;
use super::patch::{non_null, nullable, present, required};
use super::skills;
use super::validate::{Check, Invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    OnHold,
    Filled,
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Open, Status::OnHold, Status::Filled, Status::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::OnHold => "on_hold",
            Status::Filled => "filled",
            Status::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// A skill the role asks for: its weight in the match (1–10) and the years it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillNeed {
    pub name: String,
    #[serde(default = "default_weight")]
    pub weight: i32,
    #[serde(default)]
    pub min_years: i32,
}

fn default_weight() -> i32 {
    5
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobOrderInput {
    pub client_id: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub required_skills: Option<Vec<SkillNeed>>,
    #[serde(default, deserialize_with = "non_null")]
    pub nice_to_have_skills: Option<Vec<SkillNeed>>,
    #[serde(default)]
    pub max_rate_cents: Option<i64>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub remote: Option<bool>,
    #[serde(default)]
    pub duration_months: Option<i32>,
    #[serde(default, deserialize_with = "non_null")]
    pub status: Option<Status>,
    /// The agency's markup on this role's bill rate; `None` inherits the client's (or the
    /// agency's default).
    #[serde(default)]
    pub markup_percent: Option<f64>,
    /// Skill names nobody knows become the agency's own skills (else they are a 422 with
    /// suggestions, so a typo does not make a permanent skill).
    #[serde(default, deserialize_with = "non_null")]
    pub create_custom_skills: Option<bool>,
    /// Standing match alerts: a `match.alert` event when a candidate newly matches.
    #[serde(default, deserialize_with = "non_null")]
    pub alerts: Option<bool>,
    /// Only candidates scoring at least this (0–100, one decimal) are alerted on.
    #[serde(default)]
    pub alert_min_score: Option<f64>,
}

/// Whether skill names nobody knows become the agency's own skills: a property of the request,
/// not of the job order. Any two are equal, so it never makes a change on its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct NewSkills(pub bool);

impl PartialEq for NewSkills {
    fn eq(&self, _: &NewSkills) -> bool {
        true
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct JobOrderDraft {
    /// The client id as sent; whether it is one of the agency's clients is checked on write.
    pub client_id: String,
    pub title: String,
    pub description: Option<String>,
    pub required_skills: Vec<SkillNeed>,
    pub nice_to_have_skills: Vec<SkillNeed>,
    pub max_rate_cents: Option<i64>,
    pub location: Option<String>,
    pub remote: bool,
    pub duration_months: Option<i32>,
    pub status: Status,
    pub markup: Option<Markup>,
    pub new_skills: NewSkills,
    pub alerts: bool,
    pub alert_min_score_tenths: Option<i32>,
}

fn needs(check: &mut Check, field: &str, list: Vec<SkillNeed>) -> Vec<SkillNeed> {
    check.list_len(field, &list, 50);
    list.into_iter()
        .enumerate()
        .map(|(i, n)| SkillNeed {
            name: check.text(&format!("{field}[{i}].name"), &n.name, skills::MAX_NAME),
            weight: check.int_range(&format!("{field}[{i}].weight"), n.weight, 1, 10),
            min_years: check.int_range(&format!("{field}[{i}].min_years"), n.min_years, 0, 60),
        })
        .collect()
}

/// Validates both skill lists: each need, and no skill listed twice across them.
fn skill_lists(
    check: &mut Check,
    required: Vec<SkillNeed>,
    nice_to_have: Vec<SkillNeed>,
) -> (Vec<SkillNeed>, Vec<SkillNeed>) {
    let required_skills = needs(check, "required_skills", required);
    let nice_to_have_skills = needs(check, "nice_to_have_skills", nice_to_have);
    let mut seen = std::collections::HashSet::new();
    let all = required_skills
        .iter()
        .map(|n| ("required_skills", n))
        .chain(nice_to_have_skills.iter().map(|n| ("nice_to_have_skills", n)));
    let mut index = std::collections::HashMap::<&str, usize>::new();
    for (field, need) in all {
        let i = index.entry(field).or_default();
        if !seen.insert(skills::normalize(&need.name)) {
            check.fail(format!("{field}[{i}].name"), "is listed twice");
        }
        *i += 1;
    }
    (required_skills, nice_to_have_skills)
}

impl JobOrderInput {
    pub fn validate(self) -> Result<JobOrderDraft, Invalid> {
        let mut check = Check::new();
        let client_id = self.client_id.trim().to_owned();
        if client_id.is_empty() {
            check.fail("client_id", "must not be blank");
        }
        let (required_skills, nice_to_have_skills) = skill_lists(
            &mut check,
            self.required_skills.unwrap_or_default(),
            self.nice_to_have_skills.unwrap_or_default(),
        );
        let draft = JobOrderDraft {
            client_id,
            title: check.text("title", &self.title, 200),
            description: check.opt_text("description", self.description.as_deref(), 20_000),
            required_skills,
            nice_to_have_skills,
            max_rate_cents: check.cents("max_rate_cents", self.max_rate_cents),
            location: check.opt_text("location", self.location.as_deref(), 200),
            remote: self.remote.unwrap_or(false),
            duration_months: check.opt_int_range("duration_months", self.duration_months, 1, 120),
            status: self.status.unwrap_or(Status::Open),
            markup: check.markup("markup_percent", self.markup_percent),
            new_skills: NewSkills(self.create_custom_skills.unwrap_or(false)),
            alerts: self.alerts.unwrap_or(false),
            alert_min_score_tenths: match self.alert_min_score {
                Some(score) if !(0.0..=100.0).contains(&score) || score.is_nan() => {
                    check.fail("alert_min_score", "must be from 0 to 100");
                    None
                }
                Some(score) => Some((score * 10.0).round() as i32),
                None => None,
            },
        };
        check.finish(draft)
    }
}

/// A role described in a match request (`POST /matches`) instead of stored as a job order.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub required_skills: Option<Vec<SkillNeed>>,
    #[serde(default, deserialize_with = "non_null")]
    pub nice_to_have_skills: Option<Vec<SkillNeed>>,
    #[serde(default)]
    pub budget_cents: Option<i64>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    pub remote: Option<bool>,
    /// The markup to price the role at; the agency's default when absent.
    #[serde(default)]
    pub markup_percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoleDraft {
    pub title: Option<String>,
    pub required_skills: Vec<SkillNeed>,
    pub nice_to_have_skills: Vec<SkillNeed>,
    pub budget_cents: Option<i64>,
    pub location: Option<String>,
    pub remote: bool,
    pub markup: Option<Markup>,
}

impl RoleInput {
    pub fn validate(self) -> Result<RoleDraft, Invalid> {
        let mut check = Check::new();
        let (required_skills, nice_to_have_skills) = skill_lists(
            &mut check,
            self.required_skills.unwrap_or_default(),
            self.nice_to_have_skills.unwrap_or_default(),
        );
        if required_skills.is_empty() && nice_to_have_skills.is_empty() {
            check.fail("required_skills", "name at least one skill, here or in nice_to_have_skills");
        }
        let draft = RoleDraft {
            title: check.opt_text("title", self.title.as_deref(), 200),
            required_skills,
            nice_to_have_skills,
            budget_cents: check.cents("budget_cents", self.budget_cents),
            location: check.opt_text("location", self.location.as_deref(), 200),
            remote: self.remote.unwrap_or(false),
            markup: check.markup("markup_percent", self.markup_percent),
        };
        check.finish(draft)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobOrderPatch {
    #[serde(default, deserialize_with = "present")]
    pub client_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub required_skills: Option<Option<Vec<SkillNeed>>>,
    #[serde(default, deserialize_with = "present")]
    pub nice_to_have_skills: Option<Option<Vec<SkillNeed>>>,
    #[serde(default, deserialize_with = "present")]
    pub max_rate_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub remote: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    pub duration_months: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present")]
    pub status: Option<Option<Status>>,
    #[serde(default, deserialize_with = "present")]
    pub markup_percent: Option<Option<f64>>,
    #[serde(default, deserialize_with = "non_null")]
    pub create_custom_skills: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub alerts: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    pub alert_min_score: Option<Option<f64>>,
}

impl JobOrderPatch {
    pub fn apply(self, c: JobOrderDraft) -> Result<JobOrderDraft, Invalid> {
        let mut nulls = Vec::new();
        let merged = JobOrderInput {
            client_id: required(c.client_id, self.client_id, "client_id", &mut nulls),
            title: required(c.title, self.title, "title", &mut nulls),
            description: nullable(c.description, self.description),
            required_skills: Some(required(c.required_skills, self.required_skills, "required_skills", &mut nulls)),
            nice_to_have_skills: Some(required(
                c.nice_to_have_skills,
                self.nice_to_have_skills,
                "nice_to_have_skills",
                &mut nulls,
            )),
            max_rate_cents: nullable(c.max_rate_cents, self.max_rate_cents),
            location: nullable(c.location, self.location),
            remote: Some(required(c.remote, self.remote, "remote", &mut nulls)),
            duration_months: nullable(c.duration_months, self.duration_months),
            status: Some(required(c.status, self.status, "status", &mut nulls)),
            markup_percent: nullable(c.markup.map(Markup::percent), self.markup_percent),
            create_custom_skills: self.create_custom_skills,
            alerts: Some(required(c.alerts, self.alerts, "alerts", &mut nulls)),
            alert_min_score: nullable(c.alert_min_score_tenths.map(|t| f64::from(t) / 10.0), self.alert_min_score),
        };
        finish_patch(merged.validate(), nulls)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skill_both_required_and_nice_to_have_is_refused() {
        let input = JobOrderInput {
            client_id: "1".into(),
            title: "Epic Cadence Analyst".into(),
            required_skills: Some(vec![SkillNeed { name: "Epic Cadence".into(), weight: 5, min_years: 0 }]),
            nice_to_have_skills: Some(vec![SkillNeed { name: "epic cadence".into(), weight: 2, min_years: 0 }]),
            ..Default::default()
        };
        assert_eq!(input.validate().unwrap_err().0[0].field, "nice_to_have_skills[0].name");
    }
}
