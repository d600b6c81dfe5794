//! Job orders and the skills they need.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::skills::{filter_ids, first_repeat, names_by_id, resolve_or_create, unknown_names, SkillRef};
use super::{contains_pattern, finish_page, lock_checked, lost, now, search_text, PageRequest, Versioned};
use crate::db::schema::{agencies, clients, job_order_skills, job_orders};
use crate::db::{lock, with_backend, write_tx, DbConnection, Lock, Table, WriteError};
use crate::domain::job_order::{JobOrderDraft, JobOrderPatch, SkillNeed, Status};
use crate::domain::money::{effective_markup, Markup, MarkupSource};
use crate::domain::patch::IfMatch;
use crate::domain::validate::FieldError;
use crate::domain::Stored;

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
    pub markup_bp: Option<i32>,
    pub alerts: bool,
    pub alert_min_score_tenths: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct JobSkill {
    pub skill: SkillRef,
    pub required: bool,
    pub weight: i32,
    pub min_years: i32,
}

/// What a job order inherits when it sets nothing itself: its client's budget and markup, and
/// the agency's default markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inherited {
    pub client_max_rate_cents: Option<i64>,
    pub client_markup_bp: Option<i32>,
    pub agency_markup_bp: i32,
}

#[derive(Debug, Clone)]
pub struct JobOrder {
    pub row: JobOrderRow,
    pub inherited: Inherited,
    pub skills: Vec<JobSkill>,
}

impl JobOrder {
    /// The budget (a bill rate): the job order's own, else its client's.
    pub fn effective_max_rate_cents(&self) -> Option<i64> {
        self.row.max_rate_cents.or(self.inherited.client_max_rate_cents)
    }

    pub fn markup(&self) -> Option<Markup> {
        self.row.markup_bp.and_then(Markup::from_hundredths)
    }

    /// The markup that prices this role, and whose it is.
    pub fn effective_markup(&self) -> (Markup, MarkupSource) {
        let agency = Markup::from_hundredths(self.inherited.agency_markup_bp).unwrap_or(Markup::DEFAULT);
        effective_markup(self.markup(), self.inherited.client_markup_bp.and_then(Markup::from_hundredths), agency)
    }

    pub fn status(&self) -> Status {
        Status::from_stored(&self.row.status)
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
            status: self.status(),
            markup: self.markup(),
            new_skills: Default::default(),
            alerts: self.row.alerts,
            alert_min_score_tenths: self.row.alert_min_score_tenths,
        }
    }
}

/// The agency's client the draft names, share-locked until the transaction ends so that it
/// cannot be deleted under the job order; or a 422 on `client_id`: another agency's client is
/// as unknown as one that never existed.
fn client_of(conn: &mut DbConnection, agency_id: i64, client_id: &str) -> Result<(i64, Inherited), WriteError> {
    let unknown = || WriteError::invalid("client_id", "is not one of your clients");
    let id: i64 = client_id.parse().map_err(|_| unknown())?;
    lock(conn, Table::Clients, agency_id, id, Lock::Share)?.ok_or_else(unknown)?;
    let (client_max_rate_cents, client_markup_bp, agency_markup_bp) =
        clients::table.inner_join(agencies::table).filter(clients::id.eq(id)).select(INHERITED).first(conn)?;
    Ok((id, Inherited { client_max_rate_cents, client_markup_bp, agency_markup_bp }))
}

/// The columns an [`Inherited`] is read from.
const INHERITED: (clients::max_rate_cents, clients::markup_bp, agencies::default_markup_bp) =
    (clients::max_rate_cents, clients::markup_bp, agencies::default_markup_bp);

fn all_needs(d: &JobOrderDraft) -> Vec<(&SkillNeed, bool)> {
    d.required_skills.iter().map(|n| (n, true)).chain(d.nice_to_have_skills.iter().map(|n| (n, false))).collect()
}

