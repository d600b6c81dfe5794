//! Candidates: create, read, list with filters and pages, update with concurrency control,
//! delete — each within the caller's agency only.

mod common;

use common::{spawn_app, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

fn network_admin() -> Value {
    json!({
        "full_name": "Dana Reyes",
        "email": "dana.reyes@example.org",
        "phone": "+1 555 0100",
        "location": "Tulsa, OK",
        "remote_ok": true,
        "headline": "Network administrator moving into healthcare IT",
        "skills": [
            {"name": "Cisco", "years": 6, "level": "advanced"},
            {"name": "active directory", "years": 5},
            {"name": "HL7 2.x"},
            {"name": "Lakeside Scheduling Portal", "years": 1, "level": "beginner"}
        ],
        "certifications": ["CCNA", "CompTIA Healthcare IT Technician"],
        "crossover_signals": [{"kind": "healthcare_training", "detail": "CompTIA Healthcare IT Technician course"}],
        "it_experience_months": 84,
        "healthcare_experience_months": 0,
        "desired_rate_cents": 7000,
        "min_rate_cents": 5500,
        "available_from": "2026-12-01",
        "tags": ["crossover", "Night shift", "night shift"],
        "notes": "Volunteered at a free clinic."
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    app.create("/api/v1/candidates", token, body).await
}

#[actix_web::test]
async fn a_candidate_is_created_with_skills_resolved_through_the_taxonomy() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app.post("/api/v1/candidates", &s.access, network_admin()).await;
    let c = reply.ok(201).clone();
    let id = c["id"].as_str().unwrap();
    assert_eq!(reply.header("location").unwrap(), format!("/api/v1/candidates/{id}"));
    assert_eq!(reply.header("etag").as_deref(), Some("\"1\""));
    let names: Vec<&str> = c["skills"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Cisco Networking", "Active Directory", "HL7 v2", "Lakeside Scheduling Portal"]);
    assert_eq!(c["skills"][3]["category"], "custom", "an unknown skill is kept as the agency's own");
    assert_eq!(c["skills"][0]["years"], 6);
    assert_eq!(c["skills"][0]["level"], "advanced");
    assert_eq!(c["tags"], json!(["crossover", "Night shift"]));
    assert_eq!(c["status"], "active");
    assert_eq!(c["min_rate_cents"], 5500);
    assert_eq!(c["available_from"], "2026-12-01");
    assert_eq!(c["crossover_signals"][0]["kind"], "healthcare_training");

    let fetched = app.get(&format!("/api/v1/candidates/{id}"), &s.access).await;
    assert_eq!(fetched.ok(200), &c);
    assert_eq!(fetched.header("etag").as_deref(), Some("\"1\""));
}

#[actix_web::test]
async fn invalid_candidates_are_refused_field_by_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let cases = [
        (json!({"full_name": ""}), vec!["full_name"]),
        (json!({"full_name": "A", "email": "nope"}), vec!["email"]),
        (json!({"full_name": "A", "desired_rate_cents": 5000, "min_rate_cents": 6000}), vec!["min_rate_cents"]),
        (json!({"full_name": "A", "desired_rate_cents": -1}), vec!["desired_rate_cents"]),
        (json!({"full_name": "A", "it_experience_months": 5000}), vec!["it_experience_months"]),
        (json!({"full_name": "A", "skills": [{"name": "Epic", "years": 99}]}), vec!["skills[0].years"]),
        (json!({"full_name": "A", "skills": [{"name": "HL7 v2"}, {"name": "hl7 2.x"}]}), vec!["skills[1].name"]),
        (json!({"full_name": "A", "status": "hired"}), vec!["status"]),
        (json!({"full_name": "A", "available_from": "tomorrow"}), vec!["available_from"]),
        (json!({"full_name": "A", "tags": ["x".repeat(51)]}), vec!["tags[0]"]),
        (json!({"full_name": "A", "skills": [{"name": "Epic", "level": "guru"}]}), vec!["skills[0].level"]),
        (json!({"full_name": "A", "notes": "a\u{0}b"}), vec!["notes"]),
        (json!({"full_name": "A", "crossover_signals": [{"kind": "luck"}]}), vec!["crossover_signals[0].kind"]),
    ];
    for (body, fields) in cases {
        let reply = app.post("/api/v1/candidates", &s.access, body.clone()).await;
        reply.problem(422);
        assert_eq!(reply.error_fields(), fields, "{body}");
    }
    let list = app.get("/api/v1/candidates", &s.access).await;
    assert!(list.ok(200)["items"].as_array().unwrap().is_empty());
    // Custom skills named in refused requests were not created either.
    let skills = app.get("/api/v1/skills?scope=agency", &s.access).await;
    assert!(skills.ok(200)["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn the_list_pages_through_every_candidate_once_newest_first() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let c = create(&app, &s.access, json!({"full_name": format!("Candidate {i}")})).await;
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut path = "/api/v1/candidates?limit=3".to_owned();
    loop {
        let page = app.get(&path, &s.access).await.ok(200).clone();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/candidates?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    let reply = app.get("/api/v1/candidates?limit=0", &s.access).await;
    reply.problem(400);
    assert_eq!(reply.error_fields(), ["limit"]);
    app.get("/api/v1/candidates?limit=101", &s.access).await.problem(400);
    app.get("/api/v1/candidates?cursor=forged", &s.access).await.problem(400);
}

#[actix_web::test]
async fn the_list_filters_by_skill_status_rate_tag_and_text() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let dana = create(&app, &s.access, network_admin()).await;
    let epic = create(
        &app,
        &s.access,
        json!({"full_name": "Eve Analyst", "status": "placed", "skills": [{"name": "Epic Cadence"}, {"name": "HL7 v2"}],
               "desired_rate_cents": 12000, "min_rate_cents": 11000, "tags": ["epic"], "remote_ok": false}),
    )
    .await;
    let names = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|i| i["full_name"].as_str().unwrap().to_owned()).collect()
    };
    let get = |q: &'static str| {
        let app = &app;
        let token = s.access.clone();
        async move { app.get(&format!("/api/v1/candidates?{q}"), &token).await.ok(200).clone() }
    };
    assert_eq!(names(&get("skill=HL7%20v2").await), ["Eve Analyst", "Dana Reyes"]);
    assert_eq!(names(&get("skill=hl7v2&skill=Cisco").await), ["Dana Reyes"]);
    assert_eq!(names(&get("skill=Cadence").await), ["Eve Analyst"]);
    assert!(names(&get("skill=Underwater%20Basket%20Weaving").await).is_empty());
    assert_eq!(names(&get("status=placed").await), ["Eve Analyst"]);
    assert_eq!(names(&get("min_rate_cents_lte=6000").await), ["Dana Reyes"]);
    assert_eq!(names(&get("desired_rate_cents_gte=10000").await), ["Eve Analyst"]);
    assert_eq!(names(&get("tag=NIGHT%20SHIFT").await), ["Dana Reyes"]);
    assert_eq!(names(&get("remote_ok=true").await), ["Dana Reyes"]);
    assert_eq!(names(&get("q=free%20clinic").await), ["Dana Reyes"]);
    assert!(names(&get("q=%22clinic%20free%22").await).is_empty(), "a phrase keeps its word order");
    assert_eq!(names(&get("available_before=2026-12-31").await), ["Dana Reyes"]);
    let _ = (dana, epic);
    let bad = app.get("/api/v1/candidates?status=hired&remote_ok=maybe&min_rate_cents_lte=-5", &s.access).await;
    bad.problem(400);
    assert_eq!(bad.error_fields(), ["status", "remote_ok", "min_rate_cents_lte"]);
}

#[actix_web::test]
async fn a_patch_changes_only_what_it_names_and_bumps_the_version() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c = create(&app, &s.access, network_admin()).await;
    let path = format!("/api/v1/candidates/{}", c["id"].as_str().unwrap());
    let reply = app
        .patch(
            &path,
            &s.access,
            json!({"status": "archived", "phone": null, "skills": [{"name": "Epic Cadence", "years": 1}]}),
        )
        .await;
    let updated = reply.ok(200).clone();
    assert_eq!(reply.header("etag").as_deref(), Some("\"2\""));
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["status"], "archived");
    assert_eq!(updated["phone"], Value::Null);
    assert_eq!(updated["email"], c["email"]);
    assert_eq!(updated["skills"].as_array().unwrap().len(), 1);
    assert_eq!(updated["skills"][0]["name"], "Epic Cadence");
    assert_eq!(updated["created_at"], c["created_at"]);
}

