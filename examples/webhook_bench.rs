//! What webhooks and standing match alerts cost: the HTTP side of `.ci/bench-webhooks.sh`.
//! It talks HTTP only (the service must already be running) and, where deliveries are expected,
//! runs a webhook receiver of its own on `127.0.0.1:--receiver-port` that answers every request
//! 200 at once and counts the deliveries (a request with a `webhook-id`), by event type, with
//! the time of the first and the last.
//!
//! ```sh
//! cargo build --release --example webhook_bench
//! B=target/release/examples/webhook_bench; A=(--base http://127.0.0.1:8080 --email … --password …)
//! $B endpoints "${A[@]}" --receiver-port 18290 --endpoints 3       # candidate.* and match.alert
//! $B job-orders "${A[@]}" --count 1000                              # open, alerts on, varied
//! $B writes "${A[@]}" --count 400 --label with --receiver-port 18290 # sequential PATCH, then POST
//! $B burst "${A[@]}" --count 5000 --concurrency 4 --receiver-port 18290
//! $B receive --receiver-port 18290 --expect 15000                   # receiver only (a drain)
//! ```
//!
//! * `endpoints`: registers `--endpoints` webhooks at `http://127.0.0.1:<port>/hook/<i>`,
//!   subscribed to `candidate.created`, `candidate.updated`, `candidate.deleted`, `match.alert`
//!   (the service must run with `WEBHOOK_ALLOW_LOOPBACK=true`); with `--reset`, deletes the
//!   agency's endpoints first, and with them every delivery still pending (a clean queue).
//! * `job-orders`: makes 12 clients and `--count` job orders with alerts on, status open, one to
//!   three required skills drawn from a list of taxonomy skills (popular ones more often), nice
//!   to haves, budgets of $60–$160 an hour, 60 % remote, a quarter with a minimum alert score.
//! * `writes`: `--count` sequential `PATCH /api/v1/candidates/{id}`, then `--count` sequential
//!   `POST /api/v1/candidates` (`--kinds patch,post`: either or both), each after the previous answer (and `--gap-ms`, default 0), after
//!   a few untimed ones; prints latency percentiles. A PATCH raises a random candidate's
//!   `desired_rate_cents` by up to $99.73 (which does not change whom they match: the pay ceiling
//!   is held against the minimum rate); a
//!   POST is a new candidate with one to five of the job orders' skills and a rate of $40–$140.
//!   With `--receiver-port`, then waits for the deliveries.
//! * `burst`: `--count` writes (`--kind patch` or `post`) from `--concurrency` connections; prints
//!   their rate and latency, and with `--receiver-port` how long until every delivery arrived.
//!   With `--sweep`, one PATCH to every candidate of the pool instead.
//! * PATCHes go to random candidates of a pool: `--pool` candidates (default all) from the
//!   `--pool-from`th (default 0) on, in id order; the same pool in every run on the same data.
//! * `receive`: only the receiver, until `--expect` candidate deliveries have arrived; prints the
//!   rate between the first and the last delivery.
//!
//! Waiting for deliveries ends when `--endpoints` × writes candidate deliveries have arrived and
//! then none at all for `--quiet-ms` (default 3000); or, incomplete, when none arrived for
//! `--stall-secs` (default 60) or after `--timeout-secs` (default 600). Output lines are
//! `key=value` pairs, for the script to read. A write answering anything but 2xx stops the run,
//! so an error is never timed as a fast answer.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

const USAGE: &str = "usage: webhook_bench endpoints|job-orders|writes|burst|receive \
    [--base http://127.0.0.1:8080] [--email <e-mail> --password <password>] [--receiver-port <port>] \
    [--endpoints 3] [--count N] [--concurrency 4] [--kind patch|post] [--kinds patch,post] [--label <text>] [--seed 1] \
    [--gap-ms 0] [--reset] [--pool-from 0] [--pool N] [--sweep] [--tolerate-busy] [--expect N] [--quiet-ms 3000] [--stall-secs 60] [--timeout-secs 600]";

