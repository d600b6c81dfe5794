//! Placements: a candidate at work on a job order, at a pay and a bill rate, with the step-ups
//! promised.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{finish_page, json_list, lost, now, to_json, unique, PageRequest, Versioned};
use crate::db::schema::{candidates, job_orders, placements, users};
use crate::db::{DbConnection, Table, WriteError};
use crate::domain::patch::IfMatch;
use crate::domain::placement::{PlacementDraft, PlacementPatch, StepUp};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = placements)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct PlacementRow {
    pub id: i64,
    pub agency_id: i64,
    pub job_order_id: i64,
    pub candidate_id: i64,
    pub pay_rate_cents: i64,
    pub bill_rate_cents: i64,
    pub budget_cents: Option<i64>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub step_ups: String,
    pub placed_by: Option<i64>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A placement with what it is read beside: the job order's client and title, the candidate's
/// name, and who placed them.
#[derive(Debug, Clone)]
pub struct Placement {
    pub row: PlacementRow,
    pub client_id: i64,
    pub job_title: String,
    pub candidate_name: String,
    pub placed_by_name: Option<String>,
    pub step_ups: Vec<StepUp>,
}

impl Placement {
    pub fn to_draft(&self) -> PlacementDraft {
        PlacementDraft {
            pay_rate_cents: self.row.pay_rate_cents,
            bill_rate_cents: self.row.bill_rate_cents,
            start_date: self.row.start_date,
            end_date: self.row.end_date,
            step_ups: self.step_ups.clone(),
        }
    }

    /// Billed above the job order's budget when placed.
    pub fn over_budget(&self) -> bool {
        self.row.budget_cents.is_some_and(|budget| self.row.bill_rate_cents > budget)
    }
}

/// Every column a draft decides, written the same way by a create and an update.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = placements)]
#[diesel(treat_none_as_null = true)]
struct Fields {
    pay_rate_cents: i64,
    bill_rate_cents: i64,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    step_ups: String,
    updated_at: NaiveDateTime,
}

impl Fields {
    fn of(d: &PlacementDraft, at: NaiveDateTime) -> Fields {
        Fields {
            pay_rate_cents: d.pay_rate_cents,
            bill_rate_cents: d.bill_rate_cents,
            start_date: d.start_date,
            end_date: d.end_date,
            step_ups: to_json(&d.step_ups),
            updated_at: at,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = placements)]
struct NewRow {
    #[diesel(embed)]
    fields: Fields,
    agency_id: i64,
    job_order_id: i64,
    candidate_id: i64,
    budget_cents: Option<i64>,
    placed_by: Option<i64>,
    version: i32,
    created_at: NaiveDateTime,
}

/// Who is placed where, as the move to `placed` records it.
pub struct NewPlacement<'a> {
    pub job_order_id: i64,
    pub candidate_id: i64,
    /// The job order's budget at the time.
    pub budget_cents: Option<i64>,
    pub placed_by: Option<i64>,
    pub draft: &'a PlacementDraft,
}

const ALREADY: &str = "The candidate is already placed on this job order.";

/// Records a placement. Runs inside the caller's write transaction (the shortlist move).
pub fn create(conn: &mut DbConnection, agency_id: i64, new: NewPlacement<'_>) -> Result<Placement, WriteError> {
    let at = now();
    let row = NewRow {
        fields: Fields::of(new.draft, at),
        agency_id,
        job_order_id: new.job_order_id,
        candidate_id: new.candidate_id,
        budget_cents: new.budget_cents,
        placed_by: new.placed_by,
        version: 1,
        created_at: at,
    };
    let (job_order_id, candidate_id) = (new.job_order_id, new.candidate_id);
    let id: i64 = unique(
        conn,
        |conn| diesel::insert_into(placements::table).values(&row).returning(placements::id).get_result(conn),
        |conn| {
            placements::table
                .filter(placements::job_order_id.eq(job_order_id))
                .filter(placements::candidate_id.eq(candidate_id))
                .select(placements::id)
                .first(conn)
                .optional()
        },
        ALREADY,
    )?;
    Ok(find(conn, agency_id, id)?)
}

type Joined = (PlacementRow, i64, String, String, Option<String>);

fn with_names(rows: Vec<Joined>) -> Vec<Placement> {
    rows.into_iter()
        .map(|(row, client_id, job_title, candidate_name, placed_by_name)| Placement {
            step_ups: json_list(&row.step_ups),
            row,
            client_id,
            job_title,
            candidate_name,
            placed_by_name,
        })
        .collect()
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Placement> {
    let one = PlacementFilter { id: Some(id), ..PlacementFilter::default() };
    let (mut found, _) = list(conn, agency_id, &one, PageRequest { limit: 1, before: None, rank: None })?;
    found.pop().ok_or(diesel::result::Error::NotFound)
}

/// The id of the placement of this candidate on this job order, if there is one.
pub fn of_entry(conn: &mut DbConnection, job_order_id: i64, candidate_id: i64) -> QueryResult<Option<i64>> {
    placements::table
        .filter(placements::job_order_id.eq(job_order_id))
        .filter(placements::candidate_id.eq(candidate_id))
        .select(placements::id)
        .first(conn)
        .optional()
}

#[derive(Debug, Default, Clone)]
pub struct PlacementFilter {
    /// One placement (for `find`).
    pub id: Option<i64>,
    pub client_id: Option<i64>,
    pub job_order_id: Option<i64>,
    pub candidate_id: Option<i64>,
    /// Placements starting on or after this day.
    pub start_from: Option<NaiveDate>,
    /// Placements starting on or before this day.
    pub start_to: Option<NaiveDate>,
}

/// A page of the agency's placements, newest first.
pub fn list(
    conn: &mut DbConnection,
    agency_id: i64,
    f: &PlacementFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Placement>, Option<i64>)> {
    let mut query = placements::table
        .inner_join(job_orders::table)
        .inner_join(candidates::table)
        .left_join(users::table.on(placements::placed_by.eq(users::id.nullable())))
        .filter(placements::agency_id.eq(agency_id))
        .select((
            PlacementRow::as_select(),
            job_orders::client_id,
            job_orders::title,
            candidates::full_name,
            users::name.nullable(),
        ))
        .into_boxed();
    if let Some(id) = f.id {
        query = query.filter(placements::id.eq(id));
    }
    if let Some(client_id) = f.client_id {
        query = query.filter(job_orders::client_id.eq(client_id));
    }
    if let Some(job_order_id) = f.job_order_id {
        query = query.filter(placements::job_order_id.eq(job_order_id));
    }
    if let Some(candidate_id) = f.candidate_id {
        query = query.filter(placements::candidate_id.eq(candidate_id));
    }
    if let Some(from) = f.start_from {
        query = query.filter(placements::start_date.ge(from));
    }
    if let Some(to) = f.start_to {
        query = query.filter(placements::start_date.le(to));
    }
    if let Some(before) = page.before {
        query = query.filter(placements::id.lt(before));
    }
    let rows = query.order(placements::id.desc()).limit(page.limit + 1).load(conn)?;
    let (rows, next) = finish_page(rows, page, |r: &Joined| r.0.id);
    Ok((with_names(rows), next))
}

impl Versioned for Placement {
    const TABLE: Table = Table::Placements;
    type Draft = PlacementDraft;

    fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Placement> {
        find(conn, agency_id, id)
    }

    fn draft(&self) -> PlacementDraft {
        self.to_draft()
    }

    fn store(&self, conn: &mut DbConnection, d: &PlacementDraft) -> Result<Placement, WriteError> {
        let (agency_id, id) = (self.row.agency_id, self.row.id);
        let changed = diesel::update(
            placements::table
                .filter(placements::id.eq(id))
                .filter(placements::agency_id.eq(agency_id))
                .filter(placements::version.eq(self.row.version)),
        )
        .set((Fields::of(d, now()), placements::version.eq(placements::version + 1)))
        .execute(conn)?;
        if changed == 0 {
            return Err(lost(conn, Table::Placements, agency_id, id));
        }
        Ok(find(conn, agency_id, id)?)
    }
}

pub fn update(
    conn: &mut DbConnection,
    agency_id: i64,
    id: i64,
    if_match: Option<&IfMatch>,
    patch: &PlacementPatch,
) -> Result<Placement, WriteError> {
    super::update::<Placement>(conn, agency_id, id, if_match, |draft| Ok(patch.clone().apply(draft)?))
}
