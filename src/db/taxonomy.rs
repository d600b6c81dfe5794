//! Loads the curated skill taxonomy shipped in `seed/taxonomy.json` into the database at start-up.
//! The file's hash is remembered, so an unchanged taxonomy costs one query.

use std::collections::HashMap;

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::schema::{app_meta, skill_aliases, skills};
use super::{with_backend, write_tx, DbConnection};
use crate::domain::skills::normalize;
use crate::domain::taxonomy::{Entry, Taxonomy, SOURCE as TAXONOMY};

const HASH_KEY: &str = "taxonomy_sha256";

/// Brings the shipped skills and their aliases up to date; agency skills are left alone.
pub fn sync(conn: &mut DbConnection) -> anyhow::Result<()> {
    let hash = hex(&Sha256::digest(TAXONOMY.as_bytes()));
    let stored: Option<String> = app_meta::table.find(HASH_KEY).select(app_meta::value).first(conn).optional()?;
    if stored.as_deref() == Some(hash.as_str()) {
        return Ok(());
    }
    let file = Taxonomy::shipped();
    write_tx(conn, |conn| -> anyhow::Result<()> {
        let existing: HashMap<String, i64> = skills::table
            .filter(skills::agency_id.is_null())
            .select((skills::name, skills::id))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .map(|(name, id)| (normalize(&name), id))
            .collect();
        let now = chrono::Utc::now().naive_utc();
        let mut aliases: Vec<(String, i64)> = Vec::new();
        for entry in &file.entries {
            let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
            let id = match existing.get(&normalize(&entry.name)) {
                Some(&id) => {
                    diesel::update(skills::table.find(id))
                        .set((
                            skills::name.eq(&entry.name),
                            skills::category.eq(entry.category.as_str()),
                            skills::aliases.eq(json(&entry.aliases)),
                            skills::implies.eq(json(&entry.implies)),
                            skills::closes.eq(json(&entry.closes)),
                            cert_columns(entry),
                        ))
                        .execute(conn)?;
                    id
                }
                None => diesel::insert_into(skills::table)
                    .values((
                        skills::agency_id.eq(None::<i64>),
                        skills::name.eq(&entry.name),
                        skills::category.eq(entry.category.as_str()),
                        skills::aliases.eq(json(&entry.aliases)),
                        skills::implies.eq(json(&entry.implies)),
                        skills::closes.eq(json(&entry.closes)),
                        skills::created_at.eq(now),
                        cert_columns(entry),
                    ))
                    .returning(skills::id)
                    .get_result(conn)?,
            };
            for alias in std::iter::once(&entry.name).chain(&entry.aliases) {
                aliases.push((normalize(alias), id));
            }
        }
        let mut seen = std::collections::HashSet::new();
        aliases.retain(|(norm, _)| seen.insert(norm.clone()));
        diesel::delete(skill_aliases::table.filter(skill_aliases::scope.eq(0))).execute(conn)?;
        for chunk in aliases.chunks(500) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|(norm, id)| {
                    (skill_aliases::scope.eq(0i64), skill_aliases::norm.eq(norm), skill_aliases::skill_id.eq(*id))
                })
                .collect();
            with_backend!(conn, |c| diesel::insert_into(skill_aliases::table).values(&rows).execute(c))?;
        }
        diesel::delete(app_meta::table.find(HASH_KEY)).execute(conn)?;
        diesel::insert_into(app_meta::table)
            .values((app_meta::key.eq(HASH_KEY), app_meta::value.eq(&hash)))
            .execute(conn)?;
        Ok(())
    })
}

/// The certification columns of a shipped skill (all NULL for other skills).
#[allow(clippy::type_complexity)]
fn cert_columns(
    entry: &Entry,
) -> (
    diesel::dsl::Eq<skills::cert_status, Option<&'static str>>,
    diesel::dsl::Eq<skills::retired_year, Option<i32>>,
    diesel::dsl::Eq<skills::cert_pathway, Option<&'static str>>,
    diesel::dsl::Eq<skills::cert_healthcare_months, Option<i32>>,
) {
    let cert = entry.certification.as_ref();
    (
        skills::cert_status.eq(cert.map(|c| c.status.as_str())),
        skills::retired_year.eq(cert.and_then(|c| c.retired)),
        skills::cert_pathway.eq(cert.map(|c| c.pathway.as_str())),
        skills::cert_healthcare_months.eq(cert.and_then(|c| c.healthcare_months)),
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::skills::Category;

    #[test]
    fn the_shipped_taxonomy_is_well_formed() {
        let file = Taxonomy::parse(TAXONOMY).expect("taxonomy.json parses");
        assert!(file.entries.len() >= 300, "only {} skills", file.entries.len());
        let names: std::collections::HashSet<String> = file.entries.iter().map(|s| normalize(&s.name)).collect();
        assert_eq!(names.len(), file.entries.len(), "duplicate skill names");
        for skill in &file.entries {
            for target in skill.implies.iter().chain(&skill.closes) {
                assert!(names.contains(&normalize(target)), "{} points at unknown {target}", skill.name);
            }
            let is_certification = skill.category == Category::Certification;
            assert_eq!(skill.certification.is_some(), is_certification, "{}: certification facts", skill.name);
            if let Some(cert) = &skill.certification {
                assert!(
                    cert.is_retired() || cert.retired.is_none(),
                    "{}: a retirement year on an active one",
                    skill.name
                );
                let months = cert.healthcare_months.is_some();
                assert_eq!(months, cert.pathway == crate::domain::skills::Pathway::Experience, "{}", skill.name);
            }
        }
        let healthcare =
            file.entries.iter().filter(|s| matches!(s.category, Category::HealthcareIt | Category::Clinical)).count();
        assert!(healthcare >= 150, "only {healthcare} healthcare skills");
    }
}
