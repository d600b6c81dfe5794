//! Job orders: roles at clients, their skills and budgets.

mod common;

use common::{spawn_app, TestApp};
use serde_json::{json, Value};

async fn clinic(app: &TestApp, token: &str) -> Value {
    app.create(
        "/api/v1/clients",
        token,
        json!({"name": "Prairie Rural Clinic", "sector": "clinic", "max_rate_cents": 6500}),
    )
    .await
}

fn cadence_analyst(client_id: &Value) -> Value {
    json!({
        "client_id": client_id,
        "title": "Epic Cadence Analyst",
        "required_skills": [{"name": "Epic Cadence", "weight": 8, "min_years": 1}, {"name": "HL7 2.x"}],
        "nice_to_have_skills": [{"name": "SQL", "weight": 2}],
        "location": "Enid, OK",
        "remote": true,
        "duration_months": 6
    })
}

#[actix_web::test]
async fn a_job_order_takes_its_clients_budget_unless_it_sets_one() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c = clinic(&app, &s.access).await;
    let reply = app.post("/api/v1/job-orders", &s.access, cadence_analyst(&c["id"])).await;
    let order = reply.ok(201).clone();
    assert_eq!(order["max_rate_cents"], Value::Null);
    assert_eq!(order["effective_max_rate_cents"], 6500);
    assert_eq!(order["status"], "open");
    assert_eq!(order["required_skills"][0]["name"], "Epic Cadence");
    assert_eq!(order["required_skills"][0]["weight"], 8);
    assert_eq!(order["required_skills"][1]["name"], "HL7 v2");
    assert_eq!(order["required_skills"][1]["weight"], 5, "weight defaults to 5");
    assert_eq!(order["nice_to_have_skills"][0]["min_years"], 0);
    let path = format!("/api/v1/job-orders/{}", order["id"].as_str().unwrap());
    assert_eq!(app.get(&path, &s.access).await.ok(200), &order);

    let updated = app.patch(&path, &s.access, json!({"max_rate_cents": 5800, "status": "on_hold"})).await;
    assert_eq!(updated.ok(200)["effective_max_rate_cents"], 5800);
    assert_eq!(updated.body["status"], "on_hold");
    assert_eq!(updated.body["required_skills"], order["required_skills"], "skills untouched by the patch");
    // The client's budget changing flows through to job orders without one of their own.
    let other = app.create("/api/v1/job-orders", &s.access, json!({"client_id": c["id"], "title": "Help desk"})).await;
    app.patch(&format!("/api/v1/clients/{}", c["id"].as_str().unwrap()), &s.access, json!({"max_rate_cents": 6000}))
        .await
        .ok(200);
    let other = app.get(&format!("/api/v1/job-orders/{}", other["id"].as_str().unwrap()), &s.access).await;
    assert_eq!(other.ok(200)["effective_max_rate_cents"], 6000);
}

#[actix_web::test]
async fn job_orders_are_filtered_by_client_status_skill_and_budget() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c = clinic(&app, &s.access).await;
    let h = app.create("/api/v1/clients", &s.access, json!({"name": "Metro General", "max_rate_cents": 15000})).await;
    app.create("/api/v1/job-orders", &s.access, cadence_analyst(&c["id"])).await;
    app.create("/api/v1/job-orders", &s.access, json!({"client_id": h["id"], "title": "FHIR engineer", "required_skills": [{"name": "FHIR"}], "status": "filled"})).await;
    let titles = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect()
    };
    let q = |query: String| {
        let app = &app;
        let token = s.access.clone();
        async move { app.get(&format!("/api/v1/job-orders?{query}"), &token).await.ok(200).clone() }
    };
    assert_eq!(titles(&q(format!("client_id={}", h["id"].as_str().unwrap())).await), ["FHIR engineer"]);
    assert_eq!(titles(&q("status=open".into()).await), ["Epic Cadence Analyst"]);
    assert_eq!(titles(&q("skill=fhir".into()).await), ["FHIR engineer"]);
    assert_eq!(titles(&q("max_rate_cents_lte=7000".into()).await), ["Epic Cadence Analyst"]);
    assert_eq!(titles(&q("q=cadence".into()).await), ["Epic Cadence Analyst"]);
    assert!(titles(&q("client_id=nope".into()).await).is_empty());
}

