//! Webhooks: endpoints registered by admins get the agency's events from a durable outbox,
//! signed as Standard Webhooks, retried, in order per resource, once per instance set.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::receiver::{verify, Receiver};
use common::{spawn_app_with, spawn_two_instances_with, TestApp, JWT_SECRET, PASSWORD};
use serde_json::{json, Value};

const DELIVERING: [(&str, &str); 2] = [("WEBHOOK_ALLOW_LOOPBACK", "true"), ("WEBHOOK_POLL_MS", "100")];

async fn register(app: &TestApp, token: &str, url: &str, events: &[&str]) -> Value {
    app.create("/api/v1/webhooks", token, json!({"url": url, "events": events, "description": "test"})).await
}

#[actix_web::test]
async fn signed_events_reach_a_registered_endpoint_in_order() {
    let app = spawn_app_with(&DELIVERING).await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let receiver = Receiver::start(&[]);
    let hook =
        register(&app, &s.access, &receiver.url, &["candidate.created", "candidate.updated", "candidate.deleted"])
            .await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");

    let dana = app.create("/api/v1/candidates", &s.access, json!({"full_name": "Dana Reyes"})).await;
    let path = format!("/api/v1/candidates/{}", dana["id"].as_str().unwrap());
    app.patch(&path, &s.access, json!({"phone": "555-0100"})).await.ok(200);
    app.delete(&path, &s.access).await.ok(204);
    // A client is not subscribed to: nothing is sent for it.
    app.create("/api/v1/clients", &s.access, json!({"name": "Mercy"})).await;

    let got = receiver.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 3, "{got:?}");
    let types: Vec<String> = got.iter().map(|r| r.json()["type"].as_str().unwrap().to_owned()).collect();
    assert_eq!(types, ["candidate.created", "candidate.updated", "candidate.deleted"], "in order");
    for r in &got {
        assert!(verify(&secret, r), "the signature verifies: {r:?}");
        assert!(r.id.starts_with("evt_"));
        let age = chrono::Utc::now().timestamp() - r.timestamp.parse::<i64>().unwrap();
        assert!((0..60).contains(&age), "a current timestamp");
        assert_eq!(r.json()["data"]["id"], dana["id"]);
    }
    assert_eq!(got[1].json()["data"]["changed"], json!(["phone"]), "names the field, not its value");
    assert!(!got[1].body.contains("555-0100"), "no personal values in events");
    assert!(!verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &got[0]), "another secret does not verify");

    // The delivery log.
    let log = format!("/api/v1/webhooks/{}/deliveries", hook["id"].as_str().unwrap());
    let deliveries = app.get(&log, &s.access).await.ok(200)["items"].clone();
    assert_eq!(deliveries.as_array().unwrap().len(), 3);
    assert!(deliveries.as_array().unwrap().iter().all(|d| d["state"] == "delivered"
        && d["attempts"] == 1
        && d["last_status"] == 200
        && d["last_latency_ms"].is_i64()));
}

#[actix_web::test]
async fn a_receiver_that_fails_first_gets_the_retry() {
    let app = spawn_app_with(&DELIVERING).await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let receiver = Receiver::start(&[503]);
    let hook = register(&app, &s.access, &receiver.url, &["candidate.created"]).await;
    app.create("/api/v1/candidates", &s.access, json!({"full_name": "Dana Reyes"})).await;

    // Standard Webhooks' schedule: the second attempt about 5 s after the first.
    let got = receiver.wait_for(2, Duration::from_secs(15)).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].id, got[1].id, "a retry is the same message");
    let log = format!("/api/v1/webhooks/{}/deliveries", hook["id"].as_str().unwrap());
    let delivery = app.get(&log, &s.access).await.ok(200)["items"][0].clone();
    assert_eq!((delivery["state"].as_str(), delivery["attempts"].as_i64()), (Some("delivered"), Some(2)));

    // An admin sends it again at once.
    let retry = format!("{log}/{}/retry", delivery["id"].as_str().unwrap());
    app.post(&retry, &s.access, json!({})).await.ok(202);
    assert_eq!(receiver.wait_for(3, Duration::from_secs(10)).await.len(), 3);
}

