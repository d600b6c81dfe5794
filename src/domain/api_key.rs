//! What an API key may do, and a new key as an admin asks for it.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

use super::validate::{Check, Invalid};

/// A permission a key carries. Each includes the ones after it: `admin` can do what `write`
/// can, `write` what `read` can, and `read` includes `matches:read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    MatchesRead,
    Read,
    Write,
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::Read, Scope::Write, Scope::Admin, Scope::MatchesRead];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::MatchesRead => "matches:read",
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Whether a key with these scopes may do what needs `needed`.
    pub fn granted(held: &[Scope], needed: Scope) -> bool {
        held.iter().any(|&s| s >= needed)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyInput {
    pub name: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewApiKey {
    pub name: String,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<NaiveDateTime>,
}

impl ApiKeyInput {
    pub fn validate(self, now: NaiveDateTime) -> Result<NewApiKey, Invalid> {
        let mut check = Check::new();
        let name = check.text("name", &self.name, 100);
        let mut scopes = Vec::new();
        if self.scopes.is_empty() {
            check.fail("scopes", "give at least one of read, write, admin, matches:read");
        }
        for (i, s) in self.scopes.iter().enumerate() {
            match Scope::parse(s) {
                Some(scope) if !scopes.contains(&scope) => scopes.push(scope),
                Some(_) => check.fail(format!("scopes[{i}]"), "is given twice"),
                None => check.fail(format!("scopes[{i}]"), "must be one of read, write, admin, matches:read"),
            }
        }
        let expires_at = self.expires_at.map(|at| at.naive_utc());
        if expires_at.is_some_and(|at| at <= now) {
            check.fail("expires_at", "must be in the future");
        }
        check.finish(NewApiKey { name, scopes, expires_at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broader_scopes_include_narrower_ones() {
        assert!(Scope::granted(&[Scope::Admin], Scope::Write));
        assert!(Scope::granted(&[Scope::Read], Scope::MatchesRead));
        assert!(!Scope::granted(&[Scope::MatchesRead], Scope::Read));
        assert!(!Scope::granted(&[Scope::Read, Scope::MatchesRead], Scope::Write));
        assert!(!Scope::granted(&[], Scope::MatchesRead));
    }

    #[test]
    fn a_key_needs_a_name_known_scopes_and_a_future_expiry() {
        let now = Utc::now().naive_utc();
        let input = |scopes: &[&str], expires_at| ApiKeyInput {
            name: "Sheets sync".into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            expires_at,
        };
        assert!(input(&["read", "matches:read"], None).validate(now).is_ok());
        assert!(input(&[], None).validate(now).is_err());
        assert!(input(&["read", "read"], None).validate(now).is_err());
        assert!(input(&["superuser"], None).validate(now).is_err());
        assert!(input(&["read"], Some(Utc::now() - chrono::Duration::hours(1))).validate(now).is_err());
    }
}
