//! A small load generator for the running service: logs in, then sends GET requests for each
//! path given, from `concurrency` clients at once, and prints latency percentiles per path.
//!
//! ```sh
//! cargo run --release --example loadgen -- --base http://127.0.0.1:8080 \
//!     --email bench@example.org --password '…' --requests 400 --concurrency 4 \
//!     '/api/v1/candidates?q=epic' '/api/v1/candidates?q=%22epic%20cadence%22'
//! ```
//! Every request must answer 200; anything else stops the run, so an error is never timed as
//! a fast answer.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Options {
    base: String,
    email: String,
    password: String,
    requests: usize,
    concurrency: usize,
    paths: Vec<String>,
}

fn options() -> Options {
    let mut o = Options {
        base: "http://127.0.0.1:8080".into(),
        email: String::new(),
        password: String::new(),
        requests: 200,
        concurrency: 2,
        paths: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("a value after the option");
        match arg.as_str() {
            "--base" => o.base = value(),
            "--email" => o.email = value(),
            "--password" => o.password = value(),
            "--requests" => o.requests = value().parse().expect("--requests is a number"),
            "--concurrency" => o.concurrency = value().parse().expect("--concurrency is a number"),
            _ => o.paths.push(arg),
        }
    }
    assert!(!o.paths.is_empty(), "give at least one path to request");
    o
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let o = options();
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{}/api/v1/auth/login", o.base))
        .json(&json!({"email": o.email, "password": o.password}))
        .send()
        .await
        .expect("login request")
        .json()
        .await
        .expect("login answer");
    let token = login["access_token"].as_str().expect("logged in").to_owned();
    println!("{:<70} {:>8} {:>8} {:>8} {:>8} {:>8}", "path", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s");
    for path in &o.paths {
        let url = format!("{}{}", o.base, path);
        // Warm-up: the first answers may load caches or pages from disk.
        for _ in 0..3 {
            client.get(&url).bearer_auth(&token).send().await.expect("warm-up").bytes().await.expect("body");
        }
        let started = Instant::now();
        let per_client = o.requests.div_ceil(o.concurrency);
        let workers: Vec<_> = (0..o.concurrency)
            .map(|_| {
                let (client, url, token) = (client.clone(), url.clone(), token.clone());
                tokio::spawn(async move {
                    let mut times = Vec::with_capacity(per_client);
                    for _ in 0..per_client {
                        let t = Instant::now();
                        let response = client.get(&url).bearer_auth(&token).send().await.expect("request");
                        let status = response.status();
                        let body = response.bytes().await.expect("body");
                        assert!(status.is_success(), "{url}: {status} {}", String::from_utf8_lossy(&body));
                        times.push(t.elapsed());
                    }
                    times
                })
            })
            .collect();
        let mut times = Vec::new();
        for worker in workers {
            times.extend(worker.await.expect("worker"));
        }
        let elapsed = started.elapsed().as_secs_f64();
        times.sort();
        println!(
            "{:<70} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.0}",
            path,
            percentile(&times, 0.50),
            percentile(&times, 0.90),
            percentile(&times, 0.99),
            percentile(&times, 1.0),
            times.len() as f64 / elapsed
        );
    }
}
