//! The skill taxonomy as the agency sees it: the shipped skills plus its own, and the resolution
//! of any written skill name to one canonical skill.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{contains_pattern, finish_page, json_list, now, to_json, PageRequest};
use crate::db::schema::{candidate_skills, job_order_skills, rate_card_entries, skill_aliases, skills};
use crate::db::{changes, lock_scope, with_backend, write_tx, DbConnection, Scope, WriteError};
use crate::domain::skills::{closest, normalize, Category, CertStatus, Certification, NewSkill, Pathway};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = skills)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Skill {
    pub id: i64,
    pub agency_id: Option<i64>,
    pub name: String,
    pub category: String,
    pub aliases: String,
    pub implies: String,
    pub closes: String,
    pub created_at: NaiveDateTime,
    pub cert_status: Option<String>,
    pub retired_year: Option<i32>,
    pub cert_pathway: Option<String>,
    pub cert_healthcare_months: Option<i32>,
}

impl Skill {
    pub fn certification(&self) -> Option<Certification> {
        certification(
            &self.category,
            self.cert_status.as_deref(),
            self.retired_year,
            self.cert_pathway.as_deref(),
            self.cert_healthcare_months,
        )
    }

    pub fn aliases(&self) -> Vec<String> {
        json_list(&self.aliases)
    }
    pub fn implies(&self) -> Vec<String> {
        json_list(&self.implies)
    }
}

/// What is stored of a certification, decoded; a certification without facts (an agency's own)
/// is an exam anyone may sit, and an unknown stored value reads as the least promising one: a
/// plan never recommends what it cannot vouch for.
pub fn certification(
    category: &str,
    status: Option<&str>,
    retired_year: Option<i32>,
    pathway: Option<&str>,
    healthcare_months: Option<i32>,
) -> Option<Certification> {
    if category != Category::Certification.as_str() {
        return None;
    }
    Some(Certification {
        status: status.map_or(CertStatus::Active, |s| CertStatus::parse(s).unwrap_or(CertStatus::Retired)),
        retired: retired_year,
        pathway: pathway.map_or(Pathway::Exam, |p| Pathway::parse(p).unwrap_or(Pathway::License)),
        healthcare_months,
        source: None,
    })
}

/// A skill as it appears on a candidate or job order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillRef {
    pub id: i64,
    pub name: String,
    pub category: String,
}

/// Skills visible to the agency: the shipped ones and its own.
fn visible(agency_id: i64) -> skills::BoxedQuery<'static, super::Backend> {
    skills::table.filter(skills::agency_id.is_null().or(skills::agency_id.eq(agency_id))).into_boxed()
}

#[derive(Debug, Default, Clone)]
pub struct SkillFilter {
    pub q: Option<String>,
    pub category: Option<Category>,
    /// `Some(true)`: only the agency's own; `Some(false)`: only the shipped taxonomy.
    pub own: Option<bool>,
}

/// Skills in id order (the shipped taxonomy first), `before` meaning "after" here: the
/// taxonomy reads naturally from the start.
pub fn list(
    conn: &mut DbConnection,
    agency_id: i64,
    filter: &SkillFilter,
    page: PageRequest,
) -> QueryResult<(Vec<Skill>, Option<i64>)> {
    let mut query = visible(agency_id).select(Skill::as_select());
    if let Some(q) = &filter.q {
        let pattern = contains_pattern(&normalize(q));
        let matching = skill_aliases::table
            .filter(skill_aliases::scope.eq(0).or(skill_aliases::scope.eq(agency_id)))
            .filter(skill_aliases::norm.like(pattern).escape('\\'))
            .select(skill_aliases::skill_id);
        query = query.filter(skills::id.eq_any(matching));
    }
    if let Some(category) = filter.category {
        query = query.filter(skills::category.eq(category.as_str()));
    }
    match filter.own {
        Some(true) => query = query.filter(skills::agency_id.eq(agency_id)),
        Some(false) => query = query.filter(skills::agency_id.is_null()),
        None => {}
    }
    if let Some(after) = page.before {
        query = query.filter(skills::id.gt(after));
    }
    let rows = query.order(skills::id.asc()).limit(page.limit + 1).load(conn)?;
    Ok(finish_page(rows, page, |s| s.id))
}

pub fn find(conn: &mut DbConnection, agency_id: i64, id: i64) -> QueryResult<Skill> {
    visible(agency_id).filter(skills::id.eq(id)).select(Skill::as_select()).first(conn)
}

