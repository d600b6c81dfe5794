//! A client: the healthcare organisation that needs people and has a budget limit.

use serde::{Deserialize, Serialize};

use super::candidate::finish_patch;
use super::money::Markup;
use super::patch::{non_null, nullable, present, required};
use super::validate::{Check, Invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    Hospital,
    HealthSystem,
    Clinic,
    PrivatePractice,
    Payer,
    LongTermCare,
    HomeHealth,
    Laboratory,
    Pharmacy,
    PublicHealth,
    Other,
}

impl Sector {
    pub const ALL: [Sector; 11] = [
        Sector::Hospital,
        Sector::HealthSystem,
        Sector::Clinic,
        Sector::PrivatePractice,
        Sector::Payer,
        Sector::LongTermCare,
        Sector::HomeHealth,
        Sector::Laboratory,
        Sector::Pharmacy,
        Sector::PublicHealth,
        Sector::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sector::Hospital => "hospital",
            Sector::HealthSystem => "health_system",
            Sector::Clinic => "clinic",
            Sector::PrivatePractice => "private_practice",
            Sector::Payer => "payer",
            Sector::LongTermCare => "long_term_care",
            Sector::HomeHealth => "home_health",
            Sector::Laboratory => "laboratory",
            Sector::Pharmacy => "pharmacy",
            Sector::PublicHealth => "public_health",
            Sector::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<Sector> {
        Sector::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientInput {
    pub name: String,
    #[serde(default, deserialize_with = "non_null")]
    pub sector: Option<Sector>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub max_rate_cents: Option<i64>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// The agency's markup on this client's bill rates; `None` inherits the agency's default.
    #[serde(default)]
    pub markup_percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClientDraft {
    pub name: String,
    pub sector: Sector,
    pub location: Option<String>,
    pub max_rate_cents: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub notes: Option<String>,
    pub markup: Option<Markup>,
}

impl ClientInput {
    pub fn validate(self) -> Result<ClientDraft, Invalid> {
        let mut check = Check::new();
        let draft = ClientDraft {
            name: check.text("name", &self.name, 200),
            sector: self.sector.unwrap_or(Sector::Other),
            location: check.opt_text("location", self.location.as_deref(), 200),
            max_rate_cents: check.cents("max_rate_cents", self.max_rate_cents),
            contact_name: check.opt_text("contact_name", self.contact_name.as_deref(), 200),
            contact_email: check.opt_email("contact_email", self.contact_email.as_deref()),
            notes: check.opt_text("notes", self.notes.as_deref(), 10_000),
            markup: check.markup("markup_percent", self.markup_percent),
        };
        check.finish(draft)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientPatch {
    #[serde(default, deserialize_with = "present")]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub sector: Option<Option<Sector>>,
    #[serde(default, deserialize_with = "present")]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub max_rate_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    pub contact_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub contact_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub markup_percent: Option<Option<f64>>,
}

impl ClientPatch {
    pub fn apply(self, c: ClientDraft) -> Result<ClientDraft, Invalid> {
        let mut nulls = Vec::new();
        let merged = ClientInput {
            name: required(c.name, self.name, "name", &mut nulls),
            sector: Some(required(c.sector, self.sector, "sector", &mut nulls)),
            location: nullable(c.location, self.location),
            max_rate_cents: nullable(c.max_rate_cents, self.max_rate_cents),
            contact_name: nullable(c.contact_name, self.contact_name),
            contact_email: nullable(c.contact_email, self.contact_email),
            notes: nullable(c.notes, self.notes),
            markup_percent: nullable(c.markup.map(Markup::percent), self.markup_percent),
        };
        finish_patch(merged.validate(), nulls)
    }
}
