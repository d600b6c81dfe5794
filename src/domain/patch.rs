//! PATCH semantics shared by every resource: a field that is absent stays as it is, `null`
//! clears it, a value sets it.

use serde::{Deserialize, Deserializer};

/// Deserialises a present field (value or `null`) as `Some(..)`; with `#[serde(default)]` an
/// absent field stays `None`.
pub fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Deserialises an optional field that may be left out but not sent as `null` (a field with a
/// default, such as a list or a status): `null` is a shape error naming the field.
pub fn non_null<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    match Option::<T>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        None => Err(serde::de::Error::custom("must not be null")),
    }
}

/// Applies one patched field to a nullable value.
pub fn nullable<T>(current: Option<T>, patch: Option<Option<T>>) -> Option<T> {
    match patch {
        None => current,
        Some(new) => new,
    }
}

/// Applies one patched field to a value that cannot be cleared; `null` is reported as an error
/// under `field`.
pub fn required<T>(current: T, patch: Option<Option<T>>, field: &str, nulls: &mut Vec<String>) -> T {
    match patch {
        None => current,
        Some(Some(new)) => new,
        Some(None) => {
            nulls.push(field.to_owned());
            current
        }
    }
}

/// An `If-Match` precondition over a resource's integer version (its ETag is `"<version>"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    Any,
    Versions(Vec<String>),
}

impl IfMatch {
    pub fn parse(header: &str) -> IfMatch {
        if header.trim() == "*" {
            return IfMatch::Any;
        }
        let tags = header.split(',').map(|t| t.trim().trim_start_matches("W/").trim_matches('"').to_owned()).collect();
        IfMatch::Versions(tags)
    }

    pub fn allows(&self, version: i32) -> bool {
        match self {
            IfMatch::Any => true,
            IfMatch::Versions(tags) => tags.iter().any(|t| t == &version.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_accepts_strong_weak_and_bare_tags() {
        assert!(IfMatch::parse("\"3\"").allows(3));
        assert!(IfMatch::parse("W/\"3\"").allows(3));
        assert!(IfMatch::parse("\"1\", \"3\"").allows(3));
        assert!(IfMatch::parse("*").allows(7));
        assert!(!IfMatch::parse("\"2\"").allows(3));
        assert!(!IfMatch::parse("garbage").allows(3));
    }
}