#[actix_web::test]
async fn an_invalid_patch_is_refused_whole_and_the_record_is_unchanged() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c = create(&app, &s.access, network_admin()).await;
    let path = format!("/api/v1/candidates/{}", c["id"].as_str().unwrap());
    let reply = app.patch(&path, &s.access, json!({"full_name": "New Name", "min_rate_cents": 9000})).await;
    reply.problem(422);
    assert_eq!(reply.error_fields(), ["min_rate_cents"]);
    let reply = app
        .patch(
            &path,
            &s.access,
            json!({"full_name": null, "skills": [{"name": "Brand New Skill"}, {"name": "brand new skill"}]}),
        )
        .await;
    assert_eq!(reply.error_fields(), ["full_name", "skills[1].name"]);
    assert_eq!(app.get(&path, &s.access).await.ok(200), &c);
}

#[actix_web::test]
async fn concurrent_edits_do_not_overwrite_each_other() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c = create(&app, &s.access, network_admin()).await;
    let path = format!("/api/v1/candidates/{}", c["id"].as_str().unwrap());
    let first = app
        .request(Method::PATCH, &path, Some(&s.access), Some(json!({"headline": "First"})), &[("if-match", "\"1\"")])
        .await;
    first.ok(200);
    let second = app
        .request(Method::PATCH, &path, Some(&s.access), Some(json!({"headline": "Second"})), &[("if-match", "\"1\"")])
        .await;
    second.problem(412);
    assert!(second.body["detail"].as_str().unwrap().contains("version 2"));
    assert_eq!(app.get(&path, &s.access).await.body["headline"], "First");
    let stale_delete = app.request(Method::DELETE, &path, Some(&s.access), None, &[("if-match", "\"1\"")]).await;
    stale_delete.problem(412);
    let weak = app
        .request(Method::PATCH, &path, Some(&s.access), Some(json!({"headline": "Third"})), &[("if-match", "W/\"2\"")])
        .await;
    assert_eq!(weak.ok(200)["headline"], "Third");
}