/// The draft's skills resolved to the taxonomy, in list order. The same skill may be listed once
/// across both lists, whatever name or alias is used.
fn resolve_skills(conn: &mut DbConnection, agency_id: i64, d: &JobOrderDraft) -> Result<Vec<JobSkill>, WriteError> {
    let needs = all_needs(d);
    let names: Vec<String> = needs.iter().map(|(n, _)| n.name.clone()).collect();
    if let Some((i, _, skill)) = first_repeat(conn, agency_id, &names)? {
        let required = d.required_skills.len();
        let (list, index) = if i < required { ("required_skills", i) } else { ("nice_to_have_skills", i - required) };
        return Err(WriteError::invalid(
            format!("{list}[{index}].name"),
            format!("is the same skill as one listed before ({})", skill.name),
        ));
    }
    if !d.new_skills.0 {
        let unknown = unknown_names(conn, agency_id, &names)?;
        if !unknown.is_empty() {
            let required = d.required_skills.len();
            let field = |i: usize| match i < required {
                true => format!("required_skills[{i}].name"),
                false => format!("nice_to_have_skills[{}].name", i - required),
            };
            return Err(WriteError::Invalid(
                unknown.into_iter().map(|(i, closest)| FieldError::new(field(i), unknown_skill(&closest))).collect(),
            ));
        }
    }
    let refs = resolve_or_create(conn, agency_id, &names)?;
    Ok(refs
        .into_iter()
        .zip(&needs)
        .map(|(skill, (need, required))| JobSkill {
            skill,
            required: *required,
            weight: need.weight,
            min_years: need.min_years,
        })
        .collect())
}

/// Why an unknown skill name is refused, with the closest names the agency can use.
fn unknown_skill(closest: &[String]) -> String {
    let quoted: Vec<String> = closest.iter().map(|n| format!("\"{n}\"")).collect();
    let hint = match quoted.as_slice() {
        [] => "is not a known skill or alias (see GET /api/v1/skills).".to_owned(),
        [one] => format!("is not a known skill or alias; did you mean {one}?"),
        [init @ .., last] => format!("is not a known skill or alias; did you mean {} or {last}?", init.join(", ")),
    };
    format!("{hint} To add it as the agency's own skill, send \"create_custom_skills\": true.")
}

/// Replaces the job order's skill rows.
fn write_skills(conn: &mut DbConnection, job_order_id: i64, skills: &[JobSkill]) -> QueryResult<()> {
    diesel::delete(job_order_skills::table.filter(job_order_skills::job_order_id.eq(job_order_id))).execute(conn)?;
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
    Ok(())
}

/// Every column a draft decides, written the same way by a create and an update.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = job_orders)]
#[diesel(treat_none_as_null = true)]
struct Fields<'a> {
    client_id: i64,
    title: &'a str,
    description: Option<&'a str>,
    max_rate_cents: Option<i64>,
    location: Option<&'a str>,
    remote: bool,
    duration_months: Option<i32>,
    status: &'static str,
    search_text: String,
    updated_at: NaiveDateTime,
    markup_bp: Option<i32>,
    alerts: bool,
    alert_min_score_tenths: Option<i32>,
}

