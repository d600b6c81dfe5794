//! The curated skill taxonomy shipped with the service (`db/seed/taxonomy.json`), parsed once
//! and held in memory for the résumé reader; the database holds the same skills for queries.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

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

#[derive(Debug, Deserialize)]
struct File {
    skills: Vec<Entry>,
}

#[derive(Debug)]
pub struct Taxonomy {
    pub entries: Vec<Entry>,
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
        Ok(Taxonomy { entries: file.skills, by_norm })
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
