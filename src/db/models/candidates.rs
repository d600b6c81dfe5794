//! Candidates and their skills.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::skills::{filter_ids, first_repeat, names_by_id, resolve_or_create, SkillRef};
use super::{
    contains_pattern, finish_page, json_list, lock_checked, lost, now, search_text, to_json, PageRequest, Position,
    Versioned,
};
use crate::db::schema::{candidate_skills, candidates};
use crate::db::{changes, search, with_backend, write_tx, DbConnection, Table, WriteError};
use crate::domain::candidate::{CandidateDraft, CandidatePatch, SkillClaim, Status};
use crate::domain::patch::IfMatch;
use crate::domain::skills::Level;
use crate::domain::Stored;
use crate::search::query::Query;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = candidates)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct CandidateRow {
    pub id: i64,
    pub agency_id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub remote_ok: bool,
    pub status: String,
    pub headline: Option<String>,
    pub certifications: String,
    pub crossover_signals: String,
    pub it_experience_months: Option<i32>,
    pub healthcare_experience_months: Option<i32>,
    pub desired_rate_cents: Option<i64>,
    pub min_rate_cents: Option<i64>,
    pub available_from: Option<NaiveDate>,
    pub tags: String,
    pub tags_norm: String,
    pub notes: Option<String>,
    pub search_text: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub current_resume_id: Option<i64>,
    /// The agency's change sequence at this candidate's last write (see `db::changes`).
    pub change_seq: i64,
}

/// A skill on a candidate: the canonical skill and what the recruiter said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateSkill {
    pub skill: SkillRef,
    pub years: Option<i32>,
    pub level: Option<Level>,
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub row: CandidateRow,
    pub skills: Vec<CandidateSkill>,
}

impl Candidate {
    pub fn status(&self) -> Status {
        Status::from_stored(&self.row.status)
    }

    /// The candidate as a draft, so a patch can be applied and validated as a whole.
    pub fn to_draft(&self) -> CandidateDraft {
        let r = &self.row;
        CandidateDraft {
            full_name: r.full_name.clone(),
            email: r.email.clone(),
            phone: r.phone.clone(),
            location: r.location.clone(),
            remote_ok: r.remote_ok,
            status: self.status(),
            headline: r.headline.clone(),
            skills: self
                .skills
                .iter()
                .map(|s| SkillClaim { name: s.skill.name.clone(), years: s.years, level: s.level })
                .collect(),
            certifications: json_list(&r.certifications),
            crossover_signals: json_list(&r.crossover_signals),
            it_experience_months: r.it_experience_months,
            healthcare_experience_months: r.healthcare_experience_months,
            desired_rate_cents: r.desired_rate_cents,
            min_rate_cents: r.min_rate_cents,
            available_from: r.available_from.map(crate::domain::validate::Date),
            tags: json_list(&r.tags),
            notes: r.notes.clone(),
        }
    }
}

/// `|tag|tag|` in lower case, so one tag can be found with a LIKE.
fn tags_norm(tags: &[String]) -> String {
    format!("|{}|", tags.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>().join("|"))
}

/// Every column a draft decides, written the same way by an update and a bulk insert.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = candidates)]
#[diesel(treat_none_as_null = true)]
struct Fields<'a> {
    full_name: &'a str,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    location: Option<&'a str>,
    remote_ok: bool,
    status: &'static str,
    headline: Option<&'a str>,
    certifications: String,
    crossover_signals: String,
    it_experience_months: Option<i32>,
    healthcare_experience_months: Option<i32>,
    desired_rate_cents: Option<i64>,
    min_rate_cents: Option<i64>,
    available_from: Option<NaiveDate>,
    tags: String,
    tags_norm: String,
    notes: Option<&'a str>,
    search_text: String,
    updated_at: NaiveDateTime,
}

