//! Standing match alerts: a job order with alerts on tells the agency's webhooks when a
//! candidate newly matches it, within its budget by the pay-ceiling rule.

mod common;

use std::time::Duration;

use common::receiver::{verify, Receiver};
use common::{spawn_app_with, TestApp};
use serde_json::{json, Value};

const DELIVERING: [(&str, &str); 2] = [("WEBHOOK_ALLOW_LOOPBACK", "true"), ("WEBHOOK_POLL_MS", "100")];

async fn job_order(app: &TestApp, token: &str, client: &Value, extra: Value) -> Value {
    let mut body = json!({"client_id": client["id"], "title": "Epic Analyst", "remote": true, "max_rate_cents": 7_800,
                          "required_skills": [{"name": "Epic", "weight": 8}]});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    app.create("/api/v1/job-orders", token, body).await
}

/// The alerts received so far, as (job order id, candidate id).
fn alerts(receiver: &Receiver) -> Vec<(String, String)> {
    receiver
        .received()
        .iter()
        .map(|r| r.json())
        .filter(|b| b["type"] == "match.alert")
        .map(|b| {
            (
                b["data"]["job_order_id"].as_str().unwrap().to_owned(),
                b["data"]["candidate_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Waits until the worker has had time to evaluate and deliver what is pending.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(1_200)).await;
}

#[actix_web::test]
async fn a_candidate_who_newly_matches_an_alerting_job_order_is_announced_once() {
    let app = spawn_app_with(&DELIVERING).await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let receiver = Receiver::start(&[]);
    let hook = app.create("/api/v1/webhooks", &s.access, json!({"url": receiver.url, "events": ["match.alert"]})).await;
    let client = app.create("/api/v1/clients", &s.access, json!({"name": "Prairie Clinic"})).await;
    let alerting = job_order(&app, &s.access, &client, json!({"alerts": true})).await;
    assert_eq!((alerting["alerts"].as_bool(), alerting["alert_min_score"].clone()), (Some(true), Value::Null));
    // One without alerts, one that wants more than Dana's score.
    job_order(&app, &s.access, &client, json!({})).await;
    job_order(&app, &s.access, &client, json!({"alerts": true, "alert_min_score": 99.5})).await;
    settle().await;

    // $78 budget at 30 % markup: a pay ceiling of $60.
    let dana = json!({"full_name": "Dana Reyes", "remote_ok": true, "skills": [{"name": "Epic", "years": 2}],
                      "it_experience_months": 60, "min_rate_cents": 5_000, "desired_rate_cents": 5_500});
    let dana = app.create("/api/v1/candidates", &s.access, dana).await;
    let dana_id = dana["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/candidates/{dana_id}");
    let got = receiver.wait_for(1, Duration::from_secs(10)).await;
    settle().await;
    assert_eq!(
        alerts(&receiver),
        [(alerting["id"].as_str().unwrap().to_owned(), dana_id.clone())],
        "not the quiet or picky ones"
    );
    let body = got[0].json();
    assert!(verify(hook["secret"].as_str().unwrap(), &got[0]));
    assert_eq!(body["data"]["segment"], "crossover");
    assert!(body["data"]["score"].as_f64().unwrap() > 0.0);
    assert!(body["data"]["explanation"].as_str().unwrap().contains("Dana Reyes"), "{body}");

    // Still matching after a change: no second alert.
    app.patch(&path, &s.access, json!({"headline": "Epic analyst"})).await.ok(200);
    settle().await;
    assert_eq!(alerts(&receiver).len(), 1);

    // Out of budget (a $65 minimum over the $60 ceiling), then back: announced again.
    app.patch(&path, &s.access, json!({"min_rate_cents": 6_500, "desired_rate_cents": 7_000})).await.ok(200);
    settle().await;
    assert_eq!(alerts(&receiver).len(), 1, "leaving is not announced");
    app.patch(&path, &s.access, json!({"min_rate_cents": 5_000, "desired_rate_cents": 5_500})).await.ok(200);
    settle().await;
    assert_eq!(alerts(&receiver).len(), 2, "matching again is");

    // Someone over the ceiling from the start is never announced.
    let dear = json!({"full_name": "Lee Park", "remote_ok": true, "skills": [{"name": "Epic", "years": 9}],
                      "it_experience_months": 120, "healthcare_experience_months": 96, "min_rate_cents": 9_000});
    app.create("/api/v1/candidates", &s.access, dear).await;
    settle().await;
    assert_eq!(alerts(&receiver).len(), 2);
}

#[actix_web::test]
async fn alerts_can_be_turned_on_and_off_and_are_checked() {
    let app = spawn_app_with(&[("WEBHOOK_POLL_MS", "0")]).await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let client = app.create("/api/v1/clients", &s.access, json!({"name": "Prairie Clinic"})).await;
    let job = job_order(&app, &s.access, &client, json!({})).await;
    assert_eq!(job["alerts"], false);
    let path = format!("/api/v1/job-orders/{}", job["id"].as_str().unwrap());
    let on = app.patch(&path, &s.access, json!({"alerts": true, "alert_min_score": 60.5})).await.ok(200).clone();
    assert_eq!((on["alerts"].as_bool(), on["alert_min_score"].as_f64()), (Some(true), Some(60.5)));
    let off = app.patch(&path, &s.access, json!({"alert_min_score": null})).await.ok(200).clone();
    assert_eq!(off["alert_min_score"], Value::Null);
    for bad in [json!({"alert_min_score": 101}), json!({"alert_min_score": -1}), json!({"alerts": null})] {
        app.patch(&path, &s.access, bad).await.problem(422);
    }
}
