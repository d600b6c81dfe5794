//! What every request shares ([`AppState`]), and the two ways work leaves the async threads:
//! [`AppState::db`] with a pooled connection and [`AppState::blocking`] without one. Both carry
//! the request's tracing span, so what the work logs names its request. Work a client can make
//! expensive (password hashing, résumé uploads and reading, ranking) first takes a turn at its
//! [`Gate`], which bounds how much of it runs and waits at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::config::Settings;
use crate::credentials::jwt::JwtKeys;
use crate::db::{DbConnection, Pool};
use crate::match_index::MatchIndex;
use crate::resume::sandbox::Sandbox;

pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub jwt: JwtKeys,
    /// Verified against when an e-mail address is unknown, so that answer takes as long as a
    /// wrong password.
    pub dummy_hash: String,
    /// Reads résumé files, the hostile formats in a child process.
    pub sandbox: Sandbox,
    /// Every agency's candidates in memory for matching, kept current by the change sequence.
    pub match_index: MatchIndex,
    pub gates: Gates,
    /// Wakes this instance's webhook delivery worker after a write that may have sent events.
    pub deliveries: Arc<tokio::sync::Notify>,
    /// The delivery worker's share of the state; the worker stops when this is dropped.
    pub delivery_worker: Option<Arc<crate::delivery::Worker>>,
}

/// The bounded kinds of work a client can start.
pub struct Gates {
    /// argon2id: 19 MiB and tens of milliseconds of CPU each.
    pub hashing: Gate,
    /// Résumé uploads from the first byte received to the stored record: bounds the bodies
    /// held in memory.
    pub uploads: Gate,
    /// Reading a résumé's text: a child process of up to `EXTRACTOR_MEMORY_MB` each.
    pub reading: Gate,
    /// Ranking an agency's candidates for a match: CPU-bound, up to tens of milliseconds.
    pub ranking: Gate,
}

impl Gates {
    pub fn new(settings: &Settings) -> Gates {
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        // Hashing gets half the cores, so a flood of logins leaves the rest to everything else.
        let hashing = settings.password_hash_concurrency.unwrap_or((cpus / 2).max(1));
        Gates {
            hashing: Gate::new("password hashing", hashing, 32 * hashing),
            uploads: Gate::new("résumé uploads", 4 * cpus, 16 * cpus),
            reading: Gate::new("résumé reading", cpus, 8 * cpus),
            ranking: Gate::new("matching", cpus, 16 * cpus),
        }
    }
}

/// Too much work of one kind is under way: the client should come back in a moment. (The gate
/// logs refusals, a line a second at most.)
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("too much {what} is under way")]
pub struct Overloaded {
    pub what: &'static str,
    pub retry_after_secs: u64,
}

/// The database could not be reached, or the work on the blocking pool did not finish.
#[derive(Debug, thiserror::Error)]
pub enum Unavailable {
    #[error("no database connection: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("the blocking task failed: {0}")]
    Task(String),
}

/// At most `permits` runs of one kind of work at a time, at most `queue` more waiting (each
/// for at most [`Gate::MAX_WAIT`]); past that a request is refused at once with
/// [`Overloaded`], so no burst can grow memory, threads or latency without bound. The permit
/// a turn holds is freed when dropped, and so is the place in line.
pub struct Gate {
    what: &'static str,
    permits: Semaphore,
    /// Requests in line, not yet at work.
    waiting: AtomicUsize,
    queue: usize,
    /// Refusals not yet logged, and when they last were: a flood is logged once a second, not
    /// once a request.
    refused: AtomicUsize,
    reported_at: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Gate {
    pub const MAX_WAIT: Duration = Duration::from_secs(5);

    pub fn new(what: &'static str, permits: usize, queue: usize) -> Gate {
        Gate {
            what,
            permits: Semaphore::new(permits.max(1)),
            waiting: AtomicUsize::new(0),
            queue: queue.max(1),
            refused: AtomicUsize::new(0),
            reported_at: std::sync::Mutex::new(None),
        }
    }

    /// A refusal, counted and logged with the others refused in the same second.
    fn overloaded(&self) -> Overloaded {
        self.refused.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut reported_at) = self.reported_at.try_lock() {
            if reported_at.is_none_or(|at| at.elapsed() >= Duration::from_secs(1)) {
                *reported_at = Some(std::time::Instant::now());
                let refused = self.refused.swap(0, Ordering::AcqRel);
                tracing::warn!(what = self.what, refused, "requests refused with 503: too many under way at once");
            }
        }
        Overloaded { what: self.what, retry_after_secs: 1 }
    }

    /// A turn to do one piece of the work, after waiting in line if need be; the turn ends when
    /// the permit is dropped.
    pub async fn enter(&self) -> Result<SemaphorePermit<'_>, Overloaded> {
        self.line_up()?.turn().await
    }

    /// A place in line, or a refusal at once when the line is full. Work that must be decided
    /// in arrival order (counting login attempts) is done while in line, before the turn.
    pub fn line_up(&self) -> Result<Place<'_>, Overloaded> {
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(self.overloaded());
        }
        Ok(Place { gate: self })
    }
}

/// A place in a [`Gate`]'s line (or at work): freed when dropped.
pub struct Place<'a> {
    gate: &'a Gate,
}

impl<'a> Place<'a> {
    /// Waits (at most [`Gate::MAX_WAIT`]) for the turn.
    pub async fn turn(self) -> Result<SemaphorePermit<'a>, Overloaded> {
        let gate = self.gate;
        match tokio::time::timeout(Gate::MAX_WAIT, gate.permits.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(gate.overloaded()),
        }
    }
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.gate.waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Runs `f` on the blocking pool inside the caller's tracing span.
async fn spawn_blocking<T, F>(f: F) -> Result<T, Unavailable>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f)).await.map_err(|e| Unavailable::Task(e.to_string()))
}

impl AppState {
    /// Runs `f` with a pooled connection on the blocking pool, inside the caller's span. The
    /// connection goes back to the pool as soon as `f` returns.
    pub async fn db<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Unavailable> + Send + 'static,
    {
        let pool = self.pool.clone();
        spawn_blocking(move || {
            let mut conn = pool.get().map_err(Unavailable::from)?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs `f` on the blocking pool, inside the caller's span, without a connection.
    pub async fn blocking<T, F>(&self, f: F) -> Result<T, Unavailable>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        spawn_blocking(f).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    #[test]
    fn blocking_work_runs_inside_the_callers_span() {
        use tracing::Instrument;
        use tracing_subscriber::util::SubscriberInitExt;
        let _ = tracing_subscriber::registry().try_init();
        let span = tracing::info_span!("request", request_id = "r-1");
        let expected = span.id();
        assert!(expected.is_some(), "a subscriber records spans");
        let inner =
            runtime().block_on(async { spawn_blocking(|| tracing::Span::current().id()).await }.instrument(span));
        assert_eq!(inner.unwrap(), expected);
    }

    #[test]
    fn a_full_gate_refuses_at_once_and_a_freed_place_is_taken_again() {
        runtime().block_on(async {
            let gate = Gate::new("work", 1, 1);
            let working = gate.enter().await.unwrap();
            let waiting = gate.line_up().unwrap();
            let refused = gate.line_up().err().expect("the line holds one");
            assert_eq!(refused.retry_after_secs, 1);
            drop(waiting);
            let next = gate.line_up().unwrap();
            drop(working);
            let turn = next.turn().await.unwrap();
            drop(turn);
            assert!(gate.enter().await.is_ok());
        });
    }
}
