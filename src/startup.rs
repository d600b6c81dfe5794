//! The application: the database opened, the shared state built, the HTTP server with its route
//! table, and the bound listener (port 0 in tests). Nothing imports this module but `main` and
//! the tests.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::config::Settings;
use crate::credentials::jwt::JwtKeys;
use crate::credentials::password;
use crate::db;
use crate::match_index::MatchIndex;
use crate::resume::sandbox::Sandbox;
use crate::resume::text::Limits;
use crate::routes;
use crate::state::{AppState, Gates};

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Opens the database (migrating it), binds the listener and builds the server.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        return_large_blocks_to_the_system();
        let settings = Arc::new(settings);
        let pool = {
            let s = settings.clone();
            web::block(move || db::connect(&s.database, s.db_pool_size, s.db_busy_timeout_ms))
                .await
                .context("database start-up task failed")??
        };
        let dummy_hash = web::block(|| password::hash("bridgehire-dummy-password")).await??;
        let gates = Gates::new(&settings);
        let listener = TcpListener::bind(&settings.bind_address)
            .with_context(|| format!("cannot listen on {}", settings.bind_address))?;
        let port = listener.local_addr()?.port();
        let program = match &settings.extractor_program {
            Some(path) => path.clone(),
            None => std::env::current_exe().context("cannot find the running program to read résumés with")?,
        };
        let sandbox = Sandbox {
            program,
            timeout: settings.extractor_timeout,
            memory_bytes: settings.extractor_memory_bytes,
            limits: Limits::default(),
        };
        let deliveries = Arc::new(tokio::sync::Notify::new());
        let match_index = MatchIndex::new(settings.match_index_idle);
        let delivery_worker = (!settings.webhook_poll.is_zero()).then(|| {
            Arc::new(crate::delivery::Worker {
                pool: pool.clone(),
                audit_retention: settings.audit_retention,
                policy: settings.webhook_targets,
                timeout: settings.webhook_timeout,
                poll: settings.webhook_poll,
                wake: deliveries.clone(),
                index: match_index.clone(),
            })
        });
        if let Some(worker) = &delivery_worker {
            crate::delivery::spawn(Arc::downgrade(worker));
        }
        let state = web::Data::new(AppState {
            pool,
            jwt: JwtKeys::new(&settings),
            settings: settings.clone(),
            dummy_hash,
            sandbox,
            match_index,
            gates,
            deliveries,
            delivery_worker,
        });
        warm_match_index(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap(from_fn(crate::telemetry::head_as_get))
                .wrap(from_fn(crate::telemetry::request_log))
                .configure(routes::configure)
                .default_service(web::to(routes::not_found))
        })
        .workers(settings.workers)
        .shutdown_timeout(settings.shutdown_timeout.as_secs())
        .listen(listener)?
        .run();
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT/SIGTERM, then lets in-flight requests finish (graceful shutdown).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Makes every allocation of 1 MiB or more its own mapping, handed back to the system when freed.
///
/// glibc's malloc otherwise raises that threshold after the first large block is freed and
/// serves the next ones from per-thread arenas, which keep them: each password hash (argon2id,
/// 19 MiB) left its block behind in the arena of whichever blocking thread ran it, and a login
/// flood grew the process by gigabytes. Fixed at 1 MiB, memory follows the work in flight.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a malloc tuning parameter; it is thread-safe and may be
    // called at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Loads every agency's candidates into the match index in the background, so the first match
/// after a start does not pay for it. Requests are served meanwhile; a match for an agency being
/// loaded waits for it.
fn warm_match_index(state: web::Data<AppState>) {
    std::thread::spawn(move || {
        let started = std::time::Instant::now();
        let warmed = state.pool.get().map_err(anyhow::Error::from).and_then(|mut conn| {
            let agencies = db::models::agencies::ids(&mut conn)?;
            for agency_id in &agencies {
                state.match_index.fresh(&mut conn, *agency_id)?;
            }
            Ok(agencies.len())
        });
        match warmed {
            Ok(agencies) => {
                tracing::info!(agencies, elapsed_ms = started.elapsed().as_millis() as u64, "match index loaded")
            }
            Err(error) => tracing::warn!(%error, "match index not preloaded; it loads on the first match instead"),
        }
    });
}