#[actix_web::test]
async fn a_rolled_back_write_emits_nothing() {
    let app = spawn_app_with(&DELIVERING).await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let receiver = Receiver::start(&[]);
    let hook = register(&app, &s.access, &receiver.url, &["shortlist.stage_changed", "placement.created"]).await;
    let client = app.create("/api/v1/clients", &s.access, json!({"name": "Mercy"})).await;
    let job = json!({"client_id": client["id"], "title": "Epic Analyst", "required_skills": [{"name": "Epic"}]});
    let job = app.create("/api/v1/job-orders", &s.access, job).await;
    let dana = app.create("/api/v1/candidates", &s.access, json!({"full_name": "Dana Reyes"})).await;
    let shortlist = format!("/api/v1/job-orders/{}/shortlist", job["id"].as_str().unwrap());
    app.create(&shortlist, &s.access, json!({"candidate_id": dana["id"]})).await;
    assert_eq!(receiver.wait_for(1, Duration::from_secs(10)).await.len(), 1, "the shortlisting");

    // The move to placed is written, then refused for its missing placement: all rolled back.
    let entry = format!("{shortlist}/{}", dana["id"].as_str().unwrap());
    app.patch(&entry, &s.access, json!({"stage": "placed"})).await.problem(422);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(receiver.received().len(), 1, "no event for the rolled-back move");
    let log = format!("/api/v1/webhooks/{}/deliveries", hook["id"].as_str().unwrap());
    assert_eq!(app.get(&log, &s.access).await.ok(200)["items"].as_array().unwrap().len(), 1);
    let audit = app.get("/api/v1/audit-events?resource=shortlist_entry", &s.access).await.ok(200).clone();
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["created"], "no audit entry for the rolled-back move");
}

