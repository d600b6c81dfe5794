//! Staffing economics over HTTP: the budget is a bill rate, candidates' rates are pay rates, and
//! the markup between them (the agency's default, a client's, a job order's) decides who fits
//! and what the agency keeps; placements record the rates agreed.

mod common;

use common::{assert_truthful_plans, spawn_app, Session, TestApp, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};

async fn recruiter(app: &TestApp, admin: &Session) -> String {
    let email = format!("rita.{}@lakeside.example", admin.agency_id);
    let invite = json!({"name": "Rita Recruiter", "email": email, "password": PASSWORD, "role": "recruiter"});
    app.post("/api/v1/users", &admin.access, invite).await.ok(201);
    let login = app.public_post("/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await;
    login.ok(200)["access_token"].as_str().unwrap().to_owned()
}

async fn candidate(app: &TestApp, token: &str, name: &str, min: i64, desired: i64) -> String {
    let body = json!({
        "full_name": name,
        "skills": [{"name": "Epic", "years": 3}, {"name": "SQL", "years": 5}],
        "it_experience_months": 72,
        "min_rate_cents": min,
        "desired_rate_cents": desired,
    });
    app.create("/api/v1/candidates", token, body).await["id"].as_str().unwrap().to_owned()
}

async fn client(app: &TestApp, token: &str, extra: Value) -> String {
    let mut body = json!({"name": "Prairie Rural Clinic", "sector": "clinic"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.create("/api/v1/clients", token, body).await["id"].as_str().unwrap().to_owned()
}

async fn job_order(app: &TestApp, token: &str, client_id: &str, extra: Value) -> String {
    let mut body = json!({
        "client_id": client_id,
        "title": "Epic Analyst",
        "required_skills": [{"name": "Epic", "weight": 3}, {"name": "SQL", "weight": 1}],
        "max_rate_cents": 6_500,
        "remote": true
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.create("/api/v1/job-orders", token, body).await["id"].as_str().unwrap().to_owned()
}

/// A job order's matches; every plan in them is checked to be one the candidate can follow.
async fn matches(app: &TestApp, token: &str, job: &str) -> Value {
    let answer = app.get(&format!("/api/v1/job-orders/{job}/matches"), token).await.ok(200).clone();
    assert_truthful_plans(app, token, &answer).await;
    answer
}

#[actix_web::test]
async fn the_worked_example_prices_a_match_to_the_cent() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let fits = candidate(&app, &s.access, "Casey Crossover", 4_500, 5_200).await;
    candidate(&app, &s.access, "Owen Over", 5_400, 5_600).await;
    let client_id = client(&app, &s.access, json!({})).await;
    let job = job_order(&app, &s.access, &client_id, json!({})).await;

    let answer = matches(&app, &s.access, &job).await;
    assert_eq!(answer["budget_cents"], 6_500);
    assert_eq!(answer["markup_percent"], 30.0, "a new agency starts at 30 %");
    assert_eq!(answer["markup_source"], "agency");
    assert_eq!(answer["pay_ceiling_cents"], 5_000);
    assert_eq!(answer["total_matches"], 1);
    assert_eq!(answer["excluded"]["over_budget"], 1, "a minimum of 54.00 is above the 50.00 ceiling");
    let m = &answer["matches"][0];
    assert_eq!(m["candidate_id"], fits.as_str());
    assert_eq!(m["within_budget"], false);
    assert_eq!(m["concession_cents"], 200);
    assert_eq!(m["offer_pay_rate_cents"], 5_000);
    assert_eq!(m["margin_cents"], 1_500);
    assert_eq!(m["margin_percent"], 23.1);
    assert_eq!((m["min_bill_rate_cents"].as_i64(), m["desired_bill_rate_cents"].as_i64()), (Some(5_850), Some(6_760)));
    let explanation = m["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("Would bill at 58.50 an hour within the 65.00 budget; asks 52.00, would take 50.00"),
        "{explanation}"
    );
    // A larger budget lets the other one in: +10 % = 7,150, a ceiling of 5,500.
    assert_eq!(answer["what_if"][0]["budget_cents"], 7_150);
    assert_eq!(answer["what_if"][0]["additional_candidates"], 1);
}

#[actix_web::test]
async fn the_markup_comes_from_the_job_order_else_the_client_else_the_agency() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    candidate(&app, &s.access, "Casey Crossover", 4_500, 5_200).await;
    let agency = app.get("/api/v1/agency", &s.access).await;
    let etag = agency.header("etag").unwrap();
    let patched = app
        .request(
            Method::PATCH,
            "/api/v1/agency",
            Some(&s.access),
            Some(json!({"default_markup_percent": 25})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(patched.ok(200)["default_markup_percent"], 25.0);
    let plain = client(&app, &s.access, json!({})).await;
    let job = job_order(&app, &s.access, &plain, json!({})).await;
    let answer = matches(&app, &s.access, &job).await;
    assert_eq!((answer["markup_percent"].as_f64(), answer["markup_source"].as_str()), (Some(25.0), Some("agency")));
    assert_eq!(answer["pay_ceiling_cents"], 5_200, "6500 × 100 / 125");

    let discount = client(&app, &s.access, json!({"markup_percent": 20})).await;
    let job = job_order(&app, &s.access, &discount, json!({})).await;
    let answer = matches(&app, &s.access, &job).await;
    assert_eq!((answer["markup_percent"].as_f64(), answer["markup_source"].as_str()), (Some(20.0), Some("client")));
    assert_eq!(answer["pay_ceiling_cents"], 5_416, "⌊6500 × 100 / 120⌋ = 5416");
    assert_eq!(answer["matches"][0]["within_budget"], true, "52.00 fits under 54.16");

    let own = job_order(&app, &s.access, &discount, json!({"markup_percent": 27.5})).await;
    let shown = app.get(&format!("/api/v1/job-orders/{own}"), &s.access).await.ok(200).clone();
    assert_eq!(
        (shown["markup_percent"].as_f64(), shown["effective_markup_percent"].as_f64()),
        (Some(27.5), Some(27.5))
    );
    assert_eq!(shown["markup_source"], "job_order");
    let answer = matches(&app, &s.access, &own).await;
    assert_eq!(answer["pay_ceiling_cents"], 5_098, "⌊6500 × 100 / 127.5⌋");
    // Clearing the job order's markup inherits the client's again.
    let cleared = app.patch(&format!("/api/v1/job-orders/{own}"), &s.access, json!({"markup_percent": null})).await;
    assert_eq!(
        (cleared.ok(200)["markup_percent"].clone(), cleared.body["markup_source"].clone()),
        (Value::Null, json!("client"))
    );
    assert_eq!(matches(&app, &s.access, &own).await["markup_source"], "client");

    // An ad-hoc match prices at the markup it names, else the agency's.
    let role = json!({"required_skills": [{"name": "Epic"}], "budget_cents": 6_500, "markup_percent": 0});
    let answer = app.post("/api/v1/matches", &s.access, role).await.ok(200).clone();
    assert_eq!(
        (answer["markup_source"].as_str(), answer["pay_ceiling_cents"].as_i64()),
        (Some("request"), Some(6_500))
    );
}

#[actix_web::test]
async fn the_agency_default_markup_is_read_by_everyone_and_changed_by_admins_only() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let rita = recruiter(&app, &s).await;
    let seen = app.get("/api/v1/agency", &rita).await;
    assert_eq!(seen.ok(200)["default_markup_percent"], 30.0);
    assert_eq!(seen.header("etag").unwrap(), "\"1\"");
    app.patch("/api/v1/agency", &rita, json!({"default_markup_percent": 10})).await.problem(403);
    for (body, field) in [
        (json!({"default_markup_percent": 300.01}), "default_markup_percent"),
        (json!({"default_markup_percent": -1}), "default_markup_percent"),
        (json!({"default_markup_percent": 27.555}), "default_markup_percent"),
        (json!({"default_markup_percent": null}), "default_markup_percent"),
        (json!({"default_markup_percent": "30"}), "default_markup_percent"),
        (json!({"name": "  "}), "name"),
        (json!({"colour": "blue"}), "colour"),
    ] {
        let reply = app.patch("/api/v1/agency", &s.access, body.clone()).await;
        reply.problem(422);
        assert_eq!(reply.error_fields(), [field], "{body}");
    }
    let stale = app
        .request(
            Method::PATCH,
            "/api/v1/agency",
            Some(&s.access),
            Some(json!({"name": "Lakeside Staffing"})),
            &[("if-match", "\"7\"")],
        )
        .await;
    stale.problem(412);
    let now = app.get("/api/v1/agency", &s.access).await.ok(200).clone();
    assert_eq!((now["version"].as_i64(), now["default_markup_percent"].as_f64()), (Some(1), Some(30.0)), "unchanged");
    let renamed = app
        .patch("/api/v1/agency", &s.access, json!({"name": "Lakeside Staffing", "default_markup_percent": 32.75}))
        .await;
    assert_eq!(renamed.ok(200)["version"], 2);
    assert_eq!(app.get("/api/v1/me", &rita).await.ok(200)["agency"]["default_markup_percent"], 32.75);

    // Markups on clients and job orders are checked the same way.
    let reply = app.post("/api/v1/clients", &s.access, json!({"name": "X", "markup_percent": 301})).await;
    assert_eq!(reply.error_fields(), ["markup_percent"]);
    let c = client(&app, &s.access, json!({})).await;
    let reply = app
        .post("/api/v1/job-orders", &s.access, json!({"client_id": c, "title": "Analyst", "markup_percent": 1.005}))
        .await;
    assert_eq!(reply.error_fields(), ["markup_percent"]);
}

/// A job order with a candidate on its shortlist, moved to `placed` with these rates.
async fn placed(app: &TestApp, s: &Session, placement: Value) -> (String, String, String, Value) {
    let client_id = client(app, &s.access, json!({})).await;
    let job = job_order(app, &s.access, &client_id, json!({})).await;
    let person = candidate(app, &s.access, "Casey Crossover", 4_500, 5_200).await;
    let list = format!("/api/v1/job-orders/{job}/shortlist");
    app.post(&list, &s.access, json!({"candidate_id": person})).await.ok(201);
    let moved =
        app.patch(&format!("{list}/{person}"), &s.access, json!({"stage": "placed", "placement": placement})).await;
    let entry = moved.ok(200).clone();
    let id = entry["placement_id"].as_str().unwrap().to_owned();
    let placement = app.get(&format!("/api/v1/placements/{id}"), &s.access).await.ok(200).clone();
    (client_id, job, id, placement)
}

#[actix_web::test]
async fn placements_keep_their_rates_flag_a_bill_over_budget_and_are_listed_by_filter() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let steps = json!([{"after_months": 6, "pay_rate_cents": 5_500, "bill_rate_cents": 7_150}]);
    let (client_id, job, id, p) = placed(
        &app,
        &s,
        json!({"pay_rate_cents": 5_000, "bill_rate_cents": 6_500, "start_date": "2027-01-31", "step_ups": steps}),
    )
    .await;
    assert_eq!(p["margin_cents"], 1_500);
    assert_eq!((p["markup_percent"].as_f64(), p["gross_margin_percent"].as_f64()), (Some(30.0), Some(23.1)));
    assert_eq!(p["over_budget"], false);
    assert_eq!(p["step_ups"][0]["effective_date"], "2027-07-31");
    assert_eq!(p["step_ups"][0]["margin_cents"], 1_650);
    assert_eq!(p["client_id"], client_id.as_str());
    let person = p["candidate_id"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&format!("/api/v1/candidates/{person}"), &s.access).await.ok(200)["status"], "placed");

    // A second placement, billed above its job's budget: allowed, and flagged.
    let (_, _, over_id, over) =
        placed(&app, &s, json!({"pay_rate_cents": 5_400, "bill_rate_cents": 7_000, "start_date": "2027-03-01"})).await;
    assert_eq!((over["over_budget"].as_bool(), over["budget_cents"].as_i64()), (Some(true), Some(6_500)));

    let ids = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
    };
    let all = app.get("/api/v1/placements", &s.access).await.ok(200).clone();
    assert_eq!(ids(&all), [over_id.clone(), id.clone()], "newest first");
    for (query, expected) in [
        (format!("client_id={client_id}"), vec![id.clone()]),
        (format!("job_order_id={job}"), vec![id.clone()]),
        (format!("candidate_id={person}"), vec![id.clone()]),
        ("start_from=2027-02-01".into(), vec![over_id.clone()]),
        ("start_to=2027-01-31".into(), vec![id.clone()]),
        ("client_id=999999".into(), vec![]),
        ("limit=1".into(), vec![over_id.clone()]),
    ] {
        let page = app.get(&format!("/api/v1/placements?{query}"), &s.access).await.ok(200).clone();
        assert_eq!(ids(&page), expected, "{query}");
    }
    let first = app.get("/api/v1/placements?limit=1", &s.access).await.ok(200).clone();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("/api/v1/placements?limit=1&cursor={cursor}"), &s.access).await.ok(200).clone();
    assert_eq!(ids(&second), [id]);
    app.get("/api/v1/placements?start_from=tomorrow", &s.access).await.problem(400);
}

