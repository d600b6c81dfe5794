//! HTTP handlers, one module per resource, and the route table.

pub mod agency;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod candidates;
pub mod clients;
pub mod docs;
pub mod export;
pub mod health;
pub mod job_orders;
pub mod json;
pub mod matches;
pub mod placements;
pub mod query;
pub mod rate_card;
pub mod resumes;
pub mod shortlist;
pub mod skills;
pub mod users;
pub mod webhooks;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::domain::patch::IfMatch;
use crate::error::ApiError;
use crate::service::journal::Journal;

/// The route table. Each resource answers 405 with `Allow` for methods it does not serve.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/openapi.yaml").route(web::get().to(health::openapi)).default_service(only("GET, HEAD")),
    )
    .service(web::resource("/docs").route(web::get().to(docs::docs_root)).default_service(only("GET, HEAD")))
    .service(web::resource("/docs/{tail:.*}").route(web::get().to(docs::docs_file)).default_service(only("GET, HEAD")))
    .service(web::resource("/healthz").route(web::get().to(health::healthz)).default_service(only("GET, HEAD")))
    .service(web::resource("/readyz").route(web::get().to(health::readyz)).default_service(only("GET, HEAD")))
    .service(
        web::scope("/api/v1")
            .service(web::resource("/auth/signup").route(web::post().to(auth::signup)).default_service(only("POST")))
            .service(web::resource("/auth/login").route(web::post().to(auth::login)).default_service(only("POST")))
            .service(web::resource("/auth/refresh").route(web::post().to(auth::refresh)).default_service(only("POST")))
            .service(web::resource("/auth/logout").route(web::post().to(auth::logout)).default_service(only("POST")))
            .service(web::resource("/me").route(web::get().to(auth::me)).default_service(only("GET, HEAD")))
            .service(
                web::resource("/agency")
                    .route(web::get().to(agency::get_agency))
                    .route(web::patch().to(agency::update_agency))
                    .default_service(only("GET, HEAD, PATCH")),
            )
            .service(
                web::resource("/me/password").route(web::put().to(auth::change_password)).default_service(only("PUT")),
            )
            .service(
                web::resource("/users")
                    .route(web::get().to(users::list_users))
                    .route(web::post().to(users::create_user))
                    .default_service(only("GET, HEAD, POST")),
            )
            .service(
                web::resource("/users/{id}")
                    .route(web::get().to(users::get_user))
                    .route(web::patch().to(users::update_user))
                    .default_service(only("GET, HEAD, PATCH")),
            )
            .service(
                web::resource("/api-keys")
                    .route(web::get().to(api_keys::list_api_keys))
                    .route(web::post().to(api_keys::create_api_key))
                    .default_service(only("GET, HEAD, POST")),
            )
            .service(
                web::resource("/api-keys/{id}")
                    .route(web::get().to(api_keys::get_api_key))
                    .route(web::delete().to(api_keys::revoke_api_key))
                    .default_service(only("GET, HEAD, DELETE")),
            )
            .service(
                web::resource("/webhooks")
                    .route(web::get().to(webhooks::list_webhooks))
                    .route(web::post().to(webhooks::create_webhook))
                    .default_service(only("GET, HEAD, POST")),
            )
            .service(
                web::resource("/webhooks/{id}")
                    .route(web::get().to(webhooks::get_webhook))
                    .route(web::patch().to(webhooks::update_webhook))
                    .route(web::delete().to(webhooks::delete_webhook))
                    .default_service(only("GET, HEAD, PATCH, DELETE")),
            )
            .service(
                web::resource("/webhooks/{id}/test")
                    .route(web::post().to(webhooks::test_webhook))
                    .default_service(only("POST")),
            )
            .service(
                web::resource("/webhooks/{id}/deliveries")
                    .route(web::get().to(webhooks::list_deliveries))
                    .default_service(only("GET, HEAD")),
            )
            .service(
                web::resource("/webhooks/{id}/deliveries/{delivery_id}")
                    .route(web::get().to(webhooks::get_delivery))
                    .default_service(only("GET, HEAD")),
            )
            .service(
                web::resource("/webhooks/{id}/deliveries/{delivery_id}/retry")
                    .route(web::post().to(webhooks::retry_delivery))
                    .default_service(only("POST")),
            )
            .service(
                web::resource("/audit-events")
                    .route(web::get().to(audit::list_audit_events))
                    .default_service(only("GET, HEAD")),
            )
            .service(
                web::resource("/skills")
                    .route(web::get().to(skills::list_skills))
                    .route(web::post().to(skills::create_skill))
                    .default_service(only("GET, HEAD, POST")),
            )
            .service(
                web::resource("/skills/{id}")
                    .route(web::get().to(skills::get_skill))
                    .route(web::patch().to(skills::update_skill))
                    .route(web::delete().to(skills::delete_skill))
                    .default_service(only("GET, HEAD, PATCH, DELETE")),
            )
            .service(
                web::resource("/skills/{id}/merge")
                    .route(web::post().to(skills::merge_skill))
                    .default_service(only("POST")),
            )
            .service(
                web::resource("/candidates")
                    .route(web::get().to(candidates::list_candidates))
                    .route(web::post().to(candidates::create_candidate))
                    .default_service(only("GET, HEAD, POST")),
            )
            // Before `/candidates/{id}`, which would take `export.csv` for an id.
            .service(
                web::resource("/candidates/export.csv")
                    .route(web::get().to(candidates::export_candidates))
                    .default_service(only("GET, HEAD")),
            )
            .service(
                web::resource("/candidates/{id}")
                    .route(web::get().to(candidates::get_candidate))
                    .route(web::patch().to(candidates::update_candidate))
                    .route(web::delete().to(candidates::delete_candidate))
                    .default_service(only("GET, HEAD, PATCH, DELETE")),
            )
            .service(
                web::resource("/candidates/{id}/resumes")
                    .route(web::get().to(resumes::list_resumes))
                    .route(web::post().to(resumes::attach_resume))
                    .default_service(only("GET, HEAD, POST")),
            )
            .service(
                web::resource("/candidates/{id}/json-resume")
                    .route(web::get().to(resumes::export_json_resume))
                    .default_service(only("GET, HEAD")),
            )
            .service(
                web::resource("/resumes").route(web::post().to(resumes::upload_resume)).default_service(only("POST")),
            )
            .service(
                web::resource("/resumes/{id}")
                    .route(web::get().to(resumes::get_resume))
                    .default_service(only("GET, HEAD")),
            )
            .service(
                web::resource("/resumes/{id}/file")
                    .route(web::get().to(resumes::get_resume_file))
                    .default_service(only("GET, HEAD")),
            )
            .service(
                web::resource("/resumes/{id}/reparse")
                    .route(web::post().to(resumes::reparse_resume))
                    .default_service(only("POST")),
            )
            .service(
                web::resource("/clients")
                    .route(web::get().to(clients::list_clients))
                    .route(web::post().to(clients::create_client))
                    .default_service(only("GET, HEAD, POST")),
            )
            .service(
                web::resource("/clients/{id}")
                    .route(web::get().to(clients::get_client))
                    .route(web::patch().to(clients::update_client))
                    .route(web::delete().to(clients::delete_client))
                    .default_service(only("GET, HEAD, PATCH, DELETE")),
            )
            .service(
                web::resource("/job-orders")
                    .route(web::get().to(job_orders::list_job_orders))
                    .route(web::post().to(job_orders::create_job_order))
                    .default_service(only("GET, HEAD, POST")),
            )
            // Before `/job-orders/{id}`, which would take `export.csv` for an id.
            .service(
                web::resource("/job-orders/export.csv")
                    .route(web::get().to(job_orders::export_job_orders))
                    .default_service(only("GET, HEAD")),
            )
            .service(
                web::resource("/job-orders/{id}")
                    .route(web::get().to(job_orders::get_job_order))
                    .route(web::patch().to(job_orders::update_job_order))
                    .route(web::delete().to(job_orders::delete_job_order))
                    .default_service(only("GET, HEAD, PATCH, DELETE")),
            )
            .service(
                web::resource("/job-orders/{id}/matches")
                    .route(web::get().to(matches::job_order_matches))
                    .default_service(only("GET, HEAD")),
            )
            .service(
                web::resource("/job-orders/{id}/shortlist")
                    .route(web::get().to(shortlist::list_shortlist))
                    .route(web::post().to(shortlist::add_to_shortlist))
                    .default_service(only("GET, HEAD, POST")),
            )
            .service(
                web::resource("/job-orders/{id}/shortlist/{candidate_id}")
                    .route(web::get().to(shortlist::get_shortlisted))
                    .route(web::patch().to(shortlist::move_shortlisted))
                    .route(web::delete().to(shortlist::remove_shortlisted))
                    .default_service(only("GET, HEAD, PATCH, DELETE")),
            )
            .service(
                web::resource("/job-orders/{id}/shortlist/{candidate_id}/submittal")
                    .route(web::get().to(shortlist::get_submittal))
                    .default_service(only("GET, HEAD")),
            )
            .service(
                web::resource("/placements")
                    .route(web::get().to(placements::list_placements))
                    .default_service(only("GET, HEAD")),
            )
            // Before `/placements/{id}`, which would take `export.csv` for an id.
            .service(
                web::resource("/placements/export.csv")
                    .route(web::get().to(placements::export_placements))
                    .default_service(only("GET, HEAD")),
            )
            .service(
                web::resource("/placements/{id}")
                    .route(web::get().to(placements::get_placement))
                    .route(web::patch().to(placements::update_placement))
                    .default_service(only("GET, HEAD, PATCH")),
            )
            .service(
                web::resource("/rate-card")
                    .route(web::get().to(rate_card::list_entries))
                    .route(web::post().to(rate_card::create_entry))
                    .default_service(only("GET, HEAD, POST")),
            )
            .service(
                web::resource("/rate-card/{id}")
                    .route(web::get().to(rate_card::get_entry))
                    .route(web::patch().to(rate_card::update_entry))
                    .route(web::delete().to(rate_card::delete_entry))
                    .default_service(only("GET, HEAD, PATCH, DELETE")),
            )
            .service(
                web::resource("/matches").route(web::post().to(matches::adhoc_matches)).default_service(only("POST")),
            ),
    );
}

