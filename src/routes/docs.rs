//! Interactive API documentation at `/docs/`: Swagger UI, its files bundled into the binary at
//! build time (no network needed), reading this service's `/openapi.yaml`.

use std::sync::{Arc, OnceLock};

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use utoipa_swagger_ui::Config;

use crate::error::ApiError;

fn config() -> Arc<Config<'static>> {
    static CONFIG: OnceLock<Arc<Config<'static>>> = OnceLock::new();
    CONFIG.get_or_init(|| Arc::new(Config::from("/openapi.yaml").try_it_out_enabled(true))).clone()
}

/// `/docs` → `/docs/`, so the page's relative asset paths resolve.
pub async fn docs_root() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/docs/")).finish()
}

/// The page (`/docs/`) and its files (`/docs/swagger-ui.css`, …).
pub async fn docs_file(tail: web::Path<String>) -> Result<HttpResponse, ApiError> {
    match utoipa_swagger_ui::serve(&tail, config()) {
        Ok(Some(file)) => Ok(HttpResponse::Ok()
            .content_type(file.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(file.bytes.into_owned())),
        Ok(None) => Err(ApiError::NotFound),
        Err(error) => Err(ApiError::internal(anyhow::anyhow!("swagger ui: {error}"))),
    }
}
