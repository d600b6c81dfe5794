//! The JSON body extractor every handler uses: checks the content type (415), the size (413),
//! the syntax (400, with line and column) and the shape (422, naming the field by its path).

use std::future::Future;
use std::pin::Pin;

use actix_web::{http::header, web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};
use crate::state::AppState;

pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let limit = req.app_data::<web::Data<AppState>>().map(|s| s.settings.max_json_bytes).unwrap_or(262_144);
        let json = is_json(req);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType(
                    "Send the body as JSON with Content-Type: application/json.".into(),
                ));
            }
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| ApiError::malformed("body", format!("could not be read: {e}")))?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            parse(&body).map(ApiJson)
        })
    }
}

/// Parses a JSON document, telling syntax errors (400) from shape errors (422).
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // Every body this API takes is an object; serde would otherwise read a struct from an array.
    if let Some(first) = body.iter().find(|b| !b.is_ascii_whitespace()) {
        if *first == b'[' || first.is_ascii_digit() || matches!(*first, b'"' | b't' | b'f' | b'n' | b'-') {
            return Err(ApiError::validation("body", "must be a JSON object"));
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.inner();
        let message = inner.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            return ApiError::Malformed {
                detail: format!(
                    "The body is not valid JSON: {message} at line {} column {}.",
                    inner.line(),
                    inner.column()
                ),
                errors: vec![FieldError::new(
                    "body",
                    format!("{message} at line {} column {}", inner.line(), inner.column()),
                )],
            };
        }
        ApiError::Validation(vec![FieldError::new(field_of(&path, &message), message)])
    })?;
    deserializer.end().map_err(|e| ApiError::Malformed {
        detail: format!("The body is not valid JSON: trailing characters at line {} column {}.", e.line(), e.column()),
        errors: vec![FieldError::new("body", "trailing characters after the JSON value")],
    })?;
    Ok(value)
}

/// The field a shape error is about: its path, plus the name serde quotes for missing and
/// unknown fields (which it reports on the enclosing object).
fn field_of(path: &str, message: &str) -> String {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    let base = if path == "." { "" } else { path };
    match named {
        Some(name) if base == name || base.ends_with(&format!(".{name}")) => base.to_owned(),
        Some(name) if base.is_empty() => name.to_owned(),
        Some(name) => format!("{base}.{name}"),
        None if base.is_empty() => "body".to_owned(),
        None => base.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        years: i32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        skills: Vec<Inner>,
    }

    fn field(body: &str) -> (u16, String) {
        match parse::<Outer>(body.as_bytes()).unwrap_err() {
            ApiError::Validation(errors) => (422, errors[0].field.clone()),
            ApiError::Malformed { errors, .. } => (400, errors[0].field.clone()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn shape_errors_name_the_field() {
        assert_eq!(field(r#"{"name":"a","skills":[{"years":"x"}]}"#), (422, "skills[0].years".into()));
        assert_eq!(field(r#"{"skills":[]}"#), (422, "name".into()));
        assert_eq!(field(r#"{"name":"a","skills":[{"years":1,"extra":2}]}"#), (422, "skills[0].extra".into()));
        assert_eq!(field(r#"[1]"#), (422, "body".into()));
    }

    #[test]
    fn syntax_errors_are_400() {
        assert_eq!(field(r#"{"name": "#).0, 400);
        assert_eq!(field(r#"{"name":"a","skills":[]} trailing"#).0, 400);
        assert_eq!(field("").0, 400);
    }
}
