//! Signup, login, tokens, refresh rotation, logout, throttling and password changes.

mod common;

use common::{spawn_app, spawn_app_with, JWT_SECRET, PASSWORD};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};

fn signup_body(email: &str) -> Value {
    json!({"agency_name": "Lakeside Staffing", "name": "Ada Admin", "email": email, "password": PASSWORD})
}

#[actix_web::test]
async fn signup_creates_an_agency_and_its_admin_with_tokens() {
    let app = spawn_app().await;
    let reply = app.public_post("/api/v1/auth/signup", signup_body("Ada@Lakeside.example")).await;
    let body = reply.ok(201);
    assert_eq!(reply.header("location").unwrap(), format!("/api/v1/users/{}", body["user"]["id"].as_str().unwrap()));
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["access_token"].as_str().unwrap().split('.').count() == 3);
    assert!(body["refresh_token"].as_str().unwrap().len() >= 40);
    assert_eq!(body["user"]["role"], "admin");
    assert_eq!(body["user"]["email"], "ada@lakeside.example");
    assert_eq!(body["agency"]["name"], "Lakeside Staffing");
    assert!(body["user"].get("password_hash").is_none());

    let me = app.get("/api/v1/me", body["access_token"].as_str().unwrap()).await;
    assert_eq!(me.ok(200)["user"]["id"], body["user"]["id"]);
    assert_eq!(me.body["agency"]["id"], body["agency"]["id"]);
}

#[actix_web::test]
async fn signup_with_a_taken_email_is_409_whatever_its_case() {
    let app = spawn_app().await;
    app.signup("One", "ada@lakeside.example").await;
    app.public_post("/api/v1/auth/signup", signup_body("ADA@lakeside.example")).await.problem(409);
}

#[actix_web::test]
async fn signup_refuses_weak_passwords_and_bad_fields_with_every_field_named() {
    let app = spawn_app().await;
    for weak in ["short", "password1234", "qwertyqwerty", "123456789012"] {
        let reply = app
            .public_post(
                "/api/v1/auth/signup",
                json!({"agency_name": "A", "name": "B", "email": "b@c.example", "password": weak}),
            )
            .await;
        reply.problem(422);
        assert_eq!(reply.error_fields(), ["password"], "{weak}");
    }
    let reply = app
        .public_post(
            "/api/v1/auth/signup",
            json!({"agency_name": " ", "name": "B", "email": "not-an-email", "password": PASSWORD}),
        )
        .await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["agency_name", "email"]);
    let reply =
        app.public_post("/api/v1/auth/signup", json!({"agency_name": "A", "name": "B", "email": "b@c.example"})).await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["password"]);
}

#[actix_web::test]
async fn signup_can_be_switched_off() {
    let app = spawn_app_with(&[("ALLOW_SIGNUP", "false")]).await;
    app.public_post("/api/v1/auth/signup", signup_body("ada@lakeside.example")).await.problem(403);
}

#[actix_web::test]
async fn malformed_json_is_400_and_the_wrong_content_type_415_and_too_large_413() {
    let app = spawn_app().await;
    let url = format!("{}/api/v1/auth/signup", app.base);
    let bad =
        app.client.post(&url).header("content-type", "application/json").body("{\"email\": ").send().await.unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("line 1"));
    let form = app.client.post(&url).header("content-type", "text/plain").body("{}").send().await.unwrap();
    assert_eq!(form.status(), 415);
    assert_eq!(form.headers()["content-type"], "application/problem+json");
    let huge = json!({"agency_name": "x".repeat(300_000), "name": "B", "email": "b@c.example", "password": PASSWORD});
    app.public_post("/api/v1/auth/signup", huge).await.problem(413);
}

#[actix_web::test]
async fn unknown_fields_are_refused_by_name() {
    let app = spawn_app().await;
    let mut body = signup_body("ada@lakeside.example");
    body["is_admin"] = json!(true);
    let reply = app.public_post("/api/v1/auth/signup", body).await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["is_admin"]);
}

