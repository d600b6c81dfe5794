//! Résumés over HTTP: upload, versions, the original file, re-reading, export, and the
//! hostile inputs a client can send.

mod common;

use common::{spawn_app, spawn_app_with};
use reqwest::multipart::Form;
use serde_json::{json, Value};

const TEXT_RESUME: &str = "Dana Reyes
Tulsa, OK | dana.reyes@example.org | (918) 555-0100

SUMMARY
Network administrator completing the CompTIA Healthcare IT Technician course; open to a reduced rate to gain healthcare experience.

EXPERIENCE
Network Administrator, Acme Logistics
Jan 2019 – Present
• Cisco switching and routing; Active Directory and Group Policy for 400 users
Help Desk Technician — Riverside Medical Center
06/2016 - 12/2018
• Supported Epic Hyperspace workstations and HL7 2.x label printers
";

#[actix_web::test]
async fn a_text_resume_creates_a_filled_in_candidate() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let reply = app.upload(&s.access, "/api/v1/resumes", "dana.txt", TEXT_RESUME.as_bytes().to_vec()).await;
    let body = reply.ok(201).clone();
    let c = &body["candidate"];
    assert_eq!(c["full_name"], "Dana Reyes");
    assert_eq!(c["email"], "dana.reyes@example.org");
    assert_eq!(c["location"], "Tulsa, OK");
    assert_eq!(c["healthcare_experience_months"], 31);
    let skills: Vec<&str> = c["skills"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert!(skills.contains(&"HL7 v2") && skills.contains(&"Active Directory"), "{skills:?}");
    let kinds: Vec<&str> =
        c["crossover_signals"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"lower_rate_ok"), "{kinds:?}");
    assert_eq!(body["resume"]["format"], "txt");
    assert_eq!(body["resume"]["status"], "parsed");
    assert_eq!(c["current_resume_id"], body["resume"]["id"]);
    let evidence =
        &body["extraction"]["skills"].as_array().unwrap().iter().find(|s| s["name"] == "HL7 v2").unwrap()["evidence"];
    assert!(evidence["text"].as_str().unwrap().contains("HL7 2.x"));

    let id = body["resume"]["id"].as_str().unwrap();
    assert_eq!(reply.header("location").unwrap(), format!("/api/v1/resumes/{id}"));
    let file =
        app.client.get(format!("{}/api/v1/resumes/{id}/file", app.base)).bearer_auth(&s.access).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert!(file.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"dana.txt\""));
    assert_eq!(file.bytes().await.unwrap().as_ref(), TEXT_RESUME.as_bytes(), "the original bytes, byte for byte");
}

#[actix_web::test]
async fn a_new_version_fills_gaps_keeps_typed_values_and_refuses_the_same_file_twice() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let c = app
        .create("/api/v1/candidates", &s.access, json!({"full_name": "Dana R.", "email": "typed@example.org"}))
        .await;
    let path = format!("/api/v1/candidates/{}/resumes", c["id"].as_str().unwrap());
    let first = app.upload(&s.access, &path, "dana.txt", TEXT_RESUME.as_bytes().to_vec()).await;
    let body = first.ok(201).clone();
    assert_eq!(body["candidate"]["full_name"], "Dana R.", "typed values are kept");
    assert_eq!(body["candidate"]["email"], "typed@example.org");
    assert_eq!(body["candidate"]["phone"], "(918) 555-0100", "empty fields are filled");
    let again = app.upload(&s.access, &path, "copy.txt", TEXT_RESUME.as_bytes().to_vec()).await;
    again.problem(409);
    assert_eq!(again.body["existing_id"], body["resume"]["id"]);
    let second =
        app.upload(&s.access, &path, "v2.txt", format!("{TEXT_RESUME}\nSKILLS\nFHIR, SQL\n").into_bytes()).await;
    assert_eq!(second.ok(201)["resume"]["version"], 2);
    let versions = app.get(&path, &s.access).await;
    let items = versions.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.iter().map(|r| r["version"].as_i64().unwrap()).collect::<Vec<_>>(), [2, 1]);
    let candidate = app.get(&format!("/api/v1/candidates/{}", c["id"].as_str().unwrap()), &s.access).await;
    assert_eq!(candidate.ok(200)["current_resume_id"], items[0]["id"]);
}

