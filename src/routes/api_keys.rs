//! API keys for the agency's tools: admins make, list and revoke them.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::json::ApiJson;
use super::query::Query;
use super::{parse_id, ts, Page};
use crate::auth::Admin;
use crate::db::models::api_keys::{self, ApiKey};
use crate::domain::api_key::ApiKeyInput;
use crate::error::ApiError;
use crate::service;
use crate::state::AppState;

#[derive(Serialize)]
pub struct ApiKeyView {
    id: String,
    name: String,
    /// The first characters of the key, to tell keys apart.
    prefix: String,
    scopes: Vec<&'static str>,
    created_by: Option<String>,
    created_at: String,
    last_used_at: Option<String>,
    expires_at: Option<String>,
    revoked_at: Option<String>,
}

impl From<&ApiKey> for ApiKeyView {
    fn from(k: &ApiKey) -> Self {
        ApiKeyView {
            id: k.id.to_string(),
            name: k.name.clone(),
            prefix: k.prefix.clone(),
            scopes: k.scopes().iter().map(|s| s.as_str()).collect(),
            created_by: k.created_by.map(|id| id.to_string()),
            created_at: ts(k.created_at),
            last_used_at: k.last_used_at.map(ts),
            expires_at: k.expires_at.map(ts),
            revoked_at: k.revoked_at.map(ts),
        }
    }
}

/// A new key, with its secret: the only time it is shown.
#[derive(Serialize)]
struct CreatedKeyView {
    #[serde(flatten)]
    key: ApiKeyView,
    secret: String,
}

/// Admins only, and only people: a key cannot make keys, so a leaked key cannot make more.
pub async fn create_api_key(
    state: web::Data<AppState>,
    admin: Admin,
    body: ApiJson<ApiKeyInput>,
) -> Result<HttpResponse, ApiError> {
    if admin.0.user_id().is_none() {
        return Err(ApiError::Forbidden("API keys are made by a signed-in admin, not by another key.".into()));
    }
    let new = body.into_inner().validate(crate::db::models::now())?;
    let who = admin.0.who();
    let (key, secret) = state.db(move |conn| Ok::<_, ApiError>(service::api_keys::create(conn, &who, &new)?)).await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, format!("/api/v1/api-keys/{}", key.id)))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(CreatedKeyView { key: ApiKeyView::from(&key), secret }))
}

pub async fn list_api_keys(
    state: web::Data<AppState>,
    admin: Admin,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut q = Query::from_request(&req)?;
    let page = q.page();
    q.finish()?;
    let agency_id = admin.0.agency_id();
    let (rows, next) = state.db(move |conn| Ok::<_, ApiError>(api_keys::list(conn, agency_id, page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::new(rows.iter().map(ApiKeyView::from).collect(), next)))
}

pub async fn get_api_key(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (agency_id, id) = (admin.0.agency_id(), parse_id(&id)?);
    let key = state.db(move |conn| Ok::<_, ApiError>(api_keys::find(conn, agency_id, id)?)).await?;
    Ok(HttpResponse::Ok().json(ApiKeyView::from(&key)))
}

/// Revokes the key at once; it stays listed with `revoked_at`. Revoking it again changes nothing.
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (who, id) = (admin.0.who(), parse_id(&id)?);
    state.db(move |conn| Ok::<_, ApiError>(service::api_keys::revoke(conn, &who, id)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
