//! Webhook endpoints of the agency's tools, their delivery log, retries and test pings; admins
//! only. Deliveries follow the Standard Webhooks specification (see `crate::delivery`).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use rand::RngCore;
use serde::Serialize;
use serde_json::json;

use super::json::ApiJson;
use super::query::Query;
use super::{created, if_match, journaled, parse_id, ts, versioned, Page};
use crate::auth::Admin;
use crate::db::models::webhooks::{self, Endpoint, Logged};
use crate::domain::webhook::{WebhookInput, WebhookPatch, SECRET_PREFIX};
use crate::error::ApiError;
use crate::state::AppState;

/// The resource name in the audit log.
const RESOURCE: &str = "webhook";

#[derive(Serialize)]
pub struct WebhookView {
    id: String,
    url: String,
    description: Option<String>,
    events: Vec<String>,
    /// After repeated failed attempts in a row; a successful one clears it.
    failing: bool,
    failing_since: Option<String>,
    consecutive_failures: i32,
    created_at: String,
    updated_at: String,
    version: i32,
}

impl From<&Endpoint> for WebhookView {
    fn from(e: &Endpoint) -> Self {
        WebhookView {
            id: e.id.to_string(),
            url: e.url.clone(),
            description: e.description.clone(),
            events: e.events(),
            failing: e.failing_since.is_some(),
            failing_since: e.failing_since.map(ts),
            consecutive_failures: e.consecutive_failures,
            created_at: ts(e.created_at),
            updated_at: ts(e.updated_at),
            version: e.version,
        }
    }
}

/// An endpoint with its signing secret: for its admins, never in lists.
#[derive(Serialize)]
struct WebhookWithSecret {
    #[serde(flatten)]
    endpoint: WebhookView,
    secret: String,
}

impl From<&Endpoint> for WebhookWithSecret {
    fn from(e: &Endpoint) -> Self {
        WebhookWithSecret { endpoint: WebhookView::from(e), secret: e.secret.clone() }
    }
}

#[derive(Serialize)]
struct DeliveryView {
    id: String,
    webhook_id: String,
    event_id: String,
    event_type: String,
    /// `pending` (waiting for its next attempt), `delivered` or `failed` (gave up).
    state: String,
    attempts: i32,
    next_attempt_at: Option<String>,
    last_attempt_at: Option<String>,
    last_status: Option<i32>,
    last_error: Option<String>,
    last_latency_ms: Option<i32>,
    created_at: String,
}

impl From<&Logged> for DeliveryView {
    fn from(l: &Logged) -> Self {
        let d = &l.delivery;
        DeliveryView {
            id: d.id.to_string(),
            webhook_id: d.endpoint_id.to_string(),
            event_id: d.event_id.to_string(),
            event_type: l.event_type.clone(),
            state: d.state.clone(),
            attempts: d.attempts,
            next_attempt_at: (d.state == webhooks::PENDING).then(|| ts(d.next_attempt_at)),
            last_attempt_at: d.last_attempt_at.map(ts),
            last_status: d.last_status,
            last_error: d.last_error.clone(),
            last_latency_ms: d.last_latency_ms,
            created_at: ts(d.created_at),
        }
    }
}

