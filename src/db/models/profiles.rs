//! What the match index reads: each candidate as ranking needs it (decoded here, once), the
//! candidates changed or deleted after a change number, and the skills an agency sees.

use diesel::prelude::*;

use super::json_list;
use crate::db::schema::{candidate_skills, candidate_tombstones, candidates, skills};
use crate::db::DbConnection;
use crate::domain::candidate::{Signal, SignalKind, Status};
use crate::domain::matching::catalog::SkillDef;
use crate::domain::matching::Held;
use crate::domain::Stored;

/// Candidates read per query while catching up: bounds the memory a first load of a large
/// agency takes.
const CHUNK: i64 = 20_000;

/// A candidate as ranking needs it, with the skills they hold (not yet those implied).
#[derive(Debug, Clone)]
pub struct CandidateProfile {
    pub id: i64,
    pub status: Status,
    pub remote_ok: bool,
    pub location: Option<String>,
    pub it_experience_months: Option<i32>,
    pub healthcare_experience_months: Option<i32>,
    pub min_rate_cents: Option<i64>,
    pub desired_rate_cents: Option<i64>,
    pub signals: Vec<SignalKind>,
    pub skills: Vec<Held>,
    /// Certifications and trainings as typed on the candidate.
    pub certifications: Vec<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = candidates)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ProfileRow {
    id: i64,
    status: String,
    remote_ok: bool,
    location: Option<String>,
    it_experience_months: Option<i32>,
    healthcare_experience_months: Option<i32>,
    min_rate_cents: Option<i64>,
    desired_rate_cents: Option<i64>,
    crossover_signals: String,
    certifications: String,
}

/// Calls `each` with the agency's candidates written after change number `since` (all of them
/// when `None`), in chunks in id order. Run it inside a snapshot (`db::read_snapshot`) together
/// with [`deleted_since`] and `changes::current` so that the three agree.
pub fn changed_since(
    conn: &mut DbConnection,
    agency_id: i64,
    since: Option<i64>,
    mut each: impl FnMut(Vec<CandidateProfile>),
) -> QueryResult<()> {
    let since = since.unwrap_or(-1);
    let mut after = 0;
    loop {
        let rows: Vec<ProfileRow> = candidates::table
            .filter(candidates::agency_id.eq(agency_id))
            .filter(candidates::change_seq.gt(since))
            .filter(candidates::id.gt(after))
            .order(candidates::id.asc())
            .limit(CHUNK)
            .select(ProfileRow::as_select())
            .load(conn)?;
        let Some(last) = rows.last().map(|r| r.id) else { return Ok(()) };
        let links: Vec<(i64, i64, Option<i32>)> = candidate_skills::table
            .inner_join(candidates::table)
            .filter(candidates::agency_id.eq(agency_id))
            .filter(candidates::change_seq.gt(since))
            .filter(candidates::id.gt(after))
            .filter(candidates::id.le(last))
            .select((candidate_skills::candidate_id, candidate_skills::skill_id, candidate_skills::years))
            .load(conn)?;
        let mut held: std::collections::HashMap<i64, Vec<Held>> = std::collections::HashMap::with_capacity(rows.len());
        for (candidate, skill, years) in links {
            let Ok(skill) = u32::try_from(skill) else { continue };
            let years = years.map(|y| u16::try_from(y.max(0)).unwrap_or(u16::MAX));
            held.entry(candidate).or_default().push(Held { skill, years });
        }
        each(
            rows.into_iter()
                .map(|row| CandidateProfile {
                    skills: held.remove(&row.id).unwrap_or_default(),
                    id: row.id,
                    status: Status::from_stored(&row.status),
                    remote_ok: row.remote_ok,
                    location: row.location,
                    it_experience_months: row.it_experience_months,
                    healthcare_experience_months: row.healthcare_experience_months,
                    min_rate_cents: row.min_rate_cents,
                    desired_rate_cents: row.desired_rate_cents,
                    signals: json_list::<Signal>(&row.crossover_signals).into_iter().map(|s| s.kind).collect(),
                    certifications: json_list(&row.certifications),
                })
                .collect(),
        );
        after = last;
    }
}

/// The agency's candidates deleted after change number `since`.
pub fn deleted_since(conn: &mut DbConnection, agency_id: i64, since: Option<i64>) -> QueryResult<Vec<i64>> {
    candidate_tombstones::table
        .filter(candidate_tombstones::agency_id.eq(agency_id))
        .filter(candidate_tombstones::change_seq.gt(since.unwrap_or(-1)))
        .select(candidate_tombstones::candidate_id)
        .load(conn)
}

/// Every skill the agency sees: the shipped taxonomy and its own.
pub fn skills(conn: &mut DbConnection, agency_id: i64) -> QueryResult<Vec<SkillDef>> {
    let rows: Vec<SkillRow> = skills::table
        .filter(skills::agency_id.is_null().or(skills::agency_id.eq(agency_id)))
        .select(SkillRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| SkillDef {
            certification: super::skills::certification(
                &row.category,
                row.cert_status.as_deref(),
                row.retired_year,
                row.cert_pathway.as_deref(),
                row.cert_healthcare_months,
            ),
            id: row.id,
            name: row.name,
            category: row.category,
            aliases: json_list(&row.aliases),
            implies: json_list(&row.implies),
            closes: json_list(&row.closes),
        })
        .collect())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = skills)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct SkillRow {
    id: i64,
    name: String,
    category: String,
    aliases: String,
    implies: String,
    closes: String,
    cert_status: Option<String>,
    retired_year: Option<i32>,
    cert_pathway: Option<String>,
    cert_healthcare_months: Option<i32>,
}

/// The highest id among the skills the agency sees now: a higher one than a catalog was built
/// with means the agency added a skill since.
pub fn latest_skill_id(conn: &mut DbConnection, agency_id: i64) -> QueryResult<i64> {
    let max: Option<i64> = skills::table
        .filter(skills::agency_id.is_null().or(skills::agency_id.eq(agency_id)))
        .select(diesel::dsl::max(skills::id))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}
