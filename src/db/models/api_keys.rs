//! API keys: stored as hashes, found by hash on every request that sends one, revoked at once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{finish_page, json_list, now, to_json, PageRequest};
use crate::db::schema::api_keys;
use crate::db::DbConnection;
use crate::domain::api_key::{NewApiKey, Scope};

/// `last_used_at` is written at most this often per key, so a busy tool does not turn every
/// read into a write.
const TOUCH_EVERY_SECONDS: i64 = 60;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct ApiKey {
    pub id: i64,
    pub agency_id: i64,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub scopes: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl ApiKey {
    /// The scopes as stored; one this version does not know grants nothing.
    pub fn scopes(&self) -> Vec<Scope> {
        json_list::<String>(&self.scopes).iter().filter_map(|s| Scope::parse(s)).collect()
    }

    /// Whether the key may be used at `at`: not revoked, not expired.
    pub fn usable(&self, at: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > at)
    }
}

pub fn insert(
    conn: &mut DbConnection,
    agency_id: i64,
    created_by: Option<i64>,
    new: &NewApiKey,
    prefix: &str,
    key_hash: &str,
) -> QueryResult<ApiKey> {
    let scopes: Vec<&str> = new.scopes.iter().map(|s| s.as_str()).collect();
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::agency_id.eq(agency_id),
            api_keys::name.eq(&new.name),
            api_keys::prefix.eq(prefix),
            api_keys::key_hash.eq(key_hash),
            api_keys::scopes.eq(to_json(&scopes)),
            api_keys::created_by.eq(created_by),
            api_keys::created_at.eq(now()),
            api_keys::expires_at.eq(new.expires_at),
        ))
        .returning(api_keys::all_columns)
        .get_result(conn)
}

/// The key with this hash, whichever agency holds it.
pub fn by_hash(conn: &mut DbConnection, key_hash: &str) -> QueryResult<Option<ApiKey>> {
    api_keys::table.filter(api_keys::key_hash.eq(key_hash)).select(ApiKey::as_select()).first(conn).optional()
}

/// Records that the key was used, unless that was recorded less than a minute ago.
pub fn touch(conn: &mut DbConnection, key: &ApiKey, at: NaiveDateTime) -> QueryResult<()> {
    if key.last_used_at.is_some_and(|last| (at - last).num_seconds() < TOUCH_EVERY_SECONDS) {
        return Ok(());
    }
    diesel::update(api_keys::table.find(key.id)).set(api_keys::last_used_at.eq(at)).execute(conn).map(|_| ())
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<ApiKey> {
    api_keys::table
        .filter(api_keys::id.eq(id))
        .filter(api_keys::agency_id.eq(agency_id))
        .select(ApiKey::as_select())
        .first(conn)
}

/// The agency's keys, newest first, revoked ones included (they show when).
pub fn list(conn: &mut DbConnection, agency_id: i64, page: PageRequest) -> QueryResult<(Vec<ApiKey>, Option<i64>)> {
    let mut query = api_keys::table.filter(api_keys::agency_id.eq(agency_id)).into_boxed();
    if let Some(before) = page.before {
        query = query.filter(api_keys::id.lt(before));
    }
    let rows = query.select(ApiKey::as_select()).order(api_keys::id.desc()).limit(page.limit + 1).load(conn)?;
    Ok(finish_page(rows, page, |k| k.id))
}

/// Revokes the key at once (a request that sends it afterwards answers 401). Revoking a revoked
/// key changes nothing.
pub fn revoke(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<ApiKey> {
    diesel::update(
        api_keys::table
            .filter(api_keys::id.eq(id))
            .filter(api_keys::agency_id.eq(agency_id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(now()))
    .execute(conn)?;
    find(conn, agency_id, id)
}
