//! The webhook delivery worker: one per instance, on a thread of its own. It claims due
//! deliveries from the outbox (a lease, `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
//! instances share the work and each delivery is sent by one of them at a time), sends them as
//! Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), each attempt
//! bounded by a timeout, and records the outcome: delivered, tried again later on the back-off
//! schedule, or failed after about a day. Deliveries are at least once: an instance that dies
//! between sending and recording leaves the lease to run out, and another sends again.
//!
//! Host names are resolved by a resolver that refuses loopback and private addresses unless the
//! settings allow them, at every attempt, so a name that later points inside the network is
//! refused too; redirects are not followed.

use std::net::SocketAddr;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use chrono::Utc;
use rand::Rng;
use tokio::sync::Notify;

use crate::db::models::now;
use crate::db::models::webhooks::{self, Attempt, Claimed};
use crate::db::Pool;
use crate::domain::webhook::{retry_delay, sign, TargetPolicy};

/// Deliveries claimed and sent at once.
const BATCH: i64 = 32;
/// Longer than an attempt may take: a claim held this long belongs to an instance that died.
const LEASE_MARGIN: Duration = Duration::from_secs(30);
/// How long finished deliveries and their events are kept.
const OUTBOX_DAYS: i64 = 30;
/// How often the audit log is purged of entries past their retention.
const PURGE_EVERY: Duration = Duration::from_secs(3600);
/// Error texts kept in the delivery log.
const MAX_ERROR: usize = 300;

/// What the worker needs, held weakly: when the application is gone, the worker stops.
pub struct Worker {
    pub pool: Pool,
    /// Audit entries older than this are deleted, once an hour.
    pub audit_retention: Duration,
    pub policy: TargetPolicy,
    pub timeout: Duration,
    pub poll: Duration,
    pub wake: Arc<Notify>,
    /// For standing match alerts, evaluated by this worker before each round of deliveries.
    pub index: crate::match_index::MatchIndex,
}

/// Starts the worker on its own thread; it ends when `worker` is dropped.
pub fn spawn(worker: Weak<Worker>) {
    std::thread::Builder::new()
        .name("webhook-delivery".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(error) => return tracing::error!(%error, "webhook deliveries cannot start"),
            };
            runtime.block_on(run(worker));
        })
        .map(|_| ())
        .unwrap_or_else(|error| tracing::error!(%error, "webhook deliveries cannot start"));
}

async fn run(worker: Weak<Worker>) {
    let Some((policy, timeout)) = worker.upgrade().map(|w| (w.policy, w.timeout)) else { return };
    let client = match build_client(policy, timeout) {
        Ok(client) => client,
        Err(error) => return tracing::error!(%error, "webhook deliveries cannot start"),
    };
    let mut purged_at: Option<Instant> = None;
    let markets = Arc::new(std::sync::Mutex::new(crate::service::alerts::Markets::default()));
    loop {
        let Some(w) = worker.upgrade() else { return };
        if purged_at.is_none_or(|at| at.elapsed() > PURGE_EVERY) {
            purged_at = Some(Instant::now());
            purge_audit_log(&w).await;
        }
        let evaluated = match_alerts(&w, markets.clone()).await;
        let sent = match round(&w, &client).await {
            Ok(sent) => sent,
            Err(error) => {
                tracing::warn!(%error, "webhook delivery round failed; trying again");
                0
            }
        };
        if sent < BATCH as usize && evaluated == 0 {
            let (wake, poll) = (w.wake.clone(), w.poll);
            drop(w);
            let _ = tokio::time::timeout(poll, wake.notified()).await;
        }
    }
}

/// Evaluates the candidate changes since the last round for standing match alerts (see
/// `service::alerts`). Answers how many changes it read.
async fn match_alerts(w: &Worker, markets: Arc<std::sync::Mutex<crate::service::alerts::Markets>>) -> usize {
    let (pool, index) = (w.pool.clone(), w.index.clone());
    let evaluated = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        let mut conn = pool.get()?;
        let mut markets = markets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(crate::service::alerts::run(&mut conn, &index, &mut markets)?)
    })
    .await;
    match evaluated {
        Ok(Ok(n)) => n,
        Ok(Err(error)) => {
            tracing::warn!(%error, "match alerts not evaluated this round; trying again");
            0
        }
        Err(error) => {
            tracing::warn!(%error, "match alerts not evaluated this round; trying again");
            0
        }
    }
}

