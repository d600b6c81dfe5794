//! Clients and their budget limits.

mod common;

use common::spawn_app;
use serde_json::json;

#[actix_web::test]
async fn a_client_is_created_read_listed_updated_and_deleted() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app
        .post("/api/v1/clients", &s.access, json!({"name": "Prairie Rural Clinic", "sector": "clinic", "location": "Enid, OK", "max_rate_cents": 6500, "contact_email": "ops@prairie.example"}))
        .await;
    let client = reply.ok(201).clone();
    assert_eq!(client["max_rate_cents"], 6500);
    assert_eq!(client["sector"], "clinic");
    let path = format!("/api/v1/clients/{}", client["id"].as_str().unwrap());
    assert_eq!(reply.header("location").as_deref(), Some(path.as_str()));
    assert_eq!(app.get(&path, &s.access).await.ok(200), &client);

    app.create(
        "/api/v1/clients",
        &s.access,
        json!({"name": "Metro General Hospital", "sector": "hospital", "max_rate_cents": 14000}),
    )
    .await;
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(
        names(app.get("/api/v1/clients", &s.access).await.ok(200)),
        ["Metro General Hospital", "Prairie Rural Clinic"]
    );
    assert_eq!(
        names(app.get("/api/v1/clients?max_rate_cents_lte=7000", &s.access).await.ok(200)),
        ["Prairie Rural Clinic"]
    );
    assert_eq!(names(app.get("/api/v1/clients?sector=hospital", &s.access).await.ok(200)), ["Metro General Hospital"]);
    assert_eq!(names(app.get("/api/v1/clients?q=rural", &s.access).await.ok(200)), ["Prairie Rural Clinic"]);

    let updated = app.patch(&path, &s.access, json!({"max_rate_cents": 7000, "location": null})).await;
    assert_eq!(updated.ok(200)["max_rate_cents"], 7000);
    assert_eq!(updated.body["location"], serde_json::Value::Null);
    assert_eq!(updated.body["version"], 2);
    assert_eq!(app.delete(&path, &s.access).await.status, 204);
    app.get(&path, &s.access).await.problem(404);
}

#[actix_web::test]
async fn invalid_clients_are_refused_field_by_field() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply =
        app.post("/api/v1/clients", &s.access, json!({"name": "", "sector": "spa", "max_rate_cents": -5})).await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["sector"], "an unknown enum value is a shape error, reported alone");
    let reply =
        app.post("/api/v1/clients", &s.access, json!({"name": "", "max_rate_cents": -5, "contact_email": "x@"})).await;
    assert_eq!(reply.error_fields(), ["name", "max_rate_cents", "contact_email"]);
    let c = app.create("/api/v1/clients", &s.access, json!({"name": "Prairie"})).await;
    let path = format!("/api/v1/clients/{}", c["id"].as_str().unwrap());
    let reply = app.patch(&path, &s.access, json!({"name": null})).await;
    assert_eq!(reply.error_fields(), ["name"]);
    assert_eq!(app.get(&path, &s.access).await.body["name"], "Prairie");
}

#[actix_web::test]
async fn a_client_with_job_orders_cannot_be_deleted() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c = app.create("/api/v1/clients", &s.access, json!({"name": "Prairie"})).await;
    app.create("/api/v1/job-orders", &s.access, json!({"client_id": c["id"], "title": "Help desk lead"})).await;
    let path = format!("/api/v1/clients/{}", c["id"].as_str().unwrap());
    app.delete(&path, &s.access).await.problem(409);
    app.get(&path, &s.access).await.ok(200);
}

#[actix_web::test]
async fn another_agencys_client_is_not_found_on_every_method() {
    let app = spawn_app().await;
    let (ours, theirs) = app.two_agencies().await;
    let c =
        app.create("/api/v1/clients", &theirs.access, json!({"name": "Harbor Hospital", "max_rate_cents": 9000})).await;
    let path = format!("/api/v1/clients/{}", c["id"].as_str().unwrap());
    app.get(&path, &ours.access).await.problem(404);
    app.patch(&path, &ours.access, json!({"max_rate_cents": 1})).await.problem(404);
    app.delete(&path, &ours.access).await.problem(404);
    assert!(app.get("/api/v1/clients", &ours.access).await.ok(200)["items"].as_array().unwrap().is_empty());
    assert_eq!(app.get(&path, &theirs.access).await.ok(200)["max_rate_cents"], 9000);
}

#[actix_web::test]
async fn a_field_with_a_default_may_be_left_out_but_not_sent_as_null() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app.post("/api/v1/clients", &s.access, json!({"name": "Prairie", "sector": null})).await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["sector"]);
    let reply = app.post("/api/v1/candidates", &s.access, json!({"full_name": "A", "tags": null})).await;
    assert_eq!(reply.error_fields(), ["tags"]);
}

/// Cents written as a whole-number float (`6500.0`, as some JSON libraries print every number)
/// are read as the integer; a fraction of a cent is refused in plain words.
#[actix_web::test]
async fn whole_number_floats_are_cents_and_fractions_are_refused_plainly() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let body = json!({"name": "Prairie Clinic", "max_rate_cents": 6500.0, "markup_percent": 30.0});
    let client = app.create("/api/v1/clients", &s.access, body).await;
    assert_eq!((client["max_rate_cents"].as_i64(), client["markup_percent"].as_f64()), (Some(6_500), Some(30.0)));
    let reply = app.post("/api/v1/clients", &s.access, json!({"name": "Other", "max_rate_cents": 6500.5})).await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["max_rate_cents"]);
    let message = reply.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("must be a whole number"), "{message}");
}
