//! The audit log: every write, who made it (a person or an API key), which fields it set (never
//! their values), the request it came in; admins read it with filters, newest first.

mod common;

use common::{spawn_app, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};

fn actions(page: &Value) -> Vec<(String, String, Vec<String>)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let fields = e["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_owned()).collect();
            (e["resource"].as_str().unwrap().to_owned(), e["action"].as_str().unwrap().to_owned(), fields)
        })
        .collect()
}

#[actix_web::test]
async fn every_write_is_recorded_with_who_what_and_which_fields() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app
        .request(
            Method::POST,
            "/api/v1/candidates",
            Some(&s.access),
            Some(json!({"full_name": "Dana Reyes", "phone": "+1 555 0100"})),
            &[("x-request-id", "tool-run-42")],
        )
        .await;
    let dana = reply.ok(201).clone();
    let path = format!("/api/v1/candidates/{}", dana["id"].as_str().unwrap());
    app.patch(&path, &s.access, json!({"phone": "+1 555 0199", "full_name": "Dana Reyes"})).await.ok(200);
    app.patch(&path, &s.access, json!({"full_name": "Dana Reyes"})).await.ok(200);
    let key = app.create("/api/v1/api-keys", &s.access, json!({"name": "sync", "scopes": ["write"]})).await;
    app.delete(&path, key["secret"].as_str().unwrap()).await.ok(204);

    let page = app.get("/api/v1/audit-events?resource=candidate", &s.access).await.ok(200).clone();
    assert_eq!(
        actions(&page),
        [
            ("candidate".into(), "deleted".into(), vec![]),
            ("candidate".into(), "updated".into(), vec!["phone".to_owned()]),
            (
                "candidate".into(),
                "created".into(),
                ["full_name", "phone", "remote_ok", "status"].map(String::from).to_vec()
            ),
        ],
        "newest first; a write that changed nothing is no entry"
    );
    let items = page["items"].as_array().unwrap();
    assert_eq!(items[2]["request_id"], "tool-run-42");
    assert_eq!(items[2]["actor"], json!({"kind": "user", "id": s.user_id}));
    assert_eq!(items[0]["actor"], json!({"kind": "api_key", "id": key["id"]}));
    assert!(items.iter().all(|e| e["resource_id"] == dana["id"]));
    assert!(!page.to_string().contains("555"), "field names, never personal values");

    // Filters.
    let by_key = format!("/api/v1/audit-events?actor_kind=api_key&actor_id={}", key["id"].as_str().unwrap());
    assert_eq!(actions(app.get(&by_key, &s.access).await.ok(200)).len(), 1);
    let by_id = format!("/api/v1/audit-events?resource=candidate&resource_id={}", dana["id"].as_str().unwrap());
    assert_eq!(actions(app.get(&by_id, &s.access).await.ok(200)).len(), 3);
    let future = app.get("/api/v1/audit-events?from=2099-01-01T00:00:00Z", &s.access).await;
    assert_eq!(future.ok(200)["items"], json!([]));
    let past = app.get("/api/v1/audit-events?until=2000-01-01T00:00:00Z", &s.access).await;
    assert_eq!(past.ok(200)["items"], json!([]));

    // Keyset pages.
    let all = app.get("/api/v1/audit-events?limit=100", &s.access).await.ok(200).clone();
    let first = app.get("/api/v1/audit-events?limit=2", &s.access).await.ok(200).clone();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("/api/v1/audit-events?limit=100&cursor={cursor}"), &s.access).await.ok(200).clone();
    let joined: Vec<Value> =
        first["items"].as_array().unwrap().iter().chain(second["items"].as_array().unwrap()).cloned().collect();
    assert_eq!(Value::Array(joined), all["items"]);
}

#[actix_web::test]
async fn only_the_agencys_admins_read_its_log() {
    let app = spawn_app().await;
    let (mine, theirs) = app.two_agencies().await;
    app.create("/api/v1/candidates", &mine.access, json!({"full_name": "Dana Reyes"})).await;
    let invite = json!({"name": "Rita", "email": "rita@lakeside.example", "password": PASSWORD, "role": "recruiter"});
    app.post("/api/v1/users", &mine.access, invite).await.ok(201);
    let login = json!({"email": "rita@lakeside.example", "password": PASSWORD});
    let rita = app.public_post("/api/v1/auth/login", login).await.ok(200)["access_token"].as_str().unwrap().to_owned();
    app.get("/api/v1/audit-events", &rita).await.problem(403);

    let theirs_log = app.get("/api/v1/audit-events?limit=100", &theirs.access).await.ok(200).clone();
    assert!(
        theirs_log["items"].as_array().unwrap().iter().all(|e| e["resource"] != "candidate"),
        "another agency's writes are not in the log: {theirs_log}"
    );
    for bad in ["actor_kind=robot&actor_id=1", "actor_kind=user", "from=yesterday", "resource=planet", "limit=0"] {
        let reply = app.get(&format!("/api/v1/audit-events?{bad}"), &mine.access).await;
        assert_eq!(reply.status, 400, "{bad}");
    }
}

#[actix_web::test]
async fn entries_past_their_retention_are_deleted() {
    use diesel::connection::SimpleConnection;
    let app = common::spawn_app_with(&[("AUDIT_RETENTION_DAYS", "30")]).await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    app.create("/api/v1/candidates", &s.access, json!({"full_name": "Old Entry"})).await;
    app.create("/api/v1/candidates", &s.access, json!({"full_name": "New Entry"})).await;
    let target = bridgehire::db::Target::parse(&app.database_url).unwrap();
    let pool = bridgehire::db::connect(&target, 1, 5_000).unwrap();
    let oldest = app.get("/api/v1/audit-events?resource=candidate", &s.access).await.ok(200)["items"][1]["id"].clone();
    let sql = format!("UPDATE audit_events SET at = '2000-01-01 00:00:00' WHERE id = {}", oldest.as_str().unwrap());
    pool.get().unwrap().batch_execute(&sql).unwrap();

    // An instance with a delivery worker purges at start, then hourly.
    let worker =
        common::spawn_app_with_database(&app, &[("WEBHOOK_POLL_MS", "100"), ("AUDIT_RETENTION_DAYS", "30")]).await;
    let mut left = Vec::new();
    for _ in 0..100 {
        left = app.get("/api/v1/audit-events?resource=candidate", &s.access).await.ok(200)["items"]
            .as_array()
            .unwrap()
            .clone();
        if left.len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(left.len(), 1, "the old entry is gone, the new one stays");
    assert_ne!(left[0]["id"], oldest);
    drop(worker);
}
