//! Shared test helpers: each test gets the real application on a random port over a fresh
//! database — a temp-file SQLite database, or, when `TEST_DATABASE_URL` is set, a fresh
//! PostgreSQL schema that is dropped afterwards. An unreachable PostgreSQL fails the test.
#![allow(dead_code)]

pub mod receiver;

use std::collections::HashMap;

use bridgehire::config::Settings;
use bridgehire::startup::Application;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const JWT_SECRET: &str = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
pub const PASSWORD: &str = "violet-kettle-marathon-42";

enum TestDb {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { url: String, schema: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { url, schema } = self {
            use diesel::connection::SimpleConnection;
            use diesel::Connection;
            if let Ok(mut conn) = diesel::PgConnection::establish(url) {
                let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }
    }
}

pub struct TestApp {
    pub base: String,
    /// The database this app serves, for tests that drive the same data another way.
    pub database_url: String,
    pub client: reqwest::Client,
    _db: Option<TestDb>,
}

fn fresh_database() -> (String, TestDb) {
    match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(url) => {
            use diesel::connection::SimpleConnection;
            use diesel::Connection;
            let schema = format!("bh_t_{:016x}", rand::random::<u64>());
            let mut conn = diesel::PgConnection::establish(&url)
                .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}"));
            conn.batch_execute(&format!("CREATE SCHEMA {schema}")).expect("create test schema");
            let separator = if url.contains('?') { '&' } else { '?' };
            let app_url = format!("{url}{separator}options=-csearch_path%3D{schema}");
            (app_url, TestDb::Postgres { url, schema })
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/test.db", dir.path().display());
            (url, TestDb::Sqlite(dir))
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The app with some settings overridden, e.g. `[("ALLOW_SIGNUP", "false")]`.
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let (database_url, db) = fresh_database();
    let app = Application::build(settings(&database_url, overrides)).await.expect("application builds");
    serve(app, Some(db), &database_url)
}

/// Two instances started at the same moment on one fresh database, as behind a load balancer.
pub async fn spawn_two_instances() -> (TestApp, TestApp) {
    spawn_two_instances_with(&[]).await
}

/// Two instances on one fresh database, with some settings overridden.
pub async fn spawn_two_instances_with(overrides: &[(&str, &str)]) -> (TestApp, TestApp) {
    let (database_url, db) = fresh_database();
    let (first, second) = futures_util::future::join(
        Application::build(settings(&database_url, overrides)),
        Application::build(settings(&database_url, overrides)),
    )
    .await;
    (
        serve(first.expect("first instance builds"), Some(db), &database_url),
        serve(second.expect("second instance builds"), None, &database_url),
    )
}

/// A second instance started later on the same database, as after an upgrade or a restart.
pub async fn restart_on(app: &TestApp) -> TestApp {
    spawn_app_with_database(app, &[]).await
}

/// Another instance on `app`'s database, with some settings overridden.
pub async fn spawn_app_with_database(app: &TestApp, overrides: &[(&str, &str)]) -> TestApp {
    let next = Application::build(settings(&app.database_url, overrides)).await.expect("application builds");
    serve(next, None, &app.database_url)
}

fn serve(app: Application, db: Option<TestDb>, database_url: &str) -> TestApp {
    let base = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp { base, database_url: database_url.to_owned(), client: reqwest::Client::new(), _db: db }
}

pub fn settings(database_url: &str, overrides: &[(&str, &str)]) -> Settings {
    let mut vars: HashMap<String, String> = [
        ("DATABASE_URL", database_url),
        ("BIND_ADDRESS", "127.0.0.1:0"),
        ("JWT_SECRET", JWT_SECRET),
        ("WORKERS", "1"),
        ("DB_POOL_SIZE", "4"),
        ("SHUTDOWN_TIMEOUT_SECONDS", "0"),
        ("EXTRACTOR_PROGRAM", env!("CARGO_BIN_EXE_bridgehire")),
        // No webhook delivery worker unless a test asks for one (tests/webhooks.rs).
        ("WEBHOOK_POLL_MS", "0"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in overrides {
        vars.insert(k.to_string(), v.to_string());
    }
    Settings::from_lookup(|k| vars.get(k).cloned()).expect("test settings")
}

/// A signed-up admin: tokens and ids.
#[derive(Debug, Clone)]
pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user_id: String,
    pub agency_id: String,
    pub email: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// Asserts an RFC 9457 problem with this status, and returns its body.
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.body);
        let content_type = self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert_eq!(content_type, "application/problem+json", "problem content type");
        assert_eq!(self.body["status"], status, "problem status member");
        assert!(self.body["type"].as_str().is_some_and(|t| t.starts_with("/problems/")), "type: {}", self.body);
        assert!(self.body["title"].is_string());
        &self.body
    }

    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.body);
        &self.body
    }

    /// The fields named in a problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }
}

