//! Money as staffing agencies count it. A client pays the agency a **bill rate**; the agency pays
//! the candidate a **pay rate**; the markup is (bill − pay) / pay and the margin bill − pay.
//! Every amount is integer cents per hour and every rate here is computed in integers, so the
//! same inputs give the same cents on every machine; percentages are kept in hundredths
//! (a markup) or tenths (a margin) of a percent.

/// A markup, exactly, in hundredths of a percent: 30 % is `Markup(3000)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Markup(i32);

impl Markup {
    /// 300 %.
    pub const MAX_HUNDREDTHS: i32 = 30_000;
    /// What a new agency starts with.
    pub const DEFAULT: Markup = Markup(3_000);

    /// A stored markup; `None` when out of range.
    pub fn from_hundredths(hundredths: i32) -> Option<Markup> {
        (0..=Markup::MAX_HUNDREDTHS).contains(&hundredths).then_some(Markup(hundredths))
    }

    /// A markup as a client sends it: a percent from 0 to 300 with at most two decimals.
    pub fn from_percent(percent: f64) -> Result<Markup, &'static str> {
        let hundredths = percent * 100.0;
        if !hundredths.is_finite() || !(0.0..=f64::from(Markup::MAX_HUNDREDTHS) + 1e-6).contains(&hundredths) {
            return Err("must be a percent from 0 to 300");
        }
        let rounded = hundredths.round();
        if (hundredths - rounded).abs() > 1e-6 {
            return Err("must have at most two decimals (e.g. 27.5)");
        }
        Ok(Markup(rounded as i32))
    }

    pub fn hundredths(self) -> i32 {
        self.0
    }

    /// The percent, for JSON: `27.5` for `Markup(2750)`.
    pub fn percent(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// The most the agency can pay and keep this markup on a bill rate: ⌊bill × 100 / (100 + m)⌋.
    pub fn pay_ceiling(self, bill_cents: i64) -> i64 {
        let (bill, base) = (i128::from(bill_cents), i128::from(10_000 + self.0));
        (bill * 10_000).div_euclid(base) as i64
    }

    /// What a pay rate bills at with this markup: pay × (100 + m) / 100, rounded to the cent
    /// (half a cent up).
    pub fn bill_for(self, pay_cents: i64) -> i64 {
        let scaled = i128::from(pay_cents) * i128::from(10_000 + self.0);
        (scaled + 5_000).div_euclid(10_000) as i64
    }
}

/// Whose markup prices a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkupSource {
    JobOrder,
    Client,
    Agency,
    /// Named in an ad-hoc match request.
    Request,
}

impl MarkupSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkupSource::JobOrder => "job_order",
            MarkupSource::Client => "client",
            MarkupSource::Agency => "agency",
            MarkupSource::Request => "request",
        }
    }
}

/// The markup that applies: the job order's, else its client's, else the agency's default.
pub fn effective_markup(job_order: Option<Markup>, client: Option<Markup>, agency: Markup) -> (Markup, MarkupSource) {
    match (job_order, client) {
        (Some(m), _) => (m, MarkupSource::JobOrder),
        (None, Some(m)) => (m, MarkupSource::Client),
        (None, None) => (agency, MarkupSource::Agency),
    }
}

/// `part / whole` as a percent in tenths (one decimal), rounded half up; `None` without a whole.
pub fn percent_tenths(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (i128::from(part) * 2_000 + i128::from(whole)).div_euclid(2 * i128::from(whole)) as i64)
}

/// `part / whole` as a percent in hundredths (two decimals), rounded half up.
pub fn percent_hundredths(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (i128::from(part) * 20_000 + i128::from(whole)).div_euclid(2 * i128::from(whole)) as i64)
}

/// A candidate priced against a role: what their rates bill at, what the agency can offer them
/// within the budget, and what it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    pub min_bill_rate_cents: Option<i64>,
    pub desired_bill_rate_cents: Option<i64>,
    /// The desired pay (else the minimum), held to the pay ceiling.
    pub offer_pay_rate_cents: Option<i64>,
    /// The budget less the offered pay: the agency's spread per hour billed at the budget.
    pub margin_cents: Option<i64>,
    pub margin_percent_tenths: Option<i64>,
    /// How far the desired pay is above the pay ceiling (0 when it fits); `None` without a budget.
    pub concession_cents: Option<i64>,
    /// The desired pay (else the minimum) fits under the pay ceiling: no concession needed.
    pub within_budget: bool,
}

