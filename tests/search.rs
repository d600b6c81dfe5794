//! Full-text search over HTTP: the search language, ranking, filters and paging, an index that
//! follows every change, tenancy, malformed searches, and a check of the engine (FTS5 or
//! PostgreSQL, whichever this run uses) against a brute-force reading of the same data.

mod common;

use bridgehire::search::query::{Atom, Query};
use bridgehire::search::tokens::tokens;
use common::{restart_on, spawn_app, TestApp};
use serde_json::{json, Value};

fn names(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|c| c["full_name"].as_str().unwrap().to_owned()).collect()
}

fn encode(q: &str) -> String {
    q.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

async fn search(app: &TestApp, token: &str, q: &str) -> Vec<String> {
    names(app.get(&format!("/api/v1/candidates?q={}&limit=100", encode(q)), token).await.ok(200))
}

async fn candidate(app: &TestApp, token: &str, body: Value) -> String {
    app.create("/api/v1/candidates", token, body).await["id"].as_str().unwrap().to_owned()
}

async fn attach(app: &TestApp, token: &str, id: &str, text: &str) -> Value {
    let path = format!("/api/v1/candidates/{id}/resumes");
    app.upload(token, &path, "resume.txt", text.as_bytes().to_vec()).await.ok(201).clone()
}

#[actix_web::test]
async fn words_phrases_and_operators_search_profiles_and_resume_text() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let dana =
        candidate(&app, &s.access, json!({"full_name": "Dana Reyes", "headline": "Network administrator"})).await;
    attach(
        &app,
        &s.access,
        &dana,
        "Dana Reyes\nHelp desk at Riverside Medical Center, 2016 to 2018.\nVolunteer at the free clinic.\n",
    )
    .await;
    candidate(&app, &s.access, json!({"full_name": "Eve Adams", "headline": "Epic Cadence analyst at José's clinic"}))
        .await;
    candidate(
        &app,
        &s.access,
        json!({"full_name": "Sam Ortiz", "headline": "Meditech analyst", "notes": "Cerner too"}),
    )
    .await;

    assert_eq!(search(&app, &s.access, "riverside").await, ["Dana Reyes"], "résumé text is searched");
    assert_eq!(search(&app, &s.access, "Riverside medical").await, ["Dana Reyes"]);
    assert_eq!(search(&app, &s.access, "\"medical center\"").await, ["Dana Reyes"]);
    assert!(search(&app, &s.access, "\"center medical\"").await.is_empty(), "a phrase keeps its order");
    assert_eq!(search(&app, &s.access, "analyst").await, ["Sam Ortiz", "Eve Adams"]);
    assert_eq!(search(&app, &s.access, "analyst -cerner").await, ["Eve Adams"]);
    assert_eq!(search(&app, &s.access, "analyst NOT cerner").await, ["Eve Adams"]);
    assert_eq!(search(&app, &s.access, "NOT analyst").await, ["Dana Reyes"]);
    assert_eq!(search(&app, &s.access, "cadence OR meditech").await, ["Sam Ortiz", "Eve Adams"]);
    assert_eq!(search(&app, &s.access, "(cerner OR riverside) -network").await, ["Sam Ortiz"]);
    assert_eq!(search(&app, &s.access, "cadenc*").await, ["Eve Adams"]);
    assert_eq!(search(&app, &s.access, "JOSE").await, ["Eve Adams"], "case and accents are ignored");
    assert_eq!(search(&app, &s.access, "clinic").await, ["Eve Adams", "Dana Reyes"]);
    assert!(search(&app, &s.access, "clin").await.is_empty(), "words match whole unless a * says otherwise");
    assert!(search(&app, &s.access, "riverside AND meditech").await.is_empty());
}

#[actix_web::test]
async fn profile_matches_and_rare_words_rank_first() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    // Created oldest first, so "newest first" would put each expected winner last.
    candidate(&app, &s.access, json!({"full_name": "Pat Profile", "notes": "Worked at Riverside"})).await;
    let resume_only = candidate(&app, &s.access, json!({"full_name": "Rae Resume", "headline": "Help desk"})).await;
    attach(&app, &s.access, &resume_only, "Rae Resume\nRiverside Medical Center, 2019 to 2021.\n").await;
    assert_eq!(search(&app, &s.access, "riverside").await, ["Pat Profile", "Rae Resume"]);

    candidate(&app, &s.access, json!({"full_name": "Zed Rare", "notes": "zephyr"})).await;
    for name in ["Ann Common", "Bob Common", "Cy Common"] {
        candidate(&app, &s.access, json!({"full_name": name, "notes": "acme"})).await;
    }
    let ranked = search(&app, &s.access, "acme OR zephyr").await;
    assert_eq!(ranked, ["Zed Rare", "Cy Common", "Bob Common", "Ann Common"], "the rarer word weighs more");
}