/// The skills these names resolve to, by normalised name or alias; unknown names are absent.
pub fn resolve(conn: &mut DbConnection, agency_id: i64, names: &[String]) -> QueryResult<HashMap<String, SkillRef>> {
    let norms: Vec<String> = names.iter().map(|n| normalize(n)).collect();
    if norms.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, i64, String, String)> = skill_aliases::table
        .inner_join(skills::table)
        .filter(skill_aliases::scope.eq(0).or(skill_aliases::scope.eq(agency_id)))
        .filter(skill_aliases::norm.eq_any(&norms))
        .order(skill_aliases::scope.asc())
        .select((skill_aliases::scope, skill_aliases::norm, skills::id, skills::name, skills::category))
        .load(conn)?;
    let mut out = HashMap::new();
    for (_, norm, id, name, category) in rows {
        out.entry(norm).or_insert(SkillRef { id, name, category });
    }
    Ok(out)
}

/// The first name (by index) that means the same skill as an earlier one, with that earlier
/// index and the skill: "HL7 2.x" after "HL7 v2" is one claim made twice.
pub fn first_repeat(
    conn: &mut DbConnection,
    agency_id: i64,
    names: &[String],
) -> QueryResult<Option<(usize, usize, SkillRef)>> {
    let known = resolve(conn, agency_id, names)?;
    let mut seen = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(skill) = known.get(&normalize(name)) {
            if let Some(first) = seen.insert(skill.id, i) {
                return Ok(Some((i, first, skill.clone())));
            }
        }
    }
    Ok(None)
}

/// The ids of the skills a filter names, or `None` when one of them is unknown (the filter then
/// matches nothing).
pub fn filter_ids(conn: &mut DbConnection, agency_id: i64, names: &[String]) -> QueryResult<Option<Vec<i64>>> {
    let known = resolve(conn, agency_id, names)?;
    Ok(names.iter().map(|n| known.get(&normalize(n)).map(|s| s.id)).collect())
}

/// The names (by index) that no skill the agency can see is called, each with up to three
/// closest names it could have meant, best first.
pub fn unknown_names(
    conn: &mut DbConnection,
    agency_id: i64,
    names: &[String],
) -> QueryResult<Vec<(usize, Vec<String>)>> {
    let known = resolve(conn, agency_id, names)?;
    let unknown: Vec<usize> = (0..names.len()).filter(|&i| !known.contains_key(&normalize(&names[i]))).collect();
    if unknown.is_empty() {
        return Ok(Vec::new());
    }
    let vocabulary: Vec<(String, String)> = skill_aliases::table
        .inner_join(skills::table)
        .filter(skill_aliases::scope.eq(0).or(skill_aliases::scope.eq(agency_id)))
        .select((skill_aliases::norm, skills::name))
        .load(conn)?;
    Ok(unknown.into_iter().map(|i| (i, closest(&names[i], &vocabulary))).collect())
}

/// Resolves every name, creating an agency skill of category `custom` for a name nobody knows:
/// a recruiter's vocabulary is kept, not rejected. Runs inside a write transaction; creating
/// takes the agency's skills lock first and looks again, so two requests that bring the same
/// new name at once make one skill.
pub fn resolve_or_create(conn: &mut DbConnection, agency_id: i64, names: &[String]) -> QueryResult<Vec<SkillRef>> {
    let mut known = resolve(conn, agency_id, names)?;
    if names.iter().any(|n| !known.contains_key(&normalize(n))) {
        lock_scope(conn, Scope::Skills, agency_id)?;
        known = resolve(conn, agency_id, names)?;
    }
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let norm = normalize(name);
        if let Some(found) = known.get(&norm) {
            out.push(found.clone());
            continue;
        }
        let created =
            insert(conn, agency_id, &NewSkill { name: name.clone(), category: Category::Custom, aliases: vec![] })?;
        let skill = SkillRef { id: created.id, name: created.name, category: created.category };
        known.insert(norm, skill.clone());
        out.push(skill);
    }
    Ok(out)
}

