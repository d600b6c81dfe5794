//! Résumés: upload (creating a candidate or adding a version), versions, the original file,
//! re-reading, and the candidate as a JSON Resume.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Serialize;

use super::candidates::CandidateView;
use super::{parse_id, ts};
use crate::auth::Caller;
use crate::db::models::candidates;
use crate::db::models::resumes::{self as resume_rows, Resume};
use crate::error::ApiError;
use crate::resume::extract::Extraction;
use crate::service::resumes::{self, Destination, File, Stored};
use crate::state::AppState;

#[derive(Serialize)]
pub struct ResumeView {
    id: String,
    candidate_id: String,
    version: i32,
    filename: String,
    format: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    status: String,
    status_detail: Option<String>,
    extractor_version: Option<String>,
    created_at: String,
    parsed_at: Option<String>,
}

impl From<&Resume> for ResumeView {
    fn from(r: &Resume) -> Self {
        ResumeView {
            id: r.id.to_string(),
            candidate_id: r.candidate_id.to_string(),
            version: r.version,
            filename: r.filename.clone(),
            format: r.format.clone(),
            content_type: r.content_type.clone(),
            size_bytes: r.size_bytes,
            sha256: r.sha256.clone(),
            status: r.status.clone(),
            status_detail: r.status_detail.clone(),
            extractor_version: r.extractor_version.clone(),
            created_at: ts(r.created_at),
            parsed_at: r.parsed_at.map(ts),
        }
    }
}

#[derive(Serialize)]
struct UploadView {
    candidate: CandidateView,
    resume: ResumeView,
    extraction: Option<Extraction>,
}

impl From<Stored> for UploadView {
    fn from(s: Stored) -> Self {
        UploadView {
            candidate: CandidateView::from(&s.candidate),
            resume: ResumeView::from(&s.resume),
            extraction: s.extraction,
        }
    }
}

/// The `file` part of a multipart body, within the upload limit.
async fn read_file_part(req: &HttpRequest, payload: web::Payload, limit: usize) -> Result<(String, Vec<u8>), ApiError> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::UnsupportedMediaType(
            "Send the résumé as multipart/form-data with the file in a part named \"file\".".into(),
        ));
    }
    if req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > limit + 64 * 1024)
    {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut multipart = Multipart::new(req.headers(), payload);
    let malformed = |e: actix_multipart::MultipartError| {
        ApiError::malformed("body", format!("is not valid multipart/form-data: {e}"))
    };
    let mut found = None;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed)?;
        let is_file = field.name() == Some("file");
        let filename = field
            .content_disposition()
            .and_then(|d| d.get_filename().map(str::to_owned))
            .unwrap_or_else(|| "resume".into());
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(malformed)?;
            if bytes.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            if is_file {
                bytes.extend_from_slice(&chunk);
            }
        }
        if is_file && found.is_none() {
            found = Some((clean_filename(&filename), bytes));
        }
    }
    found.ok_or_else(|| ApiError::validation("file", "is missing: send the résumé in a part named \"file\""))
}

/// A file name safe to store and to send back: the last path segment, printable, bounded.
fn clean_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "resume".into()
    } else {
        cleaned
    }
}

async fn upload_to(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    payload: web::Payload,
    destination: Destination,
) -> Result<HttpResponse, ApiError> {
    // A turn before the body is read: it bounds the upload bodies held in memory at once.
    let _turn = state.gates.uploads.enter().await?;
    let (filename, bytes) = read_file_part(&req, payload, state.settings.max_upload_bytes).await?;
    let file = File { filename, bytes };
    let stored = resumes::upload(&state, caller.who(), destination, file).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/resumes/{}", stored.resume.id)))
        .json(UploadView::from(stored)))
}

/// Creates a candidate from a résumé.
pub async fn upload_resume(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    upload_to(state, caller, req, payload, Destination::NewCandidate).await
}

/// Adds a résumé version to a candidate; it becomes the current one.
pub async fn attach_resume(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&id)?;
    upload_to(state, caller, req, payload, Destination::Candidate(id)).await
}

#[derive(Serialize)]
struct ResumeList {
    items: Vec<ResumeView>,
}

pub async fn list_resumes(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let rows = state
        .db(move |conn| {
            candidates::find(conn, agency_id, id)?;
            Ok::<_, ApiError>(resume_rows::list(conn, agency_id, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ResumeList { items: rows.iter().map(ResumeView::from).collect() }))
}

#[derive(Serialize)]
struct ResumeDetail {
    #[serde(flatten)]
    resume: ResumeView,
    extraction: Option<serde_json::Value>,
}

pub async fn get_resume(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let (resume, extraction) = state
        .db(move |conn| {
            Ok::<_, ApiError>((resume_rows::find(conn, agency_id, id)?, resume_rows::extraction(conn, agency_id, id)?))
        })
        .await?;
    let extraction = extraction.and_then(|json| serde_json::from_str(&json).ok());
    Ok(HttpResponse::Ok().json(ResumeDetail { resume: ResumeView::from(&resume), extraction }))
}

/// The original bytes, as uploaded, with a download file name that cannot inject headers.
pub async fn get_resume_file(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let (filename, content_type, bytes) =
        state.db(move |conn| Ok::<_, ApiError>(resume_rows::content(conn, agency_id, id)?)).await?;
    let ascii: String =
        filename.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}

/// Reads a stored résumé again with the current extractor and taxonomy, and adds what is new
/// to the candidate (typed values are kept).
pub async fn reparse_resume(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let stored = resumes::reparse(&state, caller.who(), parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(UploadView::from(stored)))
}

/// The candidate as a JSON Resume document.
pub async fn export_json_resume(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (caller.agency_id(), parse_id(&id)?);
    let (candidate, extraction) = state
        .db(move |conn| {
            let candidate = candidates::find(conn, agency_id, id)?;
            let extraction = match candidate.row.current_resume_id {
                Some(resume_id) => resume_rows::extraction(conn, agency_id, resume_id)?,
                None => None,
            };
            Ok::<_, ApiError>((candidate, extraction))
        })
        .await?;
    let extraction: Option<Extraction> = extraction.and_then(|json| serde_json::from_str(&json).ok());
    let document =
        crate::resume::json_resume::export(&candidate.to_draft(), extraction.as_ref(), &ts(candidate.row.updated_at));
    Ok(HttpResponse::Ok().json(document))
}
