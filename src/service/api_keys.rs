//! Keys for the agency's tools: made by an admin, shown once, revoked at once.

use super::journal::recorded;
use crate::credentials::api_key;
use crate::db::models::api_keys::{self, ApiKey};
use crate::db::models::audit::Who;
use crate::db::{DbConnection, WriteError};
use crate::domain::api_key::NewApiKey;

/// Makes a key for `who`'s agency (a person: keys do not make keys), journaled. Answers the
/// stored key and the secret, which is not kept and cannot be shown again.
pub fn create(conn: &mut DbConnection, who: &Who, new: &NewApiKey) -> Result<(ApiKey, String), WriteError> {
    let made = api_key::generate();
    let key = recorded(conn, who, |conn, journal| {
        let key = api_keys::insert(conn, who.agency_id, who.actor.user_id(), new, &made.prefix, &made.hash)?;
        let fields = if new.expires_at.is_some() { &["expires_at", "name", "scopes"][..] } else { &["name", "scopes"] };
        journal.other("api_key", key.id, "created", fields);
        Ok::<_, WriteError>(key)
    })?;
    Ok((key, made.secret))
}

/// Revokes the key at once; journaled the first time.
pub fn revoke(conn: &mut DbConnection, who: &Who, id: i64) -> Result<ApiKey, WriteError> {
    recorded(conn, who, |conn, journal| {
        let before = api_keys::find(conn, who.agency_id, id)?;
        let key = api_keys::revoke(conn, who.agency_id, id)?;
        if before.revoked_at.is_none() {
            journal.other("api_key", id, "revoked", &["revoked_at"]);
        }
        Ok(key)
    })
}
