//! Keys for the agency's tools: made by an admin, shown once, revoked at once.

use crate::credentials::api_key;
use crate::db::models::api_keys::{self, ApiKey};
use crate::db::{write_tx, DbConnection, WriteError};
use crate::domain::api_key::NewApiKey;

/// Makes a key for the agency, created by the admin `created_by`. Answers the stored key and
/// the secret, which is not kept and cannot be shown again.
pub fn create(
    conn: &mut DbConnection,
    agency_id: i64,
    created_by: i64,
    new: &NewApiKey,
) -> Result<(ApiKey, String), WriteError> {
    let made = api_key::generate();
    let key = write_tx(conn, |conn| {
        Ok::<_, WriteError>(api_keys::insert(conn, agency_id, Some(created_by), new, &made.prefix, &made.hash)?)
    })?;
    Ok((key, made.secret))
}
