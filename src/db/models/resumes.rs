//! Résumé versions of a candidate: the original bytes, their hash, and what was read from them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::now;
use crate::db::schema::resumes;
use crate::db::DbConnection;

/// A résumé without its bytes and text, for lists and answers.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = resumes)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Resume {
    pub id: i64,
    pub agency_id: i64,
    pub candidate_id: i64,
    pub version: i32,
    pub filename: String,
    pub format: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub extractor_version: Option<String>,
    pub status: String,
    pub status_detail: Option<String>,
    pub uploaded_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub parsed_at: Option<NaiveDateTime>,
}

/// What reading the file produced, as stored.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub text: Option<String>,
    /// The extraction as JSON.
    pub extraction: Option<String>,
    pub extractor_version: Option<String>,
    pub status: &'static str,
    pub status_detail: Option<String>,
}

pub struct NewResume<'a> {
    pub filename: &'a str,
    pub format: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    pub sha256: &'a str,
    pub uploaded_by: Option<i64>,
    pub parsed: Parsed,
}

/// The id of this candidate's résumé with this hash, if it was uploaded before.
pub fn find_by_hash(conn: &mut DbConnection, candidate_id: i64, sha256: &str) -> QueryResult<Option<i64>> {
    resumes::table
        .filter(resumes::candidate_id.eq(candidate_id))
        .filter(resumes::sha256.eq(sha256))
        .select(resumes::id)
        .first(conn)
        .optional()
}

/// A résumé of the agency with this hash, whichever candidate it belongs to (for imports).
pub fn find_in_agency_by_hash(conn: &mut DbConnection, agency_id: i64, sha256: &str) -> QueryResult<Option<i64>> {
    resumes::table
        .filter(resumes::agency_id.eq(agency_id))
        .filter(resumes::sha256.eq(sha256))
        .select(resumes::id)
        .first(conn)
        .optional()
}

/// Stores a new version of the candidate's résumé. Runs inside the caller's write transaction;
/// making it the current one is the candidate's write (`candidates::write`), and refreshing the
/// search index the caller's.
pub fn insert(conn: &mut DbConnection, agency_id: i64, candidate_id: i64, new: &NewResume<'_>) -> QueryResult<Resume> {
    let latest: Option<i32> = resumes::table
        .filter(resumes::candidate_id.eq(candidate_id))
        .select(diesel::dsl::max(resumes::version))
        .first(conn)?;
    let at = now();
    let id: i64 = diesel::insert_into(resumes::table)
        .values((
            resumes::agency_id.eq(agency_id),
            resumes::candidate_id.eq(candidate_id),
            resumes::version.eq(latest.unwrap_or(0) + 1),
            resumes::filename.eq(new.filename),
            resumes::format.eq(new.format),
            resumes::content_type.eq(new.content_type),
            resumes::size_bytes.eq(new.bytes.len() as i64),
            resumes::sha256.eq(new.sha256),
            resumes::content.eq(new.bytes),
            resumes::text.eq(&new.parsed.text),
            resumes::extraction.eq(&new.parsed.extraction),
            resumes::extractor_version.eq(&new.parsed.extractor_version),
            resumes::status.eq(new.parsed.status),
            resumes::status_detail.eq(&new.parsed.status_detail),
            resumes::uploaded_by.eq(new.uploaded_by),
            resumes::created_at.eq(at),
            resumes::parsed_at.eq(new.parsed.text.as_ref().map(|_| at)),
        ))
        .returning(resumes::id)
        .get_result(conn)?;
    find(conn, agency_id, id)
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Resume> {
    resumes::table
        .filter(resumes::id.eq(id))
        .filter(resumes::agency_id.eq(agency_id))
        .select(Resume::as_select())
        .first(conn)
}

/// Every version of a candidate's résumé, newest first.
pub fn list(conn: &mut DbConnection, agency_id: i64, candidate_id: i64) -> QueryResult<Vec<Resume>> {
    resumes::table
        .filter(resumes::candidate_id.eq(candidate_id))
        .filter(resumes::agency_id.eq(agency_id))
        .order(resumes::version.desc())
        .select(Resume::as_select())
        .load(conn)
}

/// The original bytes with their name and content type.
pub fn content(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<(String, String, Vec<u8>)> {
    resumes::table
        .filter(resumes::id.eq(id))
        .filter(resumes::agency_id.eq(agency_id))
        .select((resumes::filename, resumes::content_type, resumes::content))
        .first(conn)
}

/// The stored extraction (JSON) of a résumé, if its text could be read.
pub fn extraction(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Option<String>> {
    resumes::table
        .filter(resumes::id.eq(id))
        .filter(resumes::agency_id.eq(agency_id))
        .select(resumes::extraction)
        .first(conn)
}

/// The extraction (JSON) of each of these résumés that has one, by résumé id.
pub fn extractions(conn: &mut DbConnection, agency_id: i64, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, Option<String>)> = resumes::table
        .filter(resumes::id.eq_any(ids))
        .filter(resumes::agency_id.eq(agency_id))
        .select((resumes::id, resumes::extraction))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, e)| Some((id, e?))).collect())
}

/// Replaces what was read from a résumé (after a re-parse). Runs inside the caller's write
/// transaction; the search index is the caller's to refresh.
pub fn set_parsed(conn: &mut DbConnection, agency_id: i64, id: i64, parsed: &Parsed) -> QueryResult<Resume> {
    diesel::update(resumes::table.filter(resumes::id.eq(id)).filter(resumes::agency_id.eq(agency_id)))
        .set((
            resumes::text.eq(&parsed.text),
            resumes::extraction.eq(&parsed.extraction),
            resumes::extractor_version.eq(&parsed.extractor_version),
            resumes::status.eq(parsed.status),
            resumes::status_detail.eq(&parsed.status_detail),
            resumes::parsed_at.eq(Some(now())),
        ))
        .execute(conn)?;
    find(conn, agency_id, id)
}
