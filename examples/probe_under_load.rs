//! Does one kind of traffic starve the rest? A background flood of concurrent requests and,
//! beside it, one sequential probe whose latency percentiles are printed — first without the
//! flood (the baseline), then under it. It talks HTTP only, so it runs unchanged against any
//! build of the service.
//!
//! * `--flood login`: `--connections` tasks (default 200) each loop `POST /api/v1/auth/login`
//!   with a random, never-registered e-mail and a random password for `--seconds` (default 30).
//!   Every answer should be 401; the per-e-mail login throttle never fires, as no e-mail repeats.
//! * `--flood get:<path>`: the tasks loop an authenticated `GET <path>` instead, e.g.
//!   `get:/api/v1/job-orders/<id>/matches`.
//!
//! The probe logs in once with `--email`/`--password`, then sends `GET <--probe>` (default
//! `/api/v1/me`) with that token, one request at a time, `--probe-interval-ms` (default 20)
//! apart, on a connection pool of its own. With `--pid` the server's `/proc/<pid>/status` is read
//! every 100 ms for peak `VmRSS` and thread count, and `VmHWM` at the end; the flood stops early
//! if `VmRSS` passes `--max-rss-mb` (default 8192, 0 = never).
//!
//! ```sh
//! cargo build --release --example probe_under_load
//! target/release/examples/probe_under_load --base http://127.0.0.1:8080 \
//!     --email bench@example.org --password '…' --flood login --connections 200 --seconds 30 \
//!     --pid "$SERVER_PID"
//! ```
//! `.ci/bench-login-flood.sh` and `.ci/bench-pool.sh` start a server and run it.
//!
//! Output: lines `run`, `baseline`, `flood`, `probe`, `memory`, each `key=value` pairs. Errors
//! never stop the run: answers are counted by status (`http_401=…`), time-outs and connection
//! errors apart. A timed-out request (`--timeout-secs`, default 30) is timed as the whole
//! time-out; connection errors are not timed.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const USAGE: &str = "usage: probe_under_load --email <e-mail> --password <password> \
    [--base http://127.0.0.1:8080] [--flood login|get:<path>] [--connections 200] [--seconds 30] \
    [--probe /api/v1/me] [--probe-interval-ms 20] [--baseline-seconds 2] [--timeout-secs 30] \
    [--pid <server pid>] [--max-rss-mb 8192]";

struct Options {
    base: String,
    email: String,
    password: String,
    /// `None` floods the login endpoint; `Some(path)` floods `GET path`.
    flood_get: Option<String>,
    connections: usize,
    seconds: f64,
    probe: String,
    probe_interval: Duration,
    baseline_seconds: f64,
    timeout: Duration,
    pid: Option<u32>,
    max_rss_mb: u64,
}

fn fail(message: &str) -> ! {
    eprintln!("probe_under_load: {message}\n{USAGE}");
    std::process::exit(2)
}

fn number<T: std::str::FromStr>(option: &str, value: String) -> T {
    value.parse().unwrap_or_else(|_| fail(&format!("{option} needs a number, not {value:?}")))
}

fn options() -> Options {
    let mut o = Options {
        base: "http://127.0.0.1:8080".into(),
        email: String::new(),
        password: String::new(),
        flood_get: None,
        connections: 200,
        seconds: 30.0,
        probe: "/api/v1/me".into(),
        probe_interval: Duration::from_millis(20),
        baseline_seconds: 2.0,
        timeout: Duration::from_secs(30),
        pid: None,
        max_rss_mb: 8192,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| fail(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--base" => o.base = value().trim_end_matches('/').to_owned(),
            "--email" => o.email = value(),
            "--password" => o.password = value(),
            "--flood" => {
                let flood = value();
                o.flood_get = match flood.strip_prefix("get:") {
                    Some(path) => Some(path.to_owned()),
                    None if flood == "login" => None,
                    None => fail(&format!("--flood is `login` or `get:<path>`, not {flood:?}")),
                }
            }
            "--connections" => o.connections = number(&arg, value()),
            "--seconds" => o.seconds = number(&arg, value()),
            "--probe" => o.probe = value(),
            "--probe-interval-ms" => o.probe_interval = Duration::from_millis(number(&arg, value())),
            "--baseline-seconds" => o.baseline_seconds = number(&arg, value()),
            "--timeout-secs" => o.timeout = Duration::from_secs(number(&arg, value())),
            "--pid" => o.pid = Some(number(&arg, value())),
            "--max-rss-mb" => o.max_rss_mb = number(&arg, value()),
            _ => fail(&format!("unknown argument {arg:?}")),
        }
    }
    if o.email.is_empty() || o.password.is_empty() {
        fail("--email and --password are required");
    }
    if o.connections == 0 {
        fail("--connections must be at least 1");
    }
    o
}

/// What a series of requests came to: answers by status, failures by kind, and latencies.
#[derive(Default)]
struct Tally {
    statuses: BTreeMap<u16, u64>,
    timeouts: u64,
    connect_errors: u64,
    other_errors: u64,
    times: Vec<Duration>,
}

impl Tally {
    /// Counts one request, reading its body to the end; a time-out is timed as `timeout`.
    async fn record(&mut self, started: Instant, sent: reqwest::Result<reqwest::Response>, timeout: Duration) {
        let read = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                response.bytes().await.map(|_| status)
            }
            Err(e) => Err(e),
        };
        match read {
            Ok(status) => {
                *self.statuses.entry(status).or_default() += 1;
                self.times.push(started.elapsed());
            }
            Err(e) if e.is_timeout() => {
                self.timeouts += 1;
                self.times.push(timeout);
            }
            Err(e) if e.is_connect() => self.connect_errors += 1,
            Err(_) => self.other_errors += 1,
        }
    }

    fn merge(&mut self, other: Tally) {
        for (status, count) in other.statuses {
            *self.statuses.entry(status).or_default() += count;
        }
        self.timeouts += other.timeouts;
        self.connect_errors += other.connect_errors;
        self.other_errors += other.other_errors;
        self.times.extend(other.times);
    }

    /// `n=… p50_ms=… p90_ms=… p99_ms=… max_ms=… http_200=… timeouts=… connect_errors=… other_errors=…`
    fn summary(&mut self) -> String {
        self.times.sort();
        let mut line = format!("n={}", self.times.len());
        for (name, p) in [("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0)] {
            match percentile(&self.times, p) {
                Some(ms) => line += &format!(" {name}_ms={ms:.2}"),
                None => line += &format!(" {name}_ms=-"),
            }
        }
        for (status, count) in &self.statuses {
            line += &format!(" http_{status}={count}");
        }
        line + &format!(
            " timeouts={} connect_errors={} other_errors={}",
            self.timeouts, self.connect_errors, self.other_errors
        )
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    Some(sorted[i].as_secs_f64() * 1000.0)
}

/// Sequential `GET url` every `interval` until `until` (or until `stop` is set).
async fn probe(
    client: reqwest::Client,
    url: String,
    token: String,
    interval: Duration,
    timeout: Duration,
    until: Instant,
    stop: Arc<AtomicBool>,
) -> Tally {
    let mut tally = Tally::default();
    while Instant::now() < until && !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let sent = client.get(&url).bearer_auth(&token).send().await;
        tally.record(started, sent, timeout).await;
        tokio::time::sleep(interval).await;
    }
    tally
}

