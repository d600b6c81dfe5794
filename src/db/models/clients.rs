//! Clients: healthcare organisations and their default budget limits.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{contains_pattern, finish_page, lock_checked, lost, now, search_text, PageRequest, Versioned};
use crate::db::schema::{clients, job_orders};
use crate::db::{write_tx, DbConnection, Table, WriteError};
use crate::domain::client::{ClientDraft, ClientPatch, Sector};
use crate::domain::money::Markup;
use crate::domain::patch::IfMatch;
use crate::domain::Stored;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = clients)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Client {
    pub id: i64,
    pub agency_id: i64,
    pub name: String,
    pub sector: String,
    pub location: Option<String>,
    pub max_rate_cents: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub notes: Option<String>,
    pub search_text: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub markup_bp: Option<i32>,
}

impl Client {
    /// The client's own markup; `None` inherits the agency's default.
    pub fn markup(&self) -> Option<Markup> {
        self.markup_bp.and_then(Markup::from_hundredths)
    }

    pub fn sector(&self) -> Sector {
        Sector::from_stored(&self.sector)
    }

    pub fn to_draft(&self) -> ClientDraft {
        ClientDraft {
            name: self.name.clone(),
            sector: self.sector(),
            location: self.location.clone(),
            max_rate_cents: self.max_rate_cents,
            contact_name: self.contact_name.clone(),
            contact_email: self.contact_email.clone(),
            notes: self.notes.clone(),
            markup: self.markup(),
        }
    }
}

/// Every column a draft decides, written the same way by a create and an update.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = clients)]
#[diesel(treat_none_as_null = true)]
struct Fields<'a> {
    name: &'a str,
    sector: &'static str,
    location: Option<&'a str>,
    max_rate_cents: Option<i64>,
    contact_name: Option<&'a str>,
    contact_email: Option<&'a str>,
    notes: Option<&'a str>,
    search_text: String,
    updated_at: NaiveDateTime,
    markup_bp: Option<i32>,
}

impl<'a> Fields<'a> {
    fn of(d: &'a ClientDraft, at: NaiveDateTime) -> Fields<'a> {
        let mut parts = vec![d.name.as_str()];
        parts.extend([&d.location, &d.contact_name, &d.contact_email].into_iter().flatten().map(String::as_str));
        Fields {
            name: &d.name,
            sector: d.sector.as_str(),
            location: d.location.as_deref(),
            max_rate_cents: d.max_rate_cents,
            contact_name: d.contact_name.as_deref(),
            contact_email: d.contact_email.as_deref(),
            notes: d.notes.as_deref(),
            search_text: search_text(parts),
            updated_at: at,
            markup_bp: d.markup.map(Markup::hundredths),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = clients)]
struct NewRow<'a> {
    #[diesel(embed)]
    fields: Fields<'a>,
    agency_id: i64,
    version: i32,
    created_at: NaiveDateTime,
}

pub fn create(conn: &mut DbConnection, agency_id: i64, d: &ClientDraft) -> QueryResult<Client> {
    let at = now();
    diesel::insert_into(clients::table)
        .values(NewRow { fields: Fields::of(d, at), agency_id, version: 1, created_at: at })
        .returning(clients::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Client> {
    clients::table
        .filter(clients::id.eq(id))
        .filter(clients::agency_id.eq(agency_id))
        .select(Client::as_select())
        .first(conn)
}

#[derive(Debug, Default, Clone)]
pub struct ClientFilter {
    pub sector: Option<Sector>,
    pub q: Option<String>,
    pub max_rate_cents_lte: Option<i64>,
    pub max_rate_cents_gte: Option<i64>,
}

pub fn list(
    conn: &mut DbConnection,
    agency_id: i64,
    f: &ClientFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Client>, Option<i64>)> {
    let mut query = clients::table.filter(clients::agency_id.eq(agency_id)).select(Client::as_select()).into_boxed();
    if let Some(sector) = f.sector {
        query = query.filter(clients::sector.eq(sector.as_str()));
    }
    if let Some(q) = &f.q {
        for word in q.to_lowercase().split_whitespace() {
            query = query.filter(clients::search_text.like(contains_pattern(word)).escape('\\'));
        }
    }
    if let Some(v) = f.max_rate_cents_lte {
        query = query.filter(clients::max_rate_cents.le(v));
    }
    if let Some(v) = f.max_rate_cents_gte {
        query = query.filter(clients::max_rate_cents.ge(v));
    }
    if let Some(before) = page.before {
        query = query.filter(clients::id.lt(before));
    }
    let rows = query.order(clients::id.desc()).limit(page.limit + 1).load(conn)?;
    Ok(finish_page(rows, page, |c| c.id))
}

impl Versioned for Client {
    const TABLE: Table = Table::Clients;
    type Draft = ClientDraft;

    fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Client> {
        find(conn, agency_id, id)
    }

    fn draft(&self) -> ClientDraft {
        self.to_draft()
    }

    fn store(&self, conn: &mut DbConnection, d: &ClientDraft) -> Result<Client, WriteError> {
        diesel::update(
            clients::table
                .filter(clients::id.eq(self.id))
                .filter(clients::agency_id.eq(self.agency_id))
                .filter(clients::version.eq(self.version)),
        )
        .set((Fields::of(d, now()), clients::version.eq(clients::version + 1)))
        .returning(clients::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or_else(|| lost(conn, Table::Clients, self.agency_id, self.id))
    }
}

pub fn update(
    conn: &mut DbConnection,
    agency_id: i64,
    id: i64,
    if_match: Option<&IfMatch>,
    patch: &ClientPatch,
) -> Result<Client, WriteError> {
    super::update::<Client>(conn, agency_id, id, if_match, |draft| Ok(patch.clone().apply(draft)?))
}

/// Deletes a client that has no job orders; one with job orders answers 409. The client's row
/// is locked first, and a job order being created for it holds a share lock on it, so the two
/// take turns and the count is never out of date.
pub fn delete(conn: &mut DbConnection, agency_id: i64, id: i64, if_match: Option<&IfMatch>) -> Result<(), WriteError> {
    write_tx(conn, |conn| {
        lock_checked(conn, Table::Clients, agency_id, id, if_match)?;
        let orders: i64 = job_orders::table.filter(job_orders::client_id.eq(id)).count().get_result(conn)?;
        if orders > 0 {
            return Err(WriteError::conflict(format!(
                "The client still has {orders} job order(s); delete them first."
            )));
        }
        diesel::delete(clients::table.filter(clients::id.eq(id)).filter(clients::agency_id.eq(agency_id)))
            .execute(conn)?;
        Ok(())
    })
}
