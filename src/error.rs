//! Every error a client can see, as RFC 9457 `application/problem+json`, and every conversion
//! into it: this is the only place where an error becomes a status code.
//!
//! Error policy: model functions return `diesel::QueryResult` or `db::WriteError`; services
//! return `service::Error`; handlers and extractors return [`ApiError`]; start-up code and the
//! command line use `anyhow`. A 4xx says exactly what to fix. A 5xx says nothing internal: its
//! cause is logged here, once, inside the request's span (which carries the request id the
//! client sees in `X-Request-Id`).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::db::WriteError;
pub use crate::domain::validate::FieldError;
use crate::domain::validate::Invalid;
use crate::resume::intake::ReadError;
use crate::service;
use crate::state::{Overloaded, Unavailable};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("malformed request: {detail}")]
    Malformed { detail: String, errors: Vec<FieldError> },
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("conflict: {detail}")]
    Conflict { detail: String, existing_id: Option<String> },
    #[error("precondition failed")]
    PreconditionFailed { current_version: i32 },
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// Try again shortly: `detail` is safe to show; `cause` is only logged (load shedding has
    /// none: `state::Gate` logs it).
    #[error("service unavailable: {detail}")]
    Unavailable { detail: String, retry_after_secs: u64, cause: Option<String> },
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn malformed(field: impl Into<String>, message: impl Into<String>) -> Self {
        let error = FieldError::new(field, message);
        ApiError::Malformed { detail: format!("{}: {}", error.field, error.message), errors: vec![error] }
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(error.into())
    }

    /// The stable problem type slug; the `type` member is `/problems/<slug>`.
    pub fn slug(&self) -> &'static str {
        match self {
            ApiError::Malformed { .. } => "malformed-request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::Conflict { .. } => "conflict",
            ApiError::PreconditionFailed { .. } => "precondition-failed",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::Validation(_) => "validation",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::Unavailable { .. } => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::Malformed { .. } => "Malformed request",
            ApiError::Unauthorized(_) => "Authentication required",
            ApiError::Forbidden(_) => "Forbidden",
            ApiError::NotFound => "Not found",
            ApiError::MethodNotAllowed { .. } => "Method not allowed",
            ApiError::Conflict { .. } => "Conflict",
            ApiError::PreconditionFailed { .. } => "Precondition failed",
            ApiError::PayloadTooLarge { .. } => "Payload too large",
            ApiError::UnsupportedMediaType(_) => "Unsupported media type",
            ApiError::Validation(_) => "Validation failed",
            ApiError::TooManyRequests { .. } => "Too many requests",
            ApiError::Unavailable { .. } => "Service unavailable",
            ApiError::Internal(_) => "Internal server error",
        }
    }

    /// What a client is told: the problem's `detail`.
    pub fn detail(&self) -> String {
        match self {
            ApiError::Malformed { detail, .. } => detail.clone(),
            ApiError::Unauthorized(why) | ApiError::Forbidden(why) => why.clone(),
            ApiError::NotFound => "No such resource.".into(),
            ApiError::MethodNotAllowed { allow } => format!("Allowed methods: {allow}."),
            ApiError::Conflict { detail, .. } => detail.clone(),
            ApiError::PreconditionFailed { current_version } => format!(
                "The resource has changed since you read it; it is now at version {current_version}. \
                 Fetch it again and re-apply your change."
            ),
            ApiError::PayloadTooLarge { limit } => format!("The request body exceeds the limit of {limit} bytes."),
            ApiError::UnsupportedMediaType(why) => why.clone(),
            ApiError::Validation(errors) => match errors.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                many => format!("{} fields are invalid; see errors.", many.len()),
            },
            ApiError::TooManyRequests { retry_after_secs } => {
                format!("Too many failed attempts. Try again in {retry_after_secs} seconds.")
            }
            ApiError::Unavailable { detail, retry_after_secs, .. } => {
                format!("{detail} Try again in {retry_after_secs} second(s).")
            }
            ApiError::Internal(_) => "Something went wrong on our side. It has been logged.".into(),
        }
    }

    fn field_errors(&self) -> Option<&[FieldError]> {
        match self {
            ApiError::Malformed { errors, .. } | ApiError::Validation(errors) => Some(errors),
            _ => None,
        }
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'static str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [FieldError]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    existing_id: Option<&'a str>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Malformed { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            ApiError::Internal(cause) => tracing::error!(error = %format!("{cause:#}"), "request failed"),
            // Without a cause it is load shedding, which its gate logs once a second.
            ApiError::Unavailable { detail, cause: Some(cause), .. } => {
                tracing::warn!(%detail, %cause, "request refused: service unavailable")
            }
            _ => {}
        }
        let body = Problem {
            kind: format!("/problems/{}", self.slug()),
            title: self.title(),
            status: status.as_u16(),
            detail: self.detail(),
            errors: self.field_errors(),
            existing_id: match self {
                ApiError::Conflict { existing_id, .. } => existing_id.as_deref(),
                _ => None,
            },
        };
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        match self {
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"bridgehire\""));
            }
            ApiError::TooManyRequests { retry_after_secs } | ApiError::Unavailable { retry_after_secs, .. } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.clone()));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&body).unwrap_or_default())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        ApiError::from(WriteError::from(error))
    }
}