impl TestApp {
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{}", self.base, path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body read");
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Reply { status, headers, body }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.request(Method::GET, path, Some(token), None, &[]).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(Method::POST, path, Some(token), Some(body), &[]).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(Method::PATCH, path, Some(token), Some(body), &[]).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.request(Method::DELETE, path, Some(token), None, &[]).await
    }

    pub async fn public_post(&self, path: &str, body: Value) -> Reply {
        self.request(Method::POST, path, None, Some(body), &[]).await
    }

    /// Signs up a new agency with its first admin.
    pub async fn signup(&self, agency: &str, email: &str) -> Session {
        let reply = self
            .public_post(
                "/api/v1/auth/signup",
                json!({"agency_name": agency, "name": "Ada Admin", "email": email, "password": PASSWORD}),
            )
            .await;
        let body = reply.ok(201);
        Session {
            access: body["access_token"].as_str().unwrap().to_owned(),
            refresh: body["refresh_token"].as_str().unwrap().to_owned(),
            user_id: body["user"]["id"].as_str().unwrap().to_owned(),
            agency_id: body["agency"]["id"].as_str().unwrap().to_owned(),
            email: email.to_owned(),
        }
    }

    /// Two agencies, for tenancy tests.
    pub async fn two_agencies(&self) -> (Session, Session) {
        (
            self.signup("Lakeside Staffing", "ada@lakeside.example").await,
            self.signup("Harbor Talent", "hal@harbor.example").await,
        )
    }

    /// Uploads a file as the multipart part `file`, as a recruiter's tool would.
    pub async fn upload(&self, token: &str, path: &str, filename: &str, bytes: Vec<u8>) -> Reply {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_owned());
        let form = reqwest::multipart::Form::new().part("file", part);
        let response =
            self.client.post(format!("{}{}", self.base, path)).bearer_auth(token).multipart(form).send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Reply { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
    }

    pub async fn create(&self, path: &str, token: &str, body: Value) -> Value {
        self.post(path, token, body).await.ok(201).clone()
    }

    /// Deletes every rate card entry of the caller's agency. A new agency starts with the
    /// default card; tests of an agency without one begin here.
    pub async fn clear_rate_card(&self, token: &str) {
        let page = self.get("/api/v1/rate-card?limit=100", token).await.ok(200).clone();
        assert_eq!(page["next_cursor"], Value::Null, "the whole card fits one page");
        for entry in page["items"].as_array().unwrap() {
            self.delete(&format!("/api/v1/rate-card/{}", entry["id"].as_str().unwrap()), token).await.ok(204);
        }
    }
}

/// Checks that no ramp-up plan in a match answer recommends, before or after placement, a
/// retired certification or one the candidate already holds (as a skill or a certification).
pub async fn assert_truthful_plans(app: &TestApp, token: &str, answer: &Value) {
    let mut retired = std::collections::HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_path = match &cursor {
            Some(c) => format!("/api/v1/skills?category=certification&limit=100&cursor={c}"),
            None => "/api/v1/skills?category=certification&limit=100".to_owned(),
        };
        let page = app.get(&page_path, token).await.ok(200).clone();
        for skill in page["items"].as_array().unwrap() {
            if skill["certification"]["status"] == "retired" {
                retired.insert(skill["name"].as_str().unwrap().to_lowercase());
            }
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert!(retired.contains("comptia healthcare it technician"), "the taxonomy knows what is retired");
    for m in answer["matches"].as_array().unwrap() {
        let Some(plan) = m["ramp_up"].as_object() else { continue };
        let person = app.get(&format!("/api/v1/candidates/{}", m["candidate_id"].as_str().unwrap()), token).await;
        if person.status == 404 {
            continue; // deleted since the answer, by a test that writes while it matches
        }
        let person = person.ok(200);
        let held: std::collections::HashSet<String> = person["skills"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_lowercase())
            .chain(person["certifications"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_lowercase()))
            .collect();
        let recommended = plan["steps"].as_array().unwrap().iter().chain(plan["after_placement"].as_array().unwrap());
        for step in recommended {
            let name = step["name"].as_str().unwrap().to_lowercase();
            assert!(!retired.contains(&name), "{} is recommended {name}, a retired certification", m["full_name"]);
            assert!(!held.contains(&name), "{} is recommended {name}, which they hold", m["full_name"]);
        }
    }
}
