//! Races: two (or more) requests for the same records at the same moment, on a server with
//! several workers and a production-sized connection pool. Each case runs many trials on fresh
//! records, fires the competing requests together behind a barrier, and checks what a
//! production service must guarantee: no lost update, no broken invariant, never a 5xx.
//!
//! Every trial is checked, and a test reports how many of its trials went wrong and what was
//! seen in each, so one run tells how often a race is lost.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use common::{spawn_app_with, Reply, TestApp, JWT_SECRET, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::Barrier;

/// Trials per case.
const TRIALS: usize = 30;
/// Trials of the login throttle cases: each trial signs up a user and checks dozens of passwords.
const LOGIN_TRIALS: usize = 5;
/// Trials of the concurrent import case: each trial runs the binary twice.
const IMPORT_TRIALS: usize = 5;
/// Résumés in each trial's import folder.
const IMPORT_FILES: usize = 20;
/// Enough parallelism for requests to overlap, with the production pool size.
const PARALLEL: [(&str, &str); 2] = [("WORKERS", "4"), ("DB_POOL_SIZE", "8")];

// ---------------------------------------------------------------------------------------------
// Firing requests at the same moment
// ---------------------------------------------------------------------------------------------

/// One request of a race.
struct Call {
    method: Method,
    path: String,
    token: Option<String>,
    body: Option<Value>,
    if_match: Option<String>,
}

