//! The plain-language explanation of a match, for the recruiter: it names pay rates, bill rates
//! and the concession asked, so it is the agency's own (a client gets the submittal instead).

use crate::domain::candidate::SignalKind;
use crate::domain::matching::{Match, Need, Profile, Segment};
use crate::domain::money::Offer;

/// Cents as money: "65.00" (the agency's currency is its own; rates are per hour).
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

fn span(months: i32) -> String {
    match months {
        m if m <= 0 => "none".to_owned(),
        m if m < 12 => format!("{m} month{}", if m == 1 { "" } else { "s" }),
        m if m % 12 == 0 => format!("{} year{}", m / 12, if m == 12 { "" } else { "s" }),
        m => format!("{:.1} years", f64::from(m) / 12.0),
    }
}

/// What a crossover signal says of a person, to follow their name: "has a clinical background".
pub fn signal_phrase(kind: SignalKind) -> &'static str {
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
    /// The candidate's pay priced against the budget.
    pub offer: &'a Offer,
    pub ramp_up_months: Option<i32>,
    /// The certifications or trainings of the ramp-up plan, in order.
    pub ramp_up_steps: &'a [String],
}

/// The money in a sentence: what the candidate's pay bills at against the budget, and what the
/// agency would offer. "Would bill at 58.50 an hour within the 65.00 budget; asks 52.00, would
/// take 50.00 (a concession of 2.00)."
fn rates(o: &Offer, budget: Option<i64>) -> String {
    let Some(offer) = o.offer_pay_rate_cents else { return String::new() };
    let asked = offer + o.concession_cents.unwrap_or(0);
    let bills = o.desired_bill_rate_cents.or(o.min_bill_rate_cents).unwrap_or_default();
    match (budget, o.concession_cents) {
        (Some(budget), Some(concession)) if concession > 0 => format!(
            " Would bill at {} an hour within the {} budget; asks {}, would take {} (a concession of {}).",
            money(o.min_bill_rate_cents.unwrap_or(bills)),
            money(budget),
            money(asked),
            money(offer),
            money(concession)
        ),
        (Some(budget), _) => format!(
            " Asks {}, which bills at {} an hour within the {} budget, leaving a margin of {}.",
            money(asked),
            money(bills),
            money(budget),
            money(o.margin_cents.unwrap_or_default())
        ),
        (None, _) => format!(" Asks {}, which bills at {} an hour.", money(asked), money(bills)),
    }
}

pub fn explain(f: &Facts<'_>) -> String {
    let m = f.found;
    let required = f.needs.iter().filter(|n| n.required).count();
    let named = |(i, years): &(usize, Option<i32>)| match years {
        Some(y) if *y > 0 => format!("{} ({} yr{})", f.needs[*i].name, y, if *y == 1 { "" } else { "s" }),
        _ => f.needs[*i].name.clone(),
    };
    let listed = |required: bool| -> Vec<String> {
        m.matched.iter().filter(|(i, _)| f.needs[*i].required == required).map(named).collect()
    };
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
    let nice = f.needs.len() - required;
    let mut covers = Vec::new();
    for (is_required, total, what) in [(true, required, "required skills"), (false, nice, "nice-to-have")] {
        if total == 0 {
            continue;
        }
        let held = listed(is_required);
        let mut part = format!("{} of {total} {what}", held.len());
        if !held.is_empty() {
            part.push_str(&format!(" ({})", list(&held)));
        }
        covers.push(part);
    }
    if covers.is_empty() {
        out.push_str("no skills were asked for");
    } else {
        out.push_str(&format!("covers {}", covers.join(" and ")));
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
    out.push_str(&rates(f.offer, f.budget_cents));
    if let Some(months) = f.ramp_up_months {
        let plural = if months == 1 { "" } else { "s" };
        match f.ramp_up_steps {
            [] => out.push_str(&format!(" About {months} month{plural} to productive.")),
            steps => out.push_str(&format!(" With {}, about {months} month{plural} to productive.", list(steps))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::matching::{Parts, Skills};
    use crate::domain::money::Markup;

    #[test]
    fn an_explanation_says_what_is_covered_missing_and_what_it_costs() {
        let need = |name: &str, required: bool| Need {
            skill_id: 1,
            name: name.into(),
            weight: 5,
            min_years: 0,
            required,
            healthcare: true,
        };
        let needs = [need("Epic", true), need("HL7 v2", true), need("SQL", false)];
        let profile = Profile {
            id: 7,
            status: crate::domain::candidate::Status::Active,
            remote_ok: true,
            region: None,
            it_months: 96,
            healthcare_months: 0,
            min_rate_cents: Some(4_500),
            desired_rate_cents: Some(5_200),
            signals: [SignalKind::HealthcareTraining].into_iter().collect(),
            skills: Skills::default(),
            certifications: Box::default(),
        };
        let parts = Parts {
            skill_fit: 0.0,
            it_breadth: 0.0,
            healthcare_experience: 0.0,
            crossover_signals: 0.0,
            rate_fit: 0.0,
        };
        let found = Match {
            candidate_id: 7,
            score_tenths: 743,
            parts,
            segment: Segment::Crossover,
            matched: vec![(0, Some(1)), (2, Some(8))],
            missing: vec![1],
        };
        let steps = ["CHTS-IS".to_owned()];
        let offer = crate::domain::money::offer(Some(4_500), Some(5_200), Some(6_500), Markup::DEFAULT);
        let text = explain(&Facts {
            full_name: "Jordan Lee",
            profile: &profile,
            found: &found,
            needs: &needs,
            budget_cents: Some(6_500),
            offer: &offer,
            ramp_up_months: Some(3),
            ramp_up_steps: &steps,
        });
        assert_eq!(
            text,
            "Jordan Lee is a crossover match (score 74.3): covers 1 of 2 required skills (Epic (1 yr)) and \
             1 of 1 nice-to-have (SQL (8 yrs)), not yet HL7 v2. 8 years in IT, none yet in healthcare. \
             Jordan has completed healthcare training. Would bill at 58.50 an hour within the 65.00 budget; \
             asks 52.00, would take 50.00 (a concession of 2.00). With CHTS-IS, about 3 months to productive."
        );
    }

    #[test]
    fn a_candidate_within_budget_is_told_with_the_margin_left() {
        let fits = crate::domain::money::offer(Some(4_000), Some(4_500), Some(6_500), Markup::DEFAULT);
        assert_eq!(
            rates(&fits, Some(6_500)),
            " Asks 45.00, which bills at 58.50 an hour within the 65.00 budget, leaving a margin of 20.00."
        );
        let open = crate::domain::money::offer(None, Some(4_500), None, Markup::DEFAULT);
        assert_eq!(rates(&open, None), " Asks 45.00, which bills at 58.50 an hour.");
    }

    #[test]
    fn money_and_spans_read_naturally() {
        assert_eq!(money(6_505), "65.05");
        assert_eq!(money(-5), "-0.05");
        assert_eq!(span(24), "2 years");
        assert_eq!(span(30), "2.5 years");
        assert_eq!(span(1), "1 month");
        assert_eq!(list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }
}
