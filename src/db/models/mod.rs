//! Plain functions over a connection, one module per table family. Every function that reads or
//! writes tenant data takes the caller's `agency_id`, so forgetting tenancy does not compile.
//! Functions return `QueryResult`, or `ApiError` where the answer is the client's fault (a
//! stale version, an unknown client, a duplicate).

pub mod candidates;
pub mod clients;
pub mod job_orders;
pub mod login_attempts;
pub mod rate_card;
pub mod refresh_tokens;
pub mod resumes;
pub mod shortlist;
pub mod skills;
pub mod users;

use chrono::{NaiveDateTime, Utc};

pub type Backend = <super::DbConnection as diesel::Connection>::Backend;

/// Now, at the microsecond precision both backends keep.
pub fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now - chrono::Duration::nanoseconds(i64::from(now.and_utc().timestamp_subsec_nanos() % 1_000))
}

/// A page request: at most `limit` rows with an id below `before` (newest first). In a list
/// ranked by relevance, `rank` is the rank of the row `before` points at, and the page goes on
/// from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    pub before: Option<i64>,
    pub rank: Option<i64>,
}

/// Where the next page starts: after this id and, in a list ranked by relevance, this rank.
pub type Position = (i64, Option<i64>);

/// Trims a page fetched with `limit + 1` rows and says whether another page follows.
pub fn finish_page<T>(mut rows: Vec<T>, request: PageRequest, id_of: impl Fn(&T) -> i64) -> (Vec<T>, Option<i64>) {
    if rows.len() as i64 > request.limit {
        rows.truncate(request.limit as usize);
        let last = rows.last().map(&id_of);
        (rows, last)
    } else {
        (rows, None)
    }
}

/// A LIKE pattern matching `needle` anywhere, with `\` escaping the wildcards it may contain.
pub fn contains_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The lower-cased text the simple `q` search looks in.
pub fn search_text<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" \u{1f} ").to_lowercase()
}

/// A JSON list column, read back; a malformed value reads as empty rather than failing a page.
pub fn json_list<T: serde::de::DeserializeOwned>(raw: &str) -> Vec<T> {
    serde_json::from_str(raw).unwrap_or_default()
}

pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_the_needle_are_escaped() {
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn a_full_page_points_at_the_next() {
        let request = PageRequest { limit: 2, before: None, rank: None };
        assert_eq!(finish_page(vec![9, 8, 7], request, |x| *x), (vec![9, 8], Some(8)));
        assert_eq!(finish_page(vec![9, 8], request, |x| *x), (vec![9, 8], None));
    }
}
