//! The client-ready submittal over HTTP: a PDF (its text read back with the service's own PDF
//! reader) or JSON, blind by default, showing the bill rate and never the pay rate, the markup
//! or the margin.

mod common;

use bridgehire::resume::format::Format;
use bridgehire::resume::text::{extract_text, Limits};
use common::{spawn_app, Session, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const RESUME: &str = "Dana Reyes
1200 N Main St, Tulsa, OK 74103 | dana.reyes@example.org | (918) 555-0100 | linkedin.com/in/danareyes

SUMMARY
Network administrator completing a healthcare IT certificate program; open to a reduced rate to gain healthcare experience.

EXPERIENCE
Network Administrator, Acme Logistics
Jan 2019 – Present
• Cisco switching and Active Directory for 400 users
• SQL Server reporting, see github.com/danareyes/reports
Help Desk Technician, Riverside Medical Center
06/2016 - 12/2018
• Supported Epic Hyperspace workstations and HL7 2.x label printers
";

/// A candidate from a résumé (asking 52.00 an hour, at least 45.00) on a job order's shortlist
/// with a budget of 65.00 at the default 30 % markup.
async fn shortlisted(app: &TestApp, s: &Session) -> (String, String, String) {
    let up = app.upload(&s.access, "/api/v1/resumes", "dana.txt", RESUME.as_bytes().to_vec()).await;
    let candidate = up.ok(201)["candidate"]["id"].as_str().unwrap().to_owned();
    let rates = json!({"min_rate_cents": 4_500, "desired_rate_cents": 5_200, "location": "Tulsa, OK"});
    app.patch(&format!("/api/v1/candidates/{candidate}"), &s.access, rates).await.ok(200);
    let client = app.create("/api/v1/clients", &s.access, json!({"name": "Prairie Rural Clinic"})).await;
    let body = json!({
        "client_id": client["id"],
        "title": "Epic Support Analyst",
        "required_skills": [{"name": "Epic"}, {"name": "SQL"}, {"name": "HIPAA"}],
        "max_rate_cents": 6_500
    });
    let job = app.create("/api/v1/job-orders", &s.access, body).await["id"].as_str().unwrap().to_owned();
    let list = format!("/api/v1/job-orders/{job}/shortlist");
    app.post(&list, &s.access, json!({"candidate_id": candidate})).await.ok(201);
    let path = format!("{list}/{candidate}/submittal");
    (job, candidate, path)
}

async fn pdf_text(app: &TestApp, token: &str, path: &str) -> String {
    let response = app.client.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let bytes = response.bytes().await.unwrap();
    extract_text(Format::Pdf, &bytes, &Limits::default()).expect("the submittal reads as a PDF")
}

fn assert_nothing_private(text: &str) {
    for private in [
        "dana.reyes@example.org",
        "555-0100",
        "918",
        "linkedin",
        "github",
        "Main St",
        "74103",
        "45.00",
        "52.00",
        "50.00",
        "markup",
        "margin",
        "15.00",
    ] {
        assert!(!text.to_lowercase().contains(&private.to_lowercase()), "{private:?} in the submittal:\n{text}");
    }
}

#[actix_web::test]
async fn a_blind_submittal_shows_the_bill_rate_and_nothing_the_client_should_not_see() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside Staffing", "ada@lakeside.example").await;
    let (_, _, path) = shortlisted(&app, &s).await;

    let text = pdf_text(&app, &s.access, &path).await;
    assert!(text.contains("Dana R."), "{text}");
    assert!(!text.contains("Reyes"), "the last name stays with the agency:\n{text}");
    assert!(text.contains("Prairie Rural Clinic") && text.contains("Epic Support Analyst"), "{text}");
    assert!(text.contains("Lakeside Staffing"), "{text}");
    assert!(text.contains("$65.00 an hour"), "the offered pay of 50.00 billed at 30 %:\n{text}");
    assert!(text.contains("Tulsa, OK"), "{text}");
    assert!(text.contains("SQL"), "{text}");
    assert!(text.contains("(\u{201c}SQL Server reporting"), "the résumé line, without its bullet:\n{text}");
    assert_nothing_private(&text);

    // The same content as JSON.
    let reply = app.request(Method::GET, &path, Some(&s.access), None, &[("accept", "application/json")]).await;
    let body = reply.ok(200).clone();
    assert_eq!(body["candidate"], "Dana R.");
    assert_eq!(body["blind"], true);
    assert_eq!(body["bill_rate_cents"], 6_500);
    assert_eq!(body["job_title"], "Epic Support Analyst");
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    for key in keys {
        assert!(!key.contains("pay") && !key.contains("margin") && !key.contains("markup"), "{key}");
    }
    assert_nothing_private(&body.to_string());
}

#[actix_web::test]
async fn a_named_submittal_shows_the_name_only_and_a_placement_shows_its_bill_rate() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside Staffing", "ada@lakeside.example").await;
    let (job, candidate, path) = shortlisted(&app, &s).await;
    let named = pdf_text(&app, &s.access, &format!("{path}?blind=false")).await;
    assert!(named.contains("Dana Reyes"), "{named}");
    assert_nothing_private(&named);

    let placement = json!({"pay_rate_cents": 5_000, "bill_rate_cents": 6_400, "start_date": "2027-01-04"});
    let entry = format!("/api/v1/job-orders/{job}/shortlist/{candidate}");
    app.patch(&entry, &s.access, json!({"stage": "placed", "placement": placement})).await.ok(200);
    let reply = app.request(Method::GET, &path, Some(&s.access), None, &[("accept", "application/json")]).await;
    assert_eq!(reply.ok(200)["bill_rate_cents"], 6_400, "the rate agreed");
}

#[actix_web::test]
async fn a_submittal_is_only_for_a_shortlisted_candidate_of_the_callers_agency() {
    let app = spawn_app().await;
    let (mine, theirs) = app.two_agencies().await;
    let (job, _, path) = shortlisted(&app, &mine).await;
    app.get(&path, &theirs.access).await.problem(404);
    let other = app.create("/api/v1/candidates", &mine.access, json!({"full_name": "Not Shortlisted"})).await;
    let off_list = format!("/api/v1/job-orders/{job}/shortlist/{}/submittal", other["id"].as_str().unwrap());
    app.get(&off_list, &mine.access).await.problem(404);
    app.get(&format!("{path}?blind=maybe"), &mine.access).await.problem(400);
    app.get("/api/v1/job-orders/999999/shortlist/1/submittal", &mine.access).await.problem(404);
    let reply = app.request(Method::POST, &path, Some(&mine.access), Some(json!({})), &[]).await;
    assert_eq!(reply.status.as_u16(), 405);
    let _: Value = reply.body;
}