impl From<WriteError> for ApiError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::NotFound => ApiError::NotFound,
            WriteError::Stale { current_version } => ApiError::PreconditionFailed { current_version },
            WriteError::Conflict { detail, existing_id } => {
                ApiError::Conflict { detail, existing_id: existing_id.map(|id| id.to_string()) }
            }
            WriteError::Invalid(errors) => ApiError::Validation(errors),
            WriteError::Busy => ApiError::Unavailable {
                detail: "The record is being changed by other requests right now.".into(),
                retry_after_secs: 1,
                cause: Some("concurrent writes kept winning (deadlock, serialization failure or SQLite busy)".into()),
            },
            WriteError::Db(other) => ApiError::Internal(other.into()),
        }
    }
}

impl From<service::Error> for ApiError {
    fn from(error: service::Error) -> Self {
        use service::Error;
        match error {
            Error::Write(error) => error.into(),
            Error::Read(ReadError::Unsupported(why)) => ApiError::UnsupportedMediaType(why),
            Error::Read(ReadError::Unreadable(why)) => ApiError::validation("file", why),
            Error::Unauthorized(why) => ApiError::Unauthorized(why),
            Error::Forbidden(why) => ApiError::Forbidden(why),
            Error::Throttled { retry_after_secs } => ApiError::TooManyRequests { retry_after_secs },
            Error::Overloaded(overloaded) => overloaded.into(),
            Error::Unavailable(unavailable) => unavailable.into(),
            Error::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError::Validation(invalid.0)
    }
}

impl From<Overloaded> for ApiError {
    fn from(overloaded: Overloaded) -> Self {
        ApiError::Unavailable {
            detail: format!("The server is busy with {}.", overloaded.what),
            retry_after_secs: overloaded.retry_after_secs,
            cause: None,
        }
    }
}

impl From<Unavailable> for ApiError {
    fn from(unavailable: Unavailable) -> Self {
        let detail = match unavailable {
            Unavailable::Pool(_) => "The database is not reachable right now.",
            Unavailable::Task(_) => "The server could not finish the request.",
        };
        ApiError::Unavailable { detail: detail.into(), retry_after_secs: 1, cause: Some(unavailable.to_string()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_its_status_code() {
        let cases = [
            (ApiError::malformed("limit", "x"), 400),
            (ApiError::Unauthorized("x".into()), 401),
            (ApiError::Forbidden("x".into()), 403),
            (ApiError::NotFound, 404),
            (ApiError::MethodNotAllowed { allow: "GET".into() }, 405),
            (ApiError::Conflict { detail: "x".into(), existing_id: None }, 409),
            (ApiError::PreconditionFailed { current_version: 2 }, 412),
            (ApiError::PayloadTooLarge { limit: 1 }, 413),
            (ApiError::UnsupportedMediaType("x".into()), 415),
            (ApiError::validation("f", "x"), 422),
            (ApiError::TooManyRequests { retry_after_secs: 1 }, 429),
            (ApiError::internal(anyhow::anyhow!("secret")), 500),
            (ApiError::Unavailable { detail: "x".into(), retry_after_secs: 1, cause: None }, 503),
        ];
        for (error, status) in cases {
            assert_eq!(error.status_code().as_u16(), status, "{error:?}");
        }
    }

    #[test]
    fn internal_errors_say_nothing_internal() {
        let error = ApiError::internal(anyhow::anyhow!("password_hash column missing"));
        assert!(!error.detail().contains("password_hash"));
        let error = ApiError::from(Unavailable::Task("connection to root@10.0.0.5 refused".into()));
        assert!(!error.detail().contains("10.0.0.5"), "{}", error.detail());
    }

    #[test]
    fn a_lost_race_is_a_412_or_409_or_a_503_to_retry_never_a_500() {
        assert_eq!(ApiError::from(WriteError::Stale { current_version: 3 }).status_code().as_u16(), 412);
        assert_eq!(ApiError::from(WriteError::conflict("x")).status_code().as_u16(), 409);
        let busy = ApiError::from(WriteError::Busy);
        assert_eq!(busy.status_code().as_u16(), 503);
        assert_eq!(busy.error_response().headers().get("retry-after").unwrap(), "1");
    }
}
