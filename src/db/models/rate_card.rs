//! Rate card entries: experienced and entry rates per skill or role family.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::skills::{names_by_id, resolve, SkillRef};
use super::{finish_page, now, PageRequest};
use crate::db::schema::rate_card_entries as entries;
use crate::db::{write_tx, DbConnection};
use crate::domain::patch::IfMatch;
use crate::domain::rate_card::{family_fits, subject_key, RateCardDraft, RateCardPatch, Subject};
use crate::domain::skills::normalize;
use crate::error::ApiError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = entries)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct RateCardRow {
    pub id: i64,
    pub agency_id: i64,
    pub skill_id: Option<i64>,
    pub role_family: Option<String>,
    pub subject_key: String,
    pub experienced_rate_cents: i64,
    pub entry_rate_cents: Option<i64>,
    pub notes: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct RateCardEntry {
    pub row: RateCardRow,
    pub skill: Option<SkillRef>,
}

impl RateCardEntry {
    fn to_draft(&self) -> RateCardDraft {
        let subject = match (&self.skill, &self.row.role_family) {
            (Some(skill), _) => Subject::Skill(skill.name.clone()),
            (None, family) => Subject::RoleFamily(family.clone().unwrap_or_default()),
        };
        RateCardDraft {
            subject,
            experienced_rate_cents: self.row.experienced_rate_cents,
            entry_rate_cents: self.row.entry_rate_cents,
            notes: self.row.notes.clone(),
        }
    }
}

/// The skill a draft names, or a 422 on `skill`; a rate card does not invent skills.
fn subject(
    conn: &mut DbConnection,
    agency_id: i64,
    d: &RateCardDraft,
) -> Result<(Option<SkillRef>, Option<String>), ApiError> {
    match &d.subject {
        Subject::Skill(name) => {
            let found = resolve(conn, agency_id, std::slice::from_ref(name))?.remove(&normalize(name));
            let skill =
                found.ok_or_else(|| ApiError::validation("skill", "is not a known skill (see GET /api/v1/skills)"))?;
            Ok((Some(skill), None))
        }
        Subject::RoleFamily(family) => Ok((None, Some(family.clone()))),
    }
}

fn conflict(existing_id: Option<i64>) -> ApiError {
    ApiError::Conflict {
        detail: "The rate card already has an entry for this skill or role family.".into(),
        existing_id: existing_id.map(|id| id.to_string()),
    }
}

fn existing(conn: &mut DbConnection, agency_id: i64, key: &str) -> QueryResult<Option<i64>> {
    entries::table
        .filter(entries::agency_id.eq(agency_id))
        .filter(entries::subject_key.eq(key))
        .select(entries::id)
        .first(conn)
        .optional()
}

pub fn create(conn: &mut DbConnection, agency_id: i64, d: &RateCardDraft) -> Result<RateCardEntry, ApiError> {
    write_tx(conn, |conn| {
        let (skill, family) = subject(conn, agency_id, d)?;
        let key = subject_key(skill.as_ref().map(|s| s.id), family.as_deref());
        if let Some(id) = existing(conn, agency_id, &key)? {
            return Err(conflict(Some(id)));
        }
        let at = now();
        let row = diesel::insert_into(entries::table)
            .values((
                entries::agency_id.eq(agency_id),
                entries::skill_id.eq(skill.as_ref().map(|s| s.id)),
                entries::role_family.eq(&family),
                entries::subject_key.eq(&key),
                entries::experienced_rate_cents.eq(d.experienced_rate_cents),
                entries::entry_rate_cents.eq(d.entry_rate_cents),
                entries::notes.eq(&d.notes),
                entries::version.eq(1),
                entries::created_at.eq(at),
                entries::updated_at.eq(at),
            ))
            .returning(entries::all_columns)
            .get_result(conn)?;
        Ok(RateCardEntry { row, skill })
    })
}

fn with_skills(conn: &mut DbConnection, rows: Vec<RateCardRow>) -> QueryResult<Vec<RateCardEntry>> {
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.skill_id).collect();
    let names = names_by_id(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let skill = row.skill_id.and_then(|id| names.get(&id).cloned());
            RateCardEntry { row, skill }
        })
        .collect())
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> Result<RateCardEntry, ApiError> {
    let row = entries::table
        .filter(entries::id.eq(id))
        .filter(entries::agency_id.eq(agency_id))
        .select(RateCardRow::as_select())
        .first(conn)?;
    Ok(with_skills(conn, vec![row])?.remove(0))
}

