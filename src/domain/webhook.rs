//! Webhooks as the agency's tools register them: which events exist, which addresses may be
//! called (no private networks unless a setting allows them: a webhook must not become a way
//! into the server's own network), and when a failed delivery is tried again.

use std::net::IpAddr;
use std::time::Duration;

use serde::Deserialize;

use super::validate::{Check, Invalid};

/// Every event a webhook can subscribe to.
pub const EVENT_TYPES: [&str; 9] = [
    "candidate.created",
    "candidate.updated",
    "candidate.deleted",
    "resume.parsed",
    "shortlist.stage_changed",
    "placement.created",
    "job_order.created",
    "job_order.updated",
    "match.alert",
];

/// Which webhook targets the server may call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TargetPolicy {
    /// `http://` to a loopback address (127.0.0.0/8, ::1, `localhost`), for tests and local tools.
    pub allow_loopback: bool,
    /// Private, link-local and other non-public addresses (10/8, 172.16/12, 192.168/16, fc00::/7,
    /// 169.254/16, fe80::/10, 100.64/10).
    pub allow_private: bool,
}

impl TargetPolicy {
    /// Whether the server may connect to this address.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
            v4 => v4,
        };
        if ip.is_loopback() {
            return self.allow_loopback;
        }
        if ip.is_unspecified() || ip.is_multicast() {
            return false;
        }
        let private = match ip {
            IpAddr::V4(v4) => {
                let [a, b, ..] = v4.octets();
                v4.is_private()
                    || v4.is_link_local()
                    || v4.is_broadcast()
                    || (a == 100 && (64..128).contains(&b))
                    || a == 0
            }
            IpAddr::V6(v6) => {
                let first = v6.segments()[0];
                (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
            }
        };
        !private || self.allow_private
    }
}

/// A target URL, checked: `https://`, or `http://` to loopback when allowed; no credentials in
/// it; an address literal must be allowed. Host names are checked again when they are resolved,
/// at every delivery.
pub fn check_url(raw: &str, policy: TargetPolicy) -> Result<url::Url, String> {
    let url = url::Url::parse(raw).map_err(|_| "must be an absolute URL (https://…)".to_owned())?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    let host = url.host().ok_or_else(|| "must name a host".to_owned())?;
    let literal: Option<IpAddr> = match &host {
        url::Host::Ipv4(v4) => Some(IpAddr::V4(*v4)),
        url::Host::Ipv6(v6) => Some(IpAddr::V6(*v6)),
        url::Host::Domain(_) => None,
    };
    let loopback = match (&host, literal) {
        (_, Some(ip)) => ip.is_loopback(),
        (url::Host::Domain(name), None) => name.eq_ignore_ascii_case("localhost") || name.ends_with(".localhost"),
        _ => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback && policy.allow_loopback => {}
        "http" => return Err("must use https:// (http:// only to a loopback address, when allowed)".into()),
        _ => return Err("must use https://".into()),
    }
    if loopback && !policy.allow_loopback {
        return Err("must not point at this server's own machine".into());
    }
    if let Some(ip) = literal.filter(|ip| !policy.allows(*ip)) {
        return Err(format!("must not point at a private or reserved address ({ip})"));
    }
    Ok(url)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    pub url: String,
    pub events: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDraft {
    pub url: String,
    pub events: Vec<String>,
    pub description: Option<String>,
}

impl WebhookInput {
    pub fn validate(self, policy: TargetPolicy) -> Result<WebhookDraft, Invalid> {
        let mut check = Check::new();
        let url = match check_url(self.url.trim(), policy) {
            Ok(url) if self.url.len() <= 2_000 => url.to_string(),
            Ok(_) => {
                check.fail("url", "must be at most 2000 characters");
                String::new()
            }
            Err(why) => {
                check.fail("url", why);
                String::new()
            }
        };
        check.list_len("events", &self.events, EVENT_TYPES.len());
        if self.events.is_empty() {
            check.fail("events", "name at least one event");
        }
        let mut events: Vec<String> = Vec::new();
        for (i, e) in self.events.iter().enumerate() {
            if !EVENT_TYPES.contains(&e.as_str()) {
                check.fail(format!("events[{i}]"), format!("must be one of {}", EVENT_TYPES.join(", ")));
            } else if events.contains(e) {
                check.fail(format!("events[{i}]"), "is given twice");
            } else {
                events.push(e.clone());
            }
        }
        let description = check.opt_text("description", self.description.as_deref(), 500);
        check.finish(WebhookDraft { url, events, description })
    }
}

/// A change to an endpoint; every field may be left out, `description` may be `null`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    #[serde(default, deserialize_with = "super::patch::non_null")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "super::patch::non_null")]
    pub events: Option<Vec<String>>,
    #[serde(default, deserialize_with = "super::patch::present")]
    pub description: Option<Option<String>>,
}