#[actix_web::test]
async fn login_returns_tokens_for_the_right_password() {
    let app = spawn_app().await;
    let session = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply =
        app.public_post("/api/v1/auth/login", json!({"email": "ADA@lakeside.example", "password": PASSWORD})).await;
    assert_eq!(reply.ok(200)["user"]["id"], session.user_id.as_str());
    app.get("/api/v1/me", reply.body["access_token"].as_str().unwrap()).await.ok(200);
}

#[actix_web::test]
async fn wrong_password_and_unknown_email_get_the_same_401() {
    let app = spawn_app().await;
    app.signup("Lakeside", "ada@lakeside.example").await;
    let wrong = app
        .public_post("/api/v1/auth/login", json!({"email": "ada@lakeside.example", "password": "not-the-password"}))
        .await;
    let unknown = app
        .public_post("/api/v1/auth/login", json!({"email": "nobody@lakeside.example", "password": "not-the-password"}))
        .await;
    wrong.problem(401);
    unknown.problem(401);
    assert_eq!(wrong.body, unknown.body);
}

#[actix_web::test]
async fn repeated_failed_logins_are_throttled_with_retry_after_even_for_the_right_password() {
    let app = spawn_app_with(&[("LOGIN_MAX_FAILURES", "3"), ("LOGIN_LOCKOUT_SECONDS", "120")]).await;
    app.signup("Lakeside", "ada@lakeside.example").await;
    for _ in 0..3 {
        app.public_post(
            "/api/v1/auth/login",
            json!({"email": "ada@lakeside.example", "password": "guess-guess-guess"}),
        )
        .await
        .problem(401);
    }
    let locked =
        app.public_post("/api/v1/auth/login", json!({"email": "ada@lakeside.example", "password": PASSWORD})).await;
    locked.problem(429);
    let retry: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=120).contains(&retry), "retry-after {retry}");
    // Another account is not affected.
    app.signup("Harbor", "hal@harbor.example").await;
    app.public_post("/api/v1/auth/login", json!({"email": "hal@harbor.example", "password": PASSWORD})).await.ok(200);
}

fn claims(session_user: &str, agency: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": session_user, "agency": agency, "role": "admin", "ver": 1, "typ": "access",
           "iss": "bridgehire", "aud": "bridgehire-api", "iat": now, "nbf": now, "exp": now + 600, "jti": "t"})
}

