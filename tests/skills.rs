//! The skill taxonomy: shipped skills, aliases, and an agency's own entries.

mod common;

use common::{spawn_app, PASSWORD};
use serde_json::json;

#[actix_web::test]
async fn the_shipped_taxonomy_is_listed_page_by_page() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let mut seen = std::collections::HashSet::new();
    let mut path = "/api/v1/skills?limit=100".to_owned();
    loop {
        let page = app.get(&path, &s.access).await.ok(200).clone();
        for item in page["items"].as_array().unwrap() {
            assert!(seen.insert(item["id"].as_str().unwrap().to_owned()), "a skill came twice");
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/skills?limit=100&cursor={cursor}"),
            None => break,
        }
    }
    assert!(seen.len() >= 300, "only {} skills", seen.len());
}

#[actix_web::test]
async fn skills_are_found_by_alias_and_category() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app.get("/api/v1/skills?q=hl7%202.x", &s.access).await;
    let names: Vec<&str> =
        reply.ok(200)["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["HL7 v2"]);
    let certs = app.get("/api/v1/skills?category=certification&limit=100", &s.access).await;
    assert!(certs.ok(200)["items"].as_array().unwrap().iter().all(|i| i["category"] == "certification"));
    app.get("/api/v1/skills?category=astrology", &s.access).await.problem(400);
}

#[actix_web::test]
async fn an_agency_adds_its_own_skill_which_others_cannot_see() {
    let app = spawn_app().await;
    let (ours, theirs) = app.two_agencies().await;
    let reply = app
        .post(
            "/api/v1/skills",
            &ours.access,
            json!({"name": "Lakeside Scheduling Portal", "category": "healthcare_it", "aliases": ["LSP"]}),
        )
        .await;
    let skill = reply.ok(201).clone();
    assert_eq!(skill["scope"], "agency");
    let path = format!("/api/v1/skills/{}", skill["id"].as_str().unwrap());
    app.get(&path, &ours.access).await.ok(200);
    app.get(&path, &theirs.access).await.problem(404);
    let found = app.get("/api/v1/skills?q=lsp", &ours.access).await;
    assert_eq!(found.ok(200)["items"].as_array().unwrap().len(), 1);
    let hidden = app.get("/api/v1/skills?q=lsp&scope=agency", &theirs.access).await;
    assert!(hidden.ok(200)["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn a_skill_whose_name_or_alias_is_taken_is_409_with_the_existing_id() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app.post("/api/v1/skills", &s.access, json!({"name": "My Interfaces", "aliases": ["hl7v2"]})).await;
    reply.problem(409);
    assert!(reply.body["existing_id"].is_string());
    app.post("/api/v1/skills", &s.access, json!({"name": "  "})).await.problem(422);
    app.post("/api/v1/skills", &s.access, json!({"name": "X", "category": "magic"})).await.problem(422);
}

/// An admin deletes an agency skill nothing uses; one in use, or one of the curated taxonomy,
/// stays (409); a recruiter may not (403); another agency's is not found (404).
#[actix_web::test]
async fn an_unused_agency_skill_is_deleted_by_an_admin() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let person = json!({"full_name": "Dana Reyes", "skills": [{"name": "Zebra Printer Wrangling"}]});
    let dana = app.create("/api/v1/candidates", &s.access, person).await;
    let own = app.get("/api/v1/skills?scope=agency", &s.access).await.ok(200).clone();
    let id = own["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/skills/{id}");

    let in_use = app.delete(&path, &s.access).await;
    assert!(in_use.problem(409)["detail"].as_str().unwrap().contains("1 candidate skill"), "{}", in_use.body);

    let invite = json!({"name": "Rita", "email": "rita@lakeside.example", "password": PASSWORD, "role": "recruiter"});
    app.post("/api/v1/users", &s.access, invite).await.ok(201);
    let login = app.public_post("/api/v1/auth/login", json!({"email": "rita@lakeside.example", "password": PASSWORD}));
    let rita = login.await.ok(200)["access_token"].as_str().unwrap().to_owned();
    app.delete(&path, &rita).await.problem(403);

    let other = app.signup("Elsewhere", "eve@elsewhere.example").await;
    app.delete(&path, &other.access).await.problem(404);

    let epic = app.get("/api/v1/skills?q=epic%20cadence&scope=global", &s.access).await.ok(200).clone();
    let global = format!("/api/v1/skills/{}", epic["items"][0]["id"].as_str().unwrap());
    app.delete(&global, &s.access).await.problem(409);

    let dana_path = format!("/api/v1/candidates/{}", dana["id"].as_str().unwrap());
    app.patch(&dana_path, &s.access, json!({"skills": []})).await.ok(200);
    app.delete(&path, &s.access).await.ok(204);
    app.get(&path, &s.access).await.problem(404);
    assert_eq!(app.get("/api/v1/skills?scope=agency", &s.access).await.ok(200)["items"], json!([]));
}
