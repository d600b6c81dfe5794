//! API keys: admins make them for tools, a key acts for its agency within its scopes, and a
//! revoked or expired key is refused at once.

mod common;

use common::{spawn_app, TestApp, PASSWORD};
use serde_json::{json, Value};

/// A new key's secret (shown once) and its id.
async fn key(app: &TestApp, admin: &str, name: &str, scopes: &[&str]) -> (String, String) {
    let reply = app.post("/api/v1/api-keys", admin, json!({"name": name, "scopes": scopes})).await;
    let body = reply.ok(201).clone();
    assert_eq!(reply.header("location").unwrap(), format!("/api/v1/api-keys/{}", body["id"].as_str().unwrap()));
    assert_eq!(reply.header("cache-control").as_deref(), Some("no-store"));
    (body["secret"].as_str().unwrap().to_owned(), body["id"].as_str().unwrap().to_owned())
}

async fn recruiter(app: &TestApp, admin: &str, email: &str) -> String {
    let invite = json!({"name": "Rita", "email": email, "password": PASSWORD, "role": "recruiter"});
    app.post("/api/v1/users", admin, invite).await.ok(201);
    let login = app.public_post("/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await;
    login.ok(200)["access_token"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn an_admin_makes_a_key_that_is_shown_once_and_stored_as_a_hash() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app.post("/api/v1/api-keys", &s.access, json!({"name": "Sheets sync", "scopes": ["read"]})).await;
    let created = reply.ok(201).clone();
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("bh_live_") && secret.len() >= 8 + 43, "{secret}");
    assert!(secret[8..].chars().all(|c| c.is_ascii_alphanumeric()), "base62: {secret}");
    assert!(secret.starts_with(created["prefix"].as_str().unwrap()));
    assert_eq!(created["scopes"], json!(["read"]));
    assert_eq!(created["created_by"], json!(s.user_id));
    assert_eq!((created["last_used_at"].clone(), created["revoked_at"].clone()), (Value::Null, Value::Null));

    let path = format!("/api/v1/api-keys/{}", created["id"].as_str().unwrap());
    let shown = app.get(&path, &s.access).await.ok(200).clone();
    assert_eq!(shown["secret"], Value::Null, "the secret is never shown again");
    assert_eq!(shown["prefix"], created["prefix"]);
    let listed = app.get("/api/v1/api-keys", &s.access).await.ok(200).clone();
    assert_eq!(listed["items"], json!([shown]));
    assert!(!listed.to_string().contains(&secret[12..]), "no part of the secret beyond the prefix is listed");

    // Using it is recorded (at most once a minute).
    app.get("/api/v1/candidates", secret).await.ok(200);
    assert!(app.get(&path, &s.access).await.ok(200)["last_used_at"].is_string());
}

#[actix_web::test]
async fn a_key_acts_for_its_agency_within_its_scopes() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let (read, _) = key(&app, &s.access, "reader", &["read"]).await;
    let (write, _) = key(&app, &s.access, "writer", &["write"]).await;
    let (matches_only, _) = key(&app, &s.access, "matcher", &["matches:read"]).await;
    let (admin_key, _) = key(&app, &s.access, "admin tool", &["admin"]).await;

    // read: lists and reads, writes nothing.
    app.get("/api/v1/candidates", &read).await.ok(200);
    let refused = app.post("/api/v1/candidates", &read, json!({"full_name": "Dana Reyes"})).await;
    assert!(refused.problem(403)["detail"].as_str().unwrap().contains("`write`"), "names the scope needed");
    // write: writes (and reads).
    let dana = app.create("/api/v1/candidates", &write, json!({"full_name": "Dana Reyes"})).await;
    let dana_path = format!("/api/v1/candidates/{}", dana["id"].as_str().unwrap());
    assert_eq!(app.get(&dana_path, &write).await.ok(200)["full_name"], "Dana Reyes");
    app.get("/api/v1/users", &write).await.problem(403);
    // matches:read: matches only.
    let client = app.create("/api/v1/clients", &write, json!({"name": "Mercy"})).await;
    let job = json!({"client_id": client["id"], "title": "Epic Analyst", "required_skills": [{"name": "Epic"}]});
    let job = app.create("/api/v1/job-orders", &write, job).await;
    let matches = format!("/api/v1/job-orders/{}/matches", job["id"].as_str().unwrap());
    app.get(&matches, &matches_only).await.ok(200);
    app.post("/api/v1/matches", &matches_only, json!({"required_skills": [{"name": "Epic"}]})).await.ok(200);
    app.get(&dana_path, &matches_only).await.problem(403);
    app.get(&matches, &read).await.ok(200);
    // admin: administers the agency, but makes no keys, and is nobody's account.
    app.get("/api/v1/users", &admin_key).await.ok(200);
    app.patch("/api/v1/agency", &admin_key, json!({"default_markup_percent": 25})).await.ok(200);
    app.post("/api/v1/api-keys", &admin_key, json!({"name": "more", "scopes": ["admin"]})).await.problem(403);
    app.get("/api/v1/me", &admin_key).await.problem(403);
    let change = json!({"current_password": "x", "new_password": "y"});
    app.request(reqwest::Method::PUT, "/api/v1/me/password", Some(&admin_key), Some(change), &[]).await.problem(403);

    // A move made with a key is recorded as the key, not as a person.
    let path = format!("/api/v1/job-orders/{}/shortlist", job["id"].as_str().unwrap());
    let entry = app.create(&path, &write, json!({"candidate_id": dana["id"]})).await;
    assert_eq!(entry["history"][0]["by"]["kind"], "api_key");
    assert_eq!(entry["history"][0]["by"]["name"], "writer");
}

