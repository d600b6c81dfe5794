//! The skills an agency can see (the shipped taxonomy and its own), as ids: what each implies
//! and which certifications or trainings close it. Loaded once per agency and reloaded when the
//! agency's skills change.

use std::collections::HashMap;

use crate::domain::skills::{normalize, Category, Certification};

#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub category: Option<Category>,
    /// Every broader skill this one implies, transitively.
    pub implies: Box<[u32]>,
    /// For a certification or training: the skills it closes, and whether and how it can be
    /// earned.
    pub closes: Box<[u32]>,
    pub certification: Option<Certification>,
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub entries: HashMap<u32, Entry>,
    /// For a skill, the certifications and trainings that close it, by id.
    pub closed_by: HashMap<u32, Vec<u32>>,
    /// Every name and alias, normalised.
    by_name: HashMap<String, u32>,
}

/// A skill as the catalog is built from it.
#[derive(Debug, Clone)]
pub struct SkillDef {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub aliases: Vec<String>,
    /// Names of the broader skills this one implies.
    pub implies: Vec<String>,
    /// Names of the skills this certification or training closes.
    pub closes: Vec<String>,
    pub certification: Option<Certification>,
}

impl Catalog {
    pub fn build(defs: Vec<SkillDef>) -> Catalog {
        let mut by_name: HashMap<String, u32> = HashMap::new();
        for def in &defs {
            let Ok(id) = u32::try_from(def.id) else { continue };
            for written in std::iter::once(&def.name).chain(&def.aliases) {
                by_name.entry(normalize(written)).or_insert(id);
            }
        }
        let ids = |names: &[String]| -> Vec<u32> {
            names.iter().filter_map(|n| by_name.get(&normalize(n)).copied()).collect()
        };
        let direct: HashMap<u32, Vec<u32>> =
            defs.iter().filter_map(|d| Some((u32::try_from(d.id).ok()?, ids(&d.implies)))).collect();
        let mut catalog = Catalog::default();
        for def in defs {
            let Ok(id) = u32::try_from(def.id) else { continue };
            let closes = ids(&def.closes);
            for &closed in &closes {
                catalog.closed_by.entry(closed).or_default().push(id);
            }
            let entry = Entry {
                category: Category::parse(&def.category),
                implies: closure(id, &direct),
                closes: closes.into(),
                certification: def.certification,
                name: def.name,
            };
            catalog.entries.insert(id, entry);
        }
        for closers in catalog.closed_by.values_mut() {
            closers.sort_unstable();
        }
        catalog.by_name = by_name;
        catalog
    }

    pub fn implies(&self, skill: u32) -> &[u32] {
        self.entries.get(&skill).map_or(&[], |e| &e.implies)
    }

    /// The skills that imply this one.
    pub fn implying(&self, skill: u32) -> Vec<u32> {
        let mut out: Vec<u32> =
            self.entries.iter().filter(|(_, e)| e.implies.contains(&skill)).map(|(id, _)| *id).collect();
        out.sort_unstable();
        out
    }

    /// The skill a name or alias means.
    pub fn find(&self, name: &str) -> Option<u32> {
        self.by_name.get(&normalize(name)).copied()
    }

    pub fn name(&self, skill: u32) -> &str {
        self.entries.get(&skill).map_or("", |e| e.name.as_str())
    }

    /// Healthcare IT and clinical skills: what a crossover candidate may have to learn.
    pub fn is_healthcare(&self, skill: u32) -> bool {
        matches!(self.entries.get(&skill).and_then(|e| e.category), Some(Category::HealthcareIt | Category::Clinical))
    }

    /// What the taxonomy knows of a certification (nothing for other skills).
    pub fn certification(&self, skill: u32) -> Option<&Certification> {
        self.entries.get(&skill)?.certification.as_ref()
    }

    /// The skills a certification or training closes.
    pub fn closes(&self, skill: u32) -> &[u32] {
        self.entries.get(&skill).map_or(&[], |e| &e.closes)
    }

    /// A certification that closes healthcare or clinical skills: holding one is a crossover
    /// signal.
    pub fn is_healthcare_certification(&self, skill: u32) -> bool {
        self.certification(skill).is_some() && self.closes(skill).iter().any(|&s| self.is_healthcare(s))
    }
}

/// Everything `id` implies, following implications of implications, without `id` itself.
fn closure(id: u32, direct: &HashMap<u32, Vec<u32>>) -> Box<[u32]> {
    let mut seen: Vec<u32> = Vec::new();
    let mut todo: Vec<u32> = direct.get(&id).cloned().unwrap_or_default();
    while let Some(next) = todo.pop() {
        if next != id && !seen.contains(&next) {
            seen.push(next);
            todo.extend(direct.get(&next).into_iter().flatten());
        }
    }
    seen.sort_unstable();
    seen.into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, name: &str, category: &str, implies: &[&str], closes: &[&str]) -> SkillDef {
        let names = |v: &[&str]| v.iter().map(|n| n.to_string()).collect();
        SkillDef {
            id,
            name: name.into(),
            category: category.into(),
            aliases: vec![],
            implies: names(implies),
            closes: names(closes),
            certification: (category == "certification").then(Certification::default),
        }
    }

    #[test]
    fn implications_are_followed_and_closers_indexed() {
        let catalog = Catalog::build(vec![
            row(1, "Healthcare IT", "healthcare_it", &[], &[]),
            row(2, "Epic", "healthcare_it", &["Healthcare IT"], &[]),
            row(3, "Epic Cadence", "healthcare_it", &["epic"], &[]),
            row(4, "CHTS", "certification", &[], &["Epic", "Unknown"]),
            row(5, "SQL", "general_it", &[], &[]),
        ]);
        assert_eq!(catalog.implies(3), &[1, 2]);
        assert_eq!(catalog.implies(5), &[] as &[u32]);
        assert_eq!(catalog.closed_by[&2], vec![4]);
        assert!(catalog.is_healthcare(2) && !catalog.is_healthcare(5));
    }
}
