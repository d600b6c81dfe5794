//! Résumés in, as one use case for every way they arrive (an upload that creates a candidate, a
//! new version for a candidate, a re-read of a stored file, the import command): read the file
//! with no database connection held, then one write transaction that stores the candidate (one
//! write, one new version), the résumé, and refreshes the search document once.

use chrono::Utc;

use serde_json::json;

use super::journal::{recorded, Journal};
use super::Error;
use crate::db::models::audit::Who;
use crate::db::models::candidates::{self, Candidate};
use crate::db::models::lock_checked;
use crate::db::models::resumes::{self, NewResume, Parsed, Resume};
use crate::db::{lock_scope, search, DbConnection, Scope, Table, WriteError};
use crate::resume::apply;
use crate::resume::extract::Extraction;
use crate::resume::format::Format;
use crate::resume::intake::{self, ReadError, Reading};
use crate::resume::sandbox::Sandbox;
use crate::state::AppState;

/// A file as received: its name (already made safe to store) and its bytes.
#[derive(Debug, Clone)]
pub struct File {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Where a résumé goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// A new candidate made from it.
    NewCandidate,
    /// A new version for this candidate; it becomes the current one.
    Candidate(i64),
    /// As the import command files it: nothing when the agency already has this file; a new
    /// version for the candidate with the résumé's e-mail address; else a new candidate.
    Filed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Attached,
    /// The agency already had the file (only for [`Destination::Filed`]).
    AlreadyStored,
}

/// A résumé stored, with its candidate as they are now.
#[derive(Debug)]
pub struct Stored {
    pub outcome: Outcome,
    pub candidate: Candidate,
    pub resume: Resume,
    pub extraction: Option<Extraction>,
}

/// Reads a file: its format, text and extraction. Blocks for up to the sandbox's timeout; no
/// database.
pub fn read(sandbox: &Sandbox, bytes: &[u8]) -> Result<Reading, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Unsupported("The file is empty.".into()));
    }
    intake::read(sandbox, bytes, Utc::now().date_naive())
}

/// What reading found, as the résumé row keeps it.
fn parsed(reading: &Reading) -> Result<Parsed, Error> {
    let (status, status_detail) = reading.status();
    let extraction = reading.extraction.as_ref().map(serde_json::to_string).transpose().map_err(anyhow::Error::from)?;
    Ok(Parsed {
        text: reading.text.clone(),
        extraction,
        extractor_version: Some(reading.extractor_version().to_owned()),
        status,
        status_detail: status_detail.map(str::to_owned),
    })
}

/// Stores a file read by [`read`]: in one write transaction, the candidate (created, or
/// completed where empty and pointed at the new version), the résumé, and one refresh of the
/// candidate's search document. The same file twice for one candidate is a 409 naming the
/// first.
pub fn store(
    conn: &mut DbConnection,
    who: &Who,
    destination: Destination,
    file: &File,
    reading: Reading,
) -> Result<Stored, Error> {
    let (agency_id, user_id) = (who.agency_id, who.actor.user_id());
    let new = NewResume {
        filename: &file.filename,
        format: reading.format.as_str(),
        content_type: reading.format.content_type(),
        bytes: &file.bytes,
        sha256: &reading.sha256,
        uploaded_by: user_id,
        parsed: parsed(&reading)?,
    };
    let empty = Extraction::default();
    let extraction = reading.extraction.as_ref().unwrap_or(&empty);
    let (outcome, candidate, resume) = recorded(conn, who, |conn, journal| {
        let destination = match destination {
            Destination::Filed => {
                // One import at a time per agency decides what a file is, so two imports of one
                // folder store each file once.
                lock_scope(conn, Scope::ResumeIntake, agency_id)?;
                if let Some(id) = resumes::find_in_agency_by_hash(conn, agency_id, &reading.sha256)? {
                    let resume = resumes::find(conn, agency_id, id)?;
                    let candidate = candidates::find(conn, agency_id, resume.candidate_id)?;
                    return Ok((Outcome::AlreadyStored, candidate, resume));
                }
                let email = extraction.email.as_ref().map(|f| f.value.as_str());
                match email.map(|email| candidates::find_by_email(conn, agency_id, email)).transpose()?.flatten() {
                    Some(id) => Destination::Candidate(id),
                    None => Destination::NewCandidate,
                }
            }
            other => other,
        };
        match destination {
            Destination::Candidate(id) => {
                lock_checked(conn, Table::Candidates, agency_id, id, None)?;
                let current = candidates::find(conn, agency_id, id)?;
                if let Some(existing) = resumes::find_by_hash(conn, id, &reading.sha256)? {
                    return Err(Error::Write(WriteError::Conflict {
                        detail: format!("This file is already résumé {existing} of this candidate."),
                        existing_id: Some(existing),
                    }));
                }
                let resume = resumes::insert(conn, agency_id, id, &new)?;
                let draft = apply::merge(current.to_draft(), extraction);
                let candidate = candidates::write(conn, &current, &draft, Some(resume.id))?;
                search::refresh(conn, agency_id, id)?;
                journal.other("candidate", id, "updated", &["current_resume_id"]);
                let changed = json!({"id": id.to_string(), "changed": ["current_resume_id"]});
                journal.event("candidate.updated", "candidate", id, changed);
                parsed_event(journal, &resume, &reading);
                Ok((Outcome::Attached, candidate, resume))
            }
            _ => {
                let fallback = format!("Candidate from {}", file.filename).chars().take(200).collect::<String>();
                let mut candidate = candidates::insert(conn, agency_id, &apply::new_candidate(extraction, &fallback))?;
                let resume = resumes::insert(conn, agency_id, candidate.row.id, &new)?;
                candidates::set_first_resume(conn, agency_id, candidate.row.id, resume.id)?;
                candidate.row.current_resume_id = Some(resume.id);
                search::refresh(conn, agency_id, candidate.row.id)?;
                journal.other("candidate", candidate.row.id, "created", &["from_resume"]);
                let created = json!({"id": candidate.row.id.to_string(), "fields": ["from_resume"]});
                journal.event("candidate.created", "candidate", candidate.row.id, created);
                parsed_event(journal, &resume, &reading);
                Ok((Outcome::Created, candidate, resume))
            }
        }
    })?;
    Ok(Stored { outcome, candidate, resume, extraction: reading.extraction })
}

