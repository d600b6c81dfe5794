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
    // First the syntax (400), then the shape (422), so a number can be read as people write it.
    let mut value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        let (line, column) = (e.line(), e.column());
        if message.starts_with("trailing characters") {
            return ApiError::Malformed {
                detail: format!("The body is not valid JSON: trailing characters at line {line} column {column}."),
                errors: vec![FieldError::new("body", "trailing characters after the JSON value")],
            };
        }
        ApiError::Malformed {
            detail: format!("The body is not valid JSON: {message} at line {line} column {column}."),
            errors: vec![FieldError::new("body", format!("{message} at line {line} column {column}"))],
        }
    })?;
    whole_numbers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let message = error.inner().to_string();
        ApiError::Validation(vec![FieldError::new(field_of(&path, &message), plain(&message))])
    })
}

/// `6500.0` is the whole number 6500: a float without a fraction (within the range a double
/// holds exactly) becomes an integer, anywhere in the document.
fn whole_numbers(value: &mut serde_json::Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= EXACT) {
                *n = serde_json::Number::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// serde's messages in the words of the API: "invalid type: floating point `6500.5`, expected
/// i64" is "must be a whole number".
fn plain(message: &str) -> String {
    let expected = message.rsplit("expected ").next().unwrap_or_default();
    let integer = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize"].contains(&expected);
    if message.starts_with("invalid type:") {
        let wanted = match expected {
            _ if integer => "a whole number",
            "a string" => "a string",
            "a boolean" => "true or false",
            "a sequence" => "an array",
            "f64" | "f32" => "a number",
            e if e.starts_with("struct") || e == "a map" => "an object",
            _ => return message.to_owned(),
        };
        let got = message.trim_start_matches("invalid type: ").split(',').next().unwrap_or_default();
        return format!("must be {wanted}, not {got}");
    }
    if message.starts_with("invalid value: integer") && integer {
        return "is out of range".to_owned();
    }
    message.to_owned()
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

    fn message(body: &str) -> String {
        match parse::<Outer>(body.as_bytes()).unwrap_err() {
            ApiError::Validation(errors) => errors[0].message.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_point_and_mistakes_are_said_plainly() {
        let read = parse::<Outer>(br#"{"name":"a","skills":[{"years":6.0},{"years":2e1}]}"#).unwrap();
        assert_eq!(read.skills.iter().map(|s| s.years).collect::<Vec<_>>(), [6, 20]);
        assert_eq!(
            message(r#"{"name":"a","skills":[{"years":6.5}]}"#),
            "must be a whole number, not floating point `6.5`"
        );
        assert_eq!(
            message(r#"{"name":"a","skills":[{"years":"six"}]}"#),
            r#"must be a whole number, not string "six""#
        );
        assert_eq!(message(r#"{"name":"a","skills":[{"years":99999999999}]}"#), "is out of range");
        assert_eq!(message(r#"{"name":7,"skills":[]}"#), "must be a string, not integer `7`");
        assert_eq!(message(r#"{"name":"a","skills":{}}"#), "must be an array, not map");
    }

    #[test]
    fn syntax_errors_are_400() {
        assert_eq!(field(r#"{"name": "#).0, 400);
        assert_eq!(field(r#"{"name":"a","skills":[]} trailing"#).0, 400);
        assert_eq!(field("").0, 400);
    }
}