#[actix_web::test]
async fn a_placement_is_corrected_by_if_match_and_bad_rates_change_nothing() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let (.., id, _) =
        placed(&app, &s, json!({"pay_rate_cents": 5_000, "bill_rate_cents": 6_500, "start_date": "2027-01-04"})).await;
    let path = format!("/api/v1/placements/{id}");
    for (body, field) in [
        (json!({"bill_rate_cents": 4_999}), "bill_rate_cents"),
        (json!({"end_date": "2027-01-03"}), "end_date"),
        (json!({"start_date": null}), "start_date"),
        (
            json!({"step_ups": [{"after_months": 0, "pay_rate_cents": 5_500, "bill_rate_cents": 7_000}]}),
            "step_ups[0].after_months",
        ),
        (
            json!({"step_ups": [{"after_months": 6, "pay_rate_cents": 4_000, "bill_rate_cents": 7_000}]}),
            "step_ups[0].pay_rate_cents",
        ),
        (json!({"pay_rate_cents": 5_000.5}), "pay_rate_cents"),
    ] {
        let reply = app.patch(&path, &s.access, body.clone()).await;
        reply.problem(422);
        assert_eq!(reply.error_fields(), [field], "{body}");
    }
    let stale = app
        .request(
            Method::PATCH,
            &path,
            Some(&s.access),
            Some(json!({"end_date": "2027-12-31"})),
            &[("if-match", "\"2\"")],
        )
        .await;
    stale.problem(412);
    assert_eq!(app.get(&path, &s.access).await.ok(200)["version"], 1, "nothing changed");
    let ended = app
        .request(
            Method::PATCH,
            &path,
            Some(&s.access),
            Some(json!({"end_date": "2027-12-31"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    let ended = ended.ok(200).clone();
    assert_eq!((ended["end_date"].as_str(), ended["version"].as_i64()), (Some("2027-12-31"), Some(2)));
    assert_eq!(ended["bill_rate_cents"], 6_500, "what the patch does not name stays");

    // A move to any other stage cannot carry a placement; placing needs one.
    let client_id = client(&app, &s.access, json!({})).await;
    let job = job_order(&app, &s.access, &client_id, json!({})).await;
    let person = candidate(&app, &s.access, "Pat Pending", 4_500, 5_000).await;
    let list = format!("/api/v1/job-orders/{job}/shortlist");
    app.post(&list, &s.access, json!({"candidate_id": person})).await.ok(201);
    let one = format!("{list}/{person}");
    let with_placement = json!({"stage": "offered", "placement": {"pay_rate_cents": 1, "bill_rate_cents": 1, "start_date": "2027-01-04"}});
    assert_eq!(app.patch(&one, &s.access, with_placement).await.error_fields(), ["placement"]);
    let below = json!({"stage": "placed", "placement": {"pay_rate_cents": 5_000, "bill_rate_cents": 4_000, "start_date": "2027-01-04"}});
    assert_eq!(app.patch(&one, &s.access, below).await.error_fields(), ["placement.bill_rate_cents"]);
    assert_eq!(app.get(&one, &s.access).await.ok(200)["stage"], "shortlisted", "nothing moved");
    assert_eq!(app.get(&format!("/api/v1/candidates/{person}"), &s.access).await.ok(200)["status"], "active");
}

#[actix_web::test]
async fn another_agencys_placements_and_settings_are_out_of_reach() {
    let app = spawn_app().await;
    let (mine, theirs) = app.two_agencies().await;
    let (.., id, _) =
        placed(&app, &mine, json!({"pay_rate_cents": 5_000, "bill_rate_cents": 6_500, "start_date": "2027-01-04"}))
            .await;
    let path = format!("/api/v1/placements/{id}");
    app.get(&path, &theirs.access).await.problem(404);
    app.patch(&path, &theirs.access, json!({"end_date": "2027-12-31"})).await.problem(404);
    assert!(app.get("/api/v1/placements", &theirs.access).await.ok(200)["items"].as_array().unwrap().is_empty());
    app.patch("/api/v1/agency", &theirs.access, json!({"default_markup_percent": 12})).await.ok(200);
    assert_eq!(app.get("/api/v1/agency", &mine.access).await.ok(200)["default_markup_percent"], 30.0);
    app.get("/api/v1/placements", "not-a-token").await.problem(401);
}

#[actix_web::test]
async fn ramp_up_plans_only_promise_what_the_candidate_can_do() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    // A network administrator with no healthcare experience: Epic, HIPAA and terminology to learn.
    let fresh = json!({
        "full_name": "Nora Network",
        "skills": [{"name": "SQL", "years": 6}],
        "it_experience_months": 96,
        "min_rate_cents": 4_000,
        "desired_rate_cents": 4_500,
    });
    let nora = app.create("/api/v1/candidates", &s.access, fresh).await["id"].as_str().unwrap().to_owned();
    // The same, but a recruiter typed a held healthcare certification and a training.
    let typed = json!({
        "full_name": "Cara Certified",
        "skills": [{"name": "SQL", "years": 6}],
        "certifications": ["CEHRS", "Healthcare IT certificate program, Tulsa Community College"],
        "it_experience_months": 96,
        "min_rate_cents": 4_000,
        "desired_rate_cents": 4_500,
    });
    let cara = app.create("/api/v1/candidates", &s.access, typed).await["id"].as_str().unwrap().to_owned();
    let client_id = client(&app, &s.access, json!({})).await;
    let body = json!({"required_skills": [{"name": "Epic", "weight": 3}, {"name": "SQL", "weight": 2}], "max_rate_cents": 6_500});
    let job = job_order(&app, &s.access, &client_id, body).await;

    let answer = matches(&app, &s.access, &job).await;
    let of = |id: &str| answer["matches"].as_array().unwrap().iter().find(|m| m["candidate_id"] == id).unwrap().clone();
    let (nora, cara) = (of(&nora), of(&cara));
    let plan = &nora["ramp_up"];
    let names = |list: &Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
    };
    assert!(!plan["steps"].as_array().unwrap().is_empty(), "something to do before placement: {plan}");
    assert!(!names(&plan["steps"]).iter().any(|n| n.starts_with("Epic") || n.starts_with("CHTS")), "{plan}");
    let later = plan["after_placement"].as_array().unwrap();
    let epic = later.iter().find(|l| l["closes"].as_array().unwrap().iter().any(|c| c == "Epic")).expect("Epic, later");
    assert_eq!(epic["requires"], "employer_sponsorship");
    assert!(epic["name"].as_str().unwrap().starts_with("Epic"));

    // What Cara holds is covered, never recommended, and counts as a crossover signal.
    let to_learn = cara["ramp_up"]["to_learn"].as_array().unwrap();
    assert!(!to_learn.iter().any(|s| s == "HIPAA" || s == "Medical Terminology"), "CEHRS covers them: {to_learn:?}");
    assert!(!names(&cara["ramp_up"]["steps"]).contains(&"CEHRS".to_owned()));
    assert!(cara["score"].as_f64() > nora["score"].as_f64(), "typed signals lift the score");
    assert!(cara["parts"]["crossover_signals"].as_f64().unwrap() > 0.0);
    for m in answer["matches"].as_array().unwrap() {
        for part in m["parts"].as_object().unwrap().values() {
            assert!(!part.to_string().starts_with('-'), "no negative part, not even -0.0: {}", m["parts"]);
        }
    }

    // The taxonomy says why: retired with the year, sponsorship for Epic.
    let retired = app.get("/api/v1/skills?q=HIT-001", &s.access).await.ok(200).clone();
    let cert = &retired["items"][0]["certification"];
    assert_eq!((cert["status"].as_str(), cert["retired_year"].as_i64()), (Some("retired"), Some(2017)));
    let epic = app.get("/api/v1/skills?q=epic%20certified&category=certification", &s.access).await.ok(200).clone();
    assert_eq!(epic["items"][0]["certification"]["sponsorship_required"], true);
}