pub fn list(
    conn: &mut DbConnection,
    agency_id: i64,
    page: PageRequest,
) -> QueryResult<(Vec<RateCardEntry>, Option<i64>)> {
    let mut query = entries::table.filter(entries::agency_id.eq(agency_id)).into_boxed();
    if let Some(before) = page.before {
        query = query.filter(entries::id.lt(before));
    }
    let rows = query.select(RateCardRow::as_select()).order(entries::id.desc()).limit(page.limit + 1).load(conn)?;
    let (rows, next) = finish_page(rows, page, |r| r.id);
    Ok((with_skills(conn, rows)?, next))
}

pub fn update(
    conn: &mut DbConnection,
    agency_id: i64,
    id: i64,
    if_match: Option<&IfMatch>,
    patch: RateCardPatch,
) -> Result<RateCardEntry, ApiError> {
    write_tx(conn, |conn| {
        let current = find(conn, agency_id, id)?;
        if if_match.is_some_and(|m| !m.allows(current.row.version)) {
            return Err(ApiError::PreconditionFailed { current_version: current.row.version });
        }
        let d = patch.apply(current.to_draft())?;
        if d == current.to_draft() {
            return Ok(current);
        }
        let (skill, family) = subject(conn, agency_id, &d)?;
        let key = subject_key(skill.as_ref().map(|s| s.id), family.as_deref());
        if let Some(other) = existing(conn, agency_id, &key)?.filter(|other| *other != id) {
            return Err(conflict(Some(other)));
        }
        let row =
            diesel::update(entries::table.filter(entries::id.eq(id)).filter(entries::version.eq(current.row.version)))
                .set((
                    entries::skill_id.eq(skill.as_ref().map(|s| s.id)),
                    entries::role_family.eq(&family),
                    entries::subject_key.eq(&key),
                    entries::experienced_rate_cents.eq(d.experienced_rate_cents),
                    entries::entry_rate_cents.eq(d.entry_rate_cents),
                    entries::notes.eq(&d.notes),
                    entries::version.eq(current.row.version + 1),
                    entries::updated_at.eq(now()),
                ))
                .returning(entries::all_columns)
                .get_result(conn)?;
        Ok(RateCardEntry { row, skill })
    })
}

pub fn delete(conn: &mut DbConnection, agency_id: i64, id: i64, if_match: Option<&IfMatch>) -> Result<(), ApiError> {
    write_tx(conn, |conn| {
        let version: i32 = entries::table
            .filter(entries::id.eq(id))
            .filter(entries::agency_id.eq(agency_id))
            .select(entries::version)
            .first(conn)?;
        if if_match.is_some_and(|m| !m.allows(version)) {
            return Err(ApiError::PreconditionFailed { current_version: version });
        }
        diesel::delete(entries::table.filter(entries::id.eq(id))).execute(conn)?;
        Ok(())
    })
}

/// The entry that prices a role: among the required skills' entries the dearest (the scarcest
/// skill sets the price); else the role family in the title with the most words; else `default`.
pub fn applicable(
    conn: &mut DbConnection,
    agency_id: i64,
    required_skills: &[i64],
    title: Option<&str>,
) -> QueryResult<Option<RateCardEntry>> {
    let rows: Vec<RateCardRow> =
        entries::table.filter(entries::agency_id.eq(agency_id)).select(RateCardRow::as_select()).load(conn)?;
    let by_skill = rows
        .iter()
        .filter(|r| r.skill_id.is_some_and(|id| required_skills.contains(&id)))
        .max_by_key(|r| (r.experienced_rate_cents, std::cmp::Reverse(r.id)));
    let by_family = || {
        rows.iter()
            .filter_map(|r| Some((r, r.role_family.as_deref()?)))
            .filter(|(_, family)| family_fits(family, title.unwrap_or_default()))
            .max_by_key(|(r, family)| {
                let default = family.eq_ignore_ascii_case(crate::domain::rate_card::DEFAULT_FAMILY);
                (!default, crate::domain::rate_card::words(family).len(), std::cmp::Reverse(r.id))
            })
            .map(|(r, _)| r)
    };
    match by_skill.or_else(by_family) {
        Some(row) => Ok(with_skills(conn, vec![row.clone()])?.pop()),
        None => Ok(None),
    }
}
