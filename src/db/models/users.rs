//! An agency's users.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{finish_page, lost, now, PageRequest};
use crate::db::schema::{refresh_tokens, users};
use crate::db::{DbConnection, Table, WriteError};
use crate::domain::user::Role;
use crate::domain::Stored;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct User {
    pub id: i64,
    pub agency_id: i64,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub disabled: bool,
    pub token_version: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl User {
    pub fn role(&self) -> Role {
        Role::from_stored(&self.role)
    }
}

pub struct NewUserRow<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

pub fn email_taken(conn: &mut DbConnection, email: &str) -> QueryResult<Option<i64>> {
    users::table.filter(users::email.eq(email)).select(users::id).first(conn).optional()
}

pub fn insert(conn: &mut DbConnection, agency_id: i64, new: NewUserRow<'_>) -> QueryResult<User> {
    let at = now();
    diesel::insert_into(users::table)
        .values((
            users::agency_id.eq(agency_id),
            users::name.eq(new.name),
            users::email.eq(new.email),
            users::password_hash.eq(new.password_hash),
            users::role.eq(new.role.as_str()),
            users::disabled.eq(false),
            users::token_version.eq(1),
            users::version.eq(1),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .returning(users::all_columns)
        .get_result(conn)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table.filter(users::email.eq(email)).select(User::as_select()).first(conn).optional()
}

/// A user by id alone: only for a refresh token, which names its user itself.
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<User> {
    users::table.filter(users::agency_id.eq(agency_id)).filter(users::id.eq(id)).select(User::as_select()).first(conn)
}

#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

pub fn list(
    conn: &mut DbConnection,
    agency_id: i64,
    filter: &UserFilter,
    page: PageRequest,
) -> QueryResult<(Vec<User>, Option<i64>)> {
    let mut query = users::table.filter(users::agency_id.eq(agency_id)).select(User::as_select()).into_boxed();
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role.as_str()));
    }
    if let Some(disabled) = filter.disabled {
        query = query.filter(users::disabled.eq(disabled));
    }
    if let Some(before) = page.before {
        query = query.filter(users::id.lt(before));
    }
    let rows = query.order(users::id.desc()).limit(page.limit + 1).load(conn)?;
    Ok(finish_page(rows, page, |u| u.id))
}

pub fn active_admins(conn: &mut DbConnection, agency_id: i64) -> QueryResult<i64> {
    users::table
        .filter(users::agency_id.eq(agency_id))
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::disabled.eq(false))
        .count()
        .get_result(conn)
}

/// What an admin may change of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDraft {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
}

impl User {
    pub fn draft(&self) -> UserDraft {
        UserDraft { name: self.name.clone(), role: self.role(), disabled: self.disabled }
    }
}

/// Writes a user's new name, role and disabled flag at the version it was read at. Disabling
/// bumps the token version and revokes the refresh tokens, so every session ends at once. Runs
/// inside the caller's write transaction with the row locked (`lock_checked`).
pub fn store(conn: &mut DbConnection, user: &User, draft: &UserDraft) -> Result<User, WriteError> {
    let revoke = draft.disabled && !user.disabled;
    let stored = diesel::update(
        users::table
            .filter(users::id.eq(user.id))
            .filter(users::agency_id.eq(user.agency_id))
            .filter(users::version.eq(user.version)),
    )
    .set((
        users::name.eq(&draft.name),
        users::role.eq(draft.role.as_str()),
        users::disabled.eq(draft.disabled),
        users::token_version.eq(users::token_version + i32::from(revoke)),
        users::version.eq(users::version + 1),
        users::updated_at.eq(now()),
    ))
    .returning(users::all_columns)
    .get_result(conn)
    .optional()?;
    let Some(stored) = stored else { return Err(lost(conn, Table::Users, user.agency_id, user.id)) };
    if revoke {
        revoke_sessions(conn, user.id)?;
    }
    Ok(stored)
}

/// Stores a new password hash and ends every session the user had.
pub fn set_password(conn: &mut DbConnection, user: &User, password_hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user.id))
        .set((
            users::password_hash.eq(password_hash),
            users::token_version.eq(users::token_version + 1),
            users::version.eq(users::version + 1),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    revoke_sessions(conn, user.id)
}

pub fn revoke_sessions(conn: &mut DbConnection, user_id: i64) -> QueryResult<()> {
    diesel::update(
        refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id)).filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)
    .map(|_| ())
}
