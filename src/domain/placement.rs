//! A placement: a candidate at work on a job order, at a pay rate (what the agency pays them)
//! and a bill rate (what the client pays the agency) from a start date, with the step-ups
//! promised (the raise after the ramp-up a crossover candidate was offered).

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::candidate::finish_patch;
use super::money::{percent_hundredths, percent_tenths};
use super::patch::{non_null, nullable, present, required};
use super::validate::{Check, Date, Invalid};

/// At most this many step-ups.
pub const MAX_STEP_UPS: usize = 12;

/// The years a placement's dates may fall in (its step-ups' dates stay plain four-digit years).
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepUp {
    /// Months after the start date.
    pub after_months: i32,
    pub pay_rate_cents: i64,
    pub bill_rate_cents: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementInput {
    pub pay_rate_cents: i64,
    pub bill_rate_cents: i64,
    pub start_date: Date,
    #[serde(default)]
    pub end_date: Option<Date>,
    #[serde(default, deserialize_with = "non_null")]
    pub step_ups: Option<Vec<StepUp>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementDraft {
    pub pay_rate_cents: i64,
    pub bill_rate_cents: i64,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub step_ups: Vec<StepUp>,
}

impl PlacementInput {
    pub fn validate(self) -> Result<PlacementDraft, Invalid> {
        let mut check = Check::new();
        let pay = check.int_range("pay_rate_cents", self.pay_rate_cents, 1, super::validate::MAX_CENTS);
        let bill = check.int_range("bill_rate_cents", self.bill_rate_cents, 1, super::validate::MAX_CENTS);
        if bill < pay {
            check.fail("bill_rate_cents", "must not be below pay_rate_cents: the agency would pay more than it bills");
        }
        for (field, date) in [("start_date", Some(self.start_date)), ("end_date", self.end_date)] {
            if date.is_some_and(|d| !YEARS.contains(&d.0.year())) {
                check.fail(field, "must be a day from the year 1900 to 2999");
            }
        }
        if self.end_date.is_some_and(|end| end < self.start_date) {
            check.fail("end_date", "must not be before start_date");
        }
        let step_ups = self.step_ups.unwrap_or_default();
        check.list_len("step_ups", &step_ups, MAX_STEP_UPS);
        let (mut after, mut paid) = (0, pay);
        for (i, step) in step_ups.iter().enumerate() {
            let field = |name: &str| format!("step_ups[{i}].{name}");
            if !(1..=120).contains(&step.after_months) {
                check.fail(field("after_months"), "must be between 1 and 120");
            } else if step.after_months <= after {
                check.fail(field("after_months"), "must come after the step-up before it");
            }
            check.int_range(&field("pay_rate_cents"), step.pay_rate_cents, 1, super::validate::MAX_CENTS);
            check.int_range(&field("bill_rate_cents"), step.bill_rate_cents, 1, super::validate::MAX_CENTS);
            if step.pay_rate_cents < paid {
                check.fail(field("pay_rate_cents"), "must not be below the pay before it: a step-up is a raise");
            }
            if step.bill_rate_cents < step.pay_rate_cents {
                check.fail(field("bill_rate_cents"), "must not be below its pay_rate_cents");
            }
            (after, paid) = (step.after_months, step.pay_rate_cents);
        }
        let draft = PlacementDraft {
            pay_rate_cents: pay,
            bill_rate_cents: bill,
            start_date: self.start_date.0,
            end_date: self.end_date.map(|d| d.0),
            step_ups,
        };
        check.finish(draft)
    }
}

impl From<PlacementDraft> for PlacementInput {
    fn from(d: PlacementDraft) -> Self {
        PlacementInput {
            pay_rate_cents: d.pay_rate_cents,
            bill_rate_cents: d.bill_rate_cents,
            start_date: Date(d.start_date),
            end_date: d.end_date.map(Date),
            step_ups: Some(d.step_ups),
        }
    }
}

/// A PATCH body: the rates, dates and step-ups; only `end_date` can be cleared.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementPatch {
    #[serde(default, deserialize_with = "present")]
    pub pay_rate_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    pub bill_rate_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    pub start_date: Option<Option<Date>>,
    #[serde(default, deserialize_with = "present")]
    pub end_date: Option<Option<Date>>,
    #[serde(default, deserialize_with = "present")]
    pub step_ups: Option<Option<Vec<StepUp>>>,
}

impl PlacementPatch {
    pub fn apply(self, current: PlacementDraft) -> Result<PlacementDraft, Invalid> {
        let mut nulls = Vec::new();
        let c = PlacementInput::from(current);
        let merged = PlacementInput {
            pay_rate_cents: required(c.pay_rate_cents, self.pay_rate_cents, "pay_rate_cents", &mut nulls),
            bill_rate_cents: required(c.bill_rate_cents, self.bill_rate_cents, "bill_rate_cents", &mut nulls),
            start_date: required(c.start_date, self.start_date, "start_date", &mut nulls),
            end_date: nullable(c.end_date, self.end_date),
            step_ups: Some(required(c.step_ups.unwrap_or_default(), self.step_ups, "step_ups", &mut nulls)),
        };
        finish_patch(merged.validate(), nulls)
    }
}

/// What a pair of rates leaves the agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread {
    pub margin_cents: i64,
    /// (bill − pay) / pay, in hundredths of a percent.
    pub markup_hundredths: Option<i64>,
    /// (bill − pay) / bill, in tenths of a percent.
    pub gross_margin_tenths: Option<i64>,
}