#[actix_web::test]
async fn a_json_resume_is_read_and_the_candidate_exported_as_one() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let doc = json!({
        "basics": {"name": "Priya Natarajan", "email": "priya@example.org", "location": {"city": "Omaha", "region": "NE"}},
        "work": [{"name": "Mercy Regional Hospital", "position": "Epic Analyst", "startDate": "2020-03-01", "summary": "Epic Cadence build"}],
        "skills": [{"name": "Interfaces", "keywords": ["HL7 v2", "FHIR"]}]
    });
    let reply = app.upload(&s.access, "/api/v1/resumes", "priya.json", serde_json::to_vec(&doc).unwrap()).await;
    let body = reply.ok(201).clone();
    assert_eq!(body["resume"]["format"], "json");
    assert_eq!(body["candidate"]["full_name"], "Priya Natarajan");
    let exported = app
        .get(&format!("/api/v1/candidates/{}/json-resume", body["candidate"]["id"].as_str().unwrap()), &s.access)
        .await;
    let exported = exported.ok(200);
    assert_eq!(exported["basics"]["name"], "Priya Natarajan");
    assert!(exported["skills"].as_array().unwrap().iter().any(|s| s["name"] == "FHIR"));
    assert!(!exported["work"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn reparse_reads_the_stored_file_again() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let body =
        app.upload(&s.access, "/api/v1/resumes", "dana.txt", TEXT_RESUME.as_bytes().to_vec()).await.ok(201).clone();
    let id = body["resume"]["id"].as_str().unwrap();
    let reply = app.post(&format!("/api/v1/resumes/{id}/reparse"), &s.access, json!({})).await;
    let again = reply.ok(200);
    assert_eq!(again["resume"]["id"], id);
    assert_eq!(again["candidate"]["version"], body["candidate"]["version"], "nothing new, nothing written");
    let detail = app.get(&format!("/api/v1/resumes/{id}"), &s.access).await;
    assert_eq!(detail.ok(200)["extraction"]["email"]["value"], "dana.reyes@example.org");
}

#[actix_web::test]
async fn unsupported_disguised_empty_and_oversized_files_are_refused_and_nothing_is_written() {
    let app = spawn_app_with(&[("MAX_UPLOAD_BYTES", "4096")]).await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[0u8; 64]].concat();
    app.upload(&s.access, "/api/v1/resumes", "resume.pdf", png).await.problem(415);
    app.upload(&s.access, "/api/v1/resumes", "resume.docx", b"MZ\x90\x00\x03\x00\x00\x00".to_vec()).await.problem(415);
    app.upload(&s.access, "/api/v1/resumes", "empty.txt", vec![]).await.problem(415);
    app.upload(&s.access, "/api/v1/resumes", "big.txt", vec![b'a'; 5000]).await.problem(413);
    app.upload(&s.access, "/api/v1/resumes", "broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog".to_vec())
        .await
        .problem(422);
    let not_multipart = app.post("/api/v1/resumes", &s.access, json!({"file": "x"})).await;
    not_multipart.problem(415);
    let form = Form::new().text("other", "x");
    let missing = app
        .client
        .post(format!("{}/api/v1/resumes", app.base))
        .bearer_auth(&s.access)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 422);
    assert!(app.get("/api/v1/candidates", &s.access).await.ok(200)["items"].as_array().unwrap().is_empty());
    app.get("/healthz", &s.access).await.ok(200);
}