#[actix_web::test]
async fn only_admins_make_keys_and_bad_requests_write_nothing() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let rita = recruiter(&app, &s.access, "rita@lakeside.example").await;
    app.post("/api/v1/api-keys", &rita, json!({"name": "mine", "scopes": ["read"]})).await.problem(403);
    app.get("/api/v1/api-keys", &rita).await.problem(403);
    for (body, field) in [
        (json!({"name": "", "scopes": ["read"]}), "name"),
        (json!({"name": "x", "scopes": []}), "scopes"),
        (json!({"name": "x", "scopes": ["root"]}), "scopes[0]"),
        (json!({"name": "x", "scopes": ["read", "read"]}), "scopes[1]"),
        (json!({"name": "x", "scopes": ["read"], "expires_at": "2020-01-01T00:00:00Z"}), "expires_at"),
        (json!({"name": "x", "scopes": ["read"], "colour": "red"}), "colour"),
    ] {
        let reply = app.post("/api/v1/api-keys", &s.access, body.clone()).await;
        reply.problem(422);
        assert_eq!(reply.error_fields(), [field], "{body}");
    }
    assert_eq!(app.get("/api/v1/api-keys", &s.access).await.ok(200)["items"], json!([]));
}

#[actix_web::test]
async fn a_revoked_expired_or_unknown_key_is_refused_at_once() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let (secret, id) = key(&app, &s.access, "cron", &["read"]).await;
    app.get("/api/v1/candidates", &secret).await.ok(200);
    let path = format!("/api/v1/api-keys/{id}");
    app.delete(&path, &s.access).await.ok(204);
    app.get("/api/v1/candidates", &secret).await.problem(401);
    let revoked = app.get(&path, &s.access).await.ok(200).clone();
    assert!(revoked["revoked_at"].is_string());
    app.delete(&path, &s.access).await.ok(204);
    assert_eq!(app.get(&path, &s.access).await.ok(200)["revoked_at"], revoked["revoked_at"], "revoked once");

    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    let reply =
        app.post("/api/v1/api-keys", &s.access, json!({"name": "short", "scopes": ["read"], "expires_at": soon}));
    let short = reply.await.ok(201)["secret"].as_str().unwrap().to_owned();
    app.get("/api/v1/candidates", &short).await.ok(200);
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    app.get("/api/v1/candidates", &short).await.problem(401);

    let made_up = format!("bh_live_{}", "A".repeat(43));
    app.get("/api/v1/candidates", &made_up).await.problem(401);
}

#[actix_web::test]
async fn another_agencys_keys_and_data_are_out_of_reach() {
    let app = spawn_app().await;
    let (mine, theirs) = app.two_agencies().await;
    let (my_key, my_id) = key(&app, &mine.access, "mine", &["write"]).await;
    let theirs_candidate = app.create("/api/v1/candidates", &theirs.access, json!({"full_name": "Theo"})).await;
    let path = format!("/api/v1/api-keys/{my_id}");
    app.get(&path, &theirs.access).await.problem(404);
    app.delete(&path, &theirs.access).await.problem(404);
    assert_eq!(app.get("/api/v1/api-keys", &theirs.access).await.ok(200)["items"], json!([]));
    app.get("/api/v1/candidates", &my_key).await.ok(200);
    let theirs_path = format!("/api/v1/candidates/{}", theirs_candidate["id"].as_str().unwrap());
    app.get(&theirs_path, &my_key).await.problem(404);
    app.patch(&theirs_path, &my_key, json!({"full_name": "Mine now"})).await.problem(404);
    assert_eq!(app.get(&theirs_path, &theirs.access).await.ok(200)["full_name"], "Theo");
    app.get(&path, &mine.access).await.ok(200);
}
