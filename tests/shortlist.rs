//! Shortlists: stages from shortlisted to placed or rejected, with who moved a candidate when.

mod common;

use common::{assert_truthful_plans, spawn_app, TestApp, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};

async fn setup(app: &TestApp, token: &str) -> (String, String) {
    let client = app.create("/api/v1/clients", token, json!({"name": "Prairie Clinic", "sector": "clinic"})).await;
    let job = app
        .create(
            "/api/v1/job-orders",
            token,
            json!({"client_id": client["id"], "title": "Epic Analyst", "max_rate_cents": 7800}),
        )
        .await;
    let candidate = app
        .create(
            "/api/v1/candidates",
            token,
            json!({"full_name": "Jordan Trained", "skills": [{"name": "Epic"}], "min_rate_cents": 5000, "desired_rate_cents": 5500}),
        )
        .await;
    (job["id"].as_str().unwrap().to_owned(), candidate["id"].as_str().unwrap().to_owned())
}

async fn recruiter(app: &TestApp, admin: &str) -> String {
    let invite =
        json!({"name": "Rita Recruiter", "email": "rita@lakeside.example", "password": PASSWORD, "role": "recruiter"});
    app.post("/api/v1/users", admin, invite).await.ok(201);
    let login =
        app.public_post("/api/v1/auth/login", json!({"email": "rita@lakeside.example", "password": PASSWORD})).await;
    login.ok(200)["access_token"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_candidate_moves_from_shortlist_to_placement_with_a_history() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let rita = recruiter(&app, &s.access).await;
    let (job, candidate) = setup(&app, &s.access).await;
    let list = format!("/api/v1/job-orders/{job}/shortlist");
    let reply = app.post(&list, &s.access, json!({"candidate_id": candidate, "note": "strong crossover"})).await;
    let entry = reply.ok(201).clone();
    assert_eq!(reply.header("location").unwrap(), format!("{list}/{candidate}"));
    assert_eq!(entry["stage"], "shortlisted");
    assert_eq!(entry["full_name"], "Jordan Trained");
    assert_eq!(entry["history"][0]["to_stage"], "shortlisted");
    assert_eq!(entry["history"][0]["from_stage"], Value::Null);
    assert_eq!(entry["history"][0]["by"]["id"], s.user_id.as_str());
    assert_eq!(entry["history"][0]["note"], "strong crossover");
    app.post(&list, &s.access, json!({"candidate_id": candidate})).await.problem(409);

    let one = format!("{list}/{candidate}");
    let matches = app.get(&format!("/api/v1/job-orders/{job}/matches"), &s.access).await.ok(200).clone();
    assert_eq!(matches["matches"][0]["shortlist_stage"], "shortlisted", "a match shows where it stands");
    assert_truthful_plans(&app, &s.access, &matches).await;
    app.patch(&one, &rita, json!({"stage": "submitted"})).await.ok(200);
    let matches = app.get(&format!("/api/v1/job-orders/{job}/matches"), &s.access).await.ok(200).clone();
    assert_eq!(matches["matches"][0]["shortlist_stage"], "submitted");
    // Skipping ahead is fine; going back is not.
    app.patch(&one, &s.access, json!({"stage": "offered", "note": "offer at $58"})).await.ok(200);
    app.patch(&one, &s.access, json!({"stage": "interviewing"})).await.problem(409);
    let stale = app
        .request(Method::PATCH, &one, Some(&s.access), Some(json!({"stage": "placed"})), &[("if-match", "\"1\"")])
        .await;
    stale.problem(412);
    // Placing needs the placement's rates and start date; without them nothing moves.
    let bare = app
        .request(Method::PATCH, &one, Some(&s.access), Some(json!({"stage": "placed"})), &[("if-match", "\"3\"")])
        .await;
    assert_eq!(bare.error_fields(), ["placement"]);
    let placement = json!({
        "pay_rate_cents": 5_200,
        "bill_rate_cents": 6_760,
        "start_date": "2027-01-04",
        "step_ups": [{"after_months": 6, "pay_rate_cents": 5_800, "bill_rate_cents": 7_540}]
    });
    let placed = app
        .request(
            Method::PATCH,
            &one,
            Some(&s.access),
            Some(json!({"stage": "placed", "placement": placement})),
            &[("if-match", "\"3\"")],
        )
        .await;
    let placed = placed.ok(200).clone();
    assert_eq!(placed["stage"], "placed");
    let history: Vec<(&str, &str)> = placed["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["to_stage"].as_str().unwrap(), h["by"]["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        history,
        [
            ("shortlisted", "Ada Admin"),
            ("submitted", "Rita Recruiter"),
            ("offered", "Ada Admin"),
            ("placed", "Ada Admin")
        ]
    );
    assert_eq!(placed["history"][2]["note"], "offer at $58");
    assert_eq!(app.get(&one, &rita).await.ok(200), &placed);

    // A placement makes the candidate placed, which takes them out of matching.
    let person = app.get(&format!("/api/v1/candidates/{candidate}"), &s.access).await;
    assert_eq!(person.ok(200)["status"], "placed");
    let matches = app.get(&format!("/api/v1/job-orders/{job}/matches"), &s.access).await;
    assert_eq!(matches.ok(200)["excluded"]["status"], 1);
    // A final stage does not change, nor does a placement made twice.
    app.patch(&one, &s.access, json!({"stage": "rejected"})).await.problem(409);
    let again = json!({"stage": "placed", "placement": {"pay_rate_cents": 1, "bill_rate_cents": 1, "start_date": "2027-01-04"}});
    app.patch(&one, &s.access, again).await.problem(409);

    // The placement, with its money.
    let placement_id = placed["placement_id"].as_str().expect("the entry names its placement").to_owned();
    let p = app.get(&format!("/api/v1/placements/{placement_id}"), &rita).await.ok(200).clone();
    assert_eq!(
        (p["job_order_id"].as_str(), p["candidate_id"].as_str()),
        (Some(job.as_str()), Some(candidate.as_str()))
    );
    assert_eq!((p["pay_rate_cents"].as_i64(), p["bill_rate_cents"].as_i64()), (Some(5_200), Some(6_760)));
    assert_eq!(p["margin_cents"], 1_560);
    assert_eq!(p["markup_percent"], 30.0);
    assert_eq!(p["gross_margin_percent"], 23.1);
    assert_eq!((p["budget_cents"].as_i64(), p["over_budget"].as_bool()), (Some(7_800), Some(false)));
    assert_eq!(p["step_ups"][0]["effective_date"], "2027-07-04");
    assert_eq!(p["placed_by"]["id"], s.user_id.as_str());

    let page = app.get(&format!("{list}?stage=placed"), &s.access).await.ok(200).clone();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert!(app.get(&format!("{list}?stage=rejected"), &s.access).await.ok(200)["items"]
        .as_array()
        .unwrap()
        .is_empty());
    app.delete(&one, &s.access).await.ok(204);
    app.get(&one, &s.access).await.problem(404);
}

#[actix_web::test]
async fn bad_shortlist_requests_change_nothing() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let (job, candidate) = setup(&app, &s.access).await;
    let list = format!("/api/v1/job-orders/{job}/shortlist");
    for (body, status, field) in [
        (json!({"candidate_id": "999999"}), 422, "candidate_id"),
        (json!({"candidate_id": "abc"}), 422, "candidate_id"),
        (json!({}), 422, "candidate_id"),
        (json!({"candidate_id": candidate, "note": "x".repeat(2_001)}), 422, "note"),
        (json!({"candidate_id": candidate, "stage": "placed"}), 422, "stage"),
    ] {
        let reply = app.post(&list, &s.access, body.clone()).await;
        reply.problem(status);
        assert_eq!(reply.error_fields(), [field], "{body}");
    }
    assert!(app.get(&list, &s.access).await.ok(200)["items"].as_array().unwrap().is_empty(), "nothing was added");
    app.post(&list, &s.access, json!({"candidate_id": candidate})).await.ok(201);
    let one = format!("{list}/{candidate}");
    for body in [json!({"stage": "hired"}), json!({}), json!({"stage": "submitted", "note": 5})] {
        app.patch(&one, &s.access, body).await.problem(422);
    }
    let entry = app.get(&one, &s.access).await.ok(200).clone();
    assert_eq!((entry["stage"].as_str(), entry["version"].as_i64()), (Some("shortlisted"), Some(1)));
    app.get(&format!("{list}?stage=hired"), &s.access).await.problem(400);
    app.get("/api/v1/job-orders/999999/shortlist", &s.access).await.problem(404);
    app.get(&format!("{list}/999999"), &s.access).await.problem(404);
}

