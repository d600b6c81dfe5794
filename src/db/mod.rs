//! The database: backend choice from the URL, the r2d2 pool, embedded migrations, and the one
//! place where SQLite and PostgreSQL differ (write transactions).

pub mod changes;
pub mod models;
pub mod schema;
pub mod search;
pub mod taxonomy;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend the URL chose.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs `$body` with `$c` bound to the concrete connection, for the few statements diesel's
/// multi-backend layer cannot express (batch inserts).
macro_rules! with_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgresql($c) => $body,
        }
    };
}
pub(crate) use with_backend;

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Where the data lives, decided once from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Postgres(String),
    Sqlite(PathBuf),
}

impl Target {
    /// `postgres://…` / `postgresql://…` is PostgreSQL; `sqlite://path`, `sqlite:path` or a bare
    /// path is a SQLite file.
    pub fn parse(url: &str) -> Result<Target, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err("is empty".into());
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres(url.to_owned()));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        if path.is_empty() || path.contains(":memory:") || path.contains("mode=memory") {
            return Err("must name a SQLite file (an in-memory database cannot be shared by the pool)".into());
        }
        if url.contains("://") && !url.starts_with("sqlite://") {
            return Err("must start with postgres://, postgresql:// or sqlite://, or be a file path".into());
        }
        Ok(Target::Sqlite(PathBuf::from(path)))
    }

    /// The folder beside the SQLite file, where generated secrets are kept.
    pub fn data_dir(&self) -> PathBuf {
        match self {
            Target::Sqlite(path) => path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
            Target::Postgres(_) => PathBuf::from("data"),
        }
    }
}

/// Opens connections for the pool, applying SQLite's per-connection settings.
#[derive(Debug, Clone)]
pub struct Manager {
    target: Target,
    busy_timeout_ms: u32,
}

impl Manager {
    fn establish(&self) -> anyhow::Result<DbConnection> {
        match &self.target {
            Target::Postgres(url) => {
                Ok(DbConnection::Postgresql(PgConnection::establish(url).context("cannot connect to PostgreSQL")?))
            }
            Target::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .with_context(|| format!("cannot open SQLite database {}", path.display()))?;
                // The busy timeout comes first so that everything after it, even switching to WAL
                // while another process opens the same file, waits instead of failing. WAL lets
                // readers run beside the writer; SQLite leaves foreign keys off unless asked.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                    self.busy_timeout_ms
                ))
                .context("cannot configure SQLite connection")?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.establish()
            .map_err(|e| r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(format!("{e:#}"))))
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        <DbConnection as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// Opens the database, runs pending migrations, and builds the pool.
pub fn connect(target: &Target, pool_size: u32, busy_timeout_ms: u32) -> anyhow::Result<Pool> {
    if let Target::Sqlite(path) = target {
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create data directory {}", dir.display()))?;
        }
    }
    let manager = Manager { target: target.clone(), busy_timeout_ms };
    // Processes opening one SQLite file at the same moment take turns to migrate it: SQLite's
    // own locks would fail the second one ("database is locked") while the first migrates.
    let start_lock = match target {
        Target::Sqlite(path) => Some(lock_beside(path)?),
        Target::Postgres(_) => None,
    };
    let mut conn = manager.establish()?;
    prepare(&mut conn)?;
    drop(conn);
    drop(start_lock);
    r2d2::Pool::builder()
        .max_size(pool_size)
        .connection_timeout(Duration::from_secs(10))
        .build(manager)
        .context("cannot build the connection pool")
}

/// Holds an exclusive lock on `<database>.lock` until dropped.
fn lock_beside(path: &Path) -> anyhow::Result<std::fs::File> {
    let lock_path = PathBuf::from(format!("{}.lock", path.display()));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    file.lock().with_context(|| format!("cannot lock {}", lock_path.display()))?;
    Ok(file)
}

/// Brings the schema, the shipped taxonomy and the search index up to date. On PostgreSQL
/// several instances may start at once: an advisory lock lets one do it while the others wait,
/// then find it done.
fn prepare(conn: &mut DbConnection) -> anyhow::Result<()> {
    const LOCK: &str = "7307452019";
    if let DbConnection::Postgresql(c) = conn {
        c.batch_execute(&format!("SELECT pg_advisory_lock({LOCK})"))?;
    }
    let result = migrate(conn)
        .and_then(|()| taxonomy::sync(conn).context("cannot load the skill taxonomy"))
        .and_then(|()| search::sync(conn).context("cannot build the search index"));
    if let DbConnection::Postgresql(c) = conn {
        c.batch_execute(&format!("SELECT pg_advisory_unlock({LOCK})"))?;
    }
    result
}

fn migrate(conn: &mut DbConnection) -> anyhow::Result<()> {
    let result = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| anyhow::anyhow!("migrations failed: {e}"))
}

/// Runs `f` in a transaction meant for writing. On SQLite it starts with `BEGIN IMMEDIATE`, so the
/// write lock is taken up front and concurrent writers wait on the busy timeout instead of failing
/// half-way with SQLITE_BUSY; on PostgreSQL it is an ordinary transaction.
pub fn write_tx<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let nested = <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .map(|depth| depth.is_some())
        .unwrap_or(false);
    // Inside another write transaction the lock is already held: a savepoint is all it takes.
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(f);
    };
    if nested {
        return conn.transaction(f);
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(value) => match <DbConnection as Connection>::TransactionManager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(commit_error) => {
                let _ = <DbConnection as Connection>::TransactionManager::rollback_transaction(conn);
                Err(commit_error.into())
            }
        },
        Err(error) => {
            <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_scheme_chooses_the_backend() {
        assert_eq!(Target::parse("postgres://u@h/db"), Ok(Target::Postgres("postgres://u@h/db".into())));
        assert_eq!(Target::parse("sqlite://data/x.db"), Ok(Target::Sqlite("data/x.db".into())));
        assert_eq!(Target::parse("data/x.db"), Ok(Target::Sqlite("data/x.db".into())));
        assert!(Target::parse("mysql://h/db").is_err());
        assert!(Target::parse("sqlite://:memory:").is_err());
        assert!(Target::parse("  ").is_err());
    }
}
