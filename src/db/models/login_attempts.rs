//! Failed logins per e-mail address, kept in the database so the throttle holds across instances.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::login_attempts;
use crate::db::{lock_scope, DbConnection, Scope};
use crate::domain::throttle::LoginAttempts;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = login_attempts)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct Row {
    email: String,
    failures: i32,
    last_failure_at: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
}

/// The address's record, locked until the transaction ends so that attempts for one address are
/// counted one after the other, on any number of instances. Call inside a write transaction.
pub fn lock(conn: &mut DbConnection, email: &str) -> QueryResult<Option<LoginAttempts>> {
    let digest = Sha256::digest(email.as_bytes());
    let key = i64::from_le_bytes(digest[..8].try_into().unwrap_or_default());
    lock_scope(conn, Scope::Login, key)?;
    let row: Option<Row> = login_attempts::table.find(email).select(Row::as_select()).first(conn).optional()?;
    Ok(row.map(|r| LoginAttempts {
        email: r.email,
        failures: r.failures,
        last_failure_at: r.last_failure_at,
        locked_until: r.locked_until,
    }))
}

pub fn save(conn: &mut DbConnection, attempts: &LoginAttempts) -> QueryResult<()> {
    let row = Row {
        email: attempts.email.clone(),
        failures: attempts.failures,
        last_failure_at: attempts.last_failure_at,
        locked_until: attempts.locked_until,
    };
    diesel::delete(login_attempts::table.find(&row.email)).execute(conn)?;
    diesel::insert_into(login_attempts::table).values(&row).execute(conn).map(|_| ())
}

pub fn clear(conn: &mut DbConnection, email: &str) -> QueryResult<()> {
    diesel::delete(login_attempts::table.find(email)).execute(conn).map(|_| ())
}

/// Replaces the address's record (locked by [`lock`]) with `next`, or clears it.
pub fn put(conn: &mut DbConnection, email: &str, next: Option<&LoginAttempts>) -> QueryResult<()> {
    match next {
        Some(attempts) => save(conn, attempts),
        None => clear(conn, email),
    }
}

/// Forgets failures older than `before`, so the table does not grow without bound.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::last_failure_at.lt(before))).execute(conn)
}