#[actix_web::test]
async fn search_combines_with_filters_and_pages_in_rank_order() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    for i in 0..9 {
        let notes = if i % 3 == 0 { "hl7 interfaces" } else { "interfaces" };
        let status = if i % 2 == 0 { "active" } else { "placed" };
        let headline = if i % 4 == 0 { "HL7 analyst" } else { "Analyst" };
        candidate(
            &app,
            &s.access,
            json!({"full_name": format!("Person {i}"), "notes": notes, "status": status, "headline": headline}),
        )
        .await;
    }
    let q = encode("hl7 OR interfaces");
    let whole = names(app.get(&format!("/api/v1/candidates?q={q}&limit=100"), &s.access).await.ok(200));
    // "interfaces" is in every profile and weighs little; the rarer "hl7" lifts its five
    // candidates above the rest, newest first among equals.
    let order = [8, 6, 4, 3, 0, 7, 5, 2, 1].map(|i| format!("Person {i}"));
    assert_eq!(whole, order);

    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let after = cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let page = app.get(&format!("/api/v1/candidates?q={q}&limit=2{after}"), &s.access).await;
        let page = page.ok(200);
        walked.extend(names(page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(walked, whole, "pages in rank order, each candidate once");

    let active = names(app.get(&format!("/api/v1/candidates?q={q}&status=active&limit=100"), &s.access).await.ok(200));
    let expected: Vec<String> =
        whole.iter().filter(|n| n.trim_start_matches("Person ").parse::<i32>().unwrap() % 2 == 0).cloned().collect();
    assert_eq!(active, expected, "filters narrow the ranked list without reordering it");

    let plain = app.get("/api/v1/candidates?limit=2", &s.access).await;
    let plain_cursor = plain.ok(200)["next_cursor"].as_str().unwrap().to_owned();
    let mixed = app.get(&format!("/api/v1/candidates?q={q}&cursor={plain_cursor}"), &s.access).await;
    mixed.problem(400);
    assert_eq!(mixed.error_fields(), ["cursor"]);
}

#[actix_web::test]
async fn the_index_follows_every_change() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let id = candidate(&app, &s.access, json!({"full_name": "Dana Reyes", "headline": "Network administrator"})).await;
    attach(&app, &s.access, &id, "Dana Reyes\nRiverside Medical Center, 2016 to 2018.\n").await;
    assert_eq!(search(&app, &s.access, "riverside").await, ["Dana Reyes"]);

    app.patch(&format!("/api/v1/candidates/{id}"), &s.access, json!({"headline": "Interface analyst"})).await.ok(200);
    assert!(search(&app, &s.access, "network").await.is_empty(), "the old headline is forgotten");
    assert_eq!(search(&app, &s.access, "interface").await, ["Dana Reyes"]);

    let second = attach(&app, &s.access, &id, "Dana Reyes\nSt. Brigid Hospital, 2019 to 2024.\n").await;
    assert!(search(&app, &s.access, "riverside").await.is_empty(), "only the current résumé is searched");
    assert_eq!(search(&app, &s.access, "brigid").await, ["Dana Reyes"]);

    let resume_id = second["resume"]["id"].as_str().unwrap();
    app.post(&format!("/api/v1/resumes/{resume_id}/reparse"), &s.access, json!({})).await.ok(200);
    assert_eq!(search(&app, &s.access, "brigid").await, ["Dana Reyes"], "re-reading keeps the résumé searchable");

    let upload =
        app.upload(&s.access, "/api/v1/resumes", "new.txt", b"Lee Park\nQuartzline Clinic 2020\n".to_vec()).await;
    upload.ok(201);
    assert_eq!(search(&app, &s.access, "quartzline").await, ["Lee Park"], "a résumé that creates a candidate");

    app.delete(&format!("/api/v1/candidates/{id}"), &s.access).await.ok(204);
    assert!(search(&app, &s.access, "brigid OR interface").await.is_empty(), "a deleted candidate is gone");
}