impl<'a> Fields<'a> {
    fn of(d: &'a CandidateDraft, skills: &[SkillRef], at: NaiveDateTime) -> Fields<'a> {
        Fields {
            full_name: &d.full_name,
            email: d.email.as_deref(),
            phone: d.phone.as_deref(),
            location: d.location.as_deref(),
            remote_ok: d.remote_ok,
            status: d.status.as_str(),
            headline: d.headline.as_deref(),
            certifications: to_json(&d.certifications),
            crossover_signals: to_json(&d.crossover_signals),
            it_experience_months: d.it_experience_months,
            healthcare_experience_months: d.healthcare_experience_months,
            desired_rate_cents: d.desired_rate_cents,
            min_rate_cents: d.min_rate_cents,
            available_from: d.available_from.map(|d| d.0),
            tags: to_json(&d.tags),
            tags_norm: tags_norm(&d.tags),
            notes: d.notes.as_deref(),
            search_text: candidate_search_text(d, skills),
            updated_at: at,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = candidates)]
struct NewRow<'a> {
    #[diesel(embed)]
    fields: Fields<'a>,
    agency_id: i64,
    version: i32,
    created_at: NaiveDateTime,
    change_seq: i64,
}

/// A candidate whose skills are already resolved, for bulk loading.
pub struct Resolved {
    pub draft: CandidateDraft,
    pub skills: Vec<SkillRef>,
}

/// Inserts many candidates with their skills in a few statements (synthetic data, migrations
/// from other systems), returning their ids in order. Skills must already be resolved and
/// distinct per candidate. Runs inside the caller's write transaction; the search index is the
/// caller's to fill (see `search::index`).
pub fn insert_many(conn: &mut DbConnection, agency_id: i64, batch: &[Resolved]) -> QueryResult<Vec<i64>> {
    let at = now();
    let change_seq = changes::next(conn, agency_id)?;
    let rows: Vec<NewRow<'_>> = batch
        .iter()
        .map(|c| NewRow {
            fields: Fields::of(&c.draft, &c.skills, at),
            agency_id,
            version: 1,
            created_at: at,
            change_seq,
        })
        .collect();
    let ids: Vec<i64> = with_backend!(conn, |c| diesel::insert_into(candidates::table)
        .values(&rows)
        .returning(candidates::id)
        .get_results(c))?;
    let links: Vec<_> = ids
        .iter()
        .zip(batch)
        .flat_map(|(id, c)| {
            c.skills.iter().zip(&c.draft.skills).enumerate().map(move |(position, (skill, claim))| {
                (
                    candidate_skills::candidate_id.eq(*id),
                    candidate_skills::skill_id.eq(skill.id),
                    candidate_skills::position.eq(position as i32),
                    candidate_skills::years.eq(claim.years),
                    candidate_skills::level.eq(claim.level.map(Level::as_str)),
                )
            })
        })
        .collect();
    for chunk in links.chunks(1000) {
        with_backend!(conn, |c| diesel::insert_into(candidate_skills::table).values(chunk).execute(c))?;
    }
    Ok(ids)
}

fn candidate_search_text(d: &CandidateDraft, skills: &[SkillRef]) -> String {
    let mut parts: Vec<&str> = vec![&d.full_name];
    parts.extend([&d.email, &d.headline, &d.location, &d.notes, &d.phone].into_iter().flatten().map(String::as_str));
    parts.extend(d.tags.iter().map(String::as_str));
    parts.extend(d.certifications.iter().map(String::as_str));
    parts.extend(skills.iter().map(|s| s.name.as_str()));
    search_text(parts)
}

/// Replaces the candidate's skill rows with these resolved skills, as claimed.
fn write_skills(
    conn: &mut DbConnection,
    candidate_id: i64,
    refs: Vec<SkillRef>,
    claims: &[SkillClaim],
) -> QueryResult<Vec<CandidateSkill>> {
    diesel::delete(candidate_skills::table.filter(candidate_skills::candidate_id.eq(candidate_id))).execute(conn)?;
    let rows: Vec<_> = refs
        .iter()
        .zip(claims)
        .enumerate()
        .map(|(position, (skill, claim))| {
            (
                candidate_skills::candidate_id.eq(candidate_id),
                candidate_skills::skill_id.eq(skill.id),
                candidate_skills::position.eq(position as i32),
                candidate_skills::years.eq(claim.years),
                candidate_skills::level.eq(claim.level.map(Level::as_str)),
            )
        })
        .collect();
    if !rows.is_empty() {
        with_backend!(conn, |c| diesel::insert_into(candidate_skills::table).values(&rows).execute(c))?;
    }
    Ok(refs
        .into_iter()
        .zip(claims)
        .map(|(skill, claim)| CandidateSkill { skill, years: claim.years, level: claim.level })
        .collect())
}

/// The draft's skills resolved to the taxonomy (new names become agency skills). Two names that
/// the taxonomy folds into one skill ("HL7 2.x" and "HL7 v2") are one claim made twice: a 422.
fn resolve_skills(conn: &mut DbConnection, agency_id: i64, claims: &[SkillClaim]) -> Result<Vec<SkillRef>, WriteError> {
    let names: Vec<String> = claims.iter().map(|c| c.name.clone()).collect();
    if let Some((i, first, skill)) = first_repeat(conn, agency_id, &names)? {
        return Err(WriteError::invalid(
            format!("skills[{i}].name"),
            format!("is the same skill as skills[{first}] ({})", skill.name),
        ));
    }
    Ok(resolve_or_create(conn, agency_id, &names)?)
}

/// Inserts a candidate with its skills, at version 1. Runs inside the caller's write
/// transaction; the search index is the caller's to refresh once the candidate is complete.
pub fn insert(conn: &mut DbConnection, agency_id: i64, draft: &CandidateDraft) -> Result<Candidate, WriteError> {
    let refs = resolve_skills(conn, agency_id, &draft.skills)?;
    let at = now();
    let change_seq = changes::next(conn, agency_id)?;
    let row: CandidateRow = diesel::insert_into(candidates::table)
        .values(NewRow { fields: Fields::of(draft, &refs, at), agency_id, version: 1, created_at: at, change_seq })
        .returning(candidates::all_columns)
        .get_result(conn)?;
    let skills = write_skills(conn, row.id, refs, &draft.skills)?;
    Ok(Candidate { row, skills })
}

/// Points a candidate inserted in this same transaction at its first résumé. Nobody has seen
/// the candidate without it, so it keeps version 1.
pub fn set_first_resume(conn: &mut DbConnection, agency_id: i64, id: i64, resume_id: i64) -> QueryResult<()> {
    diesel::update(candidates::table.filter(candidates::id.eq(id)).filter(candidates::agency_id.eq(agency_id)))
        .set(candidates::current_resume_id.eq(Some(resume_id)))
        .execute(conn)
        .map(|_| ())
}

/// Writes a whole draft and the current résumé over the candidate at the version it was read
/// at: one statement, one new version, one change number. Runs inside the caller's write
/// transaction with the row locked (`lock_checked`); the search index is the caller's to
/// refresh.
pub fn write(
    conn: &mut DbConnection,
    current: &Candidate,
    draft: &CandidateDraft,
    current_resume_id: Option<i64>,
) -> Result<Candidate, WriteError> {
    let (agency_id, id) = (current.row.agency_id, current.row.id);
    let refs = resolve_skills(conn, agency_id, &draft.skills)?;
    let change_seq = changes::next(conn, agency_id)?;
    let row = diesel::update(
        candidates::table
            .filter(candidates::id.eq(id))
            .filter(candidates::agency_id.eq(agency_id))
            .filter(candidates::version.eq(current.row.version)),
    )
    .set((
        Fields::of(draft, &refs, now()),
        candidates::current_resume_id.eq(current_resume_id),
        candidates::version.eq(candidates::version + 1),
        candidates::change_seq.eq(change_seq),
    ))
    .returning(candidates::all_columns)
    .get_result(conn)
    .optional()?;
    let Some(row) = row else { return Err(lost(conn, Table::Candidates, agency_id, id)) };
    let skills = write_skills(conn, id, refs, &draft.skills)?;
    Ok(Candidate { row, skills })
}

pub fn create(conn: &mut DbConnection, agency_id: i64, draft: &CandidateDraft) -> Result<Candidate, WriteError> {
    write_tx(conn, |conn| {
        let candidate = insert(conn, agency_id, draft)?;
        search::refresh(conn, agency_id, candidate.row.id)?;
        Ok(candidate)
    })
}

impl Versioned for Candidate {
    const TABLE: Table = Table::Candidates;
    type Draft = CandidateDraft;

    fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Candidate> {
        find(conn, agency_id, id)
    }

    fn draft(&self) -> CandidateDraft {
        self.to_draft()
    }

    fn store(&self, conn: &mut DbConnection, draft: &CandidateDraft) -> Result<Candidate, WriteError> {
        let candidate = write(conn, self, draft, self.row.current_resume_id)?;
        search::refresh(conn, candidate.row.agency_id, candidate.row.id)?;
        Ok(candidate)
    }
}

/// The agency's candidate with this e-mail address (case-insensitive), if any.
pub fn find_by_email(conn: &mut DbConnection, agency_id: i64, email: &str) -> QueryResult<Option<i64>> {
    let pattern = super::contains_pattern(&email.to_lowercase());
    let rows: Vec<(i64, Option<String>)> = candidates::table
        .filter(candidates::agency_id.eq(agency_id))
        .filter(candidates::search_text.like(pattern).escape('\\'))
        .select((candidates::id, candidates::email))
        .order(candidates::id.asc())
        .load(conn)?;
    Ok(rows.into_iter().find(|(_, e)| e.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email))).map(|(id, _)| id))
}

/// The agency's candidates that hold this skill, by id.
pub fn holding(conn: &mut DbConnection, agency_id: i64, skill_id: i64) -> QueryResult<Vec<i64>> {
    candidate_skills::table
        .inner_join(candidates::table)
        .filter(candidates::agency_id.eq(agency_id))
        .filter(candidate_skills::skill_id.eq(skill_id))
        .select(candidates::id)
        .order(candidates::id)
        .distinct()
        .load(conn)
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Candidate> {
    let row = candidates::table
        .filter(candidates::id.eq(id))
        .filter(candidates::agency_id.eq(agency_id))
        .select(CandidateRow::as_select())
        .first(conn)?;
    let mut all = attach_skills(conn, vec![row])?;
    Ok(all.remove(0))
}

/// The agency's candidates with these ids, in the order given; ids that are not found are left
/// out.
pub fn find_many(conn: &mut DbConnection, agency_id: i64, ids: &[i64]) -> QueryResult<Vec<Candidate>> {
    let mut rows: Vec<CandidateRow> = candidates::table
        .filter(candidates::id.eq_any(ids))
        .filter(candidates::agency_id.eq(agency_id))
        .select(CandidateRow::as_select())
        .load(conn)?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    attach_skills(conn, rows)
}

fn attach_skills(conn: &mut DbConnection, rows: Vec<CandidateRow>) -> QueryResult<Vec<Candidate>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let links: Vec<(i64, i64, Option<i32>, Option<String>)> = candidate_skills::table
        .filter(candidate_skills::candidate_id.eq_any(&ids))
        .order((candidate_skills::candidate_id, candidate_skills::position))
        .select((
            candidate_skills::candidate_id,
            candidate_skills::skill_id,
            candidate_skills::years,
            candidate_skills::level,
        ))
        .load(conn)?;
    let skill_ids: Vec<i64> = links.iter().map(|l| l.1).collect();
    let names = names_by_id(conn, &skill_ids)?;
    let mut by_candidate: std::collections::HashMap<i64, Vec<CandidateSkill>> = std::collections::HashMap::new();
    for (candidate_id, skill_id, years, level) in links {
        if let Some(skill) = names.get(&skill_id) {
            by_candidate.entry(candidate_id).or_default().push(CandidateSkill {
                skill: skill.clone(),
                years,
                level: level.as_deref().and_then(Level::parse),
            });
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let skills = by_candidate.remove(&row.id).unwrap_or_default();
            Candidate { row, skills }
        })
        .collect())
}

