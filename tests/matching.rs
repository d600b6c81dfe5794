//! Budget-aware matching over HTTP: the scenarios recruiters meet (a clinic that cannot afford
//! experienced people, a hospital that can), ties, empty data, the rate card as fallback,
//! freshness while candidates change, tenancy and bad input.

mod common;

use common::{assert_truthful_plans, restart_on, spawn_app, spawn_app_with, spawn_two_instances, TestApp};
use serde_json::{json, Value};

struct Person<'a> {
    name: &'a str,
    it: i32,
    hc: i32,
    min: i64,
    desired: i64,
    skills: &'a [(&'a str, i32)],
    signals: &'a [&'a str],
}

fn person<'a>(name: &'a str, it: i32, hc: i32, min: i64, desired: i64, skills: &'a [(&'a str, i32)]) -> Person<'a> {
    Person { name, it, hc, min, desired, skills, signals: &[] }
}

async fn add(app: &TestApp, token: &str, p: &Person<'_>) -> String {
    let skills: Vec<Value> = p.skills.iter().map(|(name, years)| json!({"name": name, "years": years})).collect();
    let signals: Vec<Value> = p.signals.iter().map(|kind| json!({"kind": kind})).collect();
    let body = json!({
        "full_name": p.name,
        "location": "Tulsa, OK",
        "skills": skills,
        "crossover_signals": signals,
        "it_experience_months": p.it,
        "healthcare_experience_months": p.hc,
        "min_rate_cents": p.min,
        "desired_rate_cents": p.desired,
    });
    app.create("/api/v1/candidates", token, body).await["id"].as_str().unwrap().to_owned()
}

const EXPERT: &[(&str, i32)] = &[("Epic", 8), ("HL7 v2", 6), ("SQL", 5)];

/// Five experienced Epic analysts asking $95–$115 an hour (minimums $90–$110).
async fn experienced(app: &TestApp, token: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 1..=5i64 {
        let name = format!("Veteran {i}");
        ids.push(add(app, token, &person(&name, 120, 96, 8_500 + i * 500, 9_000 + i * 500, EXPERT)).await);
    }
    ids
}