pub fn spread(pay_cents: i64, bill_cents: i64) -> Spread {
    let margin = bill_cents - pay_cents;
    Spread {
        margin_cents: margin,
        markup_hundredths: percent_hundredths(margin, pay_cents),
        gross_margin_tenths: percent_tenths(margin, bill_cents),
    }
}

/// The day a step-up takes effect: `after_months` after the start (the month's last day when the
/// start's day does not exist in it).
pub fn effective_date(start: NaiveDate, after_months: i32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(u32::try_from(after_months).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PlacementInput {
        PlacementInput {
            pay_rate_cents: 5_000,
            bill_rate_cents: 6_500,
            start_date: Date::parse("2027-01-31").unwrap(),
            end_date: None,
            step_ups: Some(vec![StepUp { after_months: 6, pay_rate_cents: 5_500, bill_rate_cents: 7_150 }]),
        }
    }

    #[test]
    fn a_placement_keeps_its_money_straight() {
        let draft = input().validate().unwrap();
        assert_eq!(
            spread(draft.pay_rate_cents, draft.bill_rate_cents),
            Spread { margin_cents: 1_500, markup_hundredths: Some(3_000), gross_margin_tenths: Some(231) }
        );
        assert_eq!(effective_date(draft.start_date, 1), NaiveDate::from_ymd_opt(2027, 2, 28));
    }

    #[test]
    fn rates_dates_and_step_ups_are_checked() {
        let fields = |i: PlacementInput| i.validate().unwrap_err().0.into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(PlacementInput { bill_rate_cents: 4_999, ..input() }), ["bill_rate_cents"]);
        assert_eq!(fields(PlacementInput { end_date: Date::parse("2027-01-30"), ..input() }), ["end_date"]);
        assert_eq!(
            fields(PlacementInput { start_date: Date::parse("0999-01-01").unwrap(), ..input() }),
            ["start_date"]
        );
        let backwards = vec![
            StepUp { after_months: 6, pay_rate_cents: 5_500, bill_rate_cents: 7_150 },
            StepUp { after_months: 6, pay_rate_cents: 5_400, bill_rate_cents: 5_000 },
        ];
        assert_eq!(
            fields(PlacementInput { step_ups: Some(backwards), ..input() }),
            ["step_ups[1].after_months", "step_ups[1].pay_rate_cents", "step_ups[1].bill_rate_cents"]
        );
    }
}