/// `resume.parsed` for a résumé just read: which, whose, and what the reading found.
fn parsed_event(journal: &mut Journal, resume: &resumes::Resume, reading: &Reading) {
    journal.other("resume", resume.id, "created", &["file"]);
    let data = json!({
        "id": resume.id.to_string(),
        "candidate_id": resume.candidate_id.to_string(),
        "format": reading.format.as_str(),
        "text_found": reading.extraction.is_some(),
    });
    journal.event("resume.parsed", "resume", resume.id, data);
}

/// An upload over HTTP: read through the reading gate (no connection held), then stored.
pub async fn upload(state: &AppState, who: Who, destination: Destination, file: File) -> Result<Stored, Error> {
    let sandbox = state.sandbox.clone();
    let turn = state.gates.reading.enter().await?;
    let (reading, file) = state.blocking(move || (read(&sandbox, &file.bytes), file)).await?;
    drop(turn);
    let reading = reading?;
    state.db(move |conn| store(conn, &who, destination, &file, reading)).await
}

/// Reads a stored résumé again with the current extractor and taxonomy: the résumé's reading is
/// replaced, and what is new is added to the candidate (typed values are kept), in one write
/// transaction with one refresh of the search document.
pub async fn reparse(state: &AppState, who: Who, resume_id: i64) -> Result<Stored, Error> {
    let agency_id = who.agency_id;
    let (stored, (_, _, bytes)) = state
        .db(move |conn| -> Result<_, Error> {
            Ok((resumes::find(conn, agency_id, resume_id)?, resumes::content(conn, agency_id, resume_id)?))
        })
        .await?;
    let format = Format::parse(&stored.format)
        .ok_or_else(|| anyhow::anyhow!("résumé {resume_id} has an unknown stored format {:?}", stored.format))?;
    let sandbox = state.sandbox.clone();
    let turn = state.gates.reading.enter().await?;
    let reading = state.blocking(move || intake::read_as(&sandbox, format, &bytes, Utc::now().date_naive())).await??;
    drop(turn);
    let parsed = parsed(&reading)?;
    let extraction = reading.extraction;
    let found = extraction.clone();
    let (candidate, resume) = state
        .db(move |conn| {
            recorded(conn, &who, |conn, journal| -> Result<_, Error> {
                let candidate_id = resumes::find(conn, agency_id, resume_id)?.candidate_id;
                lock_checked(conn, Table::Candidates, agency_id, candidate_id, None)?;
                let resume = resumes::set_parsed(conn, agency_id, resume_id, &parsed)?;
                journal.other("resume", resume_id, "reparsed", &["parsed"]);
                let data = json!({"id": resume_id.to_string(), "candidate_id": candidate_id.to_string(),
                                  "format": format.as_str(), "text_found": found.is_some()});
                journal.event("resume.parsed", "resume", resume_id, data);
                let current = candidates::find(conn, agency_id, candidate_id)?;
                let merged = match &found {
                    Some(x) => apply::merge(current.to_draft(), x),
                    None => current.to_draft(),
                };
                let is_current = current.row.current_resume_id == Some(resume_id);
                let candidate = if merged != current.to_draft() {
                    journal.other("candidate", candidate_id, "updated", &["from_resume"]);
                    let changed = json!({"id": candidate_id.to_string(), "changed": ["from_resume"]});
                    journal.event("candidate.updated", "candidate", candidate_id, changed);
                    candidates::write(conn, &current, &merged, current.row.current_resume_id)?
                } else if is_current {
                    current
                } else {
                    return Ok((current, resume));
                };
                // The document holds the current résumé's text, so re-reading it changes the
                // document even when the candidate stays as they were.
                search::refresh(conn, agency_id, candidate_id)?;
                Ok((candidate, resume))
            })
        })
        .await?;
    Ok(Stored { outcome: Outcome::Attached, candidate, resume, extraction })
}

/// The import command's file: read, then stored as [`Destination::Filed`].
pub fn import(conn: &mut DbConnection, sandbox: &Sandbox, who: &Who, file: &File) -> Result<Outcome, Error> {
    let reading = read(sandbox, &file.bytes)?;
    Ok(store(conn, who, Destination::Filed, file, reading)?.outcome)
}