/// A job order with this budget, a bill rate. At the agency's default 30 % markup a budget of
/// 7,800 leaves a pay ceiling of 6,000: the scenarios below think in pay.
async fn job_order(app: &TestApp, token: &str, budget: i64, extra: Value) -> String {
    let client = app.create("/api/v1/clients", token, json!({"name": "Prairie Clinic", "sector": "clinic"})).await;
    let mut body = json!({
        "client_id": client["id"],
        "title": "Epic Analyst",
        "required_skills": [
            {"name": "Epic", "weight": 3, "min_years": 2},
            {"name": "HL7 v2", "weight": 2},
            {"name": "SQL", "weight": 1}
        ],
        "max_rate_cents": budget,
        "remote": true
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.create("/api/v1/job-orders", token, body).await["id"].as_str().unwrap().to_owned()
}

/// A job order's matches; every plan in them is checked to be one the candidate can follow.
async fn matches(app: &TestApp, token: &str, job: &str, query: &str) -> Value {
    let answer = app.get(&format!("/api/v1/job-orders/{job}/matches{query}"), token).await.ok(200).clone();
    assert_truthful_plans(app, token, &answer).await;
    answer
}

fn names(answer: &Value) -> Vec<String> {
    answer["matches"].as_array().unwrap().iter().map(|m| m["full_name"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn a_clinic_that_cannot_afford_experienced_rates_gets_skilled_crossover_people_first() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    experienced(&app, &s.access).await;
    let trained = Person {
        signals: &["healthcare_training", "lower_rate_ok"],
        ..person("Jordan Trained", 96, 0, 5_500, 6_500, &[("Epic", 1), ("HL7 v2", 2), ("SQL", 8)])
    };
    let jordan = add(&app, &s.access, &trained).await;
    add(&app, &s.access, &person("Sam Plain", 96, 0, 5_500, 6_500, &[("Epic", 1), ("HL7 v2", 2), ("SQL", 8)])).await;
    add(&app, &s.access, &person("Wes Weak", 24, 0, 4_000, 4_500, &[("SQL", 2)])).await;
    let resume = "Jordan Trained\nTulsa, OK\nSkills: Epic, HL7 v2, SQL\nCompleted an Epic training course in 2025.\n";
    app.upload(&s.access, &format!("/api/v1/candidates/{jordan}/resumes"), "cv.txt", resume.as_bytes().to_vec())
        .await
        .ok(201);
    let job = job_order(&app, &s.access, 7_800, json!({})).await;

    let answer = matches(&app, &s.access, &job, "").await;
    assert_eq!(answer["budget_cents"], 7_800);
    assert_eq!(answer["budget_source"], "job_order");
    assert_eq!((answer["markup_percent"].as_f64(), answer["markup_source"].as_str()), (Some(30.0), Some("agency")));
    assert_eq!(answer["pay_ceiling_cents"], 6_000);
    assert_eq!(answer["market"]["basis"], "candidates");
    assert_eq!(answer["market"]["sample_size"], 5);
    assert_eq!(answer["market"]["experienced_rate_cents"], 10_500, "median of $95–$115");
    assert_eq!(answer["market"]["experienced_bill_rate_cents"], 13_650, "10,500 at 30 %");
    assert_eq!(answer["can_afford_experienced"], false);
    assert_eq!(names(&answer), ["Jordan Trained", "Sam Plain", "Wes Weak"]);
    assert!(answer["matches"].as_array().unwrap().iter().all(|m| m["segment"] == "crossover"));
    assert_eq!(answer["excluded"]["over_budget"], 5, "every experienced analyst is over budget");
    assert_eq!(answer["excluded"]["total"], 5);
    assert_eq!(answer["total_matches"], 3);

    let top = &answer["matches"][0];
    assert_eq!(top["candidate_id"], jordan.as_str());
    assert_eq!(top["healthcare_experience_months"], 0);
    assert_eq!(top["min_rate_cents"], 5_500);
    assert_eq!(top["within_budget"], false, "asks $65 pay against a $60 ceiling");
    assert_eq!(top["concession_cents"], 500);
    assert_eq!(
        (top["min_bill_rate_cents"].as_i64(), top["desired_bill_rate_cents"].as_i64()),
        (Some(7_150), Some(8_450))
    );
    assert_eq!(top["offer_pay_rate_cents"], 6_000);
    assert_eq!(top["margin_cents"], 1_800);
    assert_eq!(top["margin_percent"], 23.1, "1,800 of 7,800");
    assert_eq!(top["shortlist_stage"], Value::Null);
    let parts = &top["parts"];
    let sum: f64 = ["skill_fit", "it_breadth", "healthcare_experience", "crossover_signals", "rate_fit"]
        .iter()
        .map(|p| parts[p].as_f64().unwrap())
        .sum();
    assert!((sum - top["score"].as_f64().unwrap()).abs() < 0.3, "the parts add up to the score: {parts}");
    assert_eq!(parts["healthcare_experience"], 0.0, "healthcare experience does not count when crossing over");
    let epic = top["matched_skills"].as_array().unwrap().iter().find(|m| m["name"] == "Epic").unwrap();
    assert_eq!(epic["years"], 1);
    assert_eq!(epic["min_years"], 2);
    assert!(epic["evidence"]["text"].as_str().unwrap().contains("Epic"), "the résumé line: {epic}");
    assert!(top["ramp_up"]["estimated_months_to_productive"].as_i64().unwrap() >= 1);
    assert!(top["ramp_up"]["to_learn"].as_array().unwrap().iter().any(|s| s == "HIPAA"), "{}", top["ramp_up"]);
    let explanation = top["explanation"].as_str().unwrap();
    assert!(explanation.starts_with("Jordan Trained is a crossover match"), "{explanation}");
    assert!(explanation.contains("asks 65.00, would take 60.00 (a concession of 5.00)"), "{explanation}");
    let first_step = top["ramp_up"]["steps"][0]["name"].as_str().unwrap();
    assert!(explanation.contains(&format!("With {first_step}")), "the plan is in the pitch: {explanation}");
    let weak = &answer["matches"][2];
    assert_eq!(weak["missing_skills"].as_array().unwrap().len(), 2);
    assert_eq!(weak["missing_skills"][0], json!({"name": "Epic", "required": true, "healthcare": true}));

    // +10 % leaves a $66 ceiling: the two asking $65 already fit; +25 % ($75) still brings no
    // veteran in.
    assert_eq!(answer["what_if"][0]["budget_increase_percent"], 10);
    assert_eq!(answer["what_if"][0]["budget_cents"], 8_580);
    assert_eq!(answer["what_if"][1]["additional_candidates"], 0);
    let richer = job_order(&app, &s.access, 10_400, json!({})).await;
    let richer = matches(&app, &s.access, &richer, "").await;
    assert_eq!(richer["what_if"][1]["experienced"], 3, "minimums of $90–$100 fit the ceiling of $104 + 25%");
    assert_eq!(richer["what_if"][1]["crossover"], 0);
}

#[actix_web::test]
async fn a_well_funded_hospital_sees_experienced_people_lead() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    experienced(&app, &s.access).await;
    add(&app, &s.access, &person("Sam Plain", 96, 0, 5_500, 6_500, &[("Epic", 1), ("HL7 v2", 2), ("SQL", 8)])).await;
    let job = job_order(&app, &s.access, 19_500, json!({})).await;
    let answer = matches(&app, &s.access, &job, "").await;
    assert_eq!(answer["can_afford_experienced"], true);
    let segments: Vec<&str> =
        answer["matches"].as_array().unwrap().iter().map(|m| m["segment"].as_str().unwrap()).collect();
    assert_eq!(segments, ["experienced", "experienced", "experienced", "experienced", "experienced", "crossover"]);
    assert!(answer["matches"][0]["parts"]["healthcare_experience"].as_f64().unwrap() > 0.0);
    assert_eq!(answer["matches"][0]["ramp_up"], Value::Null, "experienced people need no ramp-up");

    // The filters.
    let crossover = matches(&app, &s.access, &job, "?segment=crossover").await;
    assert_eq!(names(&crossover), ["Sam Plain"]);
    assert_eq!(crossover["filtered_out"], 5);
    let two = matches(&app, &s.access, &job, "?limit=2").await;
    assert_eq!(names(&two), names(&answer)[..2]);
    assert_eq!(two["total_matches"], 6);
    let strict = matches(&app, &s.access, &job, "?min_score=100").await;
    assert!(strict["matches"].as_array().unwrap().is_empty());
    let fifth = answer["matches"][4]["score"].as_f64().unwrap();
    let at_fifth = matches(&app, &s.access, &job, &format!("?min_score={fifth}")).await;
    assert!(at_fifth["matches"].as_array().unwrap().len() >= 5, "a decimal min_score keeps scores equal to it");
    assert!(at_fifth["matches"].as_array().unwrap().iter().all(|m| m["score"].as_f64().unwrap() >= fifth));
}

#[actix_web::test]
async fn ties_go_to_the_newest_and_people_without_skills_or_data_are_counted() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    app.clear_rate_card(&s.access).await;
    let job = job_order(&app, &s.access, 7_800, json!({})).await;

    let empty = matches(&app, &s.access, &job, "").await;
    assert_eq!(
        empty["market"],
        json!({
            "experienced_rate_cents": null,
            "experienced_bill_rate_cents": null,
            "basis": "unknown",
            "sample_size": 0,
            "rate_card_entry": null
        })
    );
    assert_eq!(empty["can_afford_experienced"], Value::Null);
    assert_eq!(empty["matches"], json!([]));
    assert_eq!(empty["excluded"]["total"], 0);

    let same = [("Epic", 3), ("HL7 v2", 3), ("SQL", 3)];
    let mut twins = Vec::new();
    for name in ["Twin A", "Twin B", "Twin C"] {
        twins.push(add(&app, &s.access, &person(name, 60, 0, 5_000, 5_500, &same)).await);
    }
    add(&app, &s.access, &person("No Skills", 60, 0, 5_000, 5_500, &[])).await;
    app.create("/api/v1/candidates", &s.access, json!({"full_name": "No Rate", "skills": [{"name": "Epic"}]})).await;
    let placed = add(&app, &s.access, &person("Placed Person", 60, 0, 5_000, 5_500, &same)).await;
    app.patch(&format!("/api/v1/candidates/{placed}"), &s.access, json!({"status": "placed"})).await.ok(200);

    let answer = matches(&app, &s.access, &job, "").await;
    assert_eq!(names(&answer), ["Twin C", "Twin B", "Twin A"], "equal scores: newest first, every time");
    assert_eq!(answer["matches"][0]["score"], answer["matches"][2]["score"]);
    let excluded = &answer["excluded"];
    assert_eq!(
        (excluded["missing_required_skills"].as_i64(), excluded["no_rate"].as_i64(), excluded["status"].as_i64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(matches(&app, &s.access, &job, "").await, answer, "the same data gives the same answer");

    // An on-site role elsewhere leaves everyone out for location.
    let onsite = job_order(&app, &s.access, 7_800, json!({"remote": false, "location": "Austin, TX"})).await;
    let answer = matches(&app, &s.access, &onsite, "").await;
    assert_eq!(answer["excluded"]["location"], 3);
    let home = job_order(&app, &s.access, 7_800, json!({"remote": false, "location": "Broken Arrow, ok"})).await;
    assert_eq!(matches(&app, &s.access, &home, "").await["total_matches"], 3, "same state, any case");
}

#[actix_web::test]
async fn the_rate_card_answers_when_the_agencys_data_is_thin() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    app.clear_rate_card(&s.access).await;
    for id in &experienced(&app, &s.access).await[2..] {
        app.delete(&format!("/api/v1/candidates/{id}"), &s.access).await.ok(204);
    }
    let job = job_order(&app, &s.access, 7_800, json!({})).await;
    let thin = matches(&app, &s.access, &job, "").await;
    assert_eq!(thin["market"]["basis"], "candidates_thin");
    assert_eq!(thin["market"]["sample_size"], 2);

    let family = app
        .create("/api/v1/rate-card", &s.access, json!({"role_family": "analyst", "experienced_rate_cents": 9_000}))
        .await;
    let card = matches(&app, &s.access, &job, "").await;
    assert_eq!(card["market"]["basis"], "rate_card");
    assert_eq!(card["market"]["experienced_rate_cents"], 9_000);
    assert_eq!(card["market"]["rate_card_entry"]["id"], family["id"]);
    assert_eq!(card["market"]["sample_size"], 2, "the thin sample is still reported");

    // A skill entry for a required skill beats the role family.
    app.create(
        "/api/v1/rate-card",
        &s.access,
        json!({"skill": "epic", "experienced_rate_cents": 12_000, "entry_rate_cents": 6_000}),
    )
    .await;
    let card = matches(&app, &s.access, &job, "").await;
    assert_eq!(card["market"]["experienced_rate_cents"], 12_000);
    assert_eq!(card["market"]["rate_card_entry"]["skill"], "Epic");
    assert_eq!(card["can_afford_experienced"], false);

    let overridden = matches(&app, &s.access, &job, "?experienced_rate_cents=5000").await;
    assert_eq!(overridden["market"]["basis"], "override");
    assert_eq!(overridden["can_afford_experienced"], true);
}

/// Writes through one instance are seen by a match on another at once: no stale index.
#[actix_web::test]
async fn matches_follow_every_committed_change_across_instances() {
    let (a, b) = spawn_two_instances().await;
    let s = a.signup("Lakeside", "ada@lakeside.example").await;
    let job = job_order(&a, &s.access, 7_800, json!({})).await;
    let first = add(&a, &s.access, &person("First", 60, 0, 5_000, 5_500, EXPERT)).await;
    assert_eq!(names(&matches(&b, &s.access, &job, "").await), ["First"]);

    let second = add(&a, &s.access, &person("Second", 90, 0, 5_000, 5_500, EXPERT)).await;
    assert_eq!(names(&matches(&b, &s.access, &job, "").await), ["Second", "First"]);

    a.patch(
        &format!("/api/v1/candidates/{first}"),
        &s.access,
        json!({"min_rate_cents": 7_000, "desired_rate_cents": 7_500}),
    )
    .await
    .ok(200);
    let answer = matches(&b, &s.access, &job, "").await;
    assert_eq!(names(&answer), ["Second"]);
    assert_eq!(answer["excluded"]["over_budget"], 1);

    a.patch(&format!("/api/v1/candidates/{second}"), &s.access, json!({"skills": [{"name": "SQL", "years": 3}]}))
        .await
        .ok(200);
    let answer = matches(&b, &s.access, &job, "").await;
    assert_eq!(answer["matches"][0]["missing_skills"].as_array().unwrap().len(), 2, "new skills are seen");

    a.delete(&format!("/api/v1/candidates/{second}"), &s.access).await.ok(204);
    let answer = matches(&b, &s.access, &job, "").await;
    assert!(answer["matches"].as_array().unwrap().is_empty());
    assert_eq!(answer["excluded"]["total"], 1, "the deleted candidate is not counted anywhere");
}

/// Matching while candidates are written concurrently: every answer is well-formed, and once the
/// writes are done the answer equals that of a fresh instance that loads everything anew.
#[actix_web::test]
async fn matches_under_concurrent_writes_end_where_a_fresh_index_starts() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let job = job_order(&app, &s.access, 7_800, json!({})).await;
    let writers = (0..4).map(|w| {
        let (app, token) = (&app, s.access.clone());
        async move {
            for i in 0..8 {
                let name = format!("Writer {w} {i}");
                let id = add(app, &token, &person(&name, 12 * i, 0, 4_000 + 100 * i64::from(i), 5_000, EXPERT)).await;
                if i % 3 == 0 {
                    app.patch(
                        &format!("/api/v1/candidates/{id}"),
                        &token,
                        json!({"min_rate_cents": 9_000, "desired_rate_cents": 9_500}),
                    )
                    .await
                    .ok(200);
                }
                if i % 4 == 1 {
                    app.delete(&format!("/api/v1/candidates/{id}"), &token).await.ok(204);
                }
            }
        }
    });
    let readers = async {
        for _ in 0..20 {
            let answer = matches(&app, &s.access, &job, "?limit=100").await;
            let total = answer["total_matches"].as_u64().unwrap() + answer["excluded"]["total"].as_u64().unwrap();
            assert!(total <= 32);
        }
    };
    futures_util::future::join(futures_util::future::join_all(writers), readers).await;
    let settled = matches(&app, &s.access, &job, "?limit=100").await;
    let fresh = restart_on(&app).await;
    assert_eq!(matches(&fresh, &s.access, &job, "?limit=100").await, settled);
    // 4 writers × 8: 8 deleted, of the 24 left those with i % 3 == 0 are over budget.
    assert_eq!(settled["total_matches"].as_u64().unwrap() + settled["excluded"]["total"].as_u64().unwrap(), 24);
}

#[actix_web::test]
async fn ad_hoc_criteria_match_without_a_job_order() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    experienced(&app, &s.access).await;
    add(&app, &s.access, &person("Sam Plain", 96, 0, 5_500, 6_500, &[("Epic Cadence", 1), ("SQL", 8)])).await;
    let body = json!({
        "title": "Scheduling analyst",
        "required_skills": [{"name": "epic", "weight": 5}],
        "nice_to_have_skills": [{"name": "SQL", "weight": 2}],
        "budget_cents": 9_100,
        "remote": true
    });
    let answer = app.post("/api/v1/matches?limit=5", &s.access, body).await.ok(200).clone();
    assert_eq!(answer["job_order_id"], Value::Null);
    assert_eq!(answer["budget_source"], "request");
    assert_eq!(answer["matches"][0]["shortlist_stage"], Value::Null, "no job order, no shortlist");
    assert_eq!(names(&answer), ["Sam Plain"]);
    let epic = &answer["matches"][0]["matched_skills"][0];
    assert_eq!((epic["name"].as_str(), epic["via"].as_str()), (Some("Epic"), Some("Epic Cadence")), "{epic}");

    let no_budget = json!({"required_skills": [{"name": "Epic"}]});
    let answer = app.post("/api/v1/matches", &s.access, no_budget).await.ok(200).clone();
    assert_eq!(answer["budget_cents"], Value::Null);
    assert_eq!(answer["total_matches"], 6, "without a budget nobody is over it");
    assert_eq!(answer["what_if"], json!([]));
}

#[actix_web::test]
async fn bad_match_requests_are_refused_and_write_nothing() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let job = job_order(&app, &s.access, 7_800, json!({})).await;
    let skills_before = app.get("/api/v1/skills?scope=agency", &s.access).await.ok(200).clone();
    let cases = [
        (json!({"required_skills": [{"name": "Underwater Basket Weaving"}]}), 422, "required_skills[0].name"),
        (json!({"required_skills": []}), 422, "required_skills"),
        (
            json!({"required_skills": [{"name": "Epic"}], "nice_to_have_skills": [{"name": "epic"}]}),
            422,
            "nice_to_have_skills[0].name",
        ),
        (json!({"required_skills": [{"name": "Epic", "weight": 0}]}), 422, "required_skills[0].weight"),
        (json!({"required_skills": [{"name": "Epic"}], "budget_cents": -1}), 422, "budget_cents"),
        (json!({"required_skills": [{"name": "Epic"}], "color": "blue"}), 422, "color"),
        (json!({"required_skills": "Epic"}), 422, "required_skills"),
    ];
    for (body, status, field) in cases {
        let reply = app.post("/api/v1/matches", &s.access, body.clone()).await;
        reply.problem(status);
        assert!(reply.error_fields().contains(&field.to_owned()), "{body} → {:?}", reply.error_fields());
    }
    for query in [
        "?limit=0",
        "?limit=101",
        "?segment=veteran",
        "?min_score=101",
        "?min_score=NaN",
        "?experienced_rate_cents=abc",
    ] {
        let reply = app.get(&format!("/api/v1/job-orders/{job}/matches{query}"), &s.access).await;
        reply.problem(400);
    }
    app.get("/api/v1/job-orders/999999/matches", &s.access).await.problem(404);
    app.get("/api/v1/job-orders/not-an-id/matches", &s.access).await.problem(404);
    assert_eq!(
        app.get("/api/v1/skills?scope=agency", &s.access).await.ok(200),
        &skills_before,
        "no skill was invented"
    );
}