impl WebhookPatch {
    pub fn apply(self, current: WebhookDraft, policy: TargetPolicy) -> Result<WebhookDraft, Invalid> {
        WebhookInput {
            url: self.url.unwrap_or(current.url),
            events: self.events.unwrap_or(current.events),
            description: super::patch::nullable(current.description, self.description),
        }
        .validate(policy)
    }
}

/// Standard Webhooks' schedule: the first attempt at once, then after 5 s, 5 min, 30 min, 2 h,
/// 5 h, 10 h and 10 h (about 27.6 hours in all), each with up to a fifth more at random so
/// receivers that failed together are not hit together. `None` after the last attempt.
pub fn retry_delay(attempts_made: u32, jitter: f64) -> Option<Duration> {
    const SCHEDULE: [u64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
    let base = *SCHEDULE.get(attempts_made.checked_sub(1)? as usize)?;
    Some(Duration::from_secs_f64(base as f64 * (1.0 + jitter.clamp(0.0, 1.0) / 5.0)))
}

/// Consecutive failed attempts after which an endpoint is shown as failing.
pub const FAILING_AFTER: i32 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_loopback_targets_need_a_setting() {
        let strict = TargetPolicy::default();
        for bad in [
            "http://example.com/hook",
            "https://127.0.0.1/hook",
            "https://10.0.0.8/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/hook",
            "https://[fd00::1]/hook",
            "https://[::ffff:192.168.1.1]/hook",
            "https://0.0.0.0/hook",
            "https://localhost/hook",
            "https://user:pw@example.com/hook",
            "ftp://example.com/hook",
            "not a url",
        ] {
            assert!(check_url(bad, strict).is_err(), "{bad}");
        }
        assert!(check_url("https://hooks.example.com/bridgehire", strict).is_ok());
        let local = TargetPolicy { allow_loopback: true, allow_private: false };
        assert!(check_url("http://127.0.0.1:9000/hook", local).is_ok());
        assert!(check_url("http://10.0.0.8/hook", local).is_err());
        let private = TargetPolicy { allow_loopback: false, allow_private: true };
        assert!(check_url("https://10.0.0.8/hook", private).is_ok());
    }

    #[test]
    fn retries_cover_more_than_a_day_then_stop() {
        let total: f64 = (1..=7).map(|n| retry_delay(n, 0.0).unwrap().as_secs_f64()).sum();
        assert!(total > 24.0 * 3600.0, "{total}");
        assert_eq!(retry_delay(8, 0.0), None);
        assert_eq!(retry_delay(1, 1.0), Some(Duration::from_secs(6)));
    }
}

/// Standard Webhooks' signature of a message: `v1,` and the base64 HMAC-SHA256, keyed with the
/// secret's base64 part (after `whsec_`), of `{id}.{timestamp}.{body}`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let engine = base64::engine::general_purpose::STANDARD;
    let key = engine.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!("v1,{}", engine.encode(mac.finalize().into_bytes())))
}

pub const SECRET_PREFIX: &str = "whsec_";

#[cfg(test)]
mod signing {
    use super::*;

    /// The example of the Standard Webhooks specification's reference libraries.
    #[test]
    fn signatures_match_the_specifications_example() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert_eq!(sign("no-prefix", "id", 1, "{}"), None);
    }
}