#[actix_web::test]
async fn delete_removes_the_candidate() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c = create(&app, &s.access, network_admin()).await;
    let path = format!("/api/v1/candidates/{}", c["id"].as_str().unwrap());
    assert_eq!(app.delete(&path, &s.access).await.status, 204);
    app.get(&path, &s.access).await.problem(404);
    app.delete(&path, &s.access).await.problem(404);
}

#[actix_web::test]
async fn another_agencys_candidate_is_not_found_on_every_method() {
    let app = spawn_app().await;
    let (ours, theirs) = app.two_agencies().await;
    let c = create(&app, &theirs.access, network_admin()).await;
    let path = format!("/api/v1/candidates/{}", c["id"].as_str().unwrap());
    app.get(&path, &ours.access).await.problem(404);
    app.patch(&path, &ours.access, json!({"full_name": "Stolen"})).await.problem(404);
    app.delete(&path, &ours.access).await.problem(404);
    assert!(app.get("/api/v1/candidates", &ours.access).await.ok(200)["items"].as_array().unwrap().is_empty());
    assert!(app.get("/api/v1/candidates?skill=Cisco&q=dana", &ours.access).await.ok(200)["items"]
        .as_array()
        .unwrap()
        .is_empty());
    // Theirs is untouched.
    assert_eq!(app.get(&path, &theirs.access).await.ok(200)["full_name"], "Dana Reyes");
    // Ids that are no ids at all are simply not found.
    for odd in ["abc", "-1", "0", "99999999999999999999999"] {
        app.get(&format!("/api/v1/candidates/{odd}"), &ours.access).await.problem(404);
    }
}