fn insert(conn: &mut DbConnection, agency_id: i64, new: &NewSkill) -> QueryResult<Skill> {
    let skill: Skill = diesel::insert_into(skills::table)
        .values((
            skills::agency_id.eq(Some(agency_id)),
            skills::name.eq(&new.name),
            skills::category.eq(new.category.as_str()),
            skills::aliases.eq(to_json(&new.aliases)),
            skills::implies.eq("[]"),
            skills::closes.eq("[]"),
            skills::created_at.eq(now()),
        ))
        .returning(skills::all_columns)
        .get_result(conn)?;
    let rows: Vec<_> = std::iter::once(&new.name)
        .chain(&new.aliases)
        .map(|n| normalize(n))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|norm| {
            (skill_aliases::scope.eq(agency_id), skill_aliases::norm.eq(norm), skill_aliases::skill_id.eq(skill.id))
        })
        .collect();
    with_backend!(conn, |c| diesel::insert_into(skill_aliases::table).values(&rows).execute(c))?;
    changes::skills_changed(conn, agency_id)?;
    Ok(skill)
}

/// Adds an agency skill unless its name or an alias already means a skill the agency can see.
pub fn create(conn: &mut DbConnection, agency_id: i64, new: &NewSkill) -> Result<Skill, WriteError> {
    write_tx(conn, |conn| {
        lock_scope(conn, Scope::Skills, agency_id)?;
        refuse_taken(conn, agency_id, new, None)?;
        Ok(insert(conn, agency_id, new)?)
    })
}

/// A 409 when the name or an alias of `new` already means a skill the agency can see, other
/// than `this` (the skill being changed).
fn refuse_taken(conn: &mut DbConnection, agency_id: i64, new: &NewSkill, this: Option<i64>) -> Result<(), WriteError> {
    let names: Vec<String> = std::iter::once(new.name.clone()).chain(new.aliases.iter().cloned()).collect();
    let known = resolve(conn, agency_id, &names)?;
    let taken = names
        .iter()
        .enumerate()
        .find_map(|(i, n)| known.get(&normalize(n)).filter(|s| Some(s.id) != this).map(|s| (i, s)));
    match taken {
        Some((i, existing)) => {
            let field = if i == 0 { "name".to_owned() } else { format!("aliases[{}]", i - 1) };
            Err(WriteError::Conflict {
                detail: format!("{field} already means the skill \"{}\" (id {}).", existing.name, existing.id),
                existing_id: Some(existing.id),
            })
        }
        None => Ok(()),
    }
}

/// One of the agency's own skills as a draft, for a change; a skill of the curated taxonomy is
/// not the agency's to change (409, saying what `what` would have done).
pub fn own(conn: &mut DbConnection, agency_id: i64, id: i64, what: &str) -> Result<(Skill, NewSkill), WriteError> {
    let skill = find(conn, agency_id, id)?;
    if skill.agency_id.is_none() {
        return Err(WriteError::conflict(format!(
            "\"{}\" is a skill of the curated taxonomy; only the agency's own skills can be {what}.",
            skill.name
        )));
    }
    let category = Category::parse(&skill.category).unwrap_or(Category::Custom);
    let draft = NewSkill { name: skill.name.clone(), category, aliases: skill.aliases() };
    Ok((skill, draft))
}

/// Stores a changed agency skill: its name, category and aliases, and the agency's alias rows
/// (names dropped from the skill stop resolving; names merged into it earlier stay). 409 when a
/// name means another skill. Runs in the caller's transaction, under the agency's skills lock.
pub fn store(conn: &mut DbConnection, agency_id: i64, current: &Skill, new: &NewSkill) -> Result<Skill, WriteError> {
    refuse_taken(conn, agency_id, new, Some(current.id))?;
    let norms = |name: &String, aliases: &[String]| -> std::collections::BTreeSet<String> {
        std::iter::once(name).chain(aliases).map(|n| normalize(n)).collect()
    };
    let before = norms(&current.name, &current.aliases());
    let after = norms(&new.name, &new.aliases);
    let dropped: Vec<&String> = before.difference(&after).collect();
    diesel::delete(
        skill_aliases::table
            .filter(skill_aliases::scope.eq(agency_id))
            .filter(skill_aliases::skill_id.eq(current.id))
            .filter(skill_aliases::norm.eq_any(dropped)),
    )
    .execute(conn)?;
    let held: Vec<String> = skill_aliases::table
        .filter(skill_aliases::scope.eq(agency_id))
        .filter(skill_aliases::skill_id.eq(current.id))
        .select(skill_aliases::norm)
        .load(conn)?;
    let rows: Vec<_> = after
        .iter()
        .filter(|norm| !held.contains(norm))
        .map(|norm| {
            (skill_aliases::scope.eq(agency_id), skill_aliases::norm.eq(norm), skill_aliases::skill_id.eq(current.id))
        })
        .collect();
    if !rows.is_empty() {
        with_backend!(conn, |c| diesel::insert_into(skill_aliases::table).values(&rows).execute(c))?;
    }
    let skill = diesel::update(skills::table.filter(skills::id.eq(current.id)).filter(skills::agency_id.eq(agency_id)))
        .set((
            skills::name.eq(&new.name),
            skills::category.eq(new.category.as_str()),
            skills::aliases.eq(to_json(&new.aliases)),
        ))
        .returning(skills::all_columns)
        .get_result(conn)?;
    changes::skills_changed(conn, agency_id)?;
    Ok(skill)
}