#[actix_web::test]
async fn two_instances_on_one_database_deliver_each_event_once() {
    let (a, b) = spawn_two_instances_with(&DELIVERING).await;
    let s = a.signup("Lakeside", "ada@lakeside.example").await;
    let receiver = Receiver::start(&[]);
    register(&a, &s.access, &receiver.url, &["candidate.created"]).await;
    let count = 30;
    for i in 0..count {
        let app = if i % 2 == 0 { &a } else { &b };
        app.create("/api/v1/candidates", &s.access, json!({"full_name": format!("Person {i}")})).await;
    }
    let got = receiver.wait_for(count, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got_later = receiver.received();
    assert_eq!(got.len(), count);
    let mut times: HashMap<String, usize> = HashMap::new();
    for r in &got_later {
        *times.entry(r.id.clone()).or_default() += 1;
    }
    assert_eq!(times.len(), count, "every event arrived");
    assert!(times.values().all(|&n| n == 1), "each once: {times:?}");
}

/// A server process started as a user would (the release or test binary, `serve`).
struct Server {
    child: std::process::Child,
    base: String,
}

impl Server {
    async fn start(database_url: &str, poll_ms: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_bridgehire"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("BIND_ADDRESS", format!("127.0.0.1:{port}"))
            .env("JWT_SECRET", JWT_SECRET)
            .env("WEBHOOK_ALLOW_LOOPBACK", "true")
            .env("WEBHOOK_POLL_MS", poll_ms)
            .env("WORKERS", "1")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the server starts");
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..200 {
            if reqwest::get(format!("{base}/readyz")).await.is_ok_and(|r| r.status() == 200) {
                return Server { child, base };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not become ready");
    }

    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }
}

#[actix_web::test]
async fn an_event_committed_just_before_a_kill_is_delivered_after_restart() {
    // The database, kept by an instance of its own that delivers nothing.
    let keeper = spawn_app_with(&[("WEBHOOK_POLL_MS", "0"), ("WEBHOOK_ALLOW_LOOPBACK", "true")]).await;
    let s = keeper.signup("Lakeside", "ada@lakeside.example").await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/hooks");
    keeper.create("/api/v1/webhooks", &s.access, json!({"url": url, "events": ["candidate.created"]})).await;

    // A server commits a change and is killed (SIGKILL) before it can deliver its event.
    let first = Server::start(&keeper.database_url, "0").await;
    let reply = reqwest::Client::new()
        .post(format!("{}/api/v1/candidates", first.base))
        .bearer_auth(&s.access)
        .json(&json!({"full_name": "Dana Reyes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 201);
    let dana: Value = reply.json().await.unwrap();
    first.kill();

    // After a restart the event goes out.
    let receiver = Receiver::start_on(&format!("127.0.0.1:{port}"), &[]);
    let second = Server::start(&keeper.database_url, "100").await;
    let got = receiver.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["data"]["id"], dana["id"]);
    second.kill();
}

#[actix_web::test]
async fn admins_register_endpoints_that_are_checked_and_kept_to_their_agency() {
    let app = spawn_app_with(&[("WEBHOOK_POLL_MS", "0")]).await;
    let (mine, theirs) = app.two_agencies().await;
    for (body, field) in [
        (json!({"url": "http://hooks.example.com/x", "events": ["candidate.created"]}), "url"),
        (json!({"url": "https://10.1.2.3/x", "events": ["candidate.created"]}), "url"),
        (json!({"url": "https://169.254.169.254/latest", "events": ["candidate.created"]}), "url"),
        (json!({"url": "http://127.0.0.1:9/x", "events": ["candidate.created"]}), "url"),
        (json!({"url": "https://hooks.example.com/x", "events": []}), "events"),
        (json!({"url": "https://hooks.example.com/x", "events": ["candidate.exploded"]}), "events[0]"),
        (json!({"url": "https://hooks.example.com/x", "events": ["candidate.created"], "x": 1}), "x"),
    ] {
        let reply = app.post("/api/v1/webhooks", &mine.access, body.clone()).await;
        reply.problem(422);
        assert_eq!(reply.error_fields(), [field], "{body}");
    }
    assert_eq!(app.get("/api/v1/webhooks", &mine.access).await.ok(200)["items"], json!([]));

    let invite = json!({"name": "Rita", "email": "rita@lakeside.example", "password": PASSWORD, "role": "recruiter"});
    app.post("/api/v1/users", &mine.access, invite).await.ok(201);
    let login = json!({"email": "rita@lakeside.example", "password": PASSWORD});
    let rita = app.public_post("/api/v1/auth/login", login).await.ok(200)["access_token"].as_str().unwrap().to_owned();
    let body = json!({"url": "https://hooks.example.com/x", "events": ["candidate.created"]});
    app.post("/api/v1/webhooks", &rita, body.clone()).await.problem(403);

    let hook = app.create("/api/v1/webhooks", &mine.access, body).await;
    let path = format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap());
    assert!(app.get("/api/v1/webhooks", &mine.access).await.ok(200)["items"][0]["secret"].is_null(), "not listed");
    assert_eq!(app.get(&path, &mine.access).await.ok(200)["secret"], hook["secret"]);
    let changed = app.patch(&path, &mine.access, json!({"events": ["job_order.created"], "description": null})).await;
    assert_eq!(changed.ok(200)["events"], json!(["job_order.created"]));
    for theirs_path in [path.clone(), format!("{path}/deliveries"), format!("{path}/deliveries/1")] {
        app.get(&theirs_path, &theirs.access).await.problem(404);
    }
    app.patch(&path, &theirs.access, json!({"description": "mine"})).await.problem(404);
    app.post(&format!("{path}/test"), &theirs.access, json!({})).await.problem(404);
    app.delete(&path, &theirs.access).await.problem(404);
    app.get(&path, &mine.access).await.ok(200);
    app.delete(&path, &mine.access).await.ok(204);
    app.get(&path, &mine.access).await.problem(404);
}

#[actix_web::test]
async fn a_test_ping_is_signed_and_logged() {
    let app = spawn_app_with(&DELIVERING).await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let receiver = Receiver::start(&[]);
    let hook = register(&app, &s.access, &receiver.url, &["candidate.created"]).await;
    let path = format!("/api/v1/webhooks/{}/test", hook["id"].as_str().unwrap());
    let ping = app.post(&path, &s.access, json!({})).await.ok(202).clone();
    assert_eq!(ping["event_type"], "webhook.test");
    let got = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got[0].json()["type"], "webhook.test");
    assert!(verify(hook["secret"].as_str().unwrap(), &got[0]));
}