#[actix_web::test]
async fn another_agencys_job_order_and_candidates_stay_out_of_reach() {
    let app = spawn_app().await;
    let (mine, theirs) = app.two_agencies().await;
    let job = job_order(&app, &mine.access, 7_800, json!({})).await;
    add(&app, &mine.access, &person("Mine", 60, 0, 5_000, 5_500, EXPERT)).await;
    add(&app, &theirs.access, &person("Theirs", 60, 0, 5_000, 5_500, EXPERT)).await;
    app.get(&format!("/api/v1/job-orders/{job}/matches"), &theirs.access).await.problem(404);
    assert_eq!(names(&matches(&app, &mine.access, &job, "").await), ["Mine"]);
    let adhoc = app.post("/api/v1/matches", &theirs.access, json!({"required_skills": [{"name": "Epic"}]})).await;
    assert_eq!(names(adhoc.ok(200)), ["Theirs"]);
}

/// With every idle index dropped at once, each match reloads its agency: same answers.
#[actix_web::test]
async fn an_index_dropped_for_idleness_reloads_with_the_same_answers() {
    let app = spawn_app_with(&[("MATCH_INDEX_IDLE_SECONDS", "0")]).await;
    let (mine, theirs) = app.two_agencies().await;
    let job = job_order(&app, &mine.access, 7_800, json!({})).await;
    let id = add(&app, &mine.access, &person("Mine", 60, 0, 5_000, 5_500, EXPERT)).await;
    let before = matches(&app, &mine.access, &job, "").await;
    assert_eq!(names(&before), ["Mine"]);
    let adhoc = json!({"required_skills": [{"name": "Epic"}]});
    app.post("/api/v1/matches", &theirs.access, adhoc).await.ok(200);
    assert_eq!(matches(&app, &mine.access, &job, "").await, before);
    app.patch(&format!("/api/v1/candidates/{id}"), &mine.access, json!({"full_name": "Mine Renamed"})).await.ok(200);
    assert_eq!(names(&matches(&app, &mine.access, &job, "").await), ["Mine Renamed"]);
}