impl<'a> Fields<'a> {
    fn of(d: &'a JobOrderDraft, client_id: i64, at: NaiveDateTime) -> Fields<'a> {
        let mut parts = vec![d.title.as_str()];
        parts.extend([&d.location, &d.description].into_iter().flatten().map(String::as_str));
        Fields {
            client_id,
            title: &d.title,
            description: d.description.as_deref(),
            max_rate_cents: d.max_rate_cents,
            location: d.location.as_deref(),
            remote: d.remote,
            duration_months: d.duration_months,
            status: d.status.as_str(),
            search_text: search_text(parts),
            updated_at: at,
            markup_bp: d.markup.map(Markup::hundredths),
            alerts: d.alerts,
            alert_min_score_tenths: d.alert_min_score_tenths,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = job_orders)]
struct NewRow<'a> {
    #[diesel(embed)]
    fields: Fields<'a>,
    agency_id: i64,
    version: i32,
    created_at: NaiveDateTime,
}

pub fn create(conn: &mut DbConnection, agency_id: i64, d: &JobOrderDraft) -> Result<JobOrder, WriteError> {
    write_tx(conn, |conn| {
        let (client_id, inherited) = client_of(conn, agency_id, &d.client_id)?;
        let skills = resolve_skills(conn, agency_id, d)?;
        let at = now();
        let row: JobOrderRow = diesel::insert_into(job_orders::table)
            .values(NewRow { fields: Fields::of(d, client_id, at), agency_id, version: 1, created_at: at })
            .returning(job_orders::all_columns)
            .get_result(conn)?;
        write_skills(conn, row.id, &skills)?;
        Ok(JobOrder { row, inherited, skills })
    })
}

type Joined = (JobOrderRow, (Option<i64>, Option<i32>, i32));

fn joined() -> diesel::dsl::InnerJoin<job_orders::table, diesel::dsl::InnerJoin<clients::table, agencies::table>> {
    job_orders::table.inner_join(clients::table.inner_join(agencies::table))
}

/// The agency's job orders that name this skill (required or nice to have), by id.
pub fn naming(conn: &mut DbConnection, agency_id: i64, skill_id: i64) -> QueryResult<Vec<i64>> {
    job_order_skills::table
        .inner_join(job_orders::table)
        .filter(job_orders::agency_id.eq(agency_id))
        .filter(job_order_skills::skill_id.eq(skill_id))
        .select(job_orders::id)
        .order(job_orders::id)
        .distinct()
        .load(conn)
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<JobOrder> {
    let found: Joined = joined()
        .filter(job_orders::id.eq(id))
        .filter(job_orders::agency_id.eq(agency_id))
        .select((JobOrderRow::as_select(), INHERITED))
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
        .map(|(row, (client_max_rate_cents, client_markup_bp, agency_markup_bp))| {
            let skills = by_order.remove(&row.id).unwrap_or_default();
            JobOrder { row, inherited: Inherited { client_max_rate_cents, client_markup_bp, agency_markup_bp }, skills }
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
    let mut query =
        joined().filter(job_orders::agency_id.eq(agency_id)).select((JobOrderRow::as_select(), INHERITED)).into_boxed();
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

impl Versioned for JobOrder {
    const TABLE: Table = Table::JobOrders;
    type Draft = JobOrderDraft;

    fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<JobOrder> {
        find(conn, agency_id, id)
    }

    fn draft(&self) -> JobOrderDraft {
        self.to_draft()
    }

    fn store(&self, conn: &mut DbConnection, d: &JobOrderDraft) -> Result<JobOrder, WriteError> {
        let (agency_id, id) = (self.row.agency_id, self.row.id);
        let (client_id, inherited) = client_of(conn, agency_id, &d.client_id)?;
        let skills = resolve_skills(conn, agency_id, d)?;
        let row = diesel::update(
            job_orders::table
                .filter(job_orders::id.eq(id))
                .filter(job_orders::agency_id.eq(agency_id))
                .filter(job_orders::version.eq(self.row.version)),
        )
        .set((Fields::of(d, client_id, now()), job_orders::version.eq(job_orders::version + 1)))
        .returning(job_orders::all_columns)
        .get_result(conn)
        .optional()?;
        let Some(row) = row else { return Err(lost(conn, Table::JobOrders, agency_id, id)) };
        write_skills(conn, id, &skills)?;
        Ok(JobOrder { row, inherited, skills })
    }
}

pub fn update(
    conn: &mut DbConnection,
    agency_id: i64,
    id: i64,
    if_match: Option<&IfMatch>,
    patch: &JobOrderPatch,
) -> Result<JobOrder, WriteError> {
    super::update::<JobOrder>(conn, agency_id, id, if_match, |draft| Ok(patch.clone().apply(draft)?))
}

pub fn delete(conn: &mut DbConnection, agency_id: i64, id: i64, if_match: Option<&IfMatch>) -> Result<(), WriteError> {
    write_tx(conn, |conn| {
        lock_checked(conn, Table::JobOrders, agency_id, id, if_match)?;
        diesel::delete(job_orders::table.filter(job_orders::id.eq(id)).filter(job_orders::agency_id.eq(agency_id)))
            .execute(conn)?;
        Ok(())
    })
}

/// The agency's open job orders with standing match alerts on, by id.
pub fn alerting(conn: &mut DbConnection, agency_id: i64) -> QueryResult<Vec<JobOrder>> {
    let rows: Vec<Joined> = joined()
        .filter(job_orders::agency_id.eq(agency_id))
        .filter(job_orders::alerts.eq(true))
        .filter(job_orders::status.eq(Status::Open.as_str()))
        .select((JobOrderRow::as_select(), INHERITED))
        .order(job_orders::id)
        .load(conn)?;
    attach_skills(conn, rows)
}