/// Prices a candidate's pay rates against a budget (a bill rate) at a markup.
pub fn offer(min_pay: Option<i64>, desired_pay: Option<i64>, budget: Option<i64>, markup: Markup) -> Offer {
    let asked = desired_pay.or(min_pay);
    let ceiling = budget.map(|b| markup.pay_ceiling(b));
    let offer_pay = match (asked, ceiling) {
        (Some(asked), Some(ceiling)) => Some(asked.min(ceiling)),
        (asked, None) => asked,
        (None, Some(_)) => None,
    };
    let margin = budget.zip(offer_pay).map(|(b, pay)| b - pay);
    Offer {
        min_bill_rate_cents: min_pay.map(|p| markup.bill_for(p)),
        desired_bill_rate_cents: desired_pay.map(|p| markup.bill_for(p)),
        offer_pay_rate_cents: offer_pay,
        margin_cents: margin,
        margin_percent_tenths: budget.zip(margin).and_then(|(b, m)| percent_tenths(m, b)),
        concession_cents: ceiling.map(|c| asked.map_or(0, |a| (a - c).max(0))),
        within_budget: match (asked, ceiling) {
            (Some(asked), Some(ceiling)) => asked <= ceiling,
            (_, None) => true,
            (None, Some(_)) => false,
        },
    }
}

/// A tenths or hundredths figure as a JSON number: `231` tenths is `23.1`.
pub fn scaled(value: i64, per_unit: i64) -> f64 {
    value as f64 / per_unit as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const THIRTY: Markup = Markup::DEFAULT;

    #[test]
    fn the_worked_example_to_the_cent() {
        assert_eq!(THIRTY.pay_ceiling(6_500), 5_000);
        let o = offer(Some(4_500), Some(5_200), Some(6_500), THIRTY);
        assert_eq!(o.min_bill_rate_cents, Some(5_850));
        assert_eq!(o.desired_bill_rate_cents, Some(6_760));
        assert_eq!(o.offer_pay_rate_cents, Some(5_000));
        assert_eq!(o.margin_cents, Some(1_500));
        assert_eq!(o.margin_percent_tenths, Some(231), "1500 / 6500 = 23.08 %");
        assert_eq!(o.concession_cents, Some(200));
        assert!(!o.within_budget);
    }

    #[test]
    fn the_ceiling_rounds_down_and_bills_round_to_the_nearest_cent() {
        // 6499 × 100 / 130 = 4999.23…: paying 5000 would leave less than the markup.
        assert_eq!(THIRTY.pay_ceiling(6_499), 4_999);
        assert!(THIRTY.bill_for(THIRTY.pay_ceiling(6_499)) <= 6_499);
        let odd = Markup::from_percent(27.5).unwrap();
        assert_eq!(odd.bill_for(4_001), 5_101, "4001 × 1.275 = 5101.275");
        assert_eq!(odd.bill_for(4_002), 5_103, "4002 × 1.275 = 5102.55 rounds up");
        assert_eq!(Markup::from_hundredths(0).unwrap().pay_ceiling(6_500), 6_500);
        // For every budget, billing the ceiling stays within the budget.
        for budget in (1..20_000).step_by(7) {
            for markup in [0, 1, 999, 2_750, 3_000, 12_345, 30_000] {
                let m = Markup(markup);
                assert!(m.bill_for(m.pay_ceiling(budget)) <= budget, "{budget} at {markup}");
            }
        }
    }

    #[test]
    fn percents_are_exact_with_two_decimals_and_bounded() {
        assert_eq!(Markup::from_percent(30.0), Ok(Markup(3_000)));
        assert_eq!(Markup::from_percent(27.55), Ok(Markup(2_755)));
        assert_eq!(Markup::from_percent(300.0), Ok(Markup(30_000)));
        assert!(Markup::from_percent(27.555).is_err());
        assert!(Markup::from_percent(-0.5).is_err());
        assert!(Markup::from_percent(300.01).is_err());
        assert!(Markup::from_percent(f64::NAN).is_err());
        assert_eq!(Markup(2_755).percent(), 27.55);
    }

    #[test]
    fn without_a_budget_nothing_is_conceded_and_everything_fits() {
        let o = offer(Some(4_500), Some(5_200), None, THIRTY);
        assert_eq!(o.offer_pay_rate_cents, Some(5_200));
        assert_eq!((o.margin_cents, o.concession_cents), (None, None));
        assert!(o.within_budget);
    }

    #[test]
    fn margins_round_half_up_in_tenths() {
        assert_eq!(percent_tenths(1, 8), Some(125), "12.5 %");
        assert_eq!(percent_tenths(1, 3), Some(333));
        assert_eq!(percent_tenths(2, 3), Some(667));
        assert_eq!(percent_tenths(1, 0), None);
        assert_eq!(percent_hundredths(1_500, 5_000), Some(3_000));
    }
}
