//! The curated skill taxonomy shipped with the service (`db/seed/taxonomy.json`), parsed once
//! and held in memory for the résumé reader; the database holds the same skills for queries.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::rate_card::{RateCardDraft, Subject};
use super::skills::{normalize, Category, Certification};

pub const SOURCE: &str = include_str!("../db/seed/taxonomy.json");

#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub name: String,
    pub category: Category,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub implies: Vec<String>,
    #[serde(default)]
    pub closes: Vec<String>,
    /// For certifications: whether they can still be earned, and how.
    #[serde(default)]
    pub certification: Option<Certification>,
}

/// The rate card a new agency starts with: national wage percentiles of the occupations its
/// role families fall under, each with where the figures come from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultRateCard {
    /// What the figures are and how they become rates; shown in the README.
    pub about: String,
    /// The survey release all the figures come from ("May 2024").
    pub release: String,
    pub occupations: Vec<Occupation>,
}

/// One occupation of the Standard Occupational Classification and the role families it prices.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Occupation {
    pub soc: String,
    pub title: String,
    /// Annual wages in whole dollars, as published.
    pub annual_p25: i64,
    pub annual_p75: i64,
    /// Where the survey publishes these figures.
    pub source_url: String,
    /// The pages the figures were read from.
    pub seen_at: Vec<String>,
    pub role_families: Vec<String>,
    #[serde(default)]
    pub covers: Option<String>,
}

/// Hours in a working year: the survey's annual wage is its hourly wage times this.
const HOURS_A_YEAR: i64 = 2080;

/// An annual wage in dollars as an hourly rate in cents, rounded half up.
pub fn hourly_cents(annual_dollars: i64) -> i64 {
    (annual_dollars * 100 * 2 + HOURS_A_YEAR) / (2 * HOURS_A_YEAR)
}

impl DefaultRateCard {
    /// One rate card entry per role family: experienced at the 75th percentile, entry at the
    /// 25th, with a note that names the source.
    pub fn drafts(&self) -> Vec<RateCardDraft> {
        let mut out = Vec::new();
        for o in &self.occupations {
            let (experienced, entry) = (hourly_cents(o.annual_p75), hourly_cents(o.annual_p25));
            let note = format!(
                "Default from the U.S. Bureau of Labor Statistics (OEWS, {release}, national, all industries), \
                 {soc} {title}: experienced = 75th percentile (${p75} a year, {experienced_h} an hour), \
                 entry = 25th percentile (${p25}, {entry_h}). Employees' pay nationwide, not contractors' rates \
                 in your market: change it to what you pay. {url}",
                release = self.release,
                soc = o.soc,
                title = o.title,
                p75 = thousands(o.annual_p75),
                p25 = thousands(o.annual_p25),
                experienced_h = dollars(experienced),
                entry_h = dollars(entry),
                url = o.source_url,
            );
            for family in &o.role_families {
                out.push(RateCardDraft {
                    subject: Subject::RoleFamily(family.clone()),
                    experienced_rate_cents: experienced,
                    entry_rate_cents: Some(entry),
                    notes: Some(note.clone()),
                });
            }
        }
        out
    }
}

fn dollars(cents: i64) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}

fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Debug, Deserialize)]
struct File {
    default_rate_card: DefaultRateCard,
    skills: Vec<Entry>,
}

#[derive(Debug)]
pub struct Taxonomy {
    pub entries: Vec<Entry>,
    pub default_rate_card: DefaultRateCard,
    by_norm: HashMap<String, usize>,
}

impl Taxonomy {
    pub fn parse(source: &str) -> Result<Taxonomy, serde_json::Error> {
        let file: File = serde_json::from_str(source)?;
        let mut by_norm = HashMap::new();
        for (i, entry) in file.skills.iter().enumerate() {
            for written in std::iter::once(&entry.name).chain(&entry.aliases) {
                by_norm.entry(normalize(written)).or_insert(i);
            }
        }
        Ok(Taxonomy { entries: file.skills, default_rate_card: file.default_rate_card, by_norm })
    }

    /// The shipped taxonomy. It is compiled in and checked by a unit test, so parsing cannot fail
    /// at run time.
    pub fn shipped() -> &'static Taxonomy {
        static SHIPPED: OnceLock<Taxonomy> = OnceLock::new();
        SHIPPED.get_or_init(|| Taxonomy::parse(SOURCE).expect("the shipped taxonomy parses"))
    }

    /// The entry a written name or alias means.
    pub fn lookup(&self, written: &str) -> Option<&Entry> {
        self.by_norm.get(&normalize(written)).map(|&i| &self.entries[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annual_wages_become_hourly_cents_half_up() {
        assert_eq!(hourly_cents(132_360), 6_363); // 63.6346
        assert_eq!(hourly_cents(47_580), 2_288); // 22.875
        assert_eq!(hourly_cents(169_000), 8_125); // 81.25 exactly
        assert_eq!(thousands(132_360), "132,360");
        assert_eq!(thousands(980), "980");
    }

    #[test]
    fn the_default_rate_card_is_sourced_valid_and_has_a_default_family() {
        let card = &Taxonomy::shipped().default_rate_card;
        let drafts = card.drafts();
        assert!(drafts
            .iter()
            .any(|d| d.subject == Subject::RoleFamily(crate::domain::rate_card::DEFAULT_FAMILY.into())));
        let mut families = std::collections::HashSet::new();
        for o in &card.occupations {
            assert!(o.source_url.starts_with("https://www.bls.gov/oes/"), "{}", o.soc);
            assert!(!o.seen_at.is_empty(), "{}: where were the figures read?", o.soc);
            assert!(o.annual_p25 < o.annual_p75, "{}", o.soc);
            for f in &o.role_families {
                assert!(families.insert(normalize(f)), "role family {f} priced twice");
            }
        }
        for d in drafts {
            let input = crate::domain::rate_card::RateCardInput {
                role_family: match &d.subject {
                    Subject::RoleFamily(f) => Some(f.clone()),
                    Subject::Skill(_) => None,
                },
                experienced_rate_cents: d.experienced_rate_cents,
                entry_rate_cents: d.entry_rate_cents,
                notes: d.notes.clone(),
                ..Default::default()
            };
            assert_eq!(input.validate().unwrap(), d, "an entry an admin could not have written");
        }
    }
}