fn only(allow: &'static str) -> actix_web::Route {
    web::to(move || async move { Err::<HttpResponse, _>(ApiError::MethodNotAllowed { allow: allow.into() }) })
}

pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// A path id: the decimal id of one of the caller's records. Anything else is simply not found.
pub fn parse_id(raw: &str) -> Result<i64, ApiError> {
    let canonical = (1..=18).contains(&raw.len()) && !raw.starts_with('0') && raw.bytes().all(|b| b.is_ascii_digit());
    raw.parse::<i64>().ok().filter(|_| canonical).ok_or(ApiError::NotFound)
}

/// The `If-Match` precondition, if any. An unreadable or oversized header is a malformed request.
pub fn if_match(req: &HttpRequest) -> Result<Option<IfMatch>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else { return Ok(None) };
    match value.to_str() {
        Ok(text) if text.len() <= 100 => Ok(Some(IfMatch::parse(text))),
        _ => Err(ApiError::malformed("If-Match", "must be an entity tag such as \"3\", at most 100 characters")),
    }
}

/// RFC 3339 in UTC, millisecond precision.
pub fn ts(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A single resource with its version as the ETag.
pub fn versioned<T: Serialize>(status: StatusCode, body: &T, version: i32) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::ETAG, format!("\"{version}\""))).json(body)
}

