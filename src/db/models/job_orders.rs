//! Job orders and the skills they need.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::skills::{filter_ids, first_repeat, names_by_id, resolve_or_create, SkillRef};
use super::{contains_pattern, finish_page, now, search_text, PageRequest};
use crate::db::schema::{clients, job_order_skills, job_orders};
use crate::db::{with_backend, write_tx, DbConnection};
use crate::domain::job_order::{JobOrderDraft, JobOrderPatch, SkillNeed, Status};
use crate::domain::patch::IfMatch;
use crate::error::ApiError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = job_orders)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct JobOrderRow {
    pub id: i64,
    pub agency_id: i64,
    pub client_id: i64,
    pub title: String,
    pub description: Option<String>,
    pub max_rate_cents: Option<i64>,
    pub location: Option<String>,
    pub remote: bool,
    pub duration_months: Option<i32>,
    pub status: String,
    pub search_text: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct JobSkill {
    pub skill: SkillRef,
    pub required: bool,
    pub weight: i32,
    pub min_years: i32,
}

#[derive(Debug, Clone)]
pub struct JobOrder {
    pub row: JobOrderRow,
    /// The client's default budget, used when the job order sets none.
    pub client_max_rate_cents: Option<i64>,
    pub skills: Vec<JobSkill>,
}

impl JobOrder {
    pub fn effective_max_rate_cents(&self) -> Option<i64> {
        self.row.max_rate_cents.or(self.client_max_rate_cents)
    }

    pub fn to_draft(&self) -> JobOrderDraft {
        let need = |s: &JobSkill| SkillNeed { name: s.skill.name.clone(), weight: s.weight, min_years: s.min_years };
        JobOrderDraft {
            client_id: self.row.client_id.to_string(),
            title: self.row.title.clone(),
            description: self.row.description.clone(),
            required_skills: self.skills.iter().filter(|s| s.required).map(need).collect(),
            nice_to_have_skills: self.skills.iter().filter(|s| !s.required).map(need).collect(),
            max_rate_cents: self.row.max_rate_cents,
            location: self.row.location.clone(),
            remote: self.row.remote,
            duration_months: self.row.duration_months,
            status: Status::parse(&self.row.status).unwrap_or(Status::Open),
        }
    }
}

/// The agency's client the draft names, or a 422 on `client_id`: another agency's client is as
/// unknown as one that never existed.
fn client_of(conn: &mut DbConnection, agency_id: i64, client_id: &str) -> Result<(i64, Option<i64>), ApiError> {
    let unknown = || ApiError::validation("client_id", "is not one of your clients");
    let id: i64 = client_id.parse().map_err(|_| unknown())?;
    clients::table
        .filter(clients::id.eq(id))
        .filter(clients::agency_id.eq(agency_id))
        .select((clients::id, clients::max_rate_cents))
        .first(conn)
        .optional()?
        .ok_or_else(unknown)
}

fn all_needs(d: &JobOrderDraft) -> Vec<(&SkillNeed, bool)> {
    d.required_skills.iter().map(|n| (n, true)).chain(d.nice_to_have_skills.iter().map(|n| (n, false))).collect()
}

/// The same skill may be listed once across both lists, whatever name or alias is used.
fn refuse_duplicate_skills(conn: &mut DbConnection, agency_id: i64, d: &JobOrderDraft) -> Result<(), ApiError> {
    let names: Vec<String> = all_needs(d).iter().map(|(n, _)| n.name.clone()).collect();
    let Some((i, _, skill)) = first_repeat(conn, agency_id, &names)? else { return Ok(()) };
    let required = d.required_skills.len();
    let (list, index) = if i < required { ("required_skills", i) } else { ("nice_to_have_skills", i - required) };
    Err(ApiError::validation(
        format!("{list}[{index}].name"),
        format!("is the same skill as one listed before ({})", skill.name),
    ))
}

fn write_skills(
    conn: &mut DbConnection,
    agency_id: i64,
    job_order_id: i64,
    d: &JobOrderDraft,
) -> QueryResult<Vec<JobSkill>> {
    let needs = all_needs(d);
    let names: Vec<String> = needs.iter().map(|(n, _)| n.name.clone()).collect();
    let refs = resolve_or_create(conn, agency_id, &names)?;
    diesel::delete(job_order_skills::table.filter(job_order_skills::job_order_id.eq(job_order_id))).execute(conn)?;
    let skills: Vec<JobSkill> = refs
        .into_iter()
        .zip(&needs)
        .map(|(skill, (need, required))| JobSkill {
            skill,
            required: *required,
            weight: need.weight,
            min_years: need.min_years,
        })
        .collect();
    let rows: Vec<_> = skills
        .iter()
        .enumerate()
        .map(|(position, s)| {
            (
                job_order_skills::job_order_id.eq(job_order_id),
                job_order_skills::skill_id.eq(s.skill.id),
                job_order_skills::required.eq(s.required),
                job_order_skills::position.eq(position as i32),
                job_order_skills::weight.eq(s.weight),
                job_order_skills::min_years.eq(s.min_years),
            )
        })
        .collect();
    if !rows.is_empty() {
        with_backend!(conn, |c| diesel::insert_into(job_order_skills::table).values(&rows).execute(c))?;
    }
    Ok(skills)
}

fn job_search_text(d: &JobOrderDraft) -> String {
    let mut parts = vec![d.title.as_str()];
    parts.extend([&d.location, &d.description].into_iter().flatten().map(String::as_str));
    search_text(parts)
}

pub fn create(conn: &mut DbConnection, agency_id: i64, d: &JobOrderDraft) -> Result<JobOrder, ApiError> {
    write_tx(conn, |conn| {
        let (client_id, client_max_rate_cents) = client_of(conn, agency_id, &d.client_id)?;
        refuse_duplicate_skills(conn, agency_id, d)?;
        let at = now();
        let row: JobOrderRow = diesel::insert_into(job_orders::table)
            .values((
                job_orders::agency_id.eq(agency_id),
                job_orders::client_id.eq(client_id),
                job_orders::title.eq(&d.title),
                job_orders::description.eq(&d.description),
                job_orders::max_rate_cents.eq(d.max_rate_cents),
                job_orders::location.eq(&d.location),
                job_orders::remote.eq(d.remote),
                job_orders::duration_months.eq(d.duration_months),
                job_orders::status.eq(d.status.as_str()),
                job_orders::search_text.eq(job_search_text(d)),
                job_orders::version.eq(1),
                job_orders::created_at.eq(at),
                job_orders::updated_at.eq(at),
            ))
            .returning(job_orders::all_columns)
            .get_result(conn)?;
        let skills = write_skills(conn, agency_id, row.id, d)?;
        Ok(JobOrder { row, client_max_rate_cents, skills })
    })
}

type Joined = (JobOrderRow, Option<i64>);

fn joined() -> diesel::dsl::InnerJoin<job_orders::table, clients::table> {
    job_orders::table.inner_join(clients::table)
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> Result<JobOrder, ApiError> {
    let found: Joined = joined()
        .filter(job_orders::id.eq(id))
        .filter(job_orders::agency_id.eq(agency_id))
        .select((JobOrderRow::as_select(), clients::max_rate_cents))
        .first(conn)?;
    Ok(attach_skills(conn, vec![found])?.remove(0))
}

fn attach_skills(conn: &mut DbConnection, rows: Vec<Joined>) -> QueryResult<Vec<JobOrder>> {
    let ids: Vec<i64> = rows.iter().map(|(r, _)| r.id).collect();
    let links: Vec<(i64, i64, bool, i32, i32)> = job_order_skills::table
        .filter(job_order_skills::job_order_id.eq_any(&ids))
        .order((job_order_skills::job_order_id, job_order_skills::position))
        .select((
            job_order_skills::job_order_id,
            job_order_skills::skill_id,
            job_order_skills::required,
            job_order_skills::weight,
            job_order_skills::min_years,
        ))
        .load(conn)?;
    let names = names_by_id(conn, &links.iter().map(|l| l.1).collect::<Vec<_>>())?;
    let mut by_order: std::collections::HashMap<i64, Vec<JobSkill>> = std::collections::HashMap::new();
    for (order_id, skill_id, required, weight, min_years) in links {
        if let Some(skill) = names.get(&skill_id) {
            by_order.entry(order_id).or_default().push(JobSkill { skill: skill.clone(), required, weight, min_years });
        }
    }
    Ok(rows
        .into_iter()
        .map(|(row, client_max_rate_cents)| {
            let skills = by_order.remove(&row.id).unwrap_or_default();
            JobOrder { row, client_max_rate_cents, skills }
        })
        .collect())
}

#[derive(Debug, Default, Clone)]
pub struct JobOrderFilter {
    pub status: Option<Status>,
    pub client_id: Option<i64>,
    pub skills: Vec<String>,
    pub q: Option<String>,
    pub remote: Option<bool>,
    pub max_rate_cents_lte: Option<i64>,
    pub max_rate_cents_gte: Option<i64>,
}

pub fn list(
    conn: &mut DbConnection,
    agency_id: i64,
    f: &JobOrderFilter,
    page: PageRequest,
) -> QueryResult<(Vec<JobOrder>, Option<i64>)> {
    let mut query = joined()
        .filter(job_orders::agency_id.eq(agency_id))
        .select((JobOrderRow::as_select(), clients::max_rate_cents))
        .into_boxed();
    if !f.skills.is_empty() {
        let Some(ids) = filter_ids(conn, agency_id, &f.skills)? else { return Ok((vec![], None)) };
        for id in ids {
            let having = job_order_skills::table
                .filter(job_order_skills::skill_id.eq(id))
                .select(job_order_skills::job_order_id);
            query = query.filter(job_orders::id.eq_any(having));
        }
    }
    if let Some(status) = f.status {
        query = query.filter(job_orders::status.eq(status.as_str()));
    }
    if let Some(client_id) = f.client_id {
        query = query.filter(job_orders::client_id.eq(client_id));
    }
    if let Some(q) = &f.q {
        for word in q.to_lowercase().split_whitespace() {
            query = query.filter(job_orders::search_text.like(contains_pattern(word)).escape('\\'));
        }
    }
    if let Some(remote) = f.remote {
        query = query.filter(job_orders::remote.eq(remote));
    }
    // The effective budget: the job order's own, else its client's.
    let budget = diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(
        "COALESCE(job_orders.max_rate_cents, clients.max_rate_cents)",
    );
    if let Some(v) = f.max_rate_cents_lte {
        query = query.filter(budget.clone().le(v));
    }
    if let Some(v) = f.max_rate_cents_gte {
        query = query.filter(budget.ge(v));
    }
    if let Some(before) = page.before {
        query = query.filter(job_orders::id.lt(before));
    }
    let rows = query.order(job_orders::id.desc()).limit(page.limit + 1).load(conn)?;
    let (rows, next) = finish_page(rows, page, |(r, _)| r.id);
    Ok((attach_skills(conn, rows)?, next))
}

pub fn update(
    conn: &mut DbConnection,
    agency_id: i64,
    id: i64,
    if_match: Option<&IfMatch>,
    patch: JobOrderPatch,
) -> Result<JobOrder, ApiError> {
    write_tx(conn, |conn| {
        let current = find(conn, agency_id, id)?;
        if if_match.is_some_and(|m| !m.allows(current.row.version)) {
            return Err(ApiError::PreconditionFailed { current_version: current.row.version });
        }
        let d = patch.apply(current.to_draft())?;
        if d == current.to_draft() {
            return Ok(current);
        }
        let (client_id, client_max_rate_cents) = client_of(conn, agency_id, &d.client_id)?;
        refuse_duplicate_skills(conn, agency_id, &d)?;
        let row = diesel::update(
            job_orders::table.filter(job_orders::id.eq(id)).filter(job_orders::version.eq(current.row.version)),
        )
        .set((
            job_orders::client_id.eq(client_id),
            job_orders::title.eq(&d.title),
            job_orders::description.eq(&d.description),
            job_orders::max_rate_cents.eq(d.max_rate_cents),
            job_orders::location.eq(&d.location),
            job_orders::remote.eq(d.remote),
            job_orders::duration_months.eq(d.duration_months),
            job_orders::status.eq(d.status.as_str()),
            job_orders::search_text.eq(job_search_text(&d)),
            job_orders::version.eq(current.row.version + 1),
            job_orders::updated_at.eq(now()),
        ))
        .returning(job_orders::all_columns)
        .get_result(conn)
        .optional()?
        .ok_or(ApiError::PreconditionFailed { current_version: current.row.version + 1 })?;
        let skills = write_skills(conn, agency_id, id, &d)?;
        Ok(JobOrder { row, client_max_rate_cents, skills })
    })
}

pub fn delete(conn: &mut DbConnection, agency_id: i64, id: i64, if_match: Option<&IfMatch>) -> Result<(), ApiError> {
    write_tx(conn, |conn| {
        let version: i32 = job_orders::table
            .filter(job_orders::id.eq(id))
            .filter(job_orders::agency_id.eq(agency_id))
            .select(job_orders::version)
            .first(conn)?;
        if if_match.is_some_and(|m| !m.allows(version)) {
            return Err(ApiError::PreconditionFailed { current_version: version });
        }
        diesel::delete(job_orders::table.filter(job_orders::id.eq(id)).filter(job_orders::agency_id.eq(agency_id)))
            .execute(conn)?;
        Ok(())
    })
}
