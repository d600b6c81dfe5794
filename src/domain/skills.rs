//! Skills as people write them, and the taxonomy's vocabulary.

use serde::{Deserialize, Serialize};

use super::validate::Check;

/// How skill names are compared: case-insensitive, whitespace collapsed. "HL7  2.X" and
/// "hl7 2.x" are the same alias.
pub fn normalize(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

pub const MAX_NAME: usize = 100;

/// Up to three skill names closest to `name` among `vocabulary` (normalised name or alias, the
/// skill's canonical name), best first: what a recruiter who typed `name` most likely meant.
/// Similarity is Jaro-Winkler on the normalised forms, at least 0.85, so "epic cadance" finds
/// Epic Cadence and "qwerty" finds nothing.
pub fn closest(name: &str, vocabulary: &[(String, String)]) -> Vec<String> {
    let wanted = normalize(name);
    let mut scored: Vec<(f64, &str)> = vocabulary
        .iter()
        .map(|(norm, canonical)| (strsim::jaro_winkler(&wanted, norm), canonical.as_str()))
        .filter(|(score, _)| *score >= 0.85)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, canonical) in scored {
        if out.len() == 3 {
            break;
        }
        if !out.iter().any(|n| n == canonical) {
            out.push(canonical.to_owned());
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    GeneralIt,
    HealthcareIt,
    Clinical,
    Certification,
    Custom,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::GeneralIt => "general_it",
            Category::HealthcareIt => "healthcare_it",
            Category::Clinical => "clinical",
            Category::Certification => "certification",
            Category::Custom => "custom",
        }
    }

    pub fn parse(value: &str) -> Option<Category> {
        [Category::GeneralIt, Category::HealthcareIt, Category::Clinical, Category::Certification, Category::Custom]
            .into_iter()
            .find(|c| c.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Beginner,
    Intermediate,
    Advanced,
    Expert,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
            Level::Expert => "expert",
        }
    }

    pub fn parse(value: &str) -> Option<Level> {
        [Level::Beginner, Level::Intermediate, Level::Advanced, Level::Expert].into_iter().find(|l| l.as_str() == value)
    }
}

/// Whether a certification can still be earned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertStatus {
    #[default]
    Active,
    Retired,
}

impl CertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CertStatus::Active => "active",
            CertStatus::Retired => "retired",
        }
    }

    pub fn parse(value: &str) -> Option<CertStatus> {
        [CertStatus::Active, CertStatus::Retired].into_iter().find(|s| s.as_str() == value)
    }
}

/// The way to a certification, which decides where it belongs in a ramp-up plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pathway {
    /// Anyone may prepare and sit the exam: a step before placement.
    #[default]
    Exam,
    /// Only through a sponsoring employer (Epic's, for one): after placement.
    Employer,
    /// Only after some healthcare experience: after placement, once it is earned.
    Experience,
    /// A state-approved or accredited training program first.
    Program,
    /// An accredited degree first.
    Degree,
    /// A clinical license first.
    License,
}

impl Pathway {
    pub fn as_str(self) -> &'static str {
        match self {
            Pathway::Exam => "exam",
            Pathway::Employer => "employer",
            Pathway::Experience => "experience",
            Pathway::Program => "program",
            Pathway::Degree => "degree",
            Pathway::License => "license",
        }
    }

    pub fn parse(value: &str) -> Option<Pathway> {
        [Pathway::Exam, Pathway::Employer, Pathway::Experience, Pathway::Program, Pathway::Degree, Pathway::License]
            .into_iter()
            .find(|p| p.as_str() == value)
    }
}

/// What the taxonomy knows of a certification: whether it can still be earned and how.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    #[serde(default)]
    pub status: CertStatus,
    /// The year it was retired, when known.
    #[serde(default)]
    pub retired: Option<i32>,
    #[serde(default)]
    pub pathway: Pathway,
    /// The healthcare experience, in months, the `experience` pathway asks for.
    #[serde(default)]
    pub healthcare_months: Option<i32>,
    /// Where the facts come from (in the shipped taxonomy only).
    #[serde(default)]
    pub source: Option<String>,
}

impl Certification {
    pub fn is_retired(&self) -> bool {
        self.status == CertStatus::Retired
    }

    pub fn sponsorship_required(&self) -> bool {
        self.pathway == Pathway::Employer
    }
}

/// A new agency skill, as a client sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillInput {
    pub name: String,
    #[serde(default, deserialize_with = "super::patch::non_null")]
    pub category: Option<Category>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewSkill {
    pub name: String,
    pub category: Category,
    pub aliases: Vec<String>,
}

impl SkillInput {
    pub fn validate(self) -> Result<NewSkill, super::validate::Invalid> {
        let mut check = Check::new();
        let name = check.text("name", &self.name, MAX_NAME);
        let aliases = check.labels("aliases", &self.aliases, 50, MAX_NAME);
        let aliases = aliases.into_iter().filter(|a| normalize(a) != normalize(&name)).collect();
        check.finish(NewSkill { name, category: self.category.unwrap_or(Category::Custom), aliases })
    }
}

/// A change to one of the agency's own skills. Every field may be left out.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillPatch {
    #[serde(default, deserialize_with = "super::patch::non_null")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::patch::non_null")]
    pub category: Option<Category>,
    #[serde(default, deserialize_with = "super::patch::non_null")]
    pub aliases: Option<Vec<String>>,
}

impl SkillPatch {
    /// The skill after the patch. A new name keeps the old one as an alias, so what was written
    /// with the old spelling keeps resolving, unless the patch sends `aliases`: then they are
    /// exactly the skill's aliases.
    pub fn apply(self, current: NewSkill) -> Result<NewSkill, super::validate::Invalid> {
        let name = self.name.unwrap_or_else(|| current.name.clone());
        let aliases = match self.aliases {
            Some(aliases) => aliases,
            None if normalize(&name) != normalize(&current.name) => {
                current.aliases.iter().cloned().chain(std::iter::once(current.name.clone())).collect()
            }
            None => current.aliases,
        };
        SkillInput { name, category: Some(self.category.unwrap_or(current.category)), aliases }.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_name_keeps_the_old_one_as_an_alias_unless_aliases_are_sent() {
        let current =
            NewSkill { name: "Epic Cadance".into(), category: Category::Custom, aliases: vec!["Cadance".into()] };
        let renamed = SkillPatch { name: Some("Epic Cadence Scheduling".into()), ..Default::default() };
        let renamed = renamed.apply(current.clone()).unwrap();
        assert_eq!(renamed.aliases, ["Cadance", "Epic Cadance"]);
        let exact =
            SkillPatch { name: Some("Epic Cadence Scheduling".into()), aliases: Some(vec![]), ..Default::default() };
        assert!(exact.apply(current.clone()).unwrap().aliases.is_empty());
        let recased = SkillPatch { name: Some("EPIC CADANCE".into()), ..Default::default() };
        assert_eq!(recased.apply(current).unwrap().aliases, ["Cadance"]);
    }

    #[test]
    fn names_compare_ignoring_case_and_spacing() {
        assert_eq!(normalize("  HL7   2.X "), "hl7 2.x");
        assert_eq!(normalize("Epic\tCadence"), "epic cadence");
    }
}