impl Call {
    fn new(method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Call {
        Call { method, path: path.to_owned(), token: token.map(str::to_owned), body, if_match: None }
    }

    /// Sends `If-Match` with this entity tag (as received in an `ETag`).
    fn if_match(mut self, etag: &str) -> Call {
        self.if_match = Some(etag.to_owned());
        self
    }
}

fn post(path: &str, token: &str, body: Value) -> Call {
    Call::new(Method::POST, path, Some(token), Some(body))
}

fn patch(path: &str, token: &str, body: Value) -> Call {
    Call::new(Method::PATCH, path, Some(token), Some(body))
}

fn delete(path: &str, token: &str) -> Call {
    Call::new(Method::DELETE, path, Some(token), None)
}

fn login(email: &str, password: &str) -> Call {
    Call::new(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": email, "password": password})))
}

/// Sends all the calls at the same moment: each runs in a task of its own that waits on one
/// barrier before sending. The replies come back in the order of the calls.
async fn race(app: &Arc<TestApp>, calls: Vec<Call>) -> Vec<Reply> {
    let barrier = Arc::new(Barrier::new(calls.len()));
    let tasks: Vec<_> = calls
        .into_iter()
        .map(|call| {
            let (app, barrier) = (Arc::clone(app), Arc::clone(&barrier));
            actix_web::rt::spawn(async move {
                let headers: Vec<(&str, &str)> = call.if_match.iter().map(|tag| ("if-match", tag.as_str())).collect();
                barrier.wait().await;
                app.request(call.method, &call.path, call.token.as_deref(), call.body, &headers).await
            })
        })
        .collect();
    let mut replies = Vec::with_capacity(tasks.len());
    for task in tasks {
        replies.push(task.await.expect("request task"));
    }
    replies
}

/// The app with several workers and a pool of 8, plus these settings.
async fn parallel_app(more: &[(&'static str, &'static str)]) -> Arc<TestApp> {
    let settings: Vec<(&str, &str)> = PARALLEL.iter().chain(more).copied().collect();
    Arc::new(spawn_app_with(&settings).await)
}

// ---------------------------------------------------------------------------------------------
// Checking trials
// ---------------------------------------------------------------------------------------------

/// A trial's verdict: `Err` says what went wrong.
type Verdict = Result<(), String>;

/// Fails the trial with a message unless the condition holds.
macro_rules! ensure {
    ($condition:expr, $($why:tt)+) => {
        if !$condition {
            return Err(format!($($why)+));
        }
    };
}

/// The verdicts of all the trials of one case; fails the test if any trial failed.
struct Trials {
    total: usize,
    failures: Vec<String>,
}

impl Trials {
    fn new(total: usize) -> Trials {
        Trials { total, failures: Vec::new() }
    }

    fn record(&mut self, trial: usize, verdict: Verdict) {
        if let Err(why) = verdict {
            self.failures.push(format!("trial {trial}: {why}"));
        }
    }

    fn assert_all_passed(self) {
        assert!(
            self.failures.is_empty(),
            "{} of {} trials failed:\n{}",
            self.failures.len(),
            self.total,
            self.failures.join("\n")
        );
    }
}

/// A reply in a few words: the status, then the problem's detail or the telling fields of the
/// record (`stage`, `status`, `disabled`, `version`).
fn brief(reply: &Reply) -> String {
    let body = &reply.body;
    let text = match body["detail"].as_str() {
        Some(detail) => detail.to_owned(),
        None if body.is_object() => ["stage", "status", "disabled", "version"]
            .iter()
            .filter(|key| !body[**key].is_null())
            .map(|key| format!("{key}={}", body[*key]))
            .collect::<Vec<_>>()
            .join(" "),
        None if body.is_null() => String::new(),
        None => body.to_string().chars().take(160).collect(),
    };
    format!("{} {text}", status(reply)).trim_end().to_owned()
}

/// Every reply, briefly, for failure messages.
fn seen(replies: &[Reply]) -> String {
    replies.iter().map(brief).collect::<Vec<_>>().join(" | ")
}

fn status(reply: &Reply) -> u16 {
    reply.status.as_u16()
}

fn no_server_error(replies: &[Reply]) -> Verdict {
    ensure!(replies.iter().all(|r| status(r) < 500), "a server error: {}", seen(replies));
    Ok(())
}

/// Which of a PATCH and a DELETE sent with the same `If-Match` won.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Winner {
    Patch,
    Delete,
}

/// Exactly one of the two succeeds; the loser answers 412, or 404 when the delete won first.
fn one_winner(patched: &Reply, deleted: &Reply, after: &str) -> Result<Winner, String> {
    match (status(patched), status(deleted)) {
        (200, 412) => Ok(Winner::Patch),
        (412 | 404, 204) => Ok(Winner::Delete),
        _ => Err(format!(
            "expected exactly one winner and the loser 412 (or the PATCH 404 after the DELETE); \
             PATCH answered {}, DELETE answered {}; {after}",
            brief(patched),
            brief(deleted)
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

fn id(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// Creates a record and returns its path (from `Location`) and its `ETag`.
async fn created(app: &TestApp, path: &str, token: &str, body: Value) -> (String, String) {
    let reply = app.post(path, token, body).await;
    reply.ok(201);
    (reply.header("location").expect("a Location"), reply.header("etag").expect("an ETag"))
}

/// A new agency whose admin is named after the trial.
async fn admin(app: &TestApp, label: &str, trial: usize) -> common::Session {
    app.signup(&format!("{label} {trial}"), &format!("{label}-{trial}@race.example").to_lowercase().replace(' ', "-"))
        .await
}

async fn client(app: &TestApp, token: &str, name: &str) -> String {
    id(&app.create("/api/v1/clients", token, json!({"name": name})).await)
}

async fn candidate(app: &TestApp, token: &str, name: &str) -> (String, String) {
    created(app, "/api/v1/candidates", token, json!({"full_name": name})).await
}

/// The move to `placed`, with the placement it records.
fn placing() -> Value {
    json!({"stage": "placed", "placement": {"pay_rate_cents": 5_000, "bill_rate_cents": 6_500, "start_date": "2027-01-04"}})
}

/// A fresh job order with a fresh candidate on its shortlist, at version 1.
struct Shortlisted {
    entry: String,
    candidate: String,
    etag: String,
}

async fn shortlisted(app: &TestApp, token: &str, client_id: &str, trial: usize) -> Shortlisted {
    let job = app
        .create("/api/v1/job-orders", token, json!({"client_id": client_id, "title": format!("Epic Analyst {trial}")}))
        .await;
    let (person, _) = candidate(app, token, &format!("Jordan Trial {trial}")).await;
    let candidate_id = person.rsplit('/').next().unwrap().to_owned();
    let list = format!("/api/v1/job-orders/{}/shortlist", id(&job));
    let (entry, etag) = created(app, &list, token, json!({"candidate_id": candidate_id})).await;
    Shortlisted { entry, candidate: person, etag }
}

/// Every item of a list, page after page.
async fn all_items(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let page_path = match &cursor {
            Some(cursor) => format!("{path}{separator}limit=100&cursor={cursor}"),
            None => format!("{path}{separator}limit=100"),
        };
        let page = app.get(&page_path, token).await.ok(200).clone();
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Shortlist, rate card and candidates: one If-Match, two writers
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn two_shortlist_moves_with_one_if_match_let_exactly_one_win() {
    let app = parallel_app(&[]).await;
    let s = admin(&app, "Shortlist Moves", 0).await;
    let client_id = client(&app, &s.access, "Prairie Clinic").await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // Arrange
        let on = shortlisted(&app, &s.access, &client_id, trial).await;
        // Act
        let replies = race(
            &app,
            vec![
                patch(&on.entry, &s.access, placing()).if_match(&on.etag),
                patch(&on.entry, &s.access, json!({"stage": "rejected"})).if_match(&on.etag),
            ],
        )
        .await;
        // Assert
        let verdict = async {
            let entry = app.get(&on.entry, &s.access).await.ok(200).clone();
            let person = app.get(&on.candidate, &s.access).await.ok(200).clone();
            let after = format!("afterwards the entry is {} and the candidate {}", entry["stage"], person["status"]);
            no_server_error(&replies).map_err(|why| format!("{why}; {after}"))?;
            let mut statuses: Vec<u16> = replies.iter().map(status).collect();
            statuses.sort_unstable();
            ensure!(statuses == [200, 412], "expected one 200 and one 412; saw {}; {after}", seen(&replies));
            let winner = if status(&replies[0]) == 200 { "placed" } else { "rejected" };
            ensure!(entry["stage"] == winner, "the {winner} move won but {after}");
            ensure!((entry["stage"] == "placed") == (person["status"] == "placed"), "{after}");
            let history = entry["history"].as_array().map_or(0, Vec::len);
            ensure!(history == 2, "one move was made, but the history has {history} events: {}", entry["history"]);
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

#[actix_web::test]
async fn a_rate_card_patch_and_delete_with_one_if_match_let_exactly_one_win() {
    let app = parallel_app(&[]).await;
    let s = admin(&app, "Rate Card", 0).await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // Arrange
        let body = json!({"role_family": format!("Race Family {trial}"), "experienced_rate_cents": 9_000});
        let (entry, etag) = created(&app, "/api/v1/rate-card", &s.access, body).await;
        // Act
        let replies = race(
            &app,
            vec![
                patch(&entry, &s.access, json!({"experienced_rate_cents": 12_345})).if_match(&etag),
                delete(&entry, &s.access).if_match(&etag),
            ],
        )
        .await;
        // Assert
        let verdict = async {
            let now = app.get(&entry, &s.access).await;
            let after = format!("afterwards the entry answers {}", brief(&now));
            no_server_error(&replies).map_err(|why| format!("{why}; {after}"))?;
            match one_winner(&replies[0], &replies[1], &after)? {
                Winner::Patch => ensure!(
                    status(&now) == 200 && now.body["experienced_rate_cents"] == 12_345 && now.body["version"] == 2,
                    "the PATCH won but {after}: {}",
                    now.body
                ),
                Winner::Delete => ensure!(status(&now) == 404, "the DELETE won but {after}"),
            }
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

/// Two PATCHes of one record with the same `If-Match`: exactly one is applied, and the other
/// answers 412 naming the version the winner made (never 404, never a guessed version).
async fn two_patches_with_one_if_match(
    app: &Arc<TestApp>,
    token: &str,
    path: &str,
    etag: &str,
    bodies: [Value; 2],
) -> Verdict {
    let [first, second] = bodies;
    let replies =
        race(app, vec![patch(path, token, first).if_match(etag), patch(path, token, second).if_match(etag)]).await;
    let now = app.get(path, token).await.ok(200).clone();
    no_server_error(&replies)?;
    let mut statuses: Vec<u16> = replies.iter().map(status).collect();
    statuses.sort_unstable();
    ensure!(statuses == [200, 412], "expected one 200 and one 412; saw {}", seen(&replies));
    let (won, lost) = if status(&replies[0]) == 200 { (&replies[0], &replies[1]) } else { (&replies[1], &replies[0]) };
    ensure!(
        now["version"] == won.body["version"],
        "the winner made version {} but {path} is at {}",
        won.body["version"],
        now["version"]
    );
    ensure!(
        lost.body["detail"].as_str().is_some_and(|d| d.contains(&format!("version {}", now["version"]))),
        "the 412 should name the current version {}: {}",
        now["version"],
        brief(lost)
    );
    Ok(())
}

#[actix_web::test]
async fn two_patches_with_one_if_match_let_exactly_one_win_on_every_versioned_record() {
    let app = parallel_app(&[]).await;
    let s = admin(&app, "Two Patches", 0).await;
    let client_id = client(&app, &s.access, "Prairie Clinic").await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // The agency (one for every trial) is read first: the candidate, shortlist and placement
        // writes below also write its row (the change number), which must not move its version.
        let agency = "/api/v1/agency".to_owned();
        let agency_etag = app.get(&agency, &s.access).await.header("etag").expect("an ETag");
        // Each trial sets markups no trial set before, so neither PATCH is a no-op.
        let markups =
            [json!({"default_markup_percent": 100 + 2 * trial}), json!({"default_markup_percent": 101 + 2 * trial})];
        // Arrange: one record of each kind, at version 1.
        let (card, card_etag) = created(
            &app,
            "/api/v1/rate-card",
            &s.access,
            json!({"role_family": format!("Patch Family {trial}"), "experienced_rate_cents": 9_000}),
        )
        .await;
        let (other_client, client_etag) =
            created(&app, "/api/v1/clients", &s.access, json!({"name": format!("Clinic {trial}")})).await;
        let (job, job_etag) = created(
            &app,
            "/api/v1/job-orders",
            &s.access,
            json!({"client_id": client_id, "title": format!("Analyst {trial}")}),
        )
        .await;
        let (person, person_etag) = candidate(&app, &s.access, &format!("Pat Trial {trial}")).await;
        let on = shortlisted(&app, &s.access, &client_id, trial).await;
        let moved = app.patch(&on.entry, &s.access, placing()).await.ok(200).clone();
        let placement = format!("/api/v1/placements/{}", moved["placement_id"].as_str().expect("a placement"));
        // Act and assert, one kind after the other.
        let cases = [
            (card, card_etag, [json!({"experienced_rate_cents": 9_100}), json!({"experienced_rate_cents": 9_200})]),
            (other_client, client_etag, [json!({"max_rate_cents": 6_100}), json!({"max_rate_cents": 6_200})]),
            (job, job_etag, [json!({"title": "Analyst A"}), json!({"title": "Analyst B"})]),
            (person, person_etag, [json!({"headline": "A"}), json!({"headline": "B"})]),
            (placement, "\"1\"".to_owned(), [json!({"end_date": "2027-06-30"}), json!({"end_date": "2027-12-31"})]),
            (agency, agency_etag, markups),
        ];
        let mut verdict = Ok(());
        for (path, etag, bodies) in cases {
            if let Err(why) = two_patches_with_one_if_match(&app, &s.access, &path, &etag, bodies).await {
                verdict = Err(format!("{path}: {why}"));
                break;
            }
        }
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

#[actix_web::test]
async fn a_candidate_patch_and_delete_with_one_if_match_let_exactly_one_win() {
    let app = parallel_app(&[]).await;
    let s = admin(&app, "Candidate Writers", 0).await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // Arrange
        let (person, etag) = candidate(&app, &s.access, &format!("Casey Trial {trial}")).await;
        let headline = format!("Interface analyst, trial {trial}");
        // Act
        let replies = race(
            &app,
            vec![
                patch(&person, &s.access, json!({"headline": headline})).if_match(&etag),
                delete(&person, &s.access).if_match(&etag),
            ],
        )
        .await;
        // Assert
        let verdict = async {
            let now = app.get(&person, &s.access).await;
            let after = format!("afterwards the candidate answers {}", brief(&now));
            no_server_error(&replies).map_err(|why| format!("{why}; {after}"))?;
            match one_winner(&replies[0], &replies[1], &after)? {
                Winner::Patch => ensure!(
                    status(&now) == 200 && now.body["headline"] == headline.as_str(),
                    "the PATCH won but {after}: headline {}",
                    now.body["headline"]
                ),
                Winner::Delete => ensure!(status(&now) == 404, "the DELETE won but {after}"),
            }
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

#[actix_web::test]
async fn placing_and_removing_a_shortlist_entry_with_one_if_match_let_exactly_one_win() {
    let app = parallel_app(&[]).await;
    let s = admin(&app, "Place Or Remove", 0).await;
    let client_id = client(&app, &s.access, "Prairie Clinic").await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // Arrange
        let on = shortlisted(&app, &s.access, &client_id, trial).await;
        // Act
        let replies = race(
            &app,
            vec![
                patch(&on.entry, &s.access, placing()).if_match(&on.etag),
                delete(&on.entry, &s.access).if_match(&on.etag),
            ],
        )
        .await;
        // Assert
        let verdict = async {
            let entry = app.get(&on.entry, &s.access).await;
            let person = app.get(&on.candidate, &s.access).await.ok(200).clone();
            let after =
                format!("afterwards the entry answers {} and the candidate is {}", brief(&entry), person["status"]);
            no_server_error(&replies).map_err(|why| format!("{why}; {after}"))?;
            let entry_placed = status(&entry) == 200 && entry.body["stage"] == "placed";
            match one_winner(&replies[0], &replies[1], &after)? {
                Winner::Patch => ensure!(entry_placed, "the PATCH won but {after}"),
                Winner::Delete => ensure!(status(&entry) == 404, "the DELETE won but {after}"),
            }
            ensure!(entry_placed == (person["status"] == "placed"), "{after}");
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

#[actix_web::test]
async fn a_candidate_patch_racing_its_delete_is_never_a_server_error() {
    let app = parallel_app(&[]).await;
    let s = admin(&app, "Last Write", 0).await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // Arrange: odd trials change a field of a candidate without skills; even trials replace
        // the skills too, rows that refer to the candidate being deleted.
        let name = format!("Robin Trial {trial}");
        let (body, change) = if trial % 2 == 1 {
            (json!({"full_name": name}), json!({"headline": "Interface analyst"}))
        } else {
            (
                json!({"full_name": name, "skills": [{"name": "SQL"}]}),
                json!({"headline": "Interface analyst", "skills": [{"name": "Epic"}, {"name": "HL7 v2"}]}),
            )
        };
        let (person, _) = created(&app, "/api/v1/candidates", &s.access, body).await;
        // Act: no If-Match, so the last write wins.
        let replies = race(&app, vec![patch(&person, &s.access, change), delete(&person, &s.access)]).await;
        // Assert
        let verdict = async {
            no_server_error(&replies)?;
            let (patched, deleted) = (status(&replies[0]), status(&replies[1]));
            ensure!(
                deleted == 204 && (patched == 200 || patched == 404),
                "expected the DELETE 204 and the PATCH 200 or 404; saw {}",
                seen(&replies)
            );
            let now = app.get(&person, &s.access).await;
            ensure!(status(&now) == 404, "the candidate was deleted but answers {}", brief(&now));
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

// ---------------------------------------------------------------------------------------------
// Admins, clients, skills
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn two_admins_disabling_each_other_at_once_leave_an_active_admin() {
    let app = parallel_app(&[]).await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // Arrange: an agency with two admins, both logged in.
        let ada = admin(&app, "Two Admins", trial).await;
        let bo_email = format!("bo-{trial}@race.example");
        let invite = json!({"name": "Bo Admin", "email": bo_email, "password": PASSWORD, "role": "admin"});
        let bo_id = id(&app.create("/api/v1/users", &ada.access, invite).await);
        let bo_login = app.public_post("/api/v1/auth/login", json!({"email": bo_email, "password": PASSWORD})).await;
        let bo = bo_login.ok(200)["access_token"].as_str().unwrap().to_owned();
        // Act
        let replies = race(
            &app,
            vec![
                patch(&format!("/api/v1/users/{bo_id}"), &ada.access, json!({"disabled": true})),
                patch(&format!("/api/v1/users/{}", ada.user_id), &bo, json!({"disabled": true})),
            ],
        )
        .await;
        // Assert
        let verdict = async {
            no_server_error(&replies)?;
            ensure!(
                replies.iter().all(|r| [200, 401, 409].contains(&status(r))),
                "expected each answer to be 200, 401 (token revoked) or 409 (last admin); saw {}",
                seen(&replies)
            );
            ensure!(!replies.iter().all(|r| status(r) == 200), "both admins were disabled: {}", seen(&replies));
            // A disabled admin's token answers 401; whoever is still active can look.
            let mut active_admins = Vec::new();
            for token in [&ada.access, &bo] {
                let list = app.get("/api/v1/users?role=admin&disabled=false", token).await;
                if status(&list) == 200 {
                    active_admins = list.body["items"].as_array().cloned().unwrap_or_default();
                }
            }
            ensure!(!active_admins.is_empty(), "the agency has no active admin left (replies {})", seen(&replies));
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

#[actix_web::test]
async fn deleting_a_client_while_a_job_order_is_created_for_it_refuses_one_of_them_cleanly() {
    let app = parallel_app(&[]).await;
    let s = admin(&app, "Client Delete", 0).await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // Arrange
        let client_id = client(&app, &s.access, &format!("Harbor Hospital {trial}")).await;
        let client_path = format!("/api/v1/clients/{client_id}");
        // Act
        let replies = race(
            &app,
            vec![
                delete(&client_path, &s.access),
                post("/api/v1/job-orders", &s.access, json!({"client_id": client_id, "title": "Interface Analyst"})),
            ],
        )
        .await;
        // Assert
        let verdict = async {
            let jobs = app.get(&format!("/api/v1/job-orders?client_id={client_id}"), &s.access).await.ok(200).clone();
            let jobs = jobs["items"].as_array().map_or(0, Vec::len);
            let client_now = status(&app.get(&client_path, &s.access).await);
            let after = format!("afterwards the client answers {client_now} and has {jobs} job orders");
            let (deleted, job) = (&replies[0], &replies[1]);
            match (status(deleted), status(job)) {
                (204, 422) => {
                    ensure!(job.error_fields() == ["client_id"], "the create was refused for {:?}", job.error_fields());
                    ensure!(client_now == 404 && jobs == 0, "the DELETE won but {after}");
                }
                (409, 201) => ensure!(client_now == 200 && jobs == 1, "the create won but {after}"),
                _ => {
                    return Err(format!(
                        "expected (DELETE 204, create 422 on client_id) or (DELETE 409, create 201), never a 5xx; \
                         saw {}; {after}",
                        seen(&replies)
                    ))
                }
            }
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

#[actix_web::test]
async fn two_candidates_introducing_the_same_new_skill_at_once_share_one_skill() {
    let app = parallel_app(&[]).await;
    let s = admin(&app, "New Skill", 0).await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // Arrange: a name the taxonomy does not know, new in each trial.
        let skill = format!("Zephyrlink{trial:03}");
        // Act
        let replies = race(
            &app,
            vec![
                post("/api/v1/candidates", &s.access, json!({"full_name": "Ari One", "skills": [{"name": skill}]})),
                post("/api/v1/candidates", &s.access, json!({"full_name": "Ari Two", "skills": [{"name": skill}]})),
            ],
        )
        .await;
        // Assert
        let verdict = async {
            no_server_error(&replies)?;
            ensure!(replies.iter().all(|r| status(r) == 201), "expected both 201; saw {}", seen(&replies));
            let skills = app.get(&format!("/api/v1/skills?q={skill}"), &s.access).await.ok(200).clone();
            let names: Vec<&str> =
                skills["items"].as_array().unwrap().iter().filter_map(|k| k["name"].as_str()).collect();
            ensure!(names.len() == 1, "expected one skill {skill}; the taxonomy has {names:?}");
            let ids: HashSet<&str> = replies.iter().filter_map(|r| r.body["skills"][0]["skill_id"].as_str()).collect();
            ensure!(ids.len() == 1, "the two candidates hold different skills: {ids:?}");
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

/// Merging an agency skill while a candidate holding it is patched with the version read before:
/// one order or the other, never both half-applied. Either the merge went first (the PATCH then
/// names a stale version: 412) or the PATCH did (the merge then rewrites its result); either
/// way no candidate names the merged skill, it is gone, and the target is held once.
#[actix_web::test]
async fn merging_a_skill_while_its_holder_is_patched_leaves_no_trace_of_it() {
    let app = parallel_app(&[]).await;
    let s = admin(&app, "Merge", 0).await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // Arrange: a mistyped skill, new in each trial, held by a new candidate.
        let typo = format!("Epik Cadance {trial:03}");
        let person = json!({"full_name": format!("Kim Trial {trial}"), "skills": [{"name": typo}]});
        let (person, etag) = created(&app, "/api/v1/candidates", &s.access, person).await;
        let skill = app.get(&person, &s.access).await.ok(200)["skills"][0]["skill_id"].clone();
        let merge = format!("/api/v1/skills/{}/merge", skill.as_str().unwrap());
        let change = json!({"headline": "Scheduling analyst", "skills": [{"name": typo}, {"name": "SQL"}]});
        // Act
        let replies = race(
            &app,
            vec![
                post(&merge, &s.access, json!({"into": "Epic Cadence"})),
                patch(&person, &s.access, change).if_match(&etag),
            ],
        )
        .await;
        // Assert
        let verdict = async {
            no_server_error(&replies)?;
            let (merged, patched) = (status(&replies[0]), status(&replies[1]));
            ensure!(
                merged == 200 && (patched == 200 || patched == 412),
                "expected the merge 200 and the PATCH 200 or 412; saw {}",
                seen(&replies)
            );
            let now = app.get(&person, &s.access).await.ok(200).clone();
            let names: Vec<&str> =
                now["skills"].as_array().unwrap().iter().filter_map(|k| k["name"].as_str()).collect();
            ensure!(
                names.iter().filter(|n| **n == "Epic Cadence").count() == 1 && !names.contains(&typo.as_str()),
                "the candidate holds {names:?}"
            );
            let gone = app.get(&format!("/api/v1/skills/{}", skill.as_str().unwrap()), &s.access).await;
            ensure!(status(&gone) == 404, "the merged skill answers {}", brief(&gone));
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

/// Deleting an unused agency skill while a candidate starts using it: the delete is refused
/// (409) because the candidate got there first, or the delete wins and the candidate's write
/// either makes the name a skill again (200) or, having resolved the name just before the
/// delete committed, loses on its reference (409, nothing written). Never a 500, and the
/// candidate never holds a skill that does not exist.
#[actix_web::test]
async fn deleting_a_skill_while_a_candidate_takes_it_up_never_leaves_a_dangling_skill() {
    let app = parallel_app(&[]).await;
    let s = admin(&app, "Delete Skill", 0).await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // Arrange: an agency skill nobody holds any more.
        let name = format!("Quillmark{trial:03}");
        let first = json!({"full_name": "Lee One", "skills": [{"name": name}]});
        let (holder, _) = created(&app, "/api/v1/candidates", &s.access, first).await;
        let skill = app.get(&holder, &s.access).await.ok(200)["skills"][0]["skill_id"].as_str().unwrap().to_owned();
        app.patch(&holder, &s.access, json!({"skills": []})).await.ok(200);
        let (taker, _) = created(&app, "/api/v1/candidates", &s.access, json!({"full_name": "Lee Two"})).await;
        // Act
        let replies = race(
            &app,
            vec![
                delete(&format!("/api/v1/skills/{skill}"), &s.access),
                patch(&taker, &s.access, json!({"skills": [{"name": name}]})),
            ],
        )
        .await;
        // Assert
        let verdict = async {
            no_server_error(&replies)?;
            let (deleted, took) = (status(&replies[0]), status(&replies[1]));
            ensure!(
                (deleted == 409 && took == 200) || (deleted == 204 && (took == 200 || took == 409)),
                "expected the DELETE 409 and the PATCH 200, or the DELETE 204 and the PATCH 200 or 409; saw {}",
                seen(&replies)
            );
            let now = app.get(&taker, &s.access).await.ok(200).clone();
            if took == 409 {
                ensure!(now["skills"] == json!([]), "a refused PATCH wrote skills: {}", now["skills"]);
                return Ok(());
            }
            let held = now["skills"][0]["skill_id"].as_str().unwrap_or_default().to_owned();
            let exists = app.get(&format!("/api/v1/skills/{held}"), &s.access).await;
            ensure!(status(&exists) == 200, "the candidate holds skill {held}, which answers {}", brief(&exists));
            ensure!(now["skills"][0]["name"] == name.as_str(), "the candidate holds {}", now["skills"]);
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

/// Two admins rename two different agency skills to the same new name at once: one wins (200),
/// the other is told the name is taken (409); the name means exactly one skill, and each holder
/// holds the skill it held.
#[actix_web::test]
async fn two_skills_renamed_to_one_name_at_once_leave_one_skill_with_it() {
    let app = parallel_app(&[]).await;
    let s = admin(&app, "Rename", 0).await;
    let mut trials = Trials::new(TRIALS);
    for trial in 1..=TRIALS {
        // Arrange: two agency skills, each held by a candidate, new in each trial.
        let (one, two, wanted) =
            (format!("Tallyweb{trial:03}"), format!("Tally Web{trial:03}x"), format!("TallyWeb Pro {trial:03}"));
        let mut skills = Vec::new();
        for name in [&one, &two] {
            let body = json!({"full_name": format!("Holder of {name}"), "skills": [{"name": name}]});
            let (holder, _) = created(&app, "/api/v1/candidates", &s.access, body).await;
            let id = app.get(&holder, &s.access).await.ok(200)["skills"][0]["skill_id"].as_str().unwrap().to_owned();
            skills.push((holder, id));
        }
        // Act
        let replies = race(
            &app,
            skills
                .iter()
                .map(|(_, id)| patch(&format!("/api/v1/skills/{id}"), &s.access, json!({"name": wanted})))
                .collect(),
        )
        .await;
        // Assert
        let verdict = async {
            no_server_error(&replies)?;
            let mut statuses: Vec<u16> = replies.iter().map(status).collect();
            statuses.sort_unstable();
            ensure!(statuses == [200, 409], "expected one 200 and one 409; saw {}", seen(&replies));
            let found = app.get(&format!("/api/v1/skills?q={}", wanted.replace(' ', "%20")), &s.access).await;
            let names: Vec<String> = found.ok(200)["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|k| k["name"].as_str().map(str::to_owned))
                .collect();
            ensure!(names == [wanted.clone()], "the name means {names:?}");
            for (holder, id) in &skills {
                let held = app.get(holder, &s.access).await.ok(200)["skills"][0]["skill_id"].clone();
                ensure!(held == json!(id), "a holder now holds {held} instead of {id}");
            }
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

// ---------------------------------------------------------------------------------------------
// The login throttle
// ---------------------------------------------------------------------------------------------

/// At most three failed logins are checked before the lockout.
const THROTTLED: [(&str, &str); 2] = [("LOGIN_MAX_FAILURES", "3"), ("LOGIN_LOCKOUT_SECONDS", "120")];
const WRONG_PASSWORD: &str = "guess-guess-guess";

/// Every answer that did not check the password is a 429 with a `Retry-After` in seconds.
fn refused_with_retry_after(replies: &[Reply]) -> Verdict {
    for reply in replies.iter().filter(|r| ![200, 401].contains(&status(r))) {
        ensure!(status(reply) == 429, "expected 429 for an unchecked login; saw {}", brief(reply));
        let retry = reply.header("retry-after").and_then(|v| v.parse::<u64>().ok());
        ensure!(
            retry.is_some_and(|s| s >= 1),
            "a 429 without a Retry-After in seconds: {:?}",
            reply.header("retry-after")
        );
    }
    Ok(())
}

/// How many answers checked the password: 401 (wrong) and 200 (right).
fn checked(replies: &[Reply]) -> usize {
    replies.iter().filter(|r| [200, 401].contains(&status(r))).count()
}

/// How many replies had each status, e.g. `401×20`.
fn tally(replies: &[Reply]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for reply in replies {
        *counts.entry(status(reply)).or_insert(0) += 1;
    }
    let right = replies.iter().position(|r| status(r) == 200).map(|i| format!(", 200 at #{i}")).unwrap_or_default();
    let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{s}×{n}")).collect();
    format!("{}{right}", parts.join(", "))
}

#[actix_web::test]
async fn a_burst_of_wrong_passwords_is_checked_no_more_often_than_the_limit() {
    let app = parallel_app(&THROTTLED).await;
    let mut trials = Trials::new(LOGIN_TRIALS);
    for trial in 1..=LOGIN_TRIALS {
        // Arrange
        let s = admin(&app, "Wrong Burst", trial).await;
        // Act
        let replies = race(&app, (0..20).map(|_| login(&s.email, WRONG_PASSWORD)).collect()).await;
        // Assert
        let verdict = async {
            no_server_error(&replies)?;
            let failed = replies.iter().filter(|r| status(r) == 401).count();
            ensure!(
                failed <= 3,
                "{failed} of {} wrong passwords were checked (401), the limit is 3: {}",
                replies.len(),
                tally(&replies)
            );
            refused_with_retry_after(&replies)?;
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

#[actix_web::test]
async fn the_right_password_in_a_burst_of_wrong_ones_does_not_get_past_the_limit() {
    let app = parallel_app(&THROTTLED).await;
    let mut trials = Trials::new(LOGIN_TRIALS);
    for trial in 1..=LOGIN_TRIALS {
        // Arrange
        let s = admin(&app, "Mixed Burst", trial).await;
        let mut calls: Vec<Call> = (0..30).map(|_| login(&s.email, WRONG_PASSWORD)).collect();
        calls.insert(15, login(&s.email, PASSWORD)); // the right one in the middle
                                                     // Act
        let replies = race(&app, calls).await;
        // Assert
        let verdict = async {
            no_server_error(&replies)?;
            let checked = checked(&replies);
            ensure!(
                checked <= 3,
                "{checked} of {} passwords were checked (200 or 401), the limit is 3: {}",
                replies.len(),
                tally(&replies)
            );
            refused_with_retry_after(&replies)?;
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}

// ---------------------------------------------------------------------------------------------
// Two imports of one folder
// ---------------------------------------------------------------------------------------------

const FIRST_NAMES: [&str; 10] =
    ["Dana", "Priya", "Marcus", "Elena", "Tomas", "Keiko", "Amara", "Jonah", "Lucia", "Farid"];
const LAST_NAMES: [&str; 10] =
    ["Reyes", "Natarajan", "Oyelaran", "Kowalski", "Lindqvist", "Moreau", "Okafor", "Brennan", "Castillo", "Haddad"];
const SKILL_SETS: [&str; 5] = [
    "Active Directory, Cisco, SQL",
    "Epic Cadence, HL7 v2, SQL",
    "FHIR, Python, Azure",
    "Meditech, Help Desk, Windows Server",
    "Cerner, Crystal Reports, HIPAA",
];

/// A short plain-text résumé, different in every trial (so no file of one trial has the hash
/// of another's).
fn resume_text(trial: usize, i: usize, nonce: u64) -> String {
    let first = FIRST_NAMES[i % FIRST_NAMES.len()];
    let last = LAST_NAMES[(i / FIRST_NAMES.len() + trial + i) % LAST_NAMES.len()];
    let skills = SKILL_SETS[(i + trial) % SKILL_SETS.len()];
    let email = format!("{}.{}.t{trial}.n{i}@example.org", first.to_lowercase(), last.to_lowercase());
    let start = 2012 + (i % 8);
    format!(
        "{first} {last}\nOmaha, NE | {email} | (402) 555-{phone:04}\n\n\
         EXPERIENCE\nSystems Analyst, Riverside Medical Center\nJan {start} – Present\n\
         • {skills} for a 300-bed hospital\n\
         Help Desk Technician — Acme Logistics\n06/2008 - 12/{end}\n• Windows support for 400 users\n\n\
         SKILLS\n{skills}\n\nRef {nonce:016x}-{trial}-{i}\n",
        phone = 1000 + trial * 100 + i,
        end = start - 1,
    )
}

/// Runs `bridgehire import <dir> --user <email>` twice at the same moment on the app's database.
fn import_twice(database_url: &str, dir: &Path, email: &str) -> (Output, Output) {
    let workdir = tempfile::tempdir().expect("a working directory");
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_bridgehire"))
            .arg("import")
            .arg(dir)
            .args(["--user", email])
            .env("DATABASE_URL", database_url)
            .env("JWT_SECRET", JWT_SECRET)
            .env("RUST_LOG", "warn")
            .current_dir(workdir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("bridgehire import starts")
    };
    let (first, second) = (start(), start());
    (first.wait_with_output().expect("first import ends"), second.wait_with_output().expect("second import ends"))
}

fn describe(output: &Output) -> String {
    format!(
        "{}: {} {}",
        output.status,
        String::from_utf8_lossy(&output.stdout).trim(),
        String::from_utf8_lossy(&output.stderr).trim()
    )
}

#[actix_web::test]
async fn two_imports_of_one_folder_at_once_store_each_file_once() {
    let app = parallel_app(&[]).await;
    let mut trials = Trials::new(IMPORT_TRIALS);
    for trial in 1..=IMPORT_TRIALS {
        // Arrange: a folder of résumés, each naming its own candidate.
        let s = admin(&app, "Import", trial).await;
        let folder = tempfile::tempdir().expect("a résumé folder");
        let nonce: u64 = rand::random();
        for i in 0..IMPORT_FILES {
            std::fs::write(folder.path().join(format!("resume-{i:02}.txt")), resume_text(trial, i, nonce)).unwrap();
        }
        // Act
        let (first, second) = {
            let (url, dir, email) = (app.database_url.clone(), folder.path().to_owned(), s.email.clone());
            actix_web::web::block(move || import_twice(&url, &dir, &email)).await.expect("imports ran")
        };
        // Assert
        let verdict = async {
            let mut hashes = Vec::new();
            for person in all_items(&app, "/api/v1/candidates", &s.access).await {
                let resumes = app.get(&format!("/api/v1/candidates/{}/resumes", id(&person)), &s.access).await;
                for resume in resumes.ok(200)["items"].as_array().unwrap() {
                    hashes.push(resume["sha256"].as_str().unwrap().to_owned());
                }
            }
            let distinct = hashes.iter().collect::<HashSet<_>>().len();
            let outputs = format!("first import {}; second import {}", describe(&first), describe(&second));
            ensure!(
                hashes.len() == IMPORT_FILES && distinct == IMPORT_FILES,
                "{IMPORT_FILES} files imported twice at once left {} résumés ({} distinct); {outputs}",
                hashes.len(),
                distinct
            );
            // A file the other import stored first is a duplicate to skip, not a failure.
            ensure!(first.status.success() && second.status.success(), "an import failed: {outputs}");
            Ok::<(), String>(())
        }
        .await;
        trials.record(trial, verdict);
    }
    trials.assert_all_passed();
}
