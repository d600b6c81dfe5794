//! Failed logins per e-mail address, kept in the database so the throttle holds across instances.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::login_attempts;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = login_attempts)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct LoginAttempts {
    pub email: String,
    pub failures: i32,
    pub last_failure_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConnection, email: &str) -> QueryResult<Option<LoginAttempts>> {
    login_attempts::table.find(email).select(LoginAttempts::as_select()).first(conn).optional()
}

pub fn save(conn: &mut DbConnection, row: &LoginAttempts) -> QueryResult<()> {
    diesel::delete(login_attempts::table.find(&row.email)).execute(conn)?;
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::email.eq(&row.email),
            login_attempts::failures.eq(row.failures),
            login_attempts::last_failure_at.eq(row.last_failure_at),
            login_attempts::locked_until.eq(row.locked_until),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn clear(conn: &mut DbConnection, email: &str) -> QueryResult<()> {
    diesel::delete(login_attempts::table.find(email)).execute(conn).map(|_| ())
}

/// Forgets failures older than `before`, so the table does not grow without bound.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::last_failure_at.lt(before))).execute(conn)
}
