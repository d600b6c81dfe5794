//! The rate card: per-skill and per-role-family rates, admins writing, everyone reading.

mod common;

use common::{spawn_app, PASSWORD};
use reqwest::Method;
use serde_json::json;

#[actix_web::test]
async fn admins_keep_the_rate_card_and_recruiters_read_it() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app
        .post(
            "/api/v1/rate-card",
            &s.access,
            json!({"skill": "epic cadence", "experienced_rate_cents": 11_000, "entry_rate_cents": 6_500}),
        )
        .await;
    let epic = reply.ok(201).clone();
    assert_eq!(epic["skill"], "Epic Cadence", "the canonical name");
    assert_eq!(epic["role_family"], serde_json::Value::Null);
    let path = reply.header("location").unwrap();
    assert_eq!(path, format!("/api/v1/rate-card/{}", epic["id"].as_str().unwrap()));
    let family = app
        .create(
            "/api/v1/rate-card",
            &s.access,
            json!({"role_family": "Interface  Analyst", "experienced_rate_cents": 9_500}),
        )
        .await;
    assert_eq!(family["role_family"], "Interface Analyst");
    let dup = app.post("/api/v1/rate-card", &s.access, json!({"skill": "Cadence", "experienced_rate_cents": 1})).await;
    assert_eq!(dup.problem(409)["existing_id"], epic["id"], "an alias names the same skill");
    app.post("/api/v1/rate-card", &s.access, json!({"role_family": "interface analyst", "experienced_rate_cents": 1}))
        .await
        .problem(409);

    let invite = json!({"name": "Rita", "email": "rita@lakeside.example", "password": PASSWORD, "role": "recruiter"});
    app.post("/api/v1/users", &s.access, invite).await.ok(201);
    let login =
        app.public_post("/api/v1/auth/login", json!({"email": "rita@lakeside.example", "password": PASSWORD})).await;
    let rita = login.ok(200)["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get("/api/v1/rate-card", &rita).await.ok(200)["items"].as_array().unwrap().len(), 2);
    assert_eq!(app.get(&path, &rita).await.ok(200), &epic);
    app.patch(&path, &rita, json!({"experienced_rate_cents": 1})).await.problem(403);
    app.delete(&path, &rita).await.problem(403);
    app.post("/api/v1/rate-card", &rita, json!({"role_family": "default", "experienced_rate_cents": 1}))
        .await
        .problem(403);

    let stale = app
        .request(
            Method::PATCH,
            &path,
            Some(&s.access),
            Some(json!({"experienced_rate_cents": 12_000})),
            &[("if-match", "\"7\"")],
        )
        .await;
    stale.problem(412);
    let moved = app.patch(&path, &s.access, json!({"role_family": "Scheduling"})).await.ok(200).clone();
    assert_eq!(
        (moved["skill"].is_null(), moved["role_family"].as_str()),
        (true, Some("Scheduling")),
        "one subject replaces the other"
    );
    assert_eq!(moved["version"], 2);
    app.patch(&path, &s.access, json!({"role_family": "interface analyst"})).await.problem(409);
    app.delete(&path, &s.access).await.ok(204);
    app.get(&path, &s.access).await.problem(404);
}

#[actix_web::test]
async fn bad_entries_are_refused_and_write_nothing() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    for (body, field) in [
        (json!({"experienced_rate_cents": 9_000}), "skill"),
        (json!({"skill": "Epic", "role_family": "analyst", "experienced_rate_cents": 9_000}), "role_family"),
        (json!({"skill": "Underwater Basket Weaving", "experienced_rate_cents": 9_000}), "skill"),
        (json!({"skill": "Epic", "experienced_rate_cents": 0}), "experienced_rate_cents"),
        (json!({"skill": "Epic", "experienced_rate_cents": 5_000, "entry_rate_cents": 6_000}), "entry_rate_cents"),
        (json!({"skill": "Epic"}), "experienced_rate_cents"),
        (json!({"skill": "Epic", "experienced_rate_cents": 5_000, "tier": "gold"}), "tier"),
    ] {
        let reply = app.post("/api/v1/rate-card", &s.access, body.clone()).await;
        reply.problem(422);
        assert_eq!(reply.error_fields(), [field], "{body}");
    }
    assert!(app.get("/api/v1/rate-card", &s.access).await.ok(200)["items"].as_array().unwrap().is_empty());
    let entry =
        app.create("/api/v1/rate-card", &s.access, json!({"skill": "Epic", "experienced_rate_cents": 9_000})).await;
    let path = format!("/api/v1/rate-card/{}", entry["id"].as_str().unwrap());
    app.patch(&path, &s.access, json!({"experienced_rate_cents": null})).await.problem(422);
    app.patch(&path, &s.access, json!({"entry_rate_cents": 10_000})).await.problem(422);
    assert_eq!(app.get(&path, &s.access).await.ok(200), &entry, "unchanged");
}

#[actix_web::test]
async fn another_agencys_rate_card_is_out_of_reach() {
    let app = spawn_app().await;
    let (mine, theirs) = app.two_agencies().await;
    let entry =
        app.create("/api/v1/rate-card", &mine.access, json!({"skill": "Epic", "experienced_rate_cents": 9_000})).await;
    let path = format!("/api/v1/rate-card/{}", entry["id"].as_str().unwrap());
    app.get(&path, &theirs.access).await.problem(404);
    app.patch(&path, &theirs.access, json!({"experienced_rate_cents": 1})).await.problem(404);
    app.delete(&path, &theirs.access).await.problem(404);
    assert!(app.get("/api/v1/rate-card", &theirs.access).await.ok(200)["items"].as_array().unwrap().is_empty());
    // Their own entry for the same skill is theirs: no conflict across agencies.
    app.create("/api/v1/rate-card", &theirs.access, json!({"skill": "Epic", "experienced_rate_cents": 8_000})).await;
    assert_eq!(app.get(&path, &mine.access).await.ok(200)["experienced_rate_cents"], 9_000);
}
