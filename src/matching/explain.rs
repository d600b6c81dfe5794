//! The plain-language explanation of a match, written for a recruiter to paste to a client.

use crate::domain::candidate::SignalKind;
use crate::domain::matching::{Match, Need, Profile, Segment};

/// Cents an hour as money: "65.00 an hour" (the agency's currency is its own).
pub fn money(cents: i64) -> String {
    format!("{}.{:02} an hour", cents / 100, cents % 100)
}

fn span(months: i32) -> String {
    match months {
        m if m <= 0 => "none".to_owned(),
        m if m < 12 => format!("{m} month{}", if m == 1 { "" } else { "s" }),
        m if m % 12 == 0 => format!("{} year{}", m / 12, if m == 12 { "" } else { "s" }),
        m => format!("{:.1} years", f64::from(m) / 12.0),
    }
}

fn signal_phrase(kind: SignalKind) -> &'static str {
    match kind {
        SignalKind::HealthcareTraining => "has completed healthcare training",
        SignalKind::ClinicalVolunteering => "has volunteered in a clinical setting",
        SignalKind::ClinicalBackground => "has a clinical background",
        SignalKind::HealthcareCertification => "holds a healthcare certification",
        SignalKind::LowerRateOk => "is open to a lower rate to move into healthcare",
    }
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What the explanation is made from.
pub struct Facts<'a> {
    pub full_name: &'a str,
    pub profile: &'a Profile,
    pub found: &'a Match,
    pub needs: &'a [Need],
    pub budget_cents: Option<i64>,
    pub ramp_up_months: Option<i32>,
}

pub fn explain(f: &Facts<'_>) -> String {
    let m = f.found;
    let required = f.needs.iter().filter(|n| n.required).count();
    let covered_required = m.matched.iter().filter(|(i, _)| f.needs[*i].required).count();
    let named = |(i, years): &(usize, Option<i32>)| match years {
        Some(y) if *y > 0 => format!("{} ({} yr{})", f.needs[*i].name, y, if *y == 1 { "" } else { "s" }),
        _ => f.needs[*i].name.clone(),
    };
    let matched: Vec<String> = m.matched.iter().map(named).collect();
    let missing: Vec<String> = m.missing.iter().map(|&i| f.needs[i].name.clone()).collect();
    let mut out = format!(
        "{} is a{} match (score {}.{}): ",
        f.full_name,
        match m.segment {
            Segment::Crossover => " crossover",
            Segment::Experienced => "n experienced",
        },
        m.score_tenths / 10,
        m.score_tenths % 10
    );
    if required > 0 {
        out.push_str(&format!("covers {covered_required} of {required} required skills"));
    } else {
        out.push_str(&format!("covers {} of {} skills", m.matched.len(), f.needs.len()));
    }
    if !matched.is_empty() {
        out.push_str(&format!(" ({})", list(&matched)));
    }
    if !missing.is_empty() {
        out.push_str(&format!(", not yet {}", list(&missing)));
    }
    out.push_str(&format!(
        ". {} in IT, {} in healthcare.",
        span(f.profile.it_months),
        match f.profile.healthcare_months {
            0 => "none yet".to_owned(),
            m => span(m),
        }
    ));
    let signals: Vec<String> = f.profile.signals.kinds().map(|k| signal_phrase(k).to_owned()).collect();
    if !signals.is_empty() {
        let first = f.full_name.split_whitespace().next().unwrap_or(f.full_name);
        out.push_str(&format!(" {first} {}.", list(&signals)));
    }
    let (min, desired) = (f.profile.min_rate_cents, f.profile.desired_rate_cents);
    match (desired, min, f.budget_cents) {
        (Some(d), Some(mn), Some(b)) if d > b => out.push_str(&format!(
            " Asks {}, minimum {}, against a budget of {}: would come down {}.",
            money(d),
            money(mn),
            money(b),
            money(d - b)
        )),
        (Some(d), _, Some(b)) => out.push_str(&format!(" Asks {} against a budget of {}: fits.", money(d), money(b))),
        (None, Some(mn), Some(b)) => {
            out.push_str(&format!(" Minimum {} against a budget of {}: fits.", money(mn), money(b)))
        }
        (Some(d), _, None) => out.push_str(&format!(" Asks {}.", money(d))),
        _ => {}
    }
    if let Some(months) = f.ramp_up_months {
        out.push_str(&format!(" About {months} month{} to productive.", if months == 1 { "" } else { "s" }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_spans_read_naturally() {
        assert_eq!(money(6_505), "65.05 an hour");
        assert_eq!(span(24), "2 years");
        assert_eq!(span(30), "2.5 years");
        assert_eq!(span(1), "1 month");
        assert_eq!(list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }
}