#[derive(Debug, Default, Clone)]
pub struct CandidateFilter {
    pub status: Option<Status>,
    /// Every one of these skills (names or aliases) must be on the candidate.
    pub skills: Vec<String>,
    /// Full-text search over the profile and the current résumé; results come by relevance.
    pub search: Option<Query>,
    pub tag: Option<String>,
    pub remote_ok: Option<bool>,
    pub min_rate_cents_lte: Option<i64>,
    pub min_rate_cents_gte: Option<i64>,
    pub desired_rate_cents_lte: Option<i64>,
    pub desired_rate_cents_gte: Option<i64>,
    pub available_before: Option<NaiveDate>,
}

/// A page of the agency's candidates, newest first or, with a search, most relevant first. The
/// next page starts after the returned id (and rank, for a search).
pub fn list(
    conn: &mut DbConnection,
    agency_id: i64,
    f: &CandidateFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Candidate>, Option<Position>)> {
    let mut query = candidates::table.filter(candidates::agency_id.eq(agency_id)).into_boxed();
    if !f.skills.is_empty() {
        let Some(ids) = filter_ids(conn, agency_id, &f.skills)? else { return Ok((vec![], None)) };
        for id in ids {
            let having = candidate_skills::table
                .filter(candidate_skills::skill_id.eq(id))
                .select(candidate_skills::candidate_id);
            query = query.filter(candidates::id.eq_any(having));
        }
    }
    if let Some(status) = f.status {
        query = query.filter(candidates::status.eq(status.as_str()));
    }
    if let Some(tag) = &f.tag {
        let pattern = contains_pattern(&format!("|{}|", tag.trim().to_lowercase()));
        query = query.filter(candidates::tags_norm.like(pattern).escape('\\'));
    }
    if let Some(remote) = f.remote_ok {
        query = query.filter(candidates::remote_ok.eq(remote));
    }
    if let Some(v) = f.min_rate_cents_lte {
        query = query.filter(candidates::min_rate_cents.le(v));
    }
    if let Some(v) = f.min_rate_cents_gte {
        query = query.filter(candidates::min_rate_cents.ge(v));
    }
    if let Some(v) = f.desired_rate_cents_lte {
        query = query.filter(candidates::desired_rate_cents.le(v));
    }
    if let Some(v) = f.desired_rate_cents_gte {
        query = query.filter(candidates::desired_rate_cents.ge(v));
    }
    if let Some(date) = f.available_before {
        query = query.filter(candidates::available_from.le(date));
    }
    let Some(search_query) = &f.search else {
        if let Some(before) = page.before {
            query = query.filter(candidates::id.lt(before));
        }
        let rows =
            query.select(CandidateRow::as_select()).order(candidates::id.desc()).limit(page.limit + 1).load(conn)?;
        let (rows, next) = finish_page(rows, page, |r| r.id);
        return Ok((attach_skills(conn, rows)?, next.map(|id| (id, None))));
    };
    let dialect = search::dialect(conn);
    let score = search::score(dialect, &search::weigh(conn, agency_id, search_query)?);
    query = query.filter(search::condition(dialect, search_query));
    if let (Some(before), Some(rank)) = (page.before, page.rank) {
        query = query.filter(search::ranked_after(score.clone(), rank, before));
    }
    // Rank ids alone, then read the page's rows: sorting every match's whole row is what
    // made a common word slow.
    let ranked: Vec<(i64, i64)> = query
        .select((candidates::id, score.clone()))
        .order((score.desc(), candidates::id.desc()))
        .limit(page.limit + 1)
        .load(conn)?;
    let (ranked, next) = finish_page(ranked, page, |r| r.0);
    let next = next.and_then(|id| ranked.iter().find(|r| r.0 == id)).map(|(id, rank)| (*id, Some(*rank)));
    let ids: Vec<i64> = ranked.iter().map(|r| r.0).collect();
    let mut rows: Vec<CandidateRow> =
        candidates::table.filter(candidates::id.eq_any(&ids)).select(CandidateRow::as_select()).load(conn)?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok((attach_skills(conn, rows)?, next))
}

