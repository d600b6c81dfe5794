//! The agency's rate card: what experienced and entry-level people cost, per skill or per role
//! family. It answers for the market when the agency's own candidates are too few to.

use serde::Deserialize;

use super::candidate::finish_patch;
use super::patch::{nullable, present};
use super::validate::{Check, Invalid};

/// The role family that applies to every role no more specific entry covers.
pub const DEFAULT_FAMILY: &str = "default";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateCardInput {
    #[serde(default)]
    pub skill: Option<String>,
    #[serde(default)]
    pub role_family: Option<String>,
    pub experienced_rate_cents: i64,
    #[serde(default)]
    pub entry_rate_cents: Option<i64>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// What an entry is about: one skill (by the name sent, resolved when stored) or a role family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Skill(String),
    RoleFamily(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RateCardDraft {
    pub subject: Subject,
    pub experienced_rate_cents: i64,
    pub entry_rate_cents: Option<i64>,
    pub notes: Option<String>,
}

impl RateCardInput {
    pub fn validate(self) -> Result<RateCardDraft, Invalid> {
        let mut check = Check::new();
        let skill = check.opt_text("skill", self.skill.as_deref(), 100);
        let family = check.opt_text("role_family", self.role_family.as_deref(), 100);
        let subject = match (skill, family) {
            (Some(skill), None) => Subject::Skill(skill),
            (None, Some(family)) => Subject::RoleFamily(family.split_whitespace().collect::<Vec<_>>().join(" ")),
            (Some(_), Some(_)) => {
                check.fail("role_family", "give either skill or role_family, not both");
                Subject::RoleFamily(String::new())
            }
            (None, None) => {
                check.fail("skill", "give a skill or a role_family (\"default\" covers every role)");
                Subject::RoleFamily(String::new())
            }
        };
        let experienced = check.int_range("experienced_rate_cents", self.experienced_rate_cents, 1, 100_000_000);
        let entry = check.cents("entry_rate_cents", self.entry_rate_cents);
        if entry.is_some_and(|e| e > experienced) {
            check.fail("entry_rate_cents", "must not be above experienced_rate_cents");
        }
        let draft = RateCardDraft {
            subject,
            experienced_rate_cents: experienced,
            entry_rate_cents: entry,
            notes: check.opt_text("notes", self.notes.as_deref(), 2_000),
        };
        check.finish(draft)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateCardPatch {
    #[serde(default, deserialize_with = "present")]
    pub skill: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub role_family: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub experienced_rate_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    pub entry_rate_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    pub notes: Option<Option<String>>,
}

impl RateCardPatch {
    /// Applies the patch to the entry as stored (its skill given by canonical name). Sending one
    /// subject clears the other.
    pub fn apply(self, current: RateCardDraft) -> Result<RateCardDraft, Invalid> {
        let mut nulls = Vec::new();
        let (skill, family) = match &current.subject {
            Subject::Skill(s) => (Some(s.clone()), None),
            Subject::RoleFamily(f) => (None, Some(f.clone())),
        };
        let (skill, family) = match (self.skill, self.role_family) {
            (None, None) => (skill, family),
            (Some(s), None) => (s, None),
            (None, Some(f)) => (None, f),
            (Some(s), Some(f)) => (s, f),
        };
        let experienced = match self.experienced_rate_cents {
            None => current.experienced_rate_cents,
            Some(Some(v)) => v,
            Some(None) => {
                nulls.push("experienced_rate_cents".to_owned());
                current.experienced_rate_cents
            }
        };
        let merged = RateCardInput {
            skill,
            role_family: family,
            experienced_rate_cents: experienced,
            entry_rate_cents: nullable(current.entry_rate_cents, self.entry_rate_cents),
            notes: nullable(current.notes, self.notes),
        };
        finish_patch(merged.validate(), nulls)
    }
}

/// The key that makes an entry unique within an agency.
pub fn subject_key(skill_id: Option<i64>, family: Option<&str>) -> String {
    match (skill_id, family) {
        (Some(id), _) => format!("skill:{id}"),
        (None, family) => format!("family:{}", family.unwrap_or_default().to_lowercase()),
    }
}

/// The words of a family or title: runs of letters and digits.
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// Whether a role family names this role: "default" names every role, any other family names
/// the roles whose title contains its words in order ("interface analyst").
pub fn family_fits(family: &str, title: &str) -> bool {
    let family = family.to_lowercase();
    if family == DEFAULT_FAMILY {
        return true;
    }
    let words = |s: &str| {
        s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect::<Vec<_>>()
    };
    let (family, title) = (words(&family), words(&title.to_lowercase()));
    !family.is_empty() && title.windows(family.len()).any(|w| w == family.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_fit_titles_by_whole_words() {
        assert!(family_fits("Interface Analyst", "Senior interface analyst (HL7)"));
        assert!(!family_fits("analyst", "Analytics engineer"));
        assert!(family_fits("default", "anything"));
    }

    #[test]
    fn an_entry_names_one_subject_and_a_sane_entry_rate() {
        let both = RateCardInput {
            skill: Some("Epic".into()),
            role_family: Some("analyst".into()),
            experienced_rate_cents: 10_000,
            ..Default::default()
        };
        assert!(both.validate().is_err());
        let inverted = RateCardInput {
            skill: Some("Epic".into()),
            experienced_rate_cents: 5_000,
            entry_rate_cents: Some(6_000),
            ..Default::default()
        };
        assert!(inverted.validate().is_err());
    }
}
