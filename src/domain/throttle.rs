//! The login throttle's rule: after `max_failures` failed logins for one e-mail address, further
//! attempts are refused for a lockout that doubles with each new failure (capped at an hour).
//! Failures are forgotten after a quiet window.
//!
//! Every attempt is counted as a failure *before* its password is checked ([`admit`]), under a
//! lock, so a burst of parallel attempts gets at most `max_failures` password checks. A success
//! then clears the count ([`after_success`]), unless attempts admitted after it were counted
//! meanwhile: those stand, so a right password in a burst of wrong ones does not reopen the
//! door to more guesses.

use std::time::Duration;

use chrono::NaiveDateTime;

/// One address's recent failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempts {
    pub email: String,
    pub failures: i32,
    pub last_failure_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
}

/// Failures older than this are forgotten.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_LOCKOUT: Duration = Duration::from_secs(3_600);

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_failures: u32,
    pub lockout: Duration,
}

/// Seconds the caller must wait before trying again, if locked out now.
pub fn retry_after(row: Option<&LoginAttempts>, now: NaiveDateTime) -> Option<u64> {
    let until = row?.locked_until?;
    (until > now).then(|| (until - now).num_seconds().max(1) as u64)
}

/// The record after one more failure at `now`.
pub fn record_failure(
    policy: Policy,
    email: &str,
    previous: Option<LoginAttempts>,
    now: NaiveDateTime,
) -> LoginAttempts {
    let window = chrono::Duration::from_std(WINDOW).unwrap_or_default();
    let failures = match previous {
        Some(p) if now - p.last_failure_at < window => p.failures.saturating_add(1),
        _ => 1,
    };
    let locked_until = (failures as u32 >= policy.max_failures).then(|| {
        let doublings = (failures as u32 - policy.max_failures).min(12);
        let lockout = policy.lockout.saturating_mul(1 << doublings).min(MAX_LOCKOUT);
        now + chrono::Duration::from_std(lockout).unwrap_or_default()
    });
    LoginAttempts { email: email.to_owned(), failures, last_failure_at: now, locked_until }
}

/// The record after admitting one more attempt at `now`, counted as a failure until it
/// succeeds; or, while the address is locked out, the seconds to wait.
pub fn admit(
    policy: Policy,
    email: &str,
    previous: Option<LoginAttempts>,
    now: NaiveDateTime,
) -> Result<LoginAttempts, u64> {
    match retry_after(previous.as_ref(), now) {
        Some(wait) => Err(wait),
        None => Ok(record_failure(policy, email, previous, now)),
    }
}

/// The record after an attempt admitted as failure number `admitted` turned out right: cleared,
/// or kept as it is when later attempts were counted since.
pub fn after_success(current: Option<LoginAttempts>, admitted: i32) -> Option<LoginAttempts> {
    current.filter(|c| c.failures > admitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy { max_failures: 3, lockout: Duration::from_secs(60) };

    fn t(secs: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap().naive_utc()
    }

    #[test]
    fn locks_after_the_allowed_failures_and_doubles() {
        let mut row = None;
        for i in 0..3 {
            row = Some(record_failure(POLICY, "a@b.co", row, t(i)));
        }
        assert_eq!(retry_after(row.as_ref(), t(2)), Some(60));
        let row = record_failure(POLICY, "a@b.co", row, t(3));
        assert_eq!(retry_after(Some(&row), t(3)), Some(120));
        assert_eq!(retry_after(Some(&row), t(3 + 121)), None);
    }

    #[test]
    fn attempts_past_the_allowed_failures_are_refused_before_any_check() {
        let mut row = None;
        let mut admitted = 0;
        for i in 0..20 {
            match admit(POLICY, "a@b.co", row.clone(), t(i / 10)) {
                Ok(next) => {
                    admitted += 1;
                    row = Some(next);
                }
                Err(wait) => assert!(wait >= 1),
            }
        }
        assert_eq!(admitted, 3);
    }

    #[test]
    fn a_success_clears_the_count_unless_later_attempts_were_counted() {
        let first = record_failure(POLICY, "a@b.co", None, t(0));
        let second = record_failure(POLICY, "a@b.co", Some(first.clone()), t(0));
        assert_eq!(after_success(Some(first.clone()), 1), None);
        assert_eq!(after_success(Some(second.clone()), 1), Some(second));
        assert_eq!(after_success(None, 1), None);
    }

    #[test]
    fn old_failures_are_forgotten() {
        let row = record_failure(POLICY, "a@b.co", None, t(0));
        let row = record_failure(POLICY, "a@b.co", Some(row), t(16 * 60));
        assert_eq!(row.failures, 1);
    }
}
