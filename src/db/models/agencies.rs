//! Agencies: the tenants, with the settings an admin keeps for the whole agency.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{lost, now, Versioned};
use crate::db::schema::agencies;
use crate::db::{DbConnection, Table, WriteError};
use crate::domain::agency::{AgencyDraft, AgencyPatch};
use crate::domain::money::Markup;
use crate::domain::patch::IfMatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = agencies)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Agency {
    pub id: i64,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub default_markup_bp: i32,
    pub version: i32,
    pub updated_at: NaiveDateTime,
}

impl Agency {
    /// The markup the agency prices at unless a client or job order sets its own. A stored value
    /// out of range (written by hand) reads as the default a new agency starts with.
    pub fn default_markup(&self) -> Markup {
        Markup::from_hundredths(self.default_markup_bp).unwrap_or(Markup::DEFAULT)
    }
}

pub fn create(conn: &mut DbConnection, name: &str) -> QueryResult<Agency> {
    let at = now();
    let id: i64 = diesel::insert_into(agencies::table)
        .values((
            agencies::name.eq(name),
            agencies::created_at.eq(at),
            agencies::updated_at.eq(at),
            agencies::default_markup_bp.eq(Markup::DEFAULT.hundredths()),
            agencies::version.eq(1),
        ))
        .returning(agencies::id)
        .get_result(conn)?;
    find(conn, id)
}

pub fn find(conn: &mut DbConnection, agency_id: i64) -> QueryResult<Agency> {
    agencies::table.find(agency_id).select(Agency::as_select()).first(conn)
}

/// Every agency's id: for start-up work done for all tenants (not for answering a request).
pub fn ids(conn: &mut DbConnection) -> QueryResult<Vec<i64>> {
    agencies::table.select(agencies::id).order(agencies::id).load(conn)
}

impl Versioned for Agency {
    const TABLE: Table = Table::Agencies;
    type Draft = AgencyDraft;

    fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Agency> {
        if agency_id != id {
            return Err(diesel::result::Error::NotFound);
        }
        find(conn, id)
    }

    fn draft(&self) -> AgencyDraft {
        AgencyDraft { name: self.name.clone(), default_markup: self.default_markup() }
    }

    fn store(&self, conn: &mut DbConnection, d: &AgencyDraft) -> Result<Agency, WriteError> {
        let stored =
            diesel::update(agencies::table.filter(agencies::id.eq(self.id)).filter(agencies::version.eq(self.version)))
                .set((
                    agencies::name.eq(&d.name),
                    agencies::default_markup_bp.eq(d.default_markup.hundredths()),
                    agencies::version.eq(agencies::version + 1),
                    agencies::updated_at.eq(now()),
                ))
                .execute(conn)?;
        if stored == 0 {
            return Err(lost(conn, Table::Agencies, self.id, self.id));
        }
        Ok(find(conn, self.id)?)
    }
}

/// Changes the agency's settings by the write protocol.
pub fn update(
    conn: &mut DbConnection,
    agency_id: i64,
    if_match: Option<&IfMatch>,
    patch: &AgencyPatch,
) -> Result<Agency, WriteError> {
    super::update::<Agency>(conn, agency_id, agency_id, if_match, |draft| Ok(patch.clone().apply(draft)?))
}