#[actix_web::test]
async fn another_agencys_shortlists_and_candidates_are_out_of_reach() {
    let app = spawn_app().await;
    let (mine, theirs) = app.two_agencies().await;
    let (job, candidate) = setup(&app, &mine.access).await;
    let (their_job, their_candidate) = setup(&app, &theirs.access).await;
    let list = format!("/api/v1/job-orders/{job}/shortlist");
    app.post(&list, &mine.access, json!({"candidate_id": candidate})).await.ok(201);
    let one = format!("{list}/{candidate}");
    app.get(&list, &theirs.access).await.problem(404);
    app.get(&one, &theirs.access).await.problem(404);
    app.patch(&one, &theirs.access, json!({"stage": "submitted"})).await.problem(404);
    app.delete(&one, &theirs.access).await.problem(404);
    app.post(&list, &theirs.access, json!({"candidate_id": their_candidate})).await.problem(404);
    // Their candidate cannot go on my shortlist, nor mine on theirs.
    let reply = app.post(&list, &mine.access, json!({"candidate_id": their_candidate})).await;
    assert_eq!(reply.error_fields(), ["candidate_id"]);
    let theirs_list = format!("/api/v1/job-orders/{their_job}/shortlist");
    app.post(&theirs_list, &theirs.access, json!({"candidate_id": candidate})).await.problem(422);
    assert_eq!(app.get(&one, &mine.access).await.ok(200)["stage"], "shortlisted");
}
