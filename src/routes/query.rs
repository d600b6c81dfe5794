//! Query-string parameters: pagination (`limit`, `cursor`) and typed filters, every problem
//! reported at once as a 400 naming the parameter.

use actix_web::HttpRequest;
use base64::Engine;
use chrono::NaiveDate;

use crate::db::models::PageRequest;
use crate::error::{ApiError, FieldError};

pub const DEFAULT_LIMIT: i64 = 25;
pub const MAX_LIMIT: i64 = 100;

pub struct Query {
    pairs: Vec<(String, String)>,
    errors: Vec<FieldError>,
}

impl Query {
    pub fn from_request(req: &HttpRequest) -> Result<Query, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
            .map_err(|e| ApiError::malformed("query", format!("cannot be decoded: {e}")))?;
        Ok(Query { pairs, errors: Vec::new() })
    }

    pub fn fail(&mut self, name: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(name, message));
    }

    /// The single value of `name`; repeating a single-valued parameter is an error.
    pub fn one(&mut self, name: &str) -> Option<String> {
        let mut values = self.pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone());
        let first = values.next();
        if values.next().is_some() {
            self.fail(name, "must be given once");
        }
        first
    }

    /// Every value of a repeatable parameter, each checked as text of at most `max` characters.
    pub fn many(&mut self, name: &str, max: usize) -> Vec<String> {
        let values: Vec<String> =
            self.pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).collect();
        if values.len() > 20 {
            self.fail(name, "may be given at most 20 times");
        }
        for v in &values {
            if v.is_empty() || v.chars().count() > max || v.contains('\0') {
                self.fail(name, format!("must be 1 to {max} characters, without NUL characters"));
            }
        }
        values
    }

    /// A text filter, trimmed. Empty (`q=`, an empty search box) is the same as absent.
    pub fn text(&mut self, name: &str, max: usize) -> Option<String> {
        let value = self.one(name)?.trim().to_owned();
        if value.is_empty() {
            return None;
        }
        if value.chars().count() > max || value.contains('\0') {
            self.fail(name, format!("must be at most {max} characters, without NUL characters"));
            return None;
        }
        Some(value)
    }

    pub fn int(&mut self, name: &str, min: i64, max: i64) -> Option<i64> {
        let raw = self.one(name)?;
        match raw.trim().parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Some(v),
            _ => {
                self.fail(name, format!("must be a whole number from {min} to {max}"));
                None
            }
        }
    }

    /// A number from `min` to `max`, decimals allowed ("72.5").
    pub fn decimal(&mut self, name: &str, min: f64, max: f64) -> Option<f64> {
        let raw = self.one(name)?;
        match raw.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && (min..=max).contains(&v) => Some(v),
            _ => {
                self.fail(name, format!("must be a number from {min} to {max}"));
                None
            }
        }
    }

    pub fn cents(&mut self, name: &str) -> Option<i64> {
        self.int(name, 0, crate::domain::validate::MAX_CENTS)
    }

    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.one(name)?.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.fail(name, "must be true or false");
                None
            }
        }
    }

    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        let raw = self.one(name)?;
        match crate::domain::validate::Date::parse(&raw) {
            Some(d) => Some(d.0),
            None => {
                self.fail(name, "must be a date, YYYY-MM-DD");
                None
            }
        }
    }

    /// A moment, RFC 3339 (`2026-12-01T09:00:00Z`), as UTC.
    pub fn timestamp(&mut self, name: &str) -> Option<chrono::NaiveDateTime> {
        let raw = self.one(name)?;
        match chrono::DateTime::parse_from_rfc3339(&raw) {
            Ok(at) => Some(at.naive_utc()),
            Err(_) => {
                self.fail(name, "must be a date and time, RFC 3339 (2026-12-01T09:00:00Z)");
                None
            }
        }
    }

    /// A value from a fixed vocabulary, parsed by `parse`; `allowed` is listed in the error.
    pub fn choice<T>(&mut self, name: &str, allowed: &[&str], parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let raw = self.one(name)?;
        let parsed = parse(&raw);
        if parsed.is_none() {
            self.fail(name, format!("must be one of: {}", allowed.join(", ")));
        }
        parsed
    }

    /// An id filter: any string is accepted; one that is not an id matches nothing.
    pub fn id(&mut self, name: &str) -> Option<Option<i64>> {
        let raw = self.text(name, 40)?;
        Some(raw.parse::<i64>().ok())
    }

    pub fn page(&mut self) -> PageRequest {
        let limit = self.int("limit", 1, MAX_LIMIT).unwrap_or(DEFAULT_LIMIT);
        let position = self.one("cursor").and_then(|raw| match decode_cursor(&raw) {
            Some(position) => Some(position),
            None => {
                self.fail("cursor", "is not a cursor this service issued; use next_cursor from a previous page");
                None
            }
        });
        PageRequest { limit, before: position.map(|p| p.0), rank: position.and_then(|p| p.1) }
    }

    /// For an export, which has every matching row: `limit` and `cursor` are refused rather
    /// than ignored, so a list's query string reused with its paging says so.
    pub fn no_paging(&mut self) {
        for name in ["limit", "cursor"] {
            if self.pairs.iter().any(|(k, _)| k == name) {
                self.fail(name, "is not taken by an export, which has every matching row in one response");
            }
        }
    }

    /// A search parameter in the search language; a malformed search is a 400 saying what to fix.
    pub fn search(&mut self, name: &str, max: usize) -> Option<crate::search::query::Query> {
        let text = self.text(name, max)?;
        match crate::search::query::Query::parse(&text) {
            Ok(query) => Some(query),
            Err(e) => {
                self.fail(name, e.0);
                None
            }
        }
    }

    /// A ranked list needs the rank its cursor carries.
    pub fn require_rank(&mut self, page: &PageRequest) {
        if page.before.is_some() && page.rank.is_none() {
            self.fail("cursor", "comes from a list without `q`; a search pages with the next_cursor it returned");
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            return Ok(());
        }
        let detail = self.errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
        Err(ApiError::Malformed { detail, errors: self.errors })
    }
}

/// A cursor: the last id of a page and, for a ranked list, that row's rank.
pub fn encode_cursor(id: i64, rank: Option<i64>) -> String {
    let text = match rank {
        None => format!("k1:{id}"),
        Some(rank) => format!("r1:{rank}:{id}"),
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn decode_cursor(raw: &str) -> Option<(i64, Option<i64>)> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (id, rank) = match text.strip_prefix("r1:") {
        Some(ranked) => {
            let (rank, id) = ranked.split_once(':')?;
            (id, Some(rank.parse::<i64>().ok().filter(|r| *r >= 0)?))
        }
        None => (text.strip_prefix("k1:")?, None),
    };
    Some((id.parse::<i64>().ok().filter(|id| *id > 0)?, rank))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_forgeries() {
        assert_eq!(decode_cursor(&encode_cursor(42, None)), Some((42, None)));
        assert_eq!(decode_cursor(&encode_cursor(42, Some(1234))), Some((42, Some(1234))));
        assert_eq!(decode_cursor(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("r1:x:4")), None);
        assert_eq!(decode_cursor("42"), None);
        assert_eq!(decode_cursor("!!"), None);
    }
}