#[actix_web::test]
async fn without_a_token_every_candidate_route_is_401() {
    let app = spawn_app().await;
    for (method, path) in [
        (Method::GET, "/api/v1/candidates"),
        (Method::POST, "/api/v1/candidates"),
        (Method::GET, "/api/v1/candidates/1"),
        (Method::PATCH, "/api/v1/candidates/1"),
        (Method::DELETE, "/api/v1/candidates/1"),
    ] {
        app.request(method, path, None, Some(json!({})), &[]).await.problem(401);
    }
}

#[actix_web::test]
async fn control_characters_in_filters_are_a_400_not_a_database_error() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    for query in ["q=a%00b", "skill=Epic%00", "tag=%00"] {
        app.get(&format!("/api/v1/candidates?{query}"), &s.access).await.problem(400);
    }
    app.public_post("/api/v1/auth/login", json!({"email": "a\u{0}@b.co", "password": "x"})).await.problem(422);
}

#[actix_web::test]
async fn an_empty_patch_changes_nothing_and_keeps_the_version() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c = create(&app, &s.access, network_admin()).await;
    let path = format!("/api/v1/candidates/{}", c["id"].as_str().unwrap());
    assert_eq!(app.patch(&path, &s.access, json!({})).await.ok(200), &c);
    assert_eq!(app.patch(&path, &s.access, json!({"full_name": "Dana Reyes"})).await.ok(200)["version"], 1);
}

#[actix_web::test]
async fn blank_optional_text_is_stored_as_null_and_dates_are_strict() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c =
        create(&app, &s.access, json!({"full_name": "  Dana  ", "headline": "   ", "available_from": "2027-01-04"}))
            .await;
    assert_eq!(c["full_name"], "Dana");
    assert_eq!(c["headline"], Value::Null);
    for date in ["2027-1-04", "2027-02-30", "04/01/2027"] {
        let reply = app.post("/api/v1/candidates", &s.access, json!({"full_name": "A", "available_from": date})).await;
        reply.problem(422);
        assert_eq!(reply.error_fields(), ["available_from"], "{date}");
    }
    let long_with_spaces = format!("{} ", "x".repeat(200));
    let reply = app.post("/api/v1/candidates", &s.access, json!({"full_name": long_with_spaces})).await;
    assert_eq!(reply.error_fields(), ["full_name"], "lengths count what was sent");
}

#[actix_web::test]
async fn an_oversized_if_match_is_400_and_a_non_canonical_id_404() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c = create(&app, &s.access, network_admin()).await;
    let id = c["id"].as_str().unwrap();
    let long = format!("\"{}\"", "1".repeat(120));
    let reply = app
        .request(
            Method::PATCH,
            &format!("/api/v1/candidates/{id}"),
            Some(&s.access),
            Some(json!({})),
            &[("if-match", &long)],
        )
        .await;
    reply.problem(400);
    assert_eq!(reply.error_fields(), ["If-Match"]);
    app.get(&format!("/api/v1/candidates/0{id}"), &s.access).await.problem(404);
}

#[actix_web::test]
async fn a_status_this_version_does_not_know_reads_as_archived_everywhere() {
    use diesel::connection::SimpleConnection;
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let body = json!({"full_name": "Dana Reyes", "skills": [{"name": "Epic"}], "min_rate_cents": 5000});
    let id = create(&app, &s.access, body).await["id"].as_str().unwrap().to_owned();
    // A status written by a newer version, or by hand.
    let target = bridgehire::db::Target::parse(&app.database_url).unwrap();
    let pool = bridgehire::db::connect(&target, 1, 5_000).unwrap();
    pool.get().unwrap().batch_execute(&format!("UPDATE candidates SET status = 'sabbatical' WHERE id = {id}")).unwrap();

    let shown = app.get(&format!("/api/v1/candidates/{id}"), &s.access).await;
    assert_eq!(shown.ok(200)["status"], "archived");
    let role = json!({"required_skills": [{"name": "Epic"}], "budget_cents": 9000});
    let matched = app.post("/api/v1/matches", &s.access, role).await;
    let answer = matched.ok(200);
    assert_eq!(answer["total_matches"], 0);
    assert_eq!(answer["excluded"]["status"], 1, "matching reads it the same way: not active");
}
