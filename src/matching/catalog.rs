//! The skills an agency can see (the shipped taxonomy and its own), as ids: what each implies
//! and which certifications or trainings close it. Loaded once per agency and reloaded when the
//! agency adds a skill.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::models::json_list;
use crate::db::schema::skills;
use crate::db::DbConnection;
use crate::domain::skills::{normalize, Category};

#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub category: Option<Category>,
    /// Every broader skill this one implies, transitively.
    pub implies: Box<[u32]>,
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub entries: HashMap<u32, Entry>,
    /// For a skill, the certifications and trainings that close it, by id.
    pub closed_by: HashMap<u32, Vec<u32>>,
    /// Every name and alias, normalised.
    by_name: HashMap<String, u32>,
    /// The highest skill id seen: a higher one in the database means the catalog is behind.
    pub max_id: i64,
}

/// A skill row as the catalog needs it: id, name, category, aliases, implies, closes.
type Row = (i64, String, String, String, String, String);

impl Catalog {
    pub fn build(rows: Vec<Row>) -> Catalog {
        let mut by_name: HashMap<String, u32> = HashMap::new();
        for (id, name, _, aliases, _, _) in &rows {
            let Ok(id) = u32::try_from(*id) else { continue };
            for written in std::iter::once(name.clone()).chain(json_list::<String>(aliases)) {
                by_name.entry(normalize(&written)).or_insert(id);
            }
        }
        let ids = |names: &str| -> Vec<u32> {
            json_list::<String>(names).iter().filter_map(|n| by_name.get(&normalize(n)).copied()).collect()
        };
        let direct: HashMap<u32, Vec<u32>> =
            rows.iter().filter_map(|r| Some((u32::try_from(r.0).ok()?, ids(&r.4)))).collect();
        let mut catalog = Catalog { max_id: rows.iter().map(|r| r.0).max().unwrap_or(0), ..Catalog::default() };
        for (id, name, category, _, _, closes) in &rows {
            let Ok(id) = u32::try_from(*id) else { continue };
            for closed in ids(closes) {
                catalog.closed_by.entry(closed).or_default().push(id);
            }
            let entry =
                Entry { name: name.clone(), category: Category::parse(category), implies: closure(id, &direct) };
            catalog.entries.insert(id, entry);
        }
        for closers in catalog.closed_by.values_mut() {
            closers.sort_unstable();
        }
        catalog.by_name = by_name;
        catalog
    }

    pub fn load(conn: &mut DbConnection, agency_id: i64) -> QueryResult<Catalog> {
        let rows: Vec<Row> = skills::table
            .filter(skills::agency_id.is_null().or(skills::agency_id.eq(agency_id)))
            .select((skills::id, skills::name, skills::category, skills::aliases, skills::implies, skills::closes))
            .load(conn)?;
        Ok(Catalog::build(rows))
    }

    /// The highest id among the skills the agency sees now.
    pub fn latest_id(conn: &mut DbConnection, agency_id: i64) -> QueryResult<i64> {
        let max: Option<i64> = skills::table
            .filter(skills::agency_id.is_null().or(skills::agency_id.eq(agency_id)))
            .select(diesel::dsl::max(skills::id))
            .first(conn)?;
        Ok(max.unwrap_or(0))
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

    fn row(id: i64, name: &str, category: &str, implies: &[&str], closes: &[&str]) -> Row {
        let json = |v: &[&str]| serde_json::to_string(v).unwrap();
        (id, name.into(), category.into(), "[]".into(), json(implies), json(closes))
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
        assert_eq!(catalog.max_id, 5);
    }
}