fn sign(claims: &Value, alg: Algorithm, secret: &str) -> String {
    encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

#[actix_web::test]
async fn access_tokens_are_rejected_when_expired_tampered_or_otherwise_wrong() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let good = claims(&s.user_id, &s.agency_id);
    // The forged-but-correct token works: the checks below fail for the reason named.
    app.get("/api/v1/me", &sign(&good, Algorithm::HS256, JWT_SECRET)).await.ok(200);

    let mut expired = good.clone();
    expired["exp"] = json!(chrono::Utc::now().timestamp() - 60);
    let mut future = good.clone();
    future["nbf"] = json!(chrono::Utc::now().timestamp() + 600);
    let mut wrong_aud = good.clone();
    wrong_aud["aud"] = json!("someone-else");
    let mut wrong_iss = good.clone();
    wrong_iss["iss"] = json!("evil");
    let mut refresh_typ = good.clone();
    refresh_typ["typ"] = json!("refresh");
    let mut no_exp = good.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    let mut other_agency = good.clone();
    other_agency["agency"] = json!("999");
    let mut old_version = good.clone();
    old_version["ver"] = json!(0);

    let mut tampered = s.access.clone();
    let payload_start = tampered.find('.').unwrap() + 1;
    tampered.replace_range(
        payload_start..payload_start + 1,
        if &tampered[payload_start..payload_start + 1] == "e" { "f" } else { "e" },
    );

    let header = base64_url(r#"{"alg":"none","typ":"JWT"}"#);
    let body = base64_url(&good.to_string());
    let alg_none = format!("{header}.{body}.");

    let cases = [
        ("expired", sign(&expired, Algorithm::HS256, JWT_SECRET)),
        ("not yet valid", sign(&future, Algorithm::HS256, JWT_SECRET)),
        ("wrong audience", sign(&wrong_aud, Algorithm::HS256, JWT_SECRET)),
        ("wrong issuer", sign(&wrong_iss, Algorithm::HS256, JWT_SECRET)),
        ("wrong type", sign(&refresh_typ, Algorithm::HS256, JWT_SECRET)),
        ("no expiry", sign(&no_exp, Algorithm::HS256, JWT_SECRET)),
        ("wrong algorithm", sign(&good, Algorithm::HS512, JWT_SECRET)),
        ("wrong key", sign(&good, Algorithm::HS256, "another-secret-0123456789-abcdefghijklmnop")),
        ("another agency", sign(&other_agency, Algorithm::HS256, JWT_SECRET)),
        ("old token version", sign(&old_version, Algorithm::HS256, JWT_SECRET)),
        ("tampered", tampered),
        ("alg none", alg_none),
        ("garbage", "not-a-token".to_owned()),
    ];
    for (why, token) in cases {
        let reply = app.get("/api/v1/me", &token).await;
        assert_eq!(reply.status, 401, "{why}: {}", reply.body);
        assert!(reply.header("www-authenticate").unwrap().starts_with("Bearer"), "{why}");
    }
    app.request(Method::GET, "/api/v1/me", None, None, &[]).await.problem(401);
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

#[actix_web::test]
async fn refresh_rotates_the_token_and_the_new_pair_works() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app.public_post("/api/v1/auth/refresh", json!({"refresh_token": s.refresh})).await;
    let body = reply.ok(200);
    assert_ne!(body["refresh_token"], s.refresh.as_str());
    app.get("/api/v1/me", body["access_token"].as_str().unwrap()).await.ok(200);
    let again = app.public_post("/api/v1/auth/refresh", json!({"refresh_token": body["refresh_token"]})).await;
    again.ok(200);
}

#[actix_web::test]
async fn reusing_a_spent_refresh_token_revokes_the_whole_chain() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let next = app.public_post("/api/v1/auth/refresh", json!({"refresh_token": s.refresh})).await.ok(200).clone();
    // The spent token comes back: a thief or a replay.
    app.public_post("/api/v1/auth/refresh", json!({"refresh_token": s.refresh})).await.problem(401);
    // The legitimate successor is now dead too.
    app.public_post("/api/v1/auth/refresh", json!({"refresh_token": next["refresh_token"]})).await.problem(401);
    app.public_post("/api/v1/auth/refresh", json!({"refresh_token": "made-up"})).await.problem(401);
}

#[actix_web::test]
async fn logout_revokes_the_refresh_token() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app.public_post("/api/v1/auth/logout", json!({"refresh_token": s.refresh})).await;
    assert_eq!(reply.status, 204);
    app.public_post("/api/v1/auth/refresh", json!({"refresh_token": s.refresh})).await.problem(401);
    assert_eq!(app.public_post("/api/v1/auth/logout", json!({"refresh_token": "unknown"})).await.status, 204);
}

#[actix_web::test]
async fn changing_the_password_ends_every_session() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let wrong = app
        .request(
            Method::PUT,
            "/api/v1/me/password",
            Some(&s.access),
            Some(json!({"current_password": "nope-nope-nope", "new_password": "amber-lantern-harbor-7"})),
            &[],
        )
        .await;
    wrong.problem(422);
    assert_eq!(wrong.error_fields(), ["current_password"]);
    let weak = app
        .request(
            Method::PUT,
            "/api/v1/me/password",
            Some(&s.access),
            Some(json!({"current_password": PASSWORD, "new_password": "password1234"})),
            &[],
        )
        .await;
    assert_eq!(weak.error_fields(), ["new_password"]);

    let done = app
        .request(
            Method::PUT,
            "/api/v1/me/password",
            Some(&s.access),
            Some(json!({"current_password": PASSWORD, "new_password": "amber-lantern-harbor-7"})),
            &[],
        )
        .await;
    assert_eq!(done.status, 204);
    app.get("/api/v1/me", &s.access).await.problem(401);
    app.public_post("/api/v1/auth/refresh", json!({"refresh_token": s.refresh})).await.problem(401);
    app.public_post("/api/v1/auth/login", json!({"email": s.email, "password": PASSWORD})).await.problem(401);
    app.public_post("/api/v1/auth/login", json!({"email": s.email, "password": "amber-lantern-harbor-7"}))
        .await
        .ok(200);
}