/// The skills with these ids, by id, for showing a page of candidates or job orders.
pub fn names_by_id(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, SkillRef>> {
    // A page of candidates names each common skill many times: each is asked for once, and in
    // batches, so a large page (an export reads 500 candidates of up to 200 skills) stays under
    // the bound-parameter limits (32766 on SQLite, 65535 on PostgreSQL).
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut names = HashMap::with_capacity(ids.len());
    for batch in ids.chunks(10_000) {
        let rows: Vec<(i64, String, String)> = skills::table
            .filter(skills::id.eq_any(batch))
            .select((skills::id, skills::name, skills::category))
            .load(conn)?;
        names.extend(rows.into_iter().map(|(id, name, category)| (id, SkillRef { id, name, category })));
    }
    Ok(names)
}

/// Deletes one of the agency's own skills that nothing uses (no candidate, job order or rate card
/// entry names it): a mistake is undone without leaving a dangling reference. A skill of the
/// curated taxonomy is not the agency's to delete (409). A write that starts using the skill at
/// the same moment makes the delete fail on its reference (409), never half-done.
pub fn delete(conn: &mut DbConnection, agency_id: i64, id: i64) -> Result<(), WriteError> {
    write_tx(conn, |conn| {
        lock_scope(conn, Scope::Skills, agency_id)?;
        let (skill, _) = own(conn, agency_id, id, "deleted")?;
        let on_candidates: i64 =
            candidate_skills::table.filter(candidate_skills::skill_id.eq(id)).count().get_result(conn)?;
        let on_job_orders: i64 =
            job_order_skills::table.filter(job_order_skills::skill_id.eq(id)).count().get_result(conn)?;
        let on_rate_card: i64 =
            rate_card_entries::table.filter(rate_card_entries::skill_id.eq(id)).count().get_result(conn)?;
        if on_candidates + on_job_orders + on_rate_card > 0 {
            return Err(WriteError::conflict(format!(
                "\"{}\" is in use: {on_candidates} candidate skill(s), {on_job_orders} job order skill(s), \
                 {on_rate_card} rate card entr(ies) name it. Change those first.",
                skill.name
            )));
        }
        diesel::delete(skills::table.filter(skills::id.eq(id)).filter(skills::agency_id.eq(agency_id)))
            .execute(conn)?;
        changes::skills_changed(conn, agency_id)?;
        Ok(())
    })
}

/// Makes the agency's names of skill `from` its aliases of skill `to` (listed among `to`'s
/// aliases too when `to` is the agency's own), then deletes `from` (nothing may name it any more).
pub fn fold_into(conn: &mut DbConnection, agency_id: i64, from: &Skill, to: i64) -> QueryResult<()> {
    diesel::update(
        skill_aliases::table.filter(skill_aliases::scope.eq(agency_id)).filter(skill_aliases::skill_id.eq(from.id)),
    )
    .set(skill_aliases::skill_id.eq(to))
    .execute(conn)?;
    let target = find(conn, agency_id, to)?;
    if target.agency_id == Some(agency_id) {
        let mut aliases = target.aliases();
        for name in std::iter::once(from.name.clone()).chain(from.aliases()) {
            let norm = normalize(&name);
            if norm != normalize(&target.name) && !aliases.iter().any(|a| normalize(a) == norm) {
                aliases.push(name);
            }
        }
        diesel::update(skills::table.find(to)).set(skills::aliases.eq(to_json(&aliases))).execute(conn)?;
    }
    diesel::delete(skills::table.filter(skills::id.eq(from.id)).filter(skills::agency_id.eq(agency_id)))
        .execute(conn)?;
    changes::skills_changed(conn, agency_id)
}