/// Deletes the audit entries past their retention, a batch at a time.
async fn purge_audit_log(w: &Worker) {
    let (pool, retention) = (w.pool.clone(), w.audit_retention);
    let purged = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        let before = now() - chrono::Duration::from_std(retention)?;
        let mut conn = pool.get()?;
        let mut total = 0;
        loop {
            let n = crate::db::models::audit::purge(&mut conn, before)?;
            total += n;
            if n == 0 {
                break;
            }
        }
        // The outbox and the delivery log keep a month.
        let month_ago = now() - chrono::Duration::days(OUTBOX_DAYS);
        let evaluated = crate::service::alerts::evaluated_up_to(&mut conn)?;
        total += webhooks::purge(&mut conn, month_ago, evaluated)?;
        Ok(total)
    })
    .await;
    match purged {
        Ok(Ok(0)) => {}
        Ok(Ok(n)) => tracing::info!(rows = n, "audit entries and delivered events past their retention deleted"),
        Ok(Err(error)) => tracing::warn!(%error, "audit log purge failed"),
        Err(error) => tracing::warn!(%error, "audit log purge failed"),
    }
}

fn build_client(policy: TargetPolicy, timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(Guarded { policy }))
        .user_agent(concat!("bridgehire-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Claims due deliveries, sends them all at once, records each outcome. Answers how many.
async fn round(w: &Worker, client: &reqwest::Client) -> anyhow::Result<usize> {
    let at = now();
    let lease = chrono::Duration::from_std(w.timeout + LEASE_MARGIN)?;
    let pool = w.pool.clone();
    let claimed = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<Claimed>> {
        let mut conn = pool.get()?;
        Ok(webhooks::claim(&mut conn, at, at + lease, BATCH)?)
    })
    .await??;
    if claimed.is_empty() {
        return Ok(0);
    }
    let sends = claimed.iter().map(|c| send(client, w.policy, c));
    let outcomes = futures_util::future::join_all(sends).await;
    let pool = w.pool.clone();
    let done: Vec<(i64, Attempt)> = claimed.iter().map(|c| c.id).zip(outcomes).collect();
    let count = done.len();
    // Each outcome on its own: one that cannot be recorded (its endpoint deleted meanwhile)
    // leaves the others recorded, and its own delivery to be tried again when the lease ends.
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = pool.get()?;
        for (id, attempt) in &done {
            if let Err(error) = webhooks::finish(&mut conn, *id, attempt) {
                tracing::warn!(%error, delivery = id, "a delivery's outcome was not recorded");
            }
        }
        Ok(())
    })
    .await??;
    Ok(count)
}

/// One attempt of one delivery.
async fn send(client: &reqwest::Client, policy: TargetPolicy, c: &Claimed) -> Attempt {
    let started = Instant::now();
    let id = format!("evt_{}", c.event_id);
    let timestamp = Utc::now().timestamp();
    let outcome: Result<u16, String> =
        match (sign(&c.secret, &id, timestamp, &c.payload), literal_allowed(&c.url, policy)) {
            (None, _) => Err("the endpoint's secret is not a whsec_ secret".into()),
            (_, Err(why)) => Err(why),
            (Some(signature), Ok(())) => client
                .post(&c.url)
                .header("content-type", "application/json")
                .header("webhook-id", &id)
                .header("webhook-timestamp", timestamp.to_string())
                .header("webhook-signature", signature)
                .body(c.payload.clone())
                .send()
                .await
                .map(|r| r.status().as_u16())
                .map_err(describe),
        };
    let latency_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    let succeeded = matches!(outcome, Ok(status) if (200..300).contains(&status));
    let retry_at = if succeeded {
        None
    } else {
        retry_delay(c.attempts as u32, rand::thread_rng().gen::<f64>())
            .and_then(|d| chrono::Duration::from_std(d).ok())
            .map(|d| now() + d)
    };
    let (status, error) = match outcome {
        Ok(status) if succeeded => (Some(status as i32), None),
        Ok(status) => (Some(status as i32), Some(format!("answered {status}"))),
        Err(why) => (None, Some(why.chars().take(MAX_ERROR).collect())),
    };
    Attempt { status, error, latency_ms, retry_at, succeeded }
}

/// An address literal in the URL is not resolved, so it is checked here.
fn literal_allowed(url: &str, policy: TargetPolicy) -> Result<(), String> {
    crate::domain::webhook::check_url(url, policy).map(|_| ())
}

fn describe(error: reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    let mut text = format!("{kind}: {error}");
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        text.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    text
}

/// Resolves host names and keeps only the addresses the policy allows.
struct Guarded {
    policy: TargetPolicy,
}

impl reqwest::dns::Resolve for Guarded {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found.iter().copied().filter(|a| policy.allows(a.ip())).collect();
            if allowed.is_empty() {
                let refused = found.first().map(|a| a.ip().to_string()).unwrap_or_else(|| "nothing".into());
                return Err(format!("{host} resolves to {refused}, which webhooks may not call").into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}