/// Gives the candidate another status (placing them) as a new version. Runs inside the caller's
/// write transaction, with the candidate's row locked (`lock_checked`).
pub fn set_status(conn: &mut DbConnection, agency_id: i64, id: i64, status: Status) -> Result<Candidate, WriteError> {
    let current = find(conn, agency_id, id)?;
    if current.status() == status {
        return Ok(current);
    }
    let draft = CandidateDraft { status, ..current.to_draft() };
    current.store(conn, &draft)
}

pub fn update(
    conn: &mut DbConnection,
    agency_id: i64,
    id: i64,
    if_match: Option<&IfMatch>,
    patch: &CandidatePatch,
) -> Result<Candidate, WriteError> {
    super::update::<Candidate>(conn, agency_id, id, if_match, |draft| Ok(patch.clone().apply(draft)?))
}

/// Deletes the candidate (its skills, résumés, shortlist entries and search document go with
/// it) and leaves a tombstone for the match index.
pub fn delete(conn: &mut DbConnection, agency_id: i64, id: i64, if_match: Option<&IfMatch>) -> Result<(), WriteError> {
    write_tx(conn, |conn| {
        lock_checked(conn, Table::Candidates, agency_id, id, if_match)?;
        diesel::delete(candidates::table.filter(candidates::id.eq(id)).filter(candidates::agency_id.eq(agency_id)))
            .execute(conn)?;
        changes::bury(conn, agency_id, id)?;
        Ok(())
    })
}
