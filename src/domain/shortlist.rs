//! A job order's shortlist: the stages a candidate moves through on the way to a placement.

use serde::Deserialize;

use super::placement::{PlacementDraft, PlacementInput};
use super::validate::{Check, Invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Shortlisted,
    Submitted,
    Interviewing,
    Offered,
    Placed,
    Rejected,
}

impl Stage {
    pub const ALL: [Stage; 6] =
        [Stage::Shortlisted, Stage::Submitted, Stage::Interviewing, Stage::Offered, Stage::Placed, Stage::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Shortlisted => "shortlisted",
            Stage::Submitted => "submitted",
            Stage::Interviewing => "interviewing",
            Stage::Offered => "offered",
            Stage::Placed => "placed",
            Stage::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn is_final(self) -> bool {
        matches!(self, Stage::Placed | Stage::Rejected)
    }

    /// Why a move from `self` to `to` is not allowed, if it is not. Stages only go forward
    /// (skipping is fine: a client may interview without a formal submission); `rejected` can end
    /// any open stage; `placed` and `rejected` are final.
    pub fn refuse_move(self, to: Stage) -> Option<String> {
        if self.is_final() {
            return Some(format!("the candidate is already {}; a final stage does not change", self.as_str()));
        }
        if to != Stage::Rejected && to < self {
            return Some(format!("stages only move forward: {} cannot go back to {}", self.as_str(), to.as_str()));
        }
        None
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShortlistAdd {
    pub candidate_id: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageChange {
    pub stage: Stage,
    #[serde(default)]
    pub note: Option<String>,
    /// The rates and start date: required when the move places the candidate, refused otherwise.
    #[serde(default)]
    pub placement: Option<PlacementInput>,
}

/// A stage change, validated.
#[derive(Debug, Clone)]
pub struct Move {
    pub stage: Stage,
    pub note: Option<String>,
    pub placement: Option<PlacementDraft>,
}

impl StageChange {
    pub fn validate(self) -> Result<Move, Invalid> {
        let mut check = Check::new();
        let note = check.opt_text("note", self.note.as_deref(), 2_000);
        let placement = match (self.stage, self.placement) {
            (Stage::Placed, Some(input)) => match input.validate() {
                Ok(draft) => Some(draft),
                Err(Invalid(errors)) => {
                    for e in errors {
                        check.fail(format!("placement.{}", e.field), e.message);
                    }
                    None
                }
            },
            (_, Some(_)) => {
                check.fail("placement", "is only sent with the move to placed");
                None
            }
            (_, None) => None,
        };
        check.finish(Move { stage: self.stage, note, placement })
    }
}

/// A note on a shortlist event: trimmed, at most 2,000 characters.
pub fn note(value: Option<&str>) -> Result<Option<String>, Invalid> {
    let mut check = Check::new();
    let note = check.opt_text("note", value, 2_000);
    check.finish(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_move_forward_and_end() {
        assert_eq!(Stage::Shortlisted.refuse_move(Stage::Interviewing), None);
        assert_eq!(Stage::Offered.refuse_move(Stage::Rejected), None);
        assert!(Stage::Interviewing.refuse_move(Stage::Submitted).is_some());
        assert!(Stage::Placed.refuse_move(Stage::Rejected).is_some());
        assert!(Stage::Rejected.refuse_move(Stage::Offered).is_some());
    }
}