/// One flood connection: requests back to back until `until` (or until `stop` is set).
async fn flood(
    client: reqwest::Client,
    url: String,
    login: bool,
    token: String,
    timeout: Duration,
    until: Instant,
    stop: Arc<AtomicBool>,
) -> Tally {
    let mut tally = Tally::default();
    while Instant::now() < until && !stop.load(Ordering::Relaxed) {
        let request = if login {
            let email = format!("flood-{:016x}@example.invalid", rand::random::<u64>());
            let password = format!("{:032x}", rand::random::<u128>());
            client.post(&url).json(&json!({"email": email, "password": password}))
        } else {
            client.get(&url).bearer_auth(&token)
        };
        let started = Instant::now();
        let sent = request.send().await;
        let refused = matches!(&sent, Err(e) if e.is_connect());
        tally.record(started, sent, timeout).await;
        if refused {
            // Do not spin: a refused connection comes back at once.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    tally
}

/// `VmRSS`, `VmHWM` (kB) and `Threads` from `/proc/<pid>/status`; `None` once the process is gone.
fn proc_status(pid: u32) -> Option<(u64, u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |key: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?, field("Threads:")?))
}

#[derive(Default)]
struct Memory {
    peak_rss_kb: u64,
    peak_threads: u64,
    over_limit: bool,
}