#[actix_web::test]
async fn an_index_from_another_version_is_rebuilt_at_start_up() {
    use diesel::connection::SimpleConnection;
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let id = candidate(&app, &s.access, json!({"full_name": "Dana Reyes", "headline": "Network administrator"})).await;
    attach(&app, &s.access, &id, "Dana Reyes\nRiverside Medical Center, 2016 to 2018.\n").await;
    // As a database from before search existed, or from a version that tokenized differently.
    let target = bridgehire::db::Target::parse(&app.database_url).unwrap();
    let pool = bridgehire::db::connect(&target, 1, 5_000).unwrap();
    pool.get()
        .unwrap()
        .batch_execute(
            "DELETE FROM candidate_search; UPDATE app_meta SET value = 'old' WHERE key = 'search_index_version'",
        )
        .unwrap();
    assert!(search(&app, &s.access, "riverside").await.is_empty());

    let restarted = restart_on(&app).await;
    assert_eq!(search(&restarted, &s.access, "riverside network").await, ["Dana Reyes"]);
}

#[actix_web::test]
async fn another_agencys_candidates_never_match() {
    let app = spawn_app().await;
    let (ours, theirs) = app.two_agencies().await;
    let hidden =
        candidate(&app, &theirs.access, json!({"full_name": "Hal Hidden", "headline": "Zephyr analyst"})).await;
    attach(&app, &theirs.access, &hidden, "Hal Hidden\nQuartzline Hospital 2015 to 2020\n").await;
    candidate(&app, &ours.access, json!({"full_name": "Ola Ours", "headline": "Analyst"})).await;

    assert!(search(&app, &ours.access, "zephyr").await.is_empty());
    assert!(search(&app, &ours.access, "quartzline OR zephyr").await.is_empty());
    assert_eq!(search(&app, &ours.access, "analyst").await, ["Ola Ours"]);
    assert_eq!(search(&app, &ours.access, "NOT zephyr").await, ["Ola Ours"]);
    assert_eq!(search(&app, &theirs.access, "zephyr").await, ["Hal Hidden"]);
}

#[actix_web::test]
async fn malformed_searches_are_a_400_naming_q() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let long = "epic ".repeat(101);
    let many = "w ".repeat(21);
    let cases = [
        ("\"epic cadence", "not closed"),
        ("(epic OR cerner", "not closed"),
        ("epic)", "no opening"),
        ("AND epic", "before it"),
        ("epic OR", "after it"),
        ("-- & ...", "no word"),
        (many.as_str(), "at most 20"),
        (long.as_str(), "at most 500 characters"),
    ];
    for (q, says) in cases {
        let reply = app.get(&format!("/api/v1/candidates?q={}", encode(q)), &s.access).await;
        let body = reply.problem(400);
        assert_eq!(reply.error_fields(), ["q"], "{q}");
        assert!(body["detail"].as_str().unwrap().contains(says), "{q}: {}", body["detail"]);
    }
}

/// A tiny generator, so the data and searches below are the same on every run and backend.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn words(&mut self, vocabulary: &[&str], n: usize) -> String {
        (0..n).map(|_| vocabulary[self.next(vocabulary.len())]).collect::<Vec<_>>().join(" ")
    }
}

const VOCABULARY: &[&str] = &[
    "epic",
    "cerner",
    "meditech",
    "cadence",
    "interface",
    "analyst",
    "clinic",
    "hospital",
    "network",
    "rural",
    "nurse",
    "pharmacy",
    "billing",
    "radiology",
    "lab",
    "support",
    "migration",
    "training",
    "volunteer",
    "zephyr",
    "quartz",
    "harbor",
    "summit",
    "José",
];

struct Reference {
    id: i64,
    profile: Vec<String>,
    resume: Vec<String>,
}

fn occurs(words: &[String], atom: &Atom) -> bool {
    let n = atom.words.len();
    words.len() >= n
        && (0..=words.len() - n).any(|at| {
            atom.words.iter().enumerate().all(|(i, w)| {
                let word = &words[at + i];
                if atom.prefix && i == n - 1 {
                    word.starts_with(w.as_str())
                } else {
                    word == w
                }
            })
        })
}

fn matches(doc: &Reference, query: &Query) -> bool {
    match query {
        Query::Atom(atom) => occurs(&doc.profile, atom) || occurs(&doc.resume, atom),
        Query::And(parts) => parts.iter().all(|p| matches(doc, p)),
        Query::Or(parts) => parts.iter().any(|p| matches(doc, p)),
        Query::Not(inner) => !matches(doc, inner),
    }
}