#[actix_web::test]
async fn another_agencys_resumes_are_not_found_on_every_route() {
    let app = spawn_app().await;
    let (ours, theirs) = app.two_agencies().await;
    let body = app
        .upload(&theirs.access, "/api/v1/resumes", "dana.txt", TEXT_RESUME.as_bytes().to_vec())
        .await
        .ok(201)
        .clone();
    let (resume, candidate) = (body["resume"]["id"].as_str().unwrap(), body["candidate"]["id"].as_str().unwrap());
    app.get(&format!("/api/v1/resumes/{resume}"), &ours.access).await.problem(404);
    app.get(&format!("/api/v1/resumes/{resume}/file"), &ours.access).await.problem(404);
    app.post(&format!("/api/v1/resumes/{resume}/reparse"), &ours.access, json!({})).await.problem(404);
    app.get(&format!("/api/v1/candidates/{candidate}/resumes"), &ours.access).await.problem(404);
    app.get(&format!("/api/v1/candidates/{candidate}/json-resume"), &ours.access).await.problem(404);
    app.upload(&ours.access, &format!("/api/v1/candidates/{candidate}/resumes"), "x.txt", b"Someone Else\n".to_vec())
        .await
        .problem(404);
    let versions = app.get(&format!("/api/v1/candidates/{candidate}/resumes"), &theirs.access).await;
    assert_eq!(versions.ok(200)["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn every_hostile_file_is_refused_with_a_4xx_and_the_server_keeps_serving() {
    let app = spawn_app_with(&[("EXTRACTOR_TIMEOUT_SECONDS", "5"), ("EXTRACTOR_MEMORY_MB", "512")]).await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    let mut checked = 0;
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // ok-* are good files; a cross-reference chain that loops is detected and the file read.
        if name.starts_with('.') || name.starts_with("ok-") || name == "xref-prev-loop.pdf" {
            continue;
        }
        let reply = app.upload(&s.access, "/api/v1/resumes", &name, std::fs::read(&path).unwrap()).await;
        let status = reply.status.as_u16();
        assert!((400..500).contains(&status), "{name}: {status} {}", reply.body);
        reply.problem(status);
        app.get("/healthz", &s.access).await.ok(200);
        checked += 1;
    }
    assert!(checked >= 12, "the hostile corpus is missing");
    let ok =
        app.upload(&s.access, "/api/v1/resumes", "ok.pdf", std::fs::read(dir.join("ok-resume.pdf")).unwrap()).await;
    assert_eq!(ok.ok(201)["resume"]["status"], "parsed", "a good PDF is still read after the hostile ones");
}

#[actix_web::test]
async fn a_folder_import_creates_candidates_attaches_by_email_and_is_safe_to_rerun() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let existing = app
        .create("/api/v1/candidates", &s.access, json!({"full_name": "Dana R.", "email": "dana.reyes@example.org"}))
        .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dana.txt"), TEXT_RESUME).unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::copy(fixtures.join("resumes/02-network-admin.txt"), dir.path().join("02.txt")).unwrap();
    std::fs::copy(fixtures.join("resumes/31-interface-analyst-rhapsody.pdf"), dir.path().join("31.pdf")).unwrap();
    std::fs::copy(fixtures.join("hostile/truncated.pdf"), dir.path().join("broken.pdf")).unwrap();
    let run = || {
        let settings = common::settings(&app.database_url, &[]);
        let (dir, email) = (dir.path().to_path_buf(), s.email.clone());
        actix_web::web::block(move || bridgehire::import::run(settings, &dir, &email))
    };

    let first = run().await.unwrap().unwrap();
    assert_eq!((first.created, first.attached, first.duplicates, first.failed.len()), (2, 1, 0, 1));
    assert!(first.failed[0].0.ends_with("broken.pdf"));
    let again = run().await.unwrap().unwrap();
    assert_eq!((again.created, again.attached, again.duplicates, again.failed.len()), (0, 0, 3, 1));

    let versions =
        app.get(&format!("/api/v1/candidates/{}/resumes", existing["id"].as_str().unwrap()), &s.access).await;
    assert_eq!(versions.ok(200)["items"].as_array().unwrap().len(), 1, "matched by e-mail");
    let all = app.get("/api/v1/candidates", &s.access).await;
    assert_eq!(all.ok(200)["items"].as_array().unwrap().len(), 3, "nothing half-written for the broken file");
}

#[actix_web::test]
async fn a_scanned_pdf_is_stored_and_says_no_text_was_found() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scanned/scanned-resume.pdf");
    let bytes = std::fs::read(path).unwrap();
    let reply = app.upload(&s.access, "/api/v1/resumes", "scan.pdf", bytes.clone()).await;
    let body = reply.ok(201);
    assert_eq!(body["resume"]["status"], "no_text");
    assert!(body["resume"]["status_detail"].as_str().unwrap().contains("No text"));
    assert_eq!(body["extraction"], Value::Null, "nothing is invented");
    assert_eq!(body["candidate"]["full_name"], "Candidate from scan.pdf");
    assert!(body["candidate"]["skills"].as_array().unwrap().is_empty());
    let id = body["resume"]["id"].as_str().unwrap();
    let file =
        app.client.get(format!("{}/api/v1/resumes/{id}/file", app.base)).bearer_auth(&s.access).send().await.unwrap();
    assert_eq!(file.bytes().await.unwrap().as_ref(), bytes.as_slice());
}
