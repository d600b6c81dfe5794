//! Admins manage their agency's users.

mod common;

use common::{spawn_app, PASSWORD};
use serde_json::json;

fn invite(email: &str, role: &str) -> serde_json::Value {
    json!({"name": "Rita Recruiter", "email": email, "password": PASSWORD, "role": role})
}

#[actix_web::test]
async fn an_admin_invites_a_recruiter_who_can_log_in_but_not_manage_users() {
    let app = spawn_app().await;
    let admin = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app.post("/api/v1/users", &admin.access, invite("rita@lakeside.example", "recruiter")).await;
    let user = reply.ok(201).clone();
    assert_eq!(user["role"], "recruiter");
    assert_eq!(reply.header("location").unwrap(), format!("/api/v1/users/{}", user["id"].as_str().unwrap()));
    assert_eq!(reply.header("etag").as_deref(), Some("\"1\""));

    let login =
        app.public_post("/api/v1/auth/login", json!({"email": "rita@lakeside.example", "password": PASSWORD})).await;
    let token = login.ok(200)["access_token"].as_str().unwrap().to_owned();
    app.get("/api/v1/me", &token).await.ok(200);
    app.get("/api/v1/users", &token).await.problem(403);
    app.post("/api/v1/users", &token, invite("sam@lakeside.example", "admin")).await.problem(403);

    let list = app.get("/api/v1/users", &admin.access).await;
    assert_eq!(list.ok(200)["items"].as_array().unwrap().len(), 2);
    let admins = app.get("/api/v1/users?role=admin", &admin.access).await;
    assert_eq!(admins.ok(200)["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn inviting_a_taken_email_is_409_and_bad_input_422() {
    let app = spawn_app().await;
    let admin = app.signup("Lakeside", "ada@lakeside.example").await;
    app.post("/api/v1/users", &admin.access, invite("ada@lakeside.example", "recruiter")).await.problem(409);
    let reply = app
        .post("/api/v1/users", &admin.access, json!({"name": "", "email": "x", "password": "short", "role": "boss"}))
        .await;
    reply.problem(422);
    let reply = app
        .post(
            "/api/v1/users",
            &admin.access,
            json!({"name": "", "email": "x", "password": "short", "role": "recruiter"}),
        )
        .await;
    assert_eq!(reply.error_fields(), ["name", "email", "password"]);
}

#[actix_web::test]
async fn disabling_a_user_ends_their_sessions_at_once() {
    let app = spawn_app().await;
    let admin = app.signup("Lakeside", "ada@lakeside.example").await;
    let rita = app.create("/api/v1/users", &admin.access, invite("rita@lakeside.example", "recruiter")).await;
    let login =
        app.public_post("/api/v1/auth/login", json!({"email": "rita@lakeside.example", "password": PASSWORD})).await;
    let (access, refresh) =
        (login.body["access_token"].as_str().unwrap().to_owned(), login.body["refresh_token"].clone());

    let path = format!("/api/v1/users/{}", rita["id"].as_str().unwrap());
    let reply = app.patch(&path, &admin.access, json!({"disabled": true})).await;
    assert_eq!(reply.ok(200)["disabled"], true);
    assert_eq!(reply.body["version"], 2);

    app.get("/api/v1/me", &access).await.problem(401);
    app.public_post("/api/v1/auth/refresh", json!({"refresh_token": refresh})).await.problem(401);
    app.public_post("/api/v1/auth/login", json!({"email": "rita@lakeside.example", "password": PASSWORD}))
        .await
        .problem(401);
}

#[actix_web::test]
async fn admins_cannot_demote_or_disable_themselves_but_another_admin_can() {
    let app = spawn_app().await;
    let admin = app.signup("Lakeside", "ada@lakeside.example").await;
    let path = format!("/api/v1/users/{}", admin.user_id);
    app.patch(&path, &admin.access, json!({"role": "recruiter"})).await.problem(409);
    app.patch(&path, &admin.access, json!({"disabled": true})).await.problem(409);
    app.get("/api/v1/me", &admin.access).await.ok(200);
    // A second admin may demote the first.
    app.create("/api/v1/users", &admin.access, invite("bo@lakeside.example", "admin")).await;
    let bo = app.public_post("/api/v1/auth/login", json!({"email": "bo@lakeside.example", "password": PASSWORD})).await;
    let bo_token = bo.ok(200)["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.patch(&path, &bo_token, json!({"role": "recruiter"})).await.ok(200)["role"], "recruiter");
    app.get("/api/v1/users", &admin.access).await.problem(403);
}

#[actix_web::test]
async fn a_stale_if_match_is_412_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.signup("Lakeside", "ada@lakeside.example").await;
    let rita = app.create("/api/v1/users", &admin.access, invite("rita@lakeside.example", "recruiter")).await;
    let path = format!("/api/v1/users/{}", rita["id"].as_str().unwrap());
    app.patch(&path, &admin.access, json!({"name": "Rita R."})).await.ok(200);
    let stale = app
        .request(
            reqwest::Method::PATCH,
            &path,
            Some(&admin.access),
            Some(json!({"name": "Overwrite"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    stale.problem(412);
    assert_eq!(app.get(&path, &admin.access).await.ok(200)["name"], "Rita R.");
}

#[actix_web::test]
async fn another_agencys_user_is_not_found_on_every_method() {
    let app = spawn_app().await;
    let (ours, theirs) = app.two_agencies().await;
    let path = format!("/api/v1/users/{}", theirs.user_id);
    app.get(&path, &ours.access).await.problem(404);
    app.patch(&path, &ours.access, json!({"disabled": true})).await.problem(404);
    let list = app.get("/api/v1/users", &ours.access).await;
    assert!(list.ok(200)["items"].as_array().unwrap().iter().all(|u| u["id"] != theirs.user_id.as_str()));
    app.get(&path, &theirs.access).await.ok(200);
    assert_eq!(app.get(&path, &theirs.access).await.body["disabled"], false);
}