/// What the service should answer, worked out by reading every document: the documented
/// ranking (inverse document frequency in thousandths, twice for the profile, once for the
/// résumé; newest first among equals).
fn expected(docs: &[Reference], query: &Query) -> Vec<i64> {
    let total = docs.len() as f64;
    let weights: Vec<(Atom, i64)> = query
        .ranked_atoms()
        .into_iter()
        .map(|atom| {
            let df = docs.iter().filter(|d| occurs(&d.profile, &atom) || occurs(&d.resume, &atom)).count() as f64;
            let idf = (1.0 + (total - df + 0.5) / (df + 0.5)).ln();
            (atom, ((idf * 1000.0).round() as i64).max(1))
        })
        .collect();
    let mut hits: Vec<(i64, i64)> = docs
        .iter()
        .filter(|d| matches(d, query))
        .map(|d| {
            let score = weights
                .iter()
                .map(|(atom, w)| 2 * w * i64::from(occurs(&d.profile, atom)) + w * i64::from(occurs(&d.resume, atom)))
                .sum();
            (score, d.id)
        })
        .collect();
    hits.sort_by(|a, b| b.cmp(a));
    hits.into_iter().map(|(_, id)| id).collect()
}

fn random_query(rng: &mut Lcg) -> String {
    let word = |rng: &mut Lcg| VOCABULARY[rng.next(VOCABULARY.len())].to_owned();
    match rng.next(9) {
        0 => word(rng),
        1 => format!("{} {}", word(rng), word(rng)),
        2 => format!("{} OR {}", word(rng), word(rng)),
        3 => format!("{} -{}", word(rng), word(rng)),
        4 => format!("\"{} {}\"", word(rng), word(rng)),
        5 => format!("{}*", &word(rng)[..3]),
        6 => format!("({} OR {}) NOT {}", word(rng), word(rng), word(rng)),
        7 => format!("NOT {}", word(rng)),
        _ => format!("NOT {} OR \"{} {}\"", word(rng), word(rng), word(rng)),
    }
}

#[actix_web::test]
async fn the_engine_answers_as_a_brute_force_reading_of_the_same_data() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let mut rng = Lcg(20261125);
    let mut resumes = std::collections::HashMap::new();
    for i in 0..30 {
        let headline = rng.words(VOCABULARY, 3);
        let notes = rng.words(VOCABULARY, 5);
        let id = candidate(
            &app,
            &s.access,
            json!({"full_name": format!("Person {i}"), "headline": headline, "notes": notes}),
        )
        .await;
        if i % 3 != 0 {
            let text: String = (0..5).map(|_| rng.words(VOCABULARY, 8) + ".\n").collect();
            attach(&app, &s.access, &id, &text).await;
            resumes.insert(id.clone(), text);
        }
    }
    // The profile as the service indexes it, read back after résumés have filled it in.
    let listed = app.get("/api/v1/candidates?limit=100", &s.access).await;
    let docs: Vec<Reference> = listed.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap_or("").to_owned();
            let list = |k: &str| -> Vec<String> {
                c[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap_or_else(|| v["name"].as_str().unwrap()).to_owned())
                    .collect()
            };
            let mut parts = vec![text("full_name"), text("email"), text("headline"), text("location"), text("notes")];
            parts.push(text("phone"));
            parts.extend(list("tags"));
            parts.extend(list("certifications"));
            parts.extend(list("skills"));
            let id = text("id");
            Reference {
                id: id.parse().unwrap(),
                profile: tokens(&parts.join(" ")),
                resume: tokens(resumes.get(&id).map(String::as_str).unwrap_or("")),
            }
        })
        .collect();
    assert_eq!(docs.len(), 30);

    let mut non_empty = 0;
    for _ in 0..60 {
        let q = random_query(&mut rng);
        let query = Query::parse(&q).unwrap();
        let want = expected(&docs, &query);
        let page = app.get(&format!("/api/v1/candidates?q={}&limit=100", encode(&q)), &s.access).await;
        let got: Vec<i64> = page.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().parse().unwrap())
            .collect();
        assert_eq!(got, want, "search {q:?}");
        non_empty += usize::from(!got.is_empty());
    }
    assert!(non_empty >= 30, "only {non_empty} of 60 searches found anyone: the check would prove little");
}
