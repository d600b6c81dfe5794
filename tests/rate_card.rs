//! The rate card: per-skill and per-role-family rates, admins writing, everyone reading.

mod common;

use common::{spawn_app, PASSWORD};
use reqwest::Method;
use serde_json::json;

#[actix_web::test]
async fn admins_keep_the_rate_card_and_recruiters_read_it() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    app.clear_rate_card(&s.access).await;
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
    let before = app.get("/api/v1/rate-card?limit=100", &s.access).await.ok(200).clone();
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
    assert_eq!(app.get("/api/v1/rate-card?limit=100", &s.access).await.ok(200), &before);
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
    let their_card = app.get("/api/v1/rate-card?limit=100", &theirs.access).await.ok(200).clone();
    assert!(their_card["items"].as_array().unwrap().iter().all(|e| e["id"] != entry["id"] && e["skill"].is_null()));
    // Their own entry for the same skill is theirs: no conflict across agencies.
    app.create("/api/v1/rate-card", &theirs.access, json!({"skill": "Epic", "experienced_rate_cents": 8_000})).await;
    assert_eq!(app.get(&path, &mine.access).await.ok(200)["experienced_rate_cents"], 9_000);
}

/// The default rate card as `src/db/seed/taxonomy.json` documents it: per role family, the
/// occupation's 75th and 25th percentile annual wages over 2080 hours, to the cent (half up).
fn documented_defaults() -> Vec<(String, i64, i64, String)> {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../src/db/seed/taxonomy.json")).expect("the taxonomy parses");
    let hourly = |annual: &serde_json::Value| (annual.as_i64().unwrap() * 100 * 2 + 2080) / (2 * 2080);
    let mut out = Vec::new();
    for o in file["default_rate_card"]["occupations"].as_array().unwrap() {
        for family in o["role_families"].as_array().unwrap() {
            let source = o["source_url"].as_str().unwrap().to_owned();
            out.push((family.as_str().unwrap().to_owned(), hourly(&o["annual_p75"]), hourly(&o["annual_p25"]), source));
        }
    }
    out
}

#[actix_web::test]
async fn a_new_agency_starts_with_the_documented_default_rate_card() {
    let app = spawn_app().await;
    let (mine, theirs) = app.two_agencies().await;
    let defaults = documented_defaults();
    assert!(defaults.iter().any(|(family, ..)| family == "default"), "every role is priced");
    let card = app.get("/api/v1/rate-card?limit=100", &mine.access).await.ok(200).clone();
    let items = card["items"].as_array().unwrap();
    assert_eq!(items.len(), defaults.len());
    for (family, experienced, entry, source) in &defaults {
        let found = items.iter().find(|e| e["role_family"] == family.as_str()).unwrap_or_else(|| panic!("{family}"));
        assert_eq!(found["experienced_rate_cents"], *experienced, "{family}");
        assert_eq!(found["entry_rate_cents"], *entry, "{family}");
        let notes = found["notes"].as_str().unwrap();
        assert!(notes.contains("Bureau of Labor Statistics") && notes.contains(source.as_str()), "{notes}");
    }

    // The headline question has an answer on day one: the title's family prices the role.
    let client = app.create("/api/v1/clients", &mine.access, json!({"name": "Mercy"})).await;
    let (_, help_desk, _, _) = defaults.iter().find(|(f, ..)| f == "help desk").unwrap().clone();
    let bill = |pay: i64| (pay * 130 + 50) / 100; // the new agency's 30 % markup, half up
    for (budget, affordable) in [(bill(help_desk) - 1, false), (bill(help_desk), true)] {
        let job = app
            .create(
                "/api/v1/job-orders",
                &mine.access,
                json!({"client_id": client["id"], "title": "Epic Help Desk Analyst", "max_rate_cents": budget,
                       "required_skills": [{"name": "Epic"}]}),
            )
            .await;
        let answer =
            app.get(&format!("/api/v1/job-orders/{}/matches", job["id"].as_str().unwrap()), &mine.access).await;
        let answer = answer.ok(200);
        assert_eq!(answer["market"]["basis"], "rate_card");
        assert_eq!(answer["market"]["rate_card_entry"]["role_family"], "help desk", "two words beat default");
        assert_eq!(answer["market"]["experienced_rate_cents"], help_desk);
        assert_eq!(answer["can_afford_experienced"], affordable, "budget {budget}");
    }

    // Admins change it; the other agency's card is its own.
    let entry = items.iter().find(|e| e["role_family"] == "help desk").unwrap();
    let path = format!("/api/v1/rate-card/{}", entry["id"].as_str().unwrap());
    app.patch(&path, &mine.access, json!({"experienced_rate_cents": 4_500})).await.ok(200);
    app.patch(&path, &theirs.access, json!({"experienced_rate_cents": 1})).await.problem(404);
    let theirs_card = app.get("/api/v1/rate-card?limit=100", &theirs.access).await.ok(200).clone();
    let theirs_help_desk = theirs_card["items"].as_array().unwrap().iter().find(|e| e["role_family"] == "help desk");
    assert_eq!(theirs_help_desk.unwrap()["experienced_rate_cents"], help_desk);
}

#[test]
fn the_readme_shows_the_shipped_default_figures() {
    let readme = include_str!("../README.md");
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../src/db/seed/taxonomy.json")).expect("the taxonomy parses");
    let dollars = |annual: &serde_json::Value| {
        let cents = (annual.as_i64().unwrap() * 100 * 2 + 2080) / (2 * 2080);
        format!("${}.{:02}", cents / 100, cents % 100)
    };
    for o in file["default_rate_card"]["occupations"].as_array().unwrap() {
        let row = format!(
            "| {} {} | {} | {} |",
            o["soc"].as_str().unwrap(),
            o["title"].as_str().unwrap(),
            dollars(&o["annual_p25"]),
            dollars(&o["annual_p75"])
        );
        assert!(readme.contains(&row), "README.md lacks the row {row}");
    }
}
