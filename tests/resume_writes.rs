//! A résumé arriving is one write of its candidate: one new version (so the ETag moves when the
//! current résumé changes), one step of the agency's change sequence, one refresh of the search
//! document. Counted on the real database, over HTTP and by the statements the use case runs.

mod common;

use std::sync::{Arc, Mutex};

use bridgehire::db::models::audit::Who;
use bridgehire::db::models::users;
use bridgehire::db::{self, DbConnection, Target};
use bridgehire::domain::Actor;
use bridgehire::resume::sandbox::Sandbox;
use bridgehire::resume::text::Limits;
use bridgehire::service::resumes::{self, Destination, File};
use common::{spawn_app, TestApp};
use diesel::connection::InstrumentationEvent;
use diesel::prelude::*;

const FIRST: &str = "Dana Reyes\nTulsa, OK | dana.reyes@example.org\n\nEXPERIENCE\nNetwork Administrator, Acme Logistics\nJan 2019 – Present\n• Cisco and Active Directory\n";
const SECOND: &str = "Dana Reyes\nTulsa, OK | dana.reyes@example.org\n\nEXPERIENCE\nNetwork Administrator, Acme Logistics\nJan 2019 – Present\n• Cisco, Active Directory and HL7 v2 interfaces\n• SQL reporting\n";

fn connection(app: &TestApp) -> db::PooledConn {
    let target = Target::parse(&app.database_url).expect("database url");
    db::connect(&target, 1, 5_000).expect("database").get().expect("connection")
}

fn change_seq(conn: &mut DbConnection, agency_id: i64) -> i64 {
    db::changes::current(conn, agency_id).expect("change sequence")
}

fn sandbox() -> Sandbox {
    Sandbox {
        program: env!("CARGO_BIN_EXE_bridgehire").into(),
        timeout: std::time::Duration::from_secs(10),
        memory_bytes: 512 << 20,
        limits: Limits::default(),
    }
}

/// Every SQL statement run on the connection while it is recorded, in lower case and without
/// identifier quotes.
#[derive(Clone, Default)]
struct Statements(Arc<Mutex<Vec<String>>>);

impl Statements {
    fn record(&self, conn: &mut DbConnection) {
        let seen = self.0.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                // Without identifier quotes, which differ by backend.
                seen.lock().unwrap().push(query.to_string().to_lowercase().replace(['"', '`'], ""));
            }
        });
    }

    fn count(&self, needle: &str) -> usize {
        self.0.lock().unwrap().iter().filter(|s| s.contains(needle)).count()
    }
}

#[actix_web::test]
async fn a_new_current_resume_changes_the_candidates_etag_and_version_once() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let created = app.upload(&s.access, "/api/v1/resumes", "dana.txt", FIRST.as_bytes().to_vec()).await;
    let candidate_id = created.ok(201)["candidate"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/candidates/{candidate_id}");
    let before = app.get(&path, &s.access).await;
    let etag_before = before.header("etag").unwrap();
    assert_eq!(before.body["version"], 1, "creating from a résumé is one version");

    let attached = app.upload(&s.access, &format!("{path}/resumes"), "dana-2.txt", SECOND.as_bytes().to_vec()).await;
    let new_resume = attached.ok(201)["resume"]["id"].clone();

    let after = app.get(&path, &s.access).await;
    assert_eq!(after.body["current_resume_id"], new_resume);
    assert_eq!(after.body["version"], 2, "one new version for the new résumé and what it added");
    assert_ne!(after.header("etag").unwrap(), etag_before, "the ETag follows the current résumé");
    assert_eq!(attached.body["candidate"]["version"], 2, "the upload answers the candidate as stored");

    // A version that adds nothing to the profile still becomes the current one: a new version.
    let same_again = format!("{SECOND}\n");
    let again = app.upload(&s.access, &format!("{path}/resumes"), "dana-3.txt", same_again.into_bytes()).await;
    let newest = again.ok(201)["resume"]["id"].clone();
    let latest = app.get(&path, &s.access).await;
    assert_eq!(latest.body["current_resume_id"], newest);
    assert_eq!(latest.body["version"], 3);
    assert_ne!(latest.header("etag"), after.header("etag"), "a new current résumé is a new version");
}

#[actix_web::test]
async fn an_upload_writes_its_candidate_once_and_refreshes_search_once() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let mut conn = connection(&app);
    let user = users::find_by_email(&mut conn, &s.email).unwrap().unwrap();
    let agency_id = user.agency_id;
    let who = Who { agency_id, actor: Actor::User(user.id), request_id: None };

    // A new candidate from a résumé: one change number, one search document.
    let statements = Statements::default();
    statements.record(&mut conn);
    let seq = change_seq(&mut conn, agency_id);
    let file = File { filename: "dana.txt".into(), bytes: FIRST.as_bytes().to_vec() };
    let reading = resumes::read(&sandbox(), &file.bytes).unwrap();
    let created = resumes::store(&mut conn, &who, Destination::NewCandidate, &file, reading).unwrap();
    assert_eq!(change_seq(&mut conn, agency_id), seq + 1);
    assert_eq!(statements.count("insert into candidate_search"), 1, "one search refresh");
    assert_eq!(created.candidate.row.version, 1);

    // A new version for that candidate: one UPDATE of the candidate's row, one change number,
    // one search document.
    let statements = Statements::default();
    statements.record(&mut conn);
    let file = File { filename: "dana-2.txt".into(), bytes: SECOND.as_bytes().to_vec() };
    let reading = resumes::read(&sandbox(), &file.bytes).unwrap();
    let destination = Destination::Candidate(created.candidate.row.id);
    let attached = resumes::store(&mut conn, &who, destination, &file, reading).unwrap();
    assert_eq!(change_seq(&mut conn, agency_id), seq + 2);
    assert_eq!(statements.count("update candidates set"), 1, "one write of the candidate");
    assert_eq!(statements.count("insert into candidate_search"), 1, "one search refresh");
    assert_eq!(attached.candidate.row.version, 2);
    assert_eq!(attached.candidate.row.current_resume_id, Some(attached.resume.id));
}
