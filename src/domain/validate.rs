//! Field checks shared by every input type. A [`Check`] collects every problem of a request, so
//! a client learns all it must fix in one answer instead of one field per round trip.

use serde::Serialize;

/// One field-level complaint: `field` is a JSON path (`skills[2].years`) or a parameter name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}

/// The input broke these rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        Invalid(vec![FieldError::new(field, message)])
    }
}

/// The largest money amount accepted: one million per hour, in cents.
pub const MAX_CENTS: i64 = 100_000_000;
/// Eighty years, in months.
pub const MAX_MONTHS: i32 = 960;

#[derive(Debug, Default)]
pub struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    pub fn new() -> Self {
        Check::default()
    }

    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// A required text: at most `max` characters as sent, with something besides white space;
    /// stored trimmed. NUL is refused (PostgreSQL cannot store it).
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        if value.chars().count() > max {
            self.fail(field, format!("must be at most {max} characters"));
        } else if value.contains('\0') {
            self.fail(field, "must not contain NUL characters");
        } else if value.trim().is_empty() {
            self.fail(field, "must not be blank");
        }
        value.trim().to_owned()
    }

    /// An optional text: absent, null or blank is stored as null; otherwise as [`Check::text`].
    pub fn opt_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        match value {
            Some(v) if v.trim().is_empty() && v.chars().count() <= max && !v.contains('\0') => None,
            Some(v) => Some(self.text(field, v, max)),
            None => None,
        }
    }

    /// An e-mail address, taken as sent (no trimming).
    pub fn email(&mut self, field: &str, value: &str) -> String {
        if !is_email(value) {
            self.fail(field, "must be an e-mail address such as name@example.org");
        }
        value.to_owned()
    }

    pub fn opt_email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        value.map(|v| self.email(field, v))
    }

    pub fn int_range<T: PartialOrd + Copy + std::fmt::Display>(&mut self, field: &str, value: T, min: T, max: T) -> T {
        if value < min || value > max {
            self.fail(field, format!("must be between {min} and {max}"));
        }
        value
    }

    pub fn opt_int_range<T: PartialOrd + Copy + std::fmt::Display>(
        &mut self,
        field: &str,
        value: Option<T>,
        min: T,
        max: T,
    ) -> Option<T> {
        value.map(|v| self.int_range(field, v, min, max))
    }

    pub fn cents(&mut self, field: &str, value: Option<i64>) -> Option<i64> {
        self.opt_int_range(field, value, 0, MAX_CENTS)
    }

    pub fn months(&mut self, field: &str, value: Option<i32>) -> Option<i32> {
        self.opt_int_range(field, value, 0, MAX_MONTHS)
    }

    /// A list of at most `max` items.
    pub fn list_len<T>(&mut self, field: &str, items: &[T], max: usize) {
        if items.len() > max {
            self.fail(field, format!("must have at most {max} items"));
        }
    }

    /// Short labels (tags, certifications): each checked as text, duplicates (ignoring case)
    /// dropped, order kept.
    pub fn labels(&mut self, field: &str, items: &[String], max_items: usize, max_len: usize) -> Vec<String> {
        self.list_len(field, items, max_items);
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let label = self.text(&format!("{field}[{i}]"), item, max_len);
            if seen.insert(label.to_lowercase()) {
                out.push(label);
            }
        }
        out
    }

    /// A markup percent (0–300, two decimals at most); `None` stays `None` ("inherit").
    pub fn markup(&mut self, field: &str, value: Option<f64>) -> Option<super::money::Markup> {
        let percent = value?;
        match super::money::Markup::from_percent(percent) {
            Ok(markup) => Some(markup),
            Err(why) => {
                self.fail(field, why);
                None
            }
        }
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish<T>(self, value: T) -> Result<T, Invalid> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(Invalid(self.errors))
        }
    }
}

/// A pragmatic address check: one `@`, a plausible local part, a dotted domain.
pub fn is_email(value: &str) -> bool {
    if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = value.rsplit_once('@') else { return false };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.contains('@')
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
    local_ok && domain_ok
}

/// A calendar date written strictly as `YYYY-MM-DD` (chrono alone also takes `2026-1-5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Date(pub chrono::NaiveDate);

impl Date {
    pub fn parse(raw: &str) -> Option<Date> {
        let b = raw.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return None;
        }
        chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().map(Date)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Date::parse(&raw).ok_or_else(|| serde::de::Error::custom("expected a date as YYYY-MM-DD"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert!(Date::parse("2026-12-01").is_some());
        for bad in ["2026-1-05", "2026-02-30", "+02026-01-01", "2026/01/01", "20260101"] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["a@b.co", "first.last+tag@clinic.example.org", "x_y@sub-domain.health"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@.co", "a b@c.co", "a@b..co", "a@-b.co", ".a@b.co", "a@b.12", " a@b.co",
            "é@b.co",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn a_check_collects_every_problem() {
        let mut check = Check::new();
        check.text("name", "   ", 10);
        check.int_range("years", 99, 0, 60);
        let errors = check.finish(()).unwrap_err().0;
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["name", "years"]);
    }

    #[test]
    fn labels_are_trimmed_and_deduplicated_ignoring_case() {
        let mut check = Check::new();
        let labels = check.labels("tags", &[" Epic ".into(), "epic".into(), "night shift".into()], 10, 50);
        assert_eq!(labels, ["Epic", "night shift"]);
    }
}
