//! Rate card entries: experienced and entry rates per skill or role family.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::skills::{names_by_id, resolve, SkillRef};
use super::{finish_page, lock_checked, lost, now, unique, PageRequest, Versioned};
use crate::db::schema::rate_card_entries as entries;
use crate::db::{write_tx, DbConnection, Table, WriteError};
use crate::domain::patch::IfMatch;
use crate::domain::rate_card::{family_fits, subject_key, RateCardDraft, RateCardPatch, Subject};
use crate::domain::skills::normalize;

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
) -> Result<(Option<SkillRef>, Option<String>), WriteError> {
    match &d.subject {
        Subject::Skill(name) => {
            let found = resolve(conn, agency_id, std::slice::from_ref(name))?.remove(&normalize(name));
            let skill =
                found.ok_or_else(|| WriteError::invalid("skill", "is not a known skill (see GET /api/v1/skills)"))?;
            Ok((Some(skill), None))
        }
        Subject::RoleFamily(family) => Ok((None, Some(family.clone()))),
    }
}

const TAKEN: &str = "The rate card already has an entry for this skill or role family.";

fn existing(conn: &mut DbConnection, agency_id: i64, key: &str) -> QueryResult<Option<i64>> {
    entries::table
        .filter(entries::agency_id.eq(agency_id))
        .filter(entries::subject_key.eq(key))
        .select(entries::id)
        .first(conn)
        .optional()
}

/// Every column a draft decides, written the same way by a create and an update.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = entries)]
#[diesel(treat_none_as_null = true)]
struct Fields<'a> {
    skill_id: Option<i64>,
    role_family: Option<&'a str>,
    subject_key: &'a str,
    experienced_rate_cents: i64,
    entry_rate_cents: Option<i64>,
    notes: Option<&'a str>,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = entries)]
struct NewRow<'a> {
    #[diesel(embed)]
    fields: Fields<'a>,
    agency_id: i64,
    version: i32,
    created_at: NaiveDateTime,
}

/// Resolves the draft's subject and writes it with `write`, refusing a subject another entry
/// of the agency has (also when a concurrent write took it first).
fn write_entry(
    conn: &mut DbConnection,
    agency_id: i64,
    d: &RateCardDraft,
    this: Option<i64>,
    write: impl FnOnce(&mut DbConnection, Fields<'_>) -> QueryResult<RateCardRow>,
) -> Result<RateCardEntry, WriteError> {
    let (skill, family) = subject(conn, agency_id, d)?;
    let key = subject_key(skill.as_ref().map(|s| s.id), family.as_deref());
    if let Some(other) = existing(conn, agency_id, &key)?.filter(|other| Some(*other) != this) {
        return Err(WriteError::Conflict { detail: TAKEN.into(), existing_id: Some(other) });
    }
    let fields = Fields {
        skill_id: skill.as_ref().map(|s| s.id),
        role_family: family.as_deref(),
        subject_key: &key,
        experienced_rate_cents: d.experienced_rate_cents,
        entry_rate_cents: d.entry_rate_cents,
        notes: d.notes.as_deref(),
        updated_at: now(),
    };
    let row = unique(conn, |conn| write(conn, fields), |conn| existing(conn, agency_id, &key), TAKEN)?;
    Ok(RateCardEntry { row, skill })
}

pub fn create(conn: &mut DbConnection, agency_id: i64, d: &RateCardDraft) -> Result<RateCardEntry, WriteError> {
    write_tx(conn, |conn| write_entry(conn, agency_id, d, None, |conn, fields| insert_row(conn, agency_id, fields)))
}

fn insert_row(conn: &mut DbConnection, agency_id: i64, fields: Fields<'_>) -> QueryResult<RateCardRow> {
    let created_at = fields.updated_at;
    diesel::insert_into(entries::table)
        .values(NewRow { fields, agency_id, version: 1, created_at })
        .returning(entries::all_columns)
        .get_result(conn)
}

/// Gives a new agency its first rate card. Runs in the transaction that creates the agency.
pub fn start(conn: &mut DbConnection, agency_id: i64, drafts: &[RateCardDraft]) -> Result<(), WriteError> {
    for d in drafts {
        write_entry(conn, agency_id, d, None, |conn, fields| insert_row(conn, agency_id, fields))?;
    }
    Ok(())
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

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<RateCardEntry> {
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

impl Versioned for RateCardEntry {
    const TABLE: Table = Table::RateCard;
    type Draft = RateCardDraft;

    fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<RateCardEntry> {
        find(conn, agency_id, id)
    }

    fn draft(&self) -> RateCardDraft {
        self.to_draft()
    }

    fn store(&self, conn: &mut DbConnection, d: &RateCardDraft) -> Result<RateCardEntry, WriteError> {
        let (agency_id, id, version) = (self.row.agency_id, self.row.id, self.row.version);
        let entry = write_entry(conn, agency_id, d, Some(id), |conn, fields| {
            diesel::update(
                entries::table
                    .filter(entries::id.eq(id))
                    .filter(entries::agency_id.eq(agency_id))
                    .filter(entries::version.eq(version)),
            )
            .set((fields, entries::version.eq(entries::version + 1)))
            .returning(entries::all_columns)
            .get_result(conn)
        });
        match entry {
            Err(WriteError::NotFound) => Err(lost(conn, Table::RateCard, agency_id, id)),
            other => other,
        }
    }
}

pub fn update(
    conn: &mut DbConnection,
    agency_id: i64,
    id: i64,
    if_match: Option<&IfMatch>,
    patch: &RateCardPatch,
) -> Result<RateCardEntry, WriteError> {
    super::update::<RateCardEntry>(conn, agency_id, id, if_match, |draft| Ok(patch.clone().apply(draft)?))
}

pub fn delete(conn: &mut DbConnection, agency_id: i64, id: i64, if_match: Option<&IfMatch>) -> Result<(), WriteError> {
    write_tx(conn, |conn| {
        lock_checked(conn, Table::RateCard, agency_id, id, if_match)?;
        diesel::delete(entries::table.filter(entries::id.eq(id)).filter(entries::agency_id.eq(agency_id)))
            .execute(conn)?;
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

/// Moves the agency's rate card entry for skill `from` (if any) to skill `to`; 409 when `to`
/// already has one (one entry per skill).
pub fn repoint(conn: &mut DbConnection, agency_id: i64, from: i64, to: i64) -> Result<(), WriteError> {
    let taken: i64 = entries::table
        .filter(entries::agency_id.eq(agency_id))
        .filter(entries::skill_id.eq(to))
        .count()
        .get_result(conn)?;
    let moving: i64 = entries::table
        .filter(entries::agency_id.eq(agency_id))
        .filter(entries::skill_id.eq(from))
        .count()
        .get_result(conn)?;
    if taken > 0 && moving > 0 {
        return Err(WriteError::conflict("Both skills have a rate card entry; delete one of them before merging."));
    }
    diesel::update(entries::table.filter(entries::agency_id.eq(agency_id)).filter(entries::skill_id.eq(from)))
        .set((entries::skill_id.eq(to), entries::version.eq(entries::version + 1), entries::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

/// A new version of the agency's rate card entry for a skill that was renamed: it reads
/// differently now, so its entity tag must change.
pub fn skill_renamed(conn: &mut DbConnection, agency_id: i64, skill_id: i64) -> QueryResult<()> {
    diesel::update(entries::table.filter(entries::agency_id.eq(agency_id)).filter(entries::skill_id.eq(skill_id)))
        .set((entries::version.eq(entries::version + 1), entries::updated_at.eq(now())))
        .execute(conn)
        .map(|_| ())
}
