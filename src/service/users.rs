//! User administration by an agency's admins: inviting users, and changing their names, roles
//! and disabled flags under the rules that an admin cannot demote or disable themselves and an
//! agency always keeps an active admin. Changes of one agency's users take turns (a lock per
//! agency), so two admins disabling each other at once cannot leave it without one.

use super::journal::recorded;
use super::sessions::{hash, EMAIL_TAKEN};
use super::Error;
use crate::db::models::audit::Who;
use crate::db::models::users::{self, User, UserDraft};
use crate::db::models::{lock_checked, unique};
use crate::db::{lock_scope, write_tx, DbConnection, Scope, Table, WriteError};
use crate::domain::patch::IfMatch;
use crate::domain::user::{NewUser, Role, UserChanges};
use crate::state::AppState;

/// Adds a user to `who`'s agency, with a password the admin chose; journaled.
pub async fn invite(state: &AppState, who: Who, new: NewUser) -> Result<User, Error> {
    let hash = hash(state, new.password.clone()).await?;
    let agency_id = who.agency_id;
    state
        .db(move |conn| {
            recorded(conn, &who, |conn, journal| {
                if users::email_taken(conn, &new.email)?.is_some() {
                    return Err(WriteError::conflict(EMAIL_TAKEN).into());
                }
                let row =
                    users::NewUserRow { name: &new.name, email: &new.email, password_hash: &hash, role: new.role };
                let user = unique(conn, |conn| users::insert(conn, agency_id, row), |_| Ok(None), EMAIL_TAKEN)?;
                journal.other("user", user.id, "created", &["email", "name", "password", "role"]);
                Ok::<_, Error>(user)
            })
        })
        .await
}

/// Changes a user, as the admin `caller_id` (`None` for an API key with the `admin` scope), by
/// the write protocol. Disabling ends the user's sessions at once.
pub fn update(
    conn: &mut DbConnection,
    agency_id: i64,
    caller_id: Option<i64>,
    id: i64,
    if_match: Option<&IfMatch>,
    changes: &UserChanges,
) -> Result<User, Error> {
    write_tx(conn, |conn| {
        lock_scope(conn, Scope::Users, agency_id)?;
        // The caller was an active admin when the request came in; another admin may have
        // changed that while it waited for its turn.
        if let Some(caller_id) = caller_id {
            let caller = users::find(conn, agency_id, caller_id)?;
            if caller.disabled {
                return Err(Error::Unauthorized("Your account has been disabled; sign in again.".into()));
            }
            if caller.role() != Role::Admin {
                return Err(Error::Forbidden(
                    "Only an agency admin may do this (manage users or the rate card).".into(),
                ));
            }
        }
        lock_checked(conn, Table::Users, agency_id, id, if_match)?;
        let user = users::find(conn, agency_id, id)?;
        let draft = UserDraft {
            name: changes.name.clone().unwrap_or_else(|| user.name.clone()),
            role: changes.role.unwrap_or(user.role()),
            disabled: changes.disabled.unwrap_or(user.disabled),
        };
        if draft == user.draft() {
            return Ok(user);
        }
        let loses_admin = draft.role != Role::Admin || draft.disabled;
        if Some(user.id) == caller_id && loses_admin {
            return Err(WriteError::conflict("Admins cannot disable or demote themselves; ask another admin.").into());
        }
        let is_active_admin = user.role() == Role::Admin && !user.disabled;
        if is_active_admin && loses_admin && users::active_admins(conn, agency_id)? <= 1 {
            return Err(
                WriteError::conflict("This is the agency's last active admin; make another user admin first.").into()
            );
        }
        Ok(users::store(conn, &user, &draft)?)
    })
}