pub fn created<T: Serialize>(body: &T, location: String, version: i32) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::ETAG, format!("\"{version}\"")))
        .insert_header((header::LOCATION, location))
        .json(body)
}

#[derive(Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, next: Option<i64>) -> Self {
        Page::at(items, next.map(|id| (id, None)))
    }

    /// A page whose next one starts after this id and, in a list ranked by relevance, this rank.
    pub fn at(items: Vec<T>, next: Option<crate::db::models::Position>) -> Self {
        Page { items, next_cursor: next.map(|(id, rank)| query::encode_cursor(id, rank)) }
    }
}

/// Runs a write of the caller's on a pooled connection, journaled: what `write` notes in the
/// journal becomes audit entries and webhook events in the same transaction.
pub async fn journaled<T, F>(
    state: &crate::state::AppState,
    caller: &crate::auth::Caller,
    write: F,
) -> Result<T, ApiError>
where
    F: FnMut(&mut crate::db::DbConnection, &mut Journal) -> Result<T, crate::service::Error> + Send + 'static,
    T: Send + 'static,
{
    let who = caller.who();
    let done = state.db(move |conn| Ok::<_, ApiError>(crate::service::journal::recorded(conn, &who, write)?)).await;
    if done.is_ok() {
        state.deliveries.notify_one();
    }
    done
}