/// Taxonomy skills a job order asks for, with how often (relative) each is drawn.
const SKILLS: &[(&str, u32)] = &[
    ("Epic", 10),
    ("HL7 v2", 8),
    ("SQL", 8),
    ("Oracle Health", 6),
    ("MEDITECH", 5),
    ("Epic Cadence", 5),
    ("Epic Ambulatory", 4),
    ("Epic ClinDoc", 4),
    ("Epic Beaker", 3),
    ("Epic Resolute", 3),
    ("Epic Bridges", 3),
    ("Epic Clarity", 3),
    ("Cerner PowerChart", 3),
    ("Cerner Millennium", 3),
    ("MEDITECH Expanse", 2),
    ("FHIR", 4),
    ("Mirth Connect", 3),
    ("Interface Engines", 3),
    ("Healthcare IT Support", 4),
    ("Windows Server", 4),
    ("Active Directory", 4),
    ("Python", 3),
    ("athenahealth", 2),
    ("eClinicalWorks", 2),
    ("Nursing Informatics", 2),
    ("Clinical Informatics", 2),
    ("HIPAA", 3),
    ("ITIL", 2),
];
const TITLES: &[&str] = &[
    "Epic Analyst",
    "Interface Analyst",
    "EHR Support Specialist",
    "Clinical Applications Analyst",
    "Healthcare IT Technician",
    "Integration Engineer",
    "Reporting Analyst",
    "Go-Live Support",
];
/// The cities `bridgehire generate` gives candidates.
const CITIES: &[&str] = &[
    "Tulsa, OK",
    "Omaha, NE",
    "Boise, ID",
    "Fargo, ND",
    "Des Moines, IA",
    "Little Rock, AR",
    "Spokane, WA",
    "Lubbock, TX",
    "Madison, WI",
    "Chattanooga, TN",
    "Billings, MT",
    "Albany, NY",
];
const FIRST: &[&str] = &["Dana", "Lee", "Sam", "Ana", "Kofi", "Mina", "Raj", "Ines", "Tom", "Yara"];
const LAST: &[&str] = &["Reyes", "Park", "Okafor", "Novak", "Haddad", "Larsen", "Mehta", "Quinn"];

#[derive(Clone)]
struct Options {
    command: String,
    base: String,
    email: String,
    password: String,
    receiver_port: Option<u16>,
    endpoints: usize,
    count: usize,
    concurrency: usize,
    kind: String,
    /// `writes`: which kinds, in order.
    kinds: Vec<String>,
    label: String,
    seed: u64,
    expect: usize,
    quiet: Duration,
    stall: Duration,
    timeout: Duration,
    /// Between sequential writes (not timed), so each is evaluated on its own.
    gap: Duration,
    /// `endpoints`: delete the agency's endpoints (and so their pending deliveries) first.
    reset: bool,
    /// PATCHes go to the candidates in this range of the agency's, in id order.
    pool_from: usize,
    pool: Option<usize>,
    /// `burst`: one PATCH to every candidate of the pool, instead of `--count` to random ones.
    sweep: bool,
    /// Count (and time) 503 answers to writes instead of stopping.
    tolerate_busy: bool,
}

/// A failure of the run (not of its arguments): the message alone.
fn die(message: &str) -> ! {
    eprintln!("webhook_bench: {message}");
    std::process::exit(1)
}

fn fail(message: &str) -> ! {
    eprintln!("webhook_bench: {message}\n{USAGE}");
    std::process::exit(2)
}

