//! Liveness, readiness and the contract.

use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;

const OPENAPI: &str = include_str!("../../openapi.yaml");

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Ready when the database answers a query.
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .db(|conn| {
            conn.batch_execute("SELECT 1").map_err(|e| ApiError::Unavailable {
                detail: "The database did not answer.".into(),
                retry_after_secs: 1,
                cause: Some(e.to_string()),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({"status": "ready"})))
}

pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().content_type("application/yaml").body(OPENAPI)
}