#[actix_web::test]
async fn invalid_job_orders_are_refused_and_write_nothing() {
    let app = spawn_app().await;
    let (ours, theirs) = app.two_agencies().await;
    let c = clinic(&app, &ours.access).await;
    let their_client = clinic(&app, &theirs.access).await;
    let reply = app.post("/api/v1/job-orders", &ours.access, cadence_analyst(&their_client["id"])).await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["client_id"], "another agency's client is unknown");
    let mut body = cadence_analyst(&c["id"]);
    body["required_skills"][0]["weight"] = json!(11);
    body["nice_to_have_skills"] = json!([{"name": "epic cadence"}]);
    body["duration_months"] = json!(0);
    let reply = app.post("/api/v1/job-orders", &ours.access, body).await;
    assert_eq!(reply.error_fields(), ["required_skills[0].weight", "nice_to_have_skills[0].name", "duration_months"]);
    let mut body = cadence_analyst(&c["id"]);
    body["nice_to_have_skills"] = json!([{"name": "Cadence"}]);
    assert_eq!(
        app.post("/api/v1/job-orders", &ours.access, body).await.error_fields(),
        ["nice_to_have_skills[0].name"]
    );
    assert!(app.get("/api/v1/job-orders", &ours.access).await.ok(200)["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn a_stale_if_match_on_a_job_order_is_412() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c = clinic(&app, &s.access).await;
    let order = app.create("/api/v1/job-orders", &s.access, cadence_analyst(&c["id"])).await;
    let path = format!("/api/v1/job-orders/{}", order["id"].as_str().unwrap());
    app.patch(&path, &s.access, json!({"title": "Cadence Analyst II"})).await.ok(200);
    let stale = app
        .request(
            reqwest::Method::PATCH,
            &path,
            Some(&s.access),
            Some(json!({"title": "Overwrite"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    stale.problem(412);
    assert_eq!(app.get(&path, &s.access).await.body["title"], "Cadence Analyst II");
    assert_eq!(app.delete(&path, &s.access).await.status, 204);
}

#[actix_web::test]
async fn another_agencys_job_order_is_not_found_on_every_method() {
    let app = spawn_app().await;
    let (ours, theirs) = app.two_agencies().await;
    let their_client = clinic(&app, &theirs.access).await;
    let order = app.create("/api/v1/job-orders", &theirs.access, cadence_analyst(&their_client["id"])).await;
    let path = format!("/api/v1/job-orders/{}", order["id"].as_str().unwrap());
    app.get(&path, &ours.access).await.problem(404);
    app.patch(&path, &ours.access, json!({"title": "Mine now"})).await.problem(404);
    app.delete(&path, &ours.access).await.problem(404);
    assert!(app.get("/api/v1/job-orders", &ours.access).await.ok(200)["items"].as_array().unwrap().is_empty());
    let by_client = format!("/api/v1/job-orders?client_id={}", their_client["id"].as_str().unwrap());
    assert!(app.get(&by_client, &ours.access).await.ok(200)["items"].as_array().unwrap().is_empty());
    // Moving our own job order to their client is refused too.
    let mine = clinic(&app, &ours.access).await;
    let own = app.create("/api/v1/job-orders", &ours.access, cadence_analyst(&mine["id"])).await;
    let own_path = format!("/api/v1/job-orders/{}", own["id"].as_str().unwrap());
    app.patch(&own_path, &ours.access, json!({"client_id": their_client["id"]})).await.problem(422);
    assert_eq!(app.get(&path, &theirs.access).await.ok(200)["title"], "Epic Cadence Analyst");
}

/// A mistyped skill on a job order is a 422 with the closest names, and creates nothing; the
/// agency's own vocabulary is kept when the request says so.
#[actix_web::test]
async fn an_unknown_skill_is_refused_with_suggestions_unless_custom_skills_are_asked_for() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let client = app.create("/api/v1/clients", &s.access, json!({"name": "Prairie Clinic"})).await;
    let body = |extra: Value| {
        let mut body = json!({
            "client_id": client["id"], "title": "Scheduling analyst",
            "required_skills": [{"name": "Epic Cadance"}, {"name": "SQL"}],
            "nice_to_have_skills": [{"name": "Qwertyuiop Suite"}]
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let reply = app.post("/api/v1/job-orders", &s.access, body(json!({}))).await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["required_skills[0].name", "nice_to_have_skills[0].name"]);
    let typo = reply.body["errors"][0]["message"].as_str().unwrap();
    assert!(typo.contains("did you mean \"Epic Cadence\""), "{typo}");
    assert!(typo.contains("create_custom_skills"), "{typo}");
    let nonsense = reply.body["errors"][1]["message"].as_str().unwrap();
    assert!(!nonsense.contains("did you mean"), "no suggestion for what resembles nothing: {nonsense}");
    let own = app.get("/api/v1/skills?scope=agency", &s.access).await.ok(200).clone();
    assert_eq!(own["items"], json!([]), "a refused job order creates no skill");
    assert_eq!(app.get("/api/v1/job-orders", &s.access).await.ok(200)["items"], json!([]));

    let made = app.create("/api/v1/job-orders", &s.access, body(json!({"create_custom_skills": true}))).await;
    assert_eq!(made["required_skills"][0]["name"], "Epic Cadance");
    let own = app.get("/api/v1/skills?scope=agency", &s.access).await.ok(200).clone();
    assert_eq!(own["items"].as_array().unwrap().len(), 2, "{own}");

    // A PATCH follows the same rule; the flag alone changes nothing.
    let path = format!("/api/v1/job-orders/{}", made["id"].as_str().unwrap());
    let reply = app.patch(&path, &s.access, json!({"required_skills": [{"name": "Epik"}]})).await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["required_skills[0].name"]);
    let same = app.patch(&path, &s.access, json!({"create_custom_skills": true})).await.ok(200).clone();
    assert_eq!(same["version"], made["version"], "the flag is not part of the job order");
    let fixed = app.patch(&path, &s.access, json!({"required_skills": [{"name": "Epic Cadence"}]})).await;
    assert_eq!(fixed.ok(200)["required_skills"][0]["name"], "Epic Cadence");
}