/// An answer that carries a signing secret must not be cached.
fn no_store(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// A new signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks has it.
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

pub async fn create_webhook(
    state: web::Data<AppState>,
    admin: Admin,
    body: ApiJson<WebhookInput>,
) -> Result<HttpResponse, ApiError> {
    let draft = body.into_inner().validate(state.settings.webhook_targets)?;
    let agency_id = admin.0.agency_id();
    let endpoint = journaled(&state, &admin.0, move |conn, journal| {
        let endpoint = webhooks::create(conn, agency_id, &draft, &new_secret())?;
        journal.created(RESOURCE, endpoint.id, &WebhookView::from(&endpoint), None);
        Ok(endpoint)
    })
    .await?;
    let location = format!("/api/v1/webhooks/{}", endpoint.id);
    Ok(no_store(created(&WebhookWithSecret::from(&endpoint), location, endpoint.version)))
}

pub async fn list_webhooks(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    q.finish()?;
    let agency_id = admin.0.agency_id();
    let (rows, next) = state.db(move |conn| Ok::<_, ApiError>(webhooks::list(conn, agency_id, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(WebhookView::from).collect(), next)))
}

pub async fn get_webhook(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (admin.0.agency_id(), parse_id(&id)?);
    let endpoint = state.db(move |conn| Ok::<_, ApiError>(webhooks::find(conn, agency_id, id)?)).await?;
    Ok(no_store(versioned(StatusCode::OK, &WebhookWithSecret::from(&endpoint), endpoint.version)))
}

pub async fn update_webhook(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<WebhookPatch>,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (agency_id, id, patch) = (admin.0.agency_id(), parse_id(&id)?, body.into_inner());
    let policy = state.settings.webhook_targets;
    let endpoint = journaled(&state, &admin.0, move |conn, journal| {
        let before = WebhookView::from(&webhooks::find(conn, agency_id, id)?);
        let after = webhooks::update(conn, agency_id, id, precondition.as_ref(), |current| {
            Ok(patch.clone().apply(current, policy)?)
        })?;
        journal.updated(RESOURCE, id, &before, &WebhookView::from(&after), None);
        Ok(after)
    })
    .await?;
    Ok(no_store(versioned(StatusCode::OK, &WebhookWithSecret::from(&endpoint), endpoint.version)))
}

pub async fn delete_webhook(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req)?;
    let (agency_id, id) = (admin.0.agency_id(), parse_id(&id)?);
    journaled(&state, &admin.0, move |conn, journal| {
        webhooks::delete(conn, agency_id, id, precondition.as_ref())?;
        journal.deleted(RESOURCE, id, None);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn list_deliveries(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let endpoint_id = parse_id(&id)?;
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    q.finish()?;
    let agency_id = admin.0.agency_id();
    let (rows, next) =
        state.db(move |conn| Ok::<_, ApiError>(webhooks::deliveries(conn, agency_id, endpoint_id, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(DeliveryView::from).collect(), next)))
}

pub async fn get_delivery(
    state: web::Data<AppState>,
    admin: Admin,
    ids: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (endpoint_id, id) = (parse_id(&ids.0)?, parse_id(&ids.1)?);
    let agency_id = admin.0.agency_id();
    let logged = state.db(move |conn| Ok::<_, ApiError>(webhooks::delivery(conn, agency_id, endpoint_id, id)?)).await?;
    Ok(HttpResponse::Ok().json(DeliveryView::from(&logged)))
}

/// Sends a delivery again now (a failed one gets a new series of attempts).
pub async fn retry_delivery(
    state: web::Data<AppState>,
    admin: Admin,
    ids: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (endpoint_id, id) = (parse_id(&ids.0)?, parse_id(&ids.1)?);
    let agency_id = admin.0.agency_id();
    let logged = journaled(&state, &admin.0, move |conn, journal| {
        let logged = webhooks::retry(conn, agency_id, endpoint_id, id)?;
        journal.other("webhook_delivery", id, "retried", &["state"]);
        Ok(logged)
    })
    .await?;
    state.deliveries.notify_one();
    Ok(HttpResponse::Accepted().json(DeliveryView::from(&logged)))
}

/// Sends the endpoint a `webhook.test` event, like any other event (signed, retried, logged).
pub async fn test_webhook(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, endpoint_id) = (admin.0.agency_id(), parse_id(&id)?);
    let payload = json!({
        "type": "webhook.test",
        "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": {"webhook_id": endpoint_id.to_string()},
    })
    .to_string();
    let logged =
        state.db(move |conn| Ok::<_, ApiError>(webhooks::ping(conn, agency_id, endpoint_id, &payload)?)).await?;
    state.deliveries.notify_one();
    Ok(HttpResponse::Accepted().json(DeliveryView::from(&logged)))
}
