//! The database: backend choice from the URL, the r2d2 pool, embedded migrations, and the one
//! place where SQLite and PostgreSQL differ (write transactions).

pub mod changes;
pub mod error;
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
use diesel::{Connection, OptionalExtension, QueryResult, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use error::{Retry, WriteError};

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

/// Tries a transaction gets before a lost race is answered as busy.
const MAX_ATTEMPTS: u32 = 4;

fn in_transaction(conn: &mut DbConnection) -> bool {
    <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .map(|depth| depth.is_some())
        .unwrap_or(false)
}

/// Runs `f` in a transaction meant for writing, and runs it again (up to [`MAX_ATTEMPTS`] times,
/// after a short random pause) when it lost to a concurrent transaction: a deadlock or a
/// serialization failure. When every try lost, the answer is `E::busy()`.
///
/// On SQLite it starts with `BEGIN IMMEDIATE`, so the write lock is taken up front and concurrent
/// writers wait on the busy timeout instead of failing half-way with SQLITE_BUSY; on PostgreSQL
/// it is an ordinary READ COMMITTED transaction, made safe by the row locks the models take
/// ([`lock`], [`lock_scope`]). Inside another transaction it is a savepoint, and the outermost
/// transaction is the one that retries.
pub fn write_tx<T, E, F>(conn: &mut DbConnection, mut f: F) -> Result<T, E>
where
    F: FnMut(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error> + Retry,
{
    if in_transaction(conn) {
        return conn.transaction(f);
    }
    let mut attempt = 1;
    loop {
        match run_write(conn, &mut f) {
            Err(error) if error.is_retryable() && attempt < MAX_ATTEMPTS => {
                tracing::debug!(attempt, "a write lost to a concurrent one; trying again");
                std::thread::sleep(backoff(attempt));
                attempt += 1;
            }
            Err(error) if error.is_retryable() => {
                tracing::warn!(attempts = attempt, "a write kept losing to concurrent ones; answering busy");
                return Err(E::busy());
            }
            done => return done,
        }
    }
}

/// 2, 4, 8 ms and so on, each with up to as much again at random, so the losers do not meet again.
fn backoff(attempt: u32) -> std::time::Duration {
    use rand::Rng;
    let base = 1u64 << attempt.min(8);
    Duration::from_millis(base + rand::thread_rng().gen_range(0..=base))
}

fn run_write<T, E, F>(conn: &mut DbConnection, f: &mut F) -> Result<T, E>
where
    F: FnMut(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(|conn| f(conn));
    };
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

/// Runs `f` in a read-only transaction that sees one consistent snapshot of the database
/// (REPEATABLE READ on PostgreSQL; any SQLite transaction already does).
pub fn read_snapshot<T, F>(conn: &mut DbConnection, f: F) -> QueryResult<T>
where
    F: FnOnce(&mut DbConnection) -> QueryResult<T>,
{
    conn.transaction(|conn| {
        if let DbConnection::Postgresql(c) = conn {
            c.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        f(conn)
    })
}

/// The tables whose rows carry a `version` and follow the write protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Agencies,
    Candidates,
    Clients,
    JobOrders,
    RateCard,
    Shortlist,
    Users,
    Placements,
    Webhooks,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Agencies => "agencies",
            Table::Candidates => "candidates",
            Table::Clients => "clients",
            Table::JobOrders => "job_orders",
            Table::RateCard => "rate_card_entries",
            Table::Shortlist => "shortlist_entries",
            Table::Users => "users",
            Table::Placements => "placements",
            Table::Webhooks => "webhook_endpoints",
        }
    }

    /// The column naming the row's agency: an agency's own row is its agency.
    fn tenant(self) -> &'static str {
        match self {
            Table::Agencies => "id",
            _ => "agency_id",
        }
    }
}

/// How a row is locked: to change or delete it, or only to keep it from being changed or
/// deleted while the transaction refers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    Update,
    Share,
    /// No lock: only the version as it is now.
    None,
}

#[derive(diesel::QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    version: i32,
}

/// The version of the agency's row `id` in `table`, locked as asked until the transaction ends;
/// `None` when there is no such row. On PostgreSQL the lock makes concurrent writers of one row
/// take turns, so the second one reads what the first one committed; SQLite's writers take
/// turns anyway.
pub fn lock(conn: &mut DbConnection, table: Table, agency_id: i64, id: i64, how: Lock) -> QueryResult<Option<i32>> {
    use diesel::sql_types::BigInt;
    let (tenant, table) = (table.tenant(), table.name());
    match conn {
        DbConnection::Postgresql(c) => {
            let suffix = match how {
                Lock::Update => " FOR UPDATE",
                Lock::Share => " FOR SHARE",
                Lock::None => "",
            };
            diesel::sql_query(format!("SELECT version FROM {table} WHERE id = $1 AND {tenant} = $2{suffix}"))
                .bind::<BigInt, _>(id)
                .bind::<BigInt, _>(agency_id)
                .get_result::<VersionRow>(c)
                .optional()
        }
        DbConnection::Sqlite(c) => {
            diesel::sql_query(format!("SELECT version FROM {table} WHERE id = ? AND {tenant} = ?"))
                .bind::<BigInt, _>(id)
                .bind::<BigInt, _>(agency_id)
                .get_result::<VersionRow>(c)
                .optional()
        }
    }
    .map(|row| row.map(|r| r.version))
}

/// Work of one agency that must not run twice at once, whatever rows it touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Changing users' roles and disabled flags (the agency keeps an active admin).
    Users = 1,
    /// Creating agency skills (one name, one skill).
    Skills = 2,
    /// Storing résumés that are matched against the agency's other résumés and candidates.
    ResumeIntake = 3,
    /// One e-mail address's login attempts; the key is a hash of the address.
    Login = 4,
}

/// Takes the lock for `scope` and `key` (an agency id, or a hash) until the transaction ends.
/// PostgreSQL's advisory locks serve any number of instances; on SQLite the write transaction
/// already holds the database's only write lock.
pub fn lock_scope(conn: &mut DbConnection, scope: Scope, key: i64) -> QueryResult<()> {
    if let DbConnection::Postgresql(c) = conn {
        use diesel::sql_types::Integer;
        // The two-number form keeps each scope's keys apart; folding the key into 32 bits only
        // ever makes two unrelated keys wait for each other.
        let folded = (key ^ (key >> 32)) as i32;
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind::<Integer, _>(scope as i32)
            .bind::<Integer, _>(folded)
            .execute(c)?;
    }
    Ok(())
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