fn number<T: std::str::FromStr>(option: &str, value: String) -> T {
    value.parse().unwrap_or_else(|_| fail(&format!("{option} needs a number, not {value:?}")))
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_else(|| fail("name a command"));
    let mut o = Options {
        command,
        base: "http://127.0.0.1:8080".into(),
        email: String::new(),
        password: String::new(),
        receiver_port: None,
        endpoints: 3,
        count: 400,
        concurrency: 4,
        kind: "patch".into(),
        kinds: vec!["patch".into(), "post".into()],
        label: String::new(),
        seed: 1,
        expect: 0,
        quiet: Duration::from_millis(3000),
        stall: Duration::from_secs(60),
        timeout: Duration::from_secs(600),
        gap: Duration::ZERO,
        reset: false,
        pool_from: 0,
        pool: None,
        sweep: false,
        tolerate_busy: false,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| fail(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--base" => o.base = value().trim_end_matches('/').to_owned(),
            "--email" => o.email = value(),
            "--password" => o.password = value(),
            "--receiver-port" => o.receiver_port = Some(number(&arg, value())),
            "--endpoints" => o.endpoints = number(&arg, value()),
            "--count" => o.count = number(&arg, value()),
            "--concurrency" => o.concurrency = number::<usize>(&arg, value()).max(1),
            "--kind" => o.kind = value(),
            "--kinds" => o.kinds = value().split(',').map(str::to_owned).collect(),
            "--label" => o.label = value(),
            "--seed" => o.seed = number(&arg, value()),
            "--expect" => o.expect = number(&arg, value()),
            "--quiet-ms" => o.quiet = Duration::from_millis(number(&arg, value())),
            "--stall-secs" => o.stall = Duration::from_secs(number(&arg, value())),
            "--timeout-secs" => o.timeout = Duration::from_secs(number(&arg, value())),
            "--gap-ms" => o.gap = Duration::from_millis(number(&arg, value())),
            "--reset" => o.reset = true,
            "--pool-from" => o.pool_from = number(&arg, value()),
            "--pool" => o.pool = Some(number(&arg, value())),
            "--sweep" => o.sweep = true,
            "--tolerate-busy" => o.tolerate_busy = true,
            _ => fail(&format!("unknown argument {arg:?}")),
        }
    }
    if !["patch", "post"].contains(&o.kind.as_str()) || o.kinds.iter().any(|k| !["patch", "post"].contains(&k.as_str()))
    {
        fail("--kind is patch or post; --kinds patch, post or both (patch,post)");
    }
    o
}

// ---------------------------------------------------------------------------------------------
// The receiver.

/// What the receiver got.
#[derive(Default)]
struct Tally {
    /// Deliveries: requests with a `webhook-id`.
    total: usize,
    candidate_events: usize,
    alerts: usize,
    other: usize,
    /// The same `webhook-id` at the same path again (at least once: allowed, but counted).
    repeats: usize,
    seen: HashSet<(String, String)>,
    by_path: BTreeMap<String, usize>,
    first: Option<Instant>,
    last: Option<Instant>,
}

#[derive(Clone)]
struct Receiver {
    tally: Arc<Mutex<Tally>>,
}

