//! Structured logs: human-readable by default, one JSON object per line with `LOG_FORMAT=json`;
//! and the request log: one line per request, and every line a request causes (in blocking work
//! too) carrying its request id.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use tracing::Instrument;
use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's id, kept in its extensions for what records the request (the audit log).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The caller's request id when it is well formed (1 to 128 letters, digits and `._:-`, so it
/// cannot forge a log line), else a new one.
fn request_id(req: &ServiceRequest) -> String {
    let given = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).filter(|v| {
        (1..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
    });
    match given {
        Some(id) => id.to_owned(),
        None => format!("{:016x}", rand::random::<u64>()),
    }
}

/// Runs the request inside a span named `request` with its method, route pattern (never the
/// path, which holds ids), request id, and, once the caller is known, agency and user ids (see
/// [`record_caller`]); logs one line when it ends, with the status and duration; and answers the
/// request id in `X-Request-Id`. Tokens, bodies and query strings are never logged.
pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let id = request_id(&req);
    let route = req.match_pattern().unwrap_or_else(|| "(no route)".to_owned());
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = %route,
        request_id = %id,
        agency_id = tracing::field::Empty,
        user_id = tracing::field::Empty,
        api_key_id = tracing::field::Empty,
    );
    req.extensions_mut().insert(RequestId(id.clone()));
    let outcome = next.call(req).instrument(span.clone()).await;
    let status = match &outcome {
        Ok(response) => response.status(),
        Err(error) => error.as_response_error().status_code(),
    };
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| tracing::info!(status = status.as_u16(), duration_ms = format!("{duration_ms:.1}"), "request"));
    let mut response = outcome?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}

/// Names the verified caller in the current request's log span: a user or an API key.
pub fn record_caller(agency_id: i64, user_id: Option<i64>, api_key_id: Option<i64>) {
    let span = tracing::Span::current();
    span.record("agency_id", agency_id);
    if let Some(id) = user_id {
        span.record("user_id", id);
    }
    if let Some(id) = api_key_id {
        span.record("api_key_id", id);
    }
}

/// Marks a request that came as `HEAD` before [`head_as_get`] routed it as a `GET`.
struct CameAsHead;

/// `HEAD` is served by every `GET` route: the request is routed as a `GET`, and the server
/// sends the headers without the body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
        req.extensions_mut().insert(CameAsHead);
    }
    next.call(req).await
}

/// Whether the request came as `HEAD`: a handler whose body is expensive to make (a streamed
/// export) can then skip making it, since the server would not send it.
pub fn is_head(req: &actix_web::HttpRequest) -> bool {
    req.extensions().contains::<CameAsHead>()
}
