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

/// A mistyped agency skill is merged into the taxonomy skill it meant: candidates and job orders
/// name the target from then on (a new version each, and matching sees it), the old spelling
/// resolves to the target, and the mistaken skill is gone.
#[actix_web::test]
async fn an_agency_skill_merges_into_the_skill_it_meant() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let typo =
        json!({"full_name": "Dana Reyes", "skills": [{"name": "Epic Cadance", "years": 3}], "min_rate_cents": 4000});
    let dana = app.create("/api/v1/candidates", &s.access, typo).await;
    let both =
        json!({"full_name": "Sam Okafor", "skills": [{"name": "Epic Cadance"}, {"name": "Epic Cadence", "years": 2}]});
    let sam = app.create("/api/v1/candidates", &s.access, both).await;
    let client = app.create("/api/v1/clients", &s.access, json!({"name": "Prairie Clinic"})).await;
    let role = json!({"client_id": client["id"], "title": "Scheduling analyst", "remote": true,
                      "required_skills": [{"name": "Epic Cadance"}], "create_custom_skills": true});
    let job = app.create("/api/v1/job-orders", &s.access, role).await;
    let own = app.get("/api/v1/skills?scope=agency", &s.access).await.ok(200).clone();
    let typo_id = own["items"][0]["id"].as_str().unwrap().to_owned();
    let merge = format!("/api/v1/skills/{typo_id}/merge");

    app.post(&merge, &s.access, json!({"into": "Nonexistent Skill"})).await.problem(422);
    let other = app.signup("Elsewhere", "eve@elsewhere.example").await;
    app.post(&merge, &other.access, json!({"into": "Epic Cadence"})).await.problem(404);

    let target = app.post(&merge, &s.access, json!({"into": "epic cadence"})).await.ok(200).clone();
    assert_eq!(target["name"], "Epic Cadence");
    app.get(&format!("/api/v1/skills/{typo_id}"), &s.access).await.problem(404);
    assert_eq!(app.get("/api/v1/skills?scope=agency", &s.access).await.ok(200)["items"], json!([]));

    let get = |path: String| {
        let app = &app;
        let token = s.access.clone();
        async move { app.get(&path, &token).await.ok(200).clone() }
    };
    let dana_now = get(format!("/api/v1/candidates/{}", dana["id"].as_str().unwrap())).await;
    assert_eq!(dana_now["skills"][0]["name"], "Epic Cadence");
    assert_eq!(dana_now["skills"][0]["years"], 3, "the claim keeps its years");
    assert_eq!(dana_now["version"], 2, "a new version");
    let sam_now = get(format!("/api/v1/candidates/{}", sam["id"].as_str().unwrap())).await;
    let names: Vec<&str> = sam_now["skills"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Epic Cadence"], "one entry when both were held");
    let job_now = get(format!("/api/v1/job-orders/{}", job["id"].as_str().unwrap())).await;
    assert_eq!(job_now["required_skills"][0]["name"], "Epic Cadence");

    // Matching sees the merged skill, and the old spelling now means the taxonomy skill.
    let matches = get(format!("/api/v1/job-orders/{}/matches", job["id"].as_str().unwrap())).await;
    assert_eq!(matches["total_matches"], 1, "Dana matches (Sam has no rate): {matches}");
    assert_eq!(matches["matches"][0]["matched_skills"][0]["name"], "Epic Cadence");
    assert_eq!(matches["excluded"]["missing_required_skills"], 0, "Sam holds it too");
    let again = json!({"full_name": "Pat Doe", "skills": [{"name": "Epic Cadance"}]});
    let pat = app.create("/api/v1/candidates", &s.access, again).await;
    assert_eq!(pat["skills"][0]["name"], "Epic Cadence");
    assert_eq!(app.get("/api/v1/skills?scope=agency", &s.access).await.ok(200)["items"], json!([]));

    // A curated skill is not the agency's to merge away.
    let global = format!("/api/v1/skills/{}/merge", target["id"].as_str().unwrap());
    app.post(&global, &s.access, json!({"into": "Epic"})).await.problem(409);
}