/// Samples the server every 100 ms until `done`; past `limit_kb` it sets `stop`.
async fn sample_memory(pid: u32, limit_kb: u64, stop: Arc<AtomicBool>, done: Arc<AtomicBool>) -> Memory {
    let mut memory = Memory::default();
    while !done.load(Ordering::Relaxed) {
        let Some((rss, _, threads)) = proc_status(pid) else { break };
        memory.peak_rss_kb = memory.peak_rss_kb.max(rss);
        memory.peak_threads = memory.peak_threads.max(threads);
        if limit_kb > 0 && rss > limit_kb && !memory.over_limit {
            memory.over_limit = true;
            stop.store(true, Ordering::Relaxed);
            eprintln!("probe_under_load: server VmRSS {} MB passed --max-rss-mb; stopping the flood", rss / 1024);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    memory
}

fn mb(kb: u64) -> String {
    format!("{:.1}", kb as f64 / 1024.0)
}

#[tokio::main]
async fn main() {
    let o = options();
    let probe_client = reqwest::Client::builder().timeout(o.timeout).build().expect("HTTP client");
    let flood_client = reqwest::Client::builder()
        .timeout(o.timeout)
        .connect_timeout(o.timeout)
        .pool_max_idle_per_host(o.connections)
        .build()
        .expect("HTTP client");

    let login = probe_client
        .post(format!("{}/api/v1/auth/login", o.base))
        .json(&json!({"email": o.email, "password": o.password}))
        .send()
        .await;
    let token = match login {
        Ok(response) if response.status().is_success() => {
            let body: Value = response.json().await.unwrap_or_default();
            body["access_token"].as_str().unwrap_or_default().to_owned()
        }
        Ok(response) => {
            eprintln!("probe_under_load: login answered {}", response.status());
            std::process::exit(1)
        }
        Err(e) => {
            eprintln!("probe_under_load: login failed: {e}");
            std::process::exit(1)
        }
    };
    if token.is_empty() {
        eprintln!("probe_under_load: the login answer has no access_token");
        std::process::exit(1);
    }

    let (flood_name, flood_url) = match &o.flood_get {
        None => ("login".to_owned(), format!("{}/api/v1/auth/login", o.base)),
        Some(path) => (format!("get:{path}"), format!("{}{}", o.base, path)),
    };
    let probe_url = format!("{}{}", o.base, o.probe);
    println!(
        "run base={} flood={} connections={} seconds={} probe={} probe_interval_ms={} timeout_s={}",
        o.base,
        flood_name,
        o.connections,
        o.seconds,
        o.probe,
        o.probe_interval.as_millis(),
        o.timeout.as_secs()
    );

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let memory = o.pid.map(|pid| {
        let start = proc_status(pid);
        let sampler = tokio::spawn(sample_memory(pid, o.max_rss_mb * 1024, stop.clone(), done.clone()));
        (pid, start, sampler)
    });

    // Baseline: the probe alone.
    let until = Instant::now() + Duration::from_secs_f64(o.baseline_seconds);
    let (client, url) = (probe_client.clone(), probe_url.clone());
    let mut baseline = probe(client, url, token.clone(), o.probe_interval, o.timeout, until, stop.clone()).await;
    println!("baseline probe={} {}", o.probe, baseline.summary());

    // The flood, and the probe beside it.
    let started = Instant::now();
    let until = started + Duration::from_secs_f64(o.seconds);
    let login_flood = o.flood_get.is_none();
    let workers: Vec<_> = (0..o.connections)
        .map(|_| {
            let (client, url, token) = (flood_client.clone(), flood_url.clone(), token.clone());
            tokio::spawn(flood(client, url, login_flood, token, o.timeout, until, stop.clone()))
        })
        .collect();
    let mut loaded = probe(probe_client, probe_url, token, o.probe_interval, o.timeout, until, stop.clone()).await;
    let flood_ended = started.elapsed();
    let mut flooded = Tally::default();
    for worker in workers {
        if let Ok(tally) = worker.await {
            flooded.merge(tally);
        }
    }
    let drained = started.elapsed();
    done.store(true, Ordering::Relaxed);

    let answered: u64 = flooded.statuses.values().sum();
    println!(
        "flood kind={} connections={} seconds={:.1} drain_ms={:.0} rps={:.1} {}",
        flood_name,
        o.connections,
        flood_ended.as_secs_f64(),
        (drained - flood_ended).as_secs_f64() * 1000.0,
        answered as f64 / drained.as_secs_f64(),
        flooded.summary()
    );
    println!("probe probe={} under={} {}", o.probe, flood_name, loaded.summary());
    if let Some((pid, start, sampler)) = memory {
        let sampled = sampler.await.unwrap_or_default();
        let end = proc_status(pid);
        let field = |status: Option<(u64, u64, u64)>, pick: fn((u64, u64, u64)) -> u64| {
            status.map_or_else(|| "-".to_owned(), |s| mb(pick(s)))
        };
        println!(
            "memory pid={} rss_start_mb={} rss_peak_mb={} rss_end_mb={} vmhwm_mb={} threads_peak={} stopped_early={}",
            pid,
            field(start, |s| s.0),
            mb(sampled.peak_rss_kb),
            field(end, |s| s.0),
            field(end, |s| s.1),
            sampled.peak_threads,
            if sampled.over_limit { "rss" } else { "no" }
        );
    }
}
