//! The request log and HEAD: one line per request with its route pattern, status, duration and
//! request id (the caller's, when well formed), the verified caller's agency and user ids, and
//! never a token; every GET also answers HEAD, without a body.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use common::spawn_app;
use reqwest::Method;

/// Everything logged by this test binary, as JSON lines.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_writer(move || writer.clone())
            .init();
        log
    })
}

/// The request lines logged for this request id.
fn lines_of(request_id: &str) -> Vec<serde_json::Value> {
    let text = String::from_utf8_lossy(&captured().0.lock().unwrap()).into_owned();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["span"]["request_id"] == request_id && v["message"] == "request")
        .collect()
}

#[actix_web::test]
async fn every_request_is_one_line_with_route_status_ids_and_no_secrets() {
    captured();
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app
        .request(
            Method::GET,
            "/api/v1/candidates/999?x=secret",
            Some(&s.access),
            None,
            &[("x-request-id", "trace-42.a:b")],
        )
        .await;
    reply.problem(404);
    assert_eq!(reply.header("x-request-id").as_deref(), Some("trace-42.a:b"), "a well-formed id is honoured");
    let lines = lines_of("trace-42.a:b");
    assert_eq!(lines.len(), 1, "one line per request: {lines:?}");
    let line = &lines[0];
    assert_eq!(line["status"], 404);
    assert_eq!(line["span"]["method"], "GET");
    assert_eq!(line["span"]["route"], "/api/v1/candidates/{id}", "the pattern, not the path");
    assert_eq!(line["span"]["agency_id"].to_string(), s.agency_id);
    assert_eq!(line["span"]["user_id"].to_string(), s.user_id);
    assert!(line["duration_ms"].as_str().unwrap().parse::<f64>().is_ok());

    // A malformed id (it could forge a log line) is replaced, and the answer names the new one.
    let reply = app.request(Method::GET, "/healthz", None, None, &[("x-request-id", "bad id {injected}")]).await;
    let new_id = reply.header("x-request-id").expect("an id");
    assert_ne!(new_id, "bad id {injected}");
    assert_eq!(lines_of(&new_id).len(), 1);

    let everything = String::from_utf8_lossy(&captured().0.lock().unwrap()).into_owned();
    assert!(!everything.contains(&s.access), "no access token in the log");
    assert!(!everything.contains(&s.refresh), "no refresh token in the log");
    assert!(!everything.contains("secret"), "no query string in the log");
    assert!(!everything.contains("ada@lakeside.example"), "no e-mail address in the log");
}

#[actix_web::test]
async fn every_get_answers_head_with_its_headers_and_no_body() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    for path in ["/healthz", "/openapi.yaml", "/api/v1/me", "/api/v1/candidates?limit=1", "/api/v1/agency"] {
        let url = format!("{}{path}", app.base);
        let get = app.client.get(&url).bearer_auth(&s.access).send().await.unwrap();
        let head = app.client.head(&url).bearer_auth(&s.access).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "{path}");
        assert_eq!(head.headers().get("content-type"), get.headers().get("content-type"), "{path}");
        assert_eq!(head.headers().get("etag"), get.headers().get("etag"), "{path}");
        assert!(head.bytes().await.unwrap().is_empty(), "{path}: HEAD has no body");
    }
    let missing = app.client.head(format!("{}/api/v1/candidates/999", app.base)).bearer_auth(&s.access).send().await;
    assert_eq!(missing.unwrap().status(), 404);
    let reply = app.request(Method::DELETE, "/api/v1/me", Some(&s.access), None, &[]).await;
    reply.problem(405);
    assert_eq!(reply.header("allow").as_deref(), Some("GET, HEAD"));
}