/// An agency skill is renamed in place: everything that names it shows the new name at once,
/// as a new version (candidates, job orders, the rate card, search, matching); the old
/// spelling keeps resolving unless the aliases are sent.
#[actix_web::test]
async fn an_agency_skill_is_renamed_everywhere_it_is_used() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let dana = json!({"full_name": "Dana Reyes", "skills": [{"name": "Acme Schedular Pro", "years": 3}],
                      "min_rate_cents": 4000});
    let dana = app.create("/api/v1/candidates", &s.access, dana).await;
    let dana_path = format!("/api/v1/candidates/{}", dana["id"].as_str().unwrap());
    let client = app.create("/api/v1/clients", &s.access, json!({"name": "Prairie Clinic"})).await;
    let role = json!({"client_id": client["id"], "title": "Scheduling analyst", "remote": true,
                      "required_skills": [{"name": "Acme Schedular Pro"}], "create_custom_skills": true});
    let job = app.create("/api/v1/job-orders", &s.access, role).await;
    let job_path = format!("/api/v1/job-orders/{}", job["id"].as_str().unwrap());
    let entry = app
        .create("/api/v1/rate-card", &s.access, json!({"skill": "Acme Schedular Pro", "experienced_rate_cents": 7_000}))
        .await;
    let entry_path = format!("/api/v1/rate-card/{}", entry["id"].as_str().unwrap());
    let before = app.get(&format!("{job_path}/matches"), &s.access).await.ok(200).clone();
    assert_eq!(before["matches"][0]["matched_skills"][0]["name"], "Acme Schedular Pro");
    let etag = app.get(&dana_path, &s.access).await.header("etag").unwrap();
    let own = app.get("/api/v1/skills?scope=agency", &s.access).await.ok(200).clone();
    let path = format!("/api/v1/skills/{}", own["items"][0]["id"].as_str().unwrap());

    // Who may, and what is refused.
    let invite = json!({"name": "Rita", "email": "rita@lakeside.example", "password": PASSWORD, "role": "recruiter"});
    app.post("/api/v1/users", &s.access, invite).await.ok(201);
    let rita = app
        .public_post("/api/v1/auth/login", json!({"email": "rita@lakeside.example", "password": PASSWORD}))
        .await
        .ok(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.patch(&path, &rita, json!({"name": "Acme Scheduler Pro"})).await.problem(403);
    let other = app.signup("Elsewhere", "eve@elsewhere.example").await;
    app.patch(&path, &other.access, json!({"name": "Acme Scheduler Pro"})).await.problem(404);
    let epic = app.get("/api/v1/skills?q=epic&limit=1", &s.access).await.ok(200)["items"][0].clone();
    let taken = app.patch(&path, &s.access, json!({"name": "EPIC"})).await;
    assert_eq!(taken.problem(409)["existing_id"], epic["id"], "the name means another skill");
    app.patch(&format!("/api/v1/skills/{}", epic["id"].as_str().unwrap()), &s.access, json!({"name": "Epic 2"}))
        .await
        .problem(409);
    for bad in [json!({"name": null}), json!({"name": ""}), json!({"colour": "red"}), json!({"category": "gold"})] {
        app.patch(&path, &s.access, bad.clone()).await.problem(422);
    }
    assert_eq!(app.get(&dana_path, &s.access).await.header("etag").unwrap(), etag, "nothing written");

    let lee = json!({"full_name": "Lee Park", "skills": [{"name": "SQL", "years": 6}], "remote_ok": true,
                     "it_experience_months": 72, "min_rate_cents": 4_000, "desired_rate_cents": 4_500});
    app.create("/api/v1/candidates", &s.access, lee).await;
    let rename = json!({"name": "Acme Scheduler Pro", "category": "healthcare_it"});
    let renamed = app.patch(&path, &s.access, rename).await.ok(200).clone();
    assert_eq!(
        (renamed["name"].as_str(), renamed["category"].as_str()),
        (Some("Acme Scheduler Pro"), Some("healthcare_it"))
    );
    assert_eq!(renamed["aliases"], json!(["Acme Schedular Pro"]), "the old spelling is kept as an alias");

    let dana_now = app.get(&dana_path, &s.access).await;
    assert_ne!(dana_now.header("etag").unwrap(), etag);

    assert_eq!(dana_now.ok(200)["skills"][0]["name"], "Acme Scheduler Pro");
    assert_eq!(dana_now.ok(200)["version"], 2);
    let job_now = app.get(&job_path, &s.access).await.ok(200).clone();
    assert_eq!(
        (job_now["required_skills"][0]["name"].as_str(), job_now["version"].as_i64()),
        (Some("Acme Scheduler Pro"), Some(2))
    );
    let entry_now = app.get(&entry_path, &s.access).await.ok(200).clone();
    assert_eq!((entry_now["skill"].as_str(), entry_now["version"].as_i64()), (Some("Acme Scheduler Pro"), Some(2)));
    let found = app.get("/api/v1/candidates?q=scheduler", &s.access).await.ok(200).clone();
    assert_eq!(found["items"][0]["id"], dana["id"], "the search document has the new name");
    let after = app.get(&format!("{job_path}/matches"), &s.access).await.ok(200).clone();
    assert_eq!(after["matches"][0]["matched_skills"][0]["name"], "Acme Scheduler Pro");
    // A crossover candidate's plan names what to learn from matching's own skill catalog.
    let adhoc = json!({"required_skills": [{"name": "SQL"}, {"name": "Acme Scheduler Pro"}], "remote": true,
                       "budget_cents": 9_000});
    let plans = app.post("/api/v1/matches", &s.access, adhoc).await.ok(200).clone();
    let lee = plans["matches"].as_array().unwrap().iter().find(|m| m["full_name"] == "Lee Park").expect("Lee matches");
    assert!(lee["ramp_up"]["to_learn"].as_array().unwrap().contains(&json!("Acme Scheduler Pro")), "{lee}");
    let pat = app
        .create(
            "/api/v1/candidates",
            &s.access,
            json!({"full_name": "Pat", "skills": [{"name": "acme schedular pro"}]}),
        )
        .await;
    assert_eq!(pat["skills"][0]["name"], "Acme Scheduler Pro", "the old spelling still resolves");

    // Sending the aliases sets them exactly: the old spelling stops resolving, and a job order
    // that uses it is told what was meant.
    let exact = app.patch(&path, &s.access, json!({"aliases": []})).await.ok(200).clone();
    assert_eq!((exact["aliases"].clone(), exact["name"].clone()), (json!([]), json!("Acme Scheduler Pro")));
    let typo =
        json!({"client_id": client["id"], "title": "Scheduler", "required_skills": [{"name": "Acme Schedular Pro"}]});
    let refused = app.post("/api/v1/job-orders", &s.access, typo).await;
    assert!(refused.problem(422).to_string().contains("Acme Scheduler Pro"), "suggested: {}", refused.problem(422));
}