impl Receiver {
    /// Listens on 127.0.0.1:`port` on a thread of its own (its own actix system, one worker).
    fn start(port: u16) -> Receiver {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let shared = tally.clone();
        let (ready, bound) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    let tally = shared.clone();
                    App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                        let tally = tally.clone();
                        async move {
                            record(&tally, &req, &body);
                            HttpResponse::Ok().finish()
                        }
                    }))
                })
                .workers(1)
                .backlog(2048)
                .disable_signals()
                .bind(("127.0.0.1", port));
                match server {
                    Ok(server) => {
                        let _ = ready.send(Ok(()));
                        let _ = server.run().await;
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e.to_string()));
                    }
                }
            })
        });
        match bound.recv() {
            Ok(Ok(())) => Receiver { tally },
            Ok(Err(e)) => die(&format!("the receiver cannot listen on 127.0.0.1:{port}: {e}")),
            Err(_) => die("the receiver thread stopped"),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.tally.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until `candidate_events` candidate deliveries arrived and then nothing for `quiet`;
    /// gives up when nothing arrived for `stall` or at `timeout`. Answers whether the count was
    /// reached.
    async fn wait(&self, candidate_events: usize, quiet: Duration, stall: Duration, timeout: Duration) -> bool {
        let started = Instant::now();
        let deadline = started + timeout;
        loop {
            let (got, last) = {
                let t = self.lock();
                (t.candidate_events, t.last)
            };
            let since_last = last.unwrap_or(started).elapsed();
            if got >= candidate_events && since_last >= quiet {
                return true;
            }
            if since_last >= stall.max(quiet) || Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `deliveries=… candidate=… alerts=… repeats=… per_endpoint=a/b/c`, and the times of the
    /// first and last delivery after `since` (ms).
    fn summary(&self, since: Instant) -> (String, Option<f64>, Option<f64>) {
        let t = self.lock();
        let per: Vec<String> = t.by_path.values().map(usize::to_string).collect();
        let line = format!(
            "deliveries={} candidate={} alerts={} other={} repeats={} per_endpoint={}",
            t.total,
            t.candidate_events,
            t.alerts,
            t.other,
            t.repeats,
            if per.is_empty() { "-".to_owned() } else { per.join("/") }
        );
        let ms = |at: Option<Instant>| at.map(|at| at.saturating_duration_since(since).as_secs_f64() * 1000.0);
        (line, ms(t.first), ms(t.last))
    }

    fn reset(&self) {
        *self.lock() = Tally::default();
    }
}

fn record(tally: &Mutex<Tally>, req: &HttpRequest, body: &[u8]) {
    let Some(id) = req.headers().get("webhook-id").and_then(|v| v.to_str().ok()) else { return };
    let event_type = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|b| b["type"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let now = Instant::now();
    let mut t = tally.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    t.total += 1;
    if event_type.starts_with("candidate.") {
        t.candidate_events += 1;
    } else if event_type == "match.alert" {
        t.alerts += 1;
    } else {
        t.other += 1;
    }
    if !t.seen.insert((req.path().to_owned(), id.to_owned())) {
        t.repeats += 1;
    }
    *t.by_path.entry(req.path().to_owned()).or_default() += 1;
    t.first.get_or_insert(now);
    t.last = Some(now);
}

// ---------------------------------------------------------------------------------------------
// The API.

#[derive(Clone)]
struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn login(o: &Options) -> Api {
        if o.email.is_empty() || o.password.is_empty() {
            fail("--email and --password are required");
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .pool_max_idle_per_host(64)
            .build()
            .expect("HTTP client");
        let api = Api { client, base: o.base.clone(), token: String::new() };
        let credentials = json!({"email": o.email, "password": o.password});
        // A login writes (a session): on a busy database it may be refused for a while (503).
        let mut tries = 0;
        let body = loop {
            tries += 1;
            match api.try_send(reqwest::Method::POST, "/api/v1/auth/login", Some(credentials.clone())).await {
                Ok(body) => break body,
                Err((status, _)) if status == reqwest::StatusCode::SERVICE_UNAVAILABLE && tries < 30 => {
                    tokio::time::sleep(Duration::from_secs(1)).await
                }
                Err((status, body)) => die(&format!("POST /api/v1/auth/login: {status} {body}")),
            }
        };
        let token = body["access_token"].as_str().unwrap_or_else(|| die("the login answer has no access_token"));
        Api { token: token.to_owned(), ..api }
    }

    /// Sends one request; anything but a 2xx stops the run.
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (reqwest::StatusCode, Value) {
        match self.try_send(method.clone(), path, body).await {
            Ok(body) => (reqwest::StatusCode::OK, body),
            Err((status, body)) => die(&format!("{method} {path}: {status} {body}")),
        }
    }

    /// Sends one request: its JSON answer, or its status and body when it is not a 2xx.
    async fn try_send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, (reqwest::StatusCode, String)> {
        let mut request = self.client.request(method.clone(), format!("{}{}", self.base, path));
        if !self.token.is_empty() {
            request = request.bearer_auth(&self.token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap_or_else(|e| die(&format!("{method} {path}: {e}")));
        let status = response.status();
        let bytes = response.bytes().await.unwrap_or_else(|e| die(&format!("{method} {path}: reading: {e}")));
        if !status.is_success() {
            return Err((status, String::from_utf8_lossy(&bytes).into_owned()));
        }
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.send(reqwest::Method::POST, path, Some(body)).await.1
    }

    /// Every candidate of the agency: its id and its desired rate (else its minimum, else $50).
    async fn candidates(&self) -> Vec<(String, i64)> {
        let mut found = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/candidates?limit=100&cursor={c}"),
                None => "/api/v1/candidates?limit=100".to_owned(),
            };
            let (_, page) = self.send(reqwest::Method::GET, &path, None).await;
            for item in page["items"].as_array().into_iter().flatten() {
                if let Some(id) = item["id"].as_str() {
                    let rate = item["desired_rate_cents"].as_i64().or(item["min_rate_cents"].as_i64()).unwrap_or(5_000);
                    found.push((id.to_owned(), rate));
                }
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return found,
            }
        }
    }

    /// The agency's webhooks' ids.
    async fn webhook_ids(&self) -> Vec<String> {
        let (_, page) = self.send(reqwest::Method::GET, "/api/v1/webhooks?limit=100", None).await;
        page["items"].as_array().into_iter().flatten().filter_map(|w| w["id"].as_str().map(str::to_owned)).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// What is written.

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

fn weighted_skill(rng: &mut StdRng) -> &'static str {
    let total: u32 = SKILLS.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0..total);
    for (name, w) in SKILLS {
        if x < *w {
            return name;
        }
        x -= w;
    }
    SKILLS[0].0
}

/// `count` distinct skills, as skill needs.
fn needs(rng: &mut StdRng, count: usize, taken: &mut Vec<&'static str>) -> Vec<Value> {
    let mut out = Vec::new();
    while out.len() < count {
        let name = weighted_skill(rng);
        if taken.contains(&name) {
            continue;
        }
        taken.push(name);
        let min_years = if rng.gen_bool(0.4) { rng.gen_range(1..4) } else { 0 };
        out.push(json!({"name": name, "weight": rng.gen_range(3..=9), "min_years": min_years}));
    }
    out
}

fn job_order(rng: &mut StdRng, client_id: &str) -> Value {
    let mut taken = Vec::new();
    let required_count = rng.gen_range(1..=3);
    let required = needs(rng, required_count, &mut taken);
    let nice_count = rng.gen_range(0..=2);
    let nice = needs(rng, nice_count, &mut taken);
    let mut body = json!({
        "client_id": client_id,
        "title": pick(rng, TITLES),
        "required_skills": required,
        "nice_to_have_skills": nice,
        "max_rate_cents": rng.gen_range(12..=32) * 500,
        "remote": rng.gen_bool(0.6),
        "duration_months": rng.gen_range(3..=12),
        "status": "open",
        "alerts": true,
    });
    if body["remote"] == false {
        body["location"] = json!(pick(rng, CITIES));
    }
    if rng.gen_bool(0.25) {
        body["alert_min_score"] = json!(rng.gen_range(30..=70) as f64);
    }
    body
}

/// New rates for a new candidate; `serial` makes the cents differ from any other write's.
fn rates(rng: &mut StdRng, serial: usize) -> Value {
    let desired = rng.gen_range(40..=140) * 100 + (serial % 97) as i64 + 1;
    let min = (desired - rng.gen_range(0..=1500)).max(1000);
    json!({"min_rate_cents": min, "desired_rate_cents": desired})
}

fn new_candidate(rng: &mut StdRng, serial: usize) -> Value {
    let mut taken = Vec::new();
    let skill_count = rng.gen_range(1..=5);
    let skills: Vec<Value> = needs(rng, skill_count, &mut taken)
        .into_iter()
        .map(|n| json!({"name": n["name"], "years": rng.gen_range(1..=8)}))
        .collect();
    let it_months = rng.gen_range(6..=180);
    let mut body = json!({
        "full_name": format!("{} {} {serial}", pick(rng, FIRST), pick(rng, LAST)),
        "location": pick(rng, CITIES),
        "remote_ok": rng.gen_bool(0.5),
        "headline": "Systems administrator moving into healthcare IT",
        "skills": skills,
        "it_experience_months": it_months,
        "healthcare_experience_months": rng.gen_range(0..=it_months / 2),
    });
    let r = rates(rng, serial);
    body["min_rate_cents"] = r["min_rate_cents"].clone();
    body["desired_rate_cents"] = r["desired_rate_cents"].clone();
    body
}

/// A PATCH raising the candidate's desired rate over what it was when the run began, by 1 to
/// 9,973 cents (never below their minimum; `serial` makes the amount differ from one write to
/// the next, so every PATCH changes something and sends an event).
async fn patch(api: &Api, (id, rate): &(String, i64), serial: usize) -> Answer {
    let body = json!({"desired_rate_cents": rate + 1 + (serial % 9973) as i64});
    api.try_send(reqwest::Method::PATCH, &format!("/api/v1/candidates/{id}"), Some(body)).await.map(|_| ())
}

/// A write's answer: 2xx, or its status and body.
type Answer = Result<(), (reqwest::StatusCode, String)>;

/// One write: a PATCH of a random candidate of `pool`, or a new candidate.
async fn write(api: &Api, kind: &str, rng: &mut StdRng, pool: &[(String, i64)], serial: usize) -> Answer {
    if kind == "patch" {
        patch(api, &pool[rng.gen_range(0..pool.len())], serial).await
    } else {
        let body = new_candidate(rng, serial);
        api.try_send(reqwest::Method::POST, "/api/v1/candidates", Some(body)).await.map(|_| ())
    }
}

/// A 503 (busy) answer is counted with `--tolerate-busy`; any other failure stops the run.
fn check(answer: Answer, tolerate_busy: bool) -> bool {
    match answer {
        Ok(()) => false,
        Err((status, _)) if tolerate_busy && status == reqwest::StatusCode::SERVICE_UNAVAILABLE => true,
        Err((status, body)) => die(&format!("a write answered {status} {body}")),
    }
}

/// The candidates PATCHes go to: `--pool` of them from `--pool-from` on, in id order.
async fn pool(api: &Api, o: &Options) -> Vec<(String, i64)> {
    let mut all = api.candidates().await;
    all.sort_by_key(|(id, _)| id.parse::<i64>().unwrap_or(i64::MAX));
    let pool: Vec<_> = all.into_iter().skip(o.pool_from).take(o.pool.unwrap_or(usize::MAX)).collect();
    if pool.is_empty() {
        die("no candidates to change in that pool");
    }
    pool
}

// ---------------------------------------------------------------------------------------------
// Timing.

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn latencies(times: &mut [Duration]) -> String {
    times.sort();
    let mean = times.iter().map(Duration::as_secs_f64).sum::<f64>() / times.len().max(1) as f64 * 1000.0;
    format!(
        "n={} p50_ms={:.2} p90_ms={:.2} p99_ms={:.2} max_ms={:.2} mean_ms={:.2}",
        times.len(),
        percentile(times, 0.50),
        percentile(times, 0.90),
        percentile(times, 0.99),
        percentile(times, 1.0),
        mean
    )
}

/// Every generated serial is new across runs of this process and, with `--seed`, across runs.
static SERIAL: AtomicUsize = AtomicUsize::new(0);

fn serial() -> usize {
    SERIAL.fetch_add(1, Ordering::Relaxed)
}

async fn endpoints(o: &Options) {
    let port = o.receiver_port.unwrap_or_else(|| fail("endpoints needs --receiver-port"));
    let api = Api::login(o).await;
    if o.reset {
        // Deleting an endpoint deletes its deliveries, the pending ones too.
        let started = Instant::now();
        let old = api.webhook_ids().await;
        for id in &old {
            let path = format!("/api/v1/webhooks/{id}");
            // The worker may hold the database (SQLite) for a while on a long queue: 503, again.
            for tries in 1.. {
                match api.try_send(reqwest::Method::DELETE, &path, None).await {
                    Err((status, _)) if status == reqwest::StatusCode::SERVICE_UNAVAILABLE && tries < 30 => {
                        tokio::time::sleep(Duration::from_secs(1)).await
                    }
                    Err((status, body)) => die(&format!("DELETE {path}: {status} {body}")),
                    Ok(_) => break,
                }
            }
        }
        println!("endpoints deleted={} seconds={:.1}", old.len(), started.elapsed().as_secs_f64());
    }
    let events = ["candidate.created", "candidate.updated", "candidate.deleted", "match.alert"];
    for i in 0..o.endpoints {
        let hook = api
            .post(
                "/api/v1/webhooks",
                json!({"url": format!("http://127.0.0.1:{port}/hook/{i}"), "events": events,
                       "description": format!("bench receiver {i}")}),
            )
            .await;
        println!("endpoint id={} url={}", hook["id"].as_str().unwrap_or("?"), hook["url"].as_str().unwrap_or("?"));
    }
}

async fn job_orders(o: &Options) {
    let api = Api::login(o).await;
    let mut rng = StdRng::seed_from_u64(o.seed);
    let sectors = ["hospital", "health_system", "clinic", "private_practice", "long_term_care", "home_health"];
    let mut clients = Vec::new();
    for i in 0..12 {
        let client = api
            .post(
                "/api/v1/clients",
                json!({"name": format!("Bench client {i}"), "sector": sectors[i % sectors.len()],
                       "location": CITIES[i % CITIES.len()], "max_rate_cents": rng.gen_range(12..=32) * 500}),
            )
            .await;
        clients.push(client["id"].as_str().unwrap_or_else(|| die("a client without an id")).to_owned());
    }
    let bodies: Vec<Value> = (0..o.count).map(|i| job_order(&mut rng, &clients[i % clients.len()])).collect();
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(bodies);
    let tasks: Vec<_> = (0..o.concurrency.min(2))
        .map(|_| {
            let (api, next, bodies) = (api.clone(), next.clone(), bodies.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(body) = bodies.get(i) else { return };
                    api.post("/api/v1/job-orders", body.clone()).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a job order task");
    }
    println!(
        "job_orders created={} clients={} seconds={:.1} alerts=true status=open",
        o.count,
        clients.len(),
        started.elapsed().as_secs_f64()
    );
}

/// Waits for the deliveries of `writes` candidate writes and prints how it went.
async fn deliveries(o: &Options, receiver: &Receiver, writes: usize, started: Instant, writes_done: Instant) {
    let expected = writes * o.endpoints;
    let complete = receiver.wait(expected, o.quiet, o.stall, o.timeout).await;
    let (line, first, last) = receiver.summary(started);
    let last_ms = last.unwrap_or(f64::NAN);
    let total = receiver.lock().total;
    let written_ms = writes_done.duration_since(started).as_secs_f64() * 1000.0;
    println!(
        "deliveries label={} expected_candidate={} complete={} {} first_ms={:.0} last_ms={:.0} writes_done_ms={:.0} \
         drain_after_writes_ms={:.0} deliveries_per_s={:.1}",
        o.label,
        expected,
        complete,
        line,
        first.unwrap_or(f64::NAN),
        last_ms,
        written_ms,
        (last_ms - written_ms).max(0.0),
        total as f64 / (last_ms / 1000.0)
    );
}

async fn writes(o: &Options) {
    let receiver = o.receiver_port.map(Receiver::start);
    let api = Api::login(o).await;
    let mut rng = StdRng::seed_from_u64(o.seed);
    SERIAL.store(o.seed as usize * 1_000_003, Ordering::Relaxed);
    let ids = pool(&api, o).await;
    // Untimed: the first writes may warm caches.
    for kind in &o.kinds {
        for _ in 0..5 {
            check(write(&api, kind, &mut rng, &ids, serial()).await, o.tolerate_busy);
        }
    }
    if let Some(r) = &receiver {
        r.wait(5 * o.kinds.len() * o.endpoints, o.quiet, o.stall, o.timeout).await;
        r.reset();
    }
    let started = Instant::now();
    for kind in &o.kinds {
        let mut times = Vec::with_capacity(o.count);
        let mut busy = 0;
        for _ in 0..o.count {
            let t = Instant::now();
            busy += usize::from(check(write(&api, kind, &mut rng, &ids, serial()).await, o.tolerate_busy));
            times.push(t.elapsed());
            if !o.gap.is_zero() {
                tokio::time::sleep(o.gap).await;
            }
        }
        println!(
            "writes label={} kind={} candidates={} gap_ms={} {} http_503={busy}",
            o.label,
            kind,
            ids.len(),
            o.gap.as_millis(),
            latencies(&mut times)
        );
    }
    let done = Instant::now();
    if let Some(r) = &receiver {
        deliveries(o, r, o.kinds.len() * o.count, started, done).await;
    }
}

async fn burst(o: &Options) {
    let receiver = o.receiver_port.map(Receiver::start);
    let api = Api::login(o).await;
    SERIAL.store(o.seed as usize * 1_000_003, Ordering::Relaxed);
    let ids = Arc::new(pool(&api, o).await);
    let count = if o.sweep { ids.len() } else { o.count };
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..o.concurrency)
        .map(|i| {
            let (api, ids, next, kind, sweep) = (api.clone(), ids.clone(), next.clone(), o.kind.clone(), o.sweep);
            let tolerate = o.tolerate_busy;
            let mut rng = StdRng::seed_from_u64(o.seed.wrapping_mul(1000).wrapping_add(i as u64));
            tokio::spawn(async move {
                let (mut times, mut busy) = (Vec::new(), 0);
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= count {
                        return (times, busy);
                    }
                    let t = Instant::now();
                    let answer = if sweep {
                        patch(&api, &ids[n], serial()).await
                    } else {
                        write(&api, &kind, &mut rng, &ids, serial()).await
                    };
                    busy += usize::from(check(answer, tolerate));
                    times.push(t.elapsed());
                }
            })
        })
        .collect();
    let (mut times, mut busy) = (Vec::new(), 0);
    for task in tasks {
        let (t, b) = task.await.expect("a writer");
        times.extend(t);
        busy += b;
    }
    let done = Instant::now();
    let seconds = done.duration_since(started).as_secs_f64();
    println!(
        "burst label={} kind={} concurrency={} seconds={:.2} writes_per_s={:.1} {} http_503={busy}",
        o.label,
        if o.sweep { "sweep" } else { &o.kind },
        o.concurrency,
        seconds,
        count as f64 / seconds,
        latencies(&mut times)
    );
    if let Some(r) = &receiver {
        deliveries(o, r, count, started, done).await;
    }
}

async fn receive(o: &Options) {
    let port = o.receiver_port.unwrap_or_else(|| fail("receive needs --receiver-port"));
    let receiver = Receiver::start(port);
    println!("receiver listening=127.0.0.1:{port}");
    let started = Instant::now();
    let complete = receiver.wait(o.expect, o.quiet, o.stall, o.timeout).await;
    let (line, first, last) = receiver.summary(started);
    let total = receiver.lock().total;
    let (first, last) = (first.unwrap_or(f64::NAN), last.unwrap_or(f64::NAN));
    println!(
        "receive label={} expected_candidate={} complete={} {} first_ms={:.0} last_ms={:.0} first_to_last_ms={:.0} \
         deliveries_per_s={:.1}",
        o.label,
        o.expect,
        complete,
        line,
        first,
        last,
        last - first,
        total.saturating_sub(1) as f64 / ((last - first) / 1000.0)
    );
}

#[tokio::main]
async fn main() {
    let o = options();
    match o.command.as_str() {
        "endpoints" => endpoints(&o).await,
        "job-orders" => job_orders(&o).await,
        "writes" => writes(&o).await,
        "burst" => burst(&o).await,
        "receive" => receive(&o).await,
        other => fail(&format!("unknown command {other:?}")),
    }
}
