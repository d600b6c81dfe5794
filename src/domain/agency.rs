//! The agency's own settings, as an admin changes them.

use serde::Deserialize;

use super::candidate::finish_patch;
use super::money::Markup;
use super::patch::{present, required};
use super::validate::{Check, Invalid};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyDraft {
    pub name: String,
    /// The markup on clients' bill rates unless a client or job order sets its own.
    pub default_markup: Markup,
}

/// A PATCH body: the name and the default markup; neither can be cleared.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyPatch {
    #[serde(default, deserialize_with = "present")]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub default_markup_percent: Option<Option<f64>>,
}

impl AgencyPatch {
    pub fn apply(self, current: AgencyDraft) -> Result<AgencyDraft, Invalid> {
        let mut nulls = Vec::new();
        let fallback = current.default_markup;
        let name = required(current.name, self.name, "name", &mut nulls);
        let percent = required(fallback.percent(), self.default_markup_percent, "default_markup_percent", &mut nulls);
        let mut check = Check::new();
        let name = check.text("name", &name, 200);
        let default_markup = check.markup("default_markup_percent", Some(percent)).unwrap_or(fallback);
        finish_patch(check.finish(AgencyDraft { name, default_markup }), nulls)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current() -> AgencyDraft {
        AgencyDraft { name: "Lakeside".into(), default_markup: Markup::DEFAULT }
    }

    #[test]
    fn a_patch_changes_what_it_names_and_refuses_nulls_and_bad_percents() {
        let patch = AgencyPatch { default_markup_percent: Some(Some(27.5)), ..Default::default() };
        let changed = patch.apply(current()).unwrap();
        assert_eq!((changed.name.as_str(), changed.default_markup.hundredths()), ("Lakeside", 2_750));
        let null = AgencyPatch { default_markup_percent: Some(None), ..Default::default() };
        assert_eq!(null.apply(current()).unwrap_err().0[0].field, "default_markup_percent");
        let bad = AgencyPatch { default_markup_percent: Some(Some(301.0)), ..Default::default() };
        assert_eq!(bad.apply(current()).unwrap_err().0[0].field, "default_markup_percent");
    }
}
