//! Cleaning up the agency's own skills: a mistaken or duplicate skill is merged into the one it
//! should have been, everywhere it is used, in one transaction.

use super::Error;
use crate::db::models::skills::{self, Skill};
use crate::db::models::{candidates, job_orders, rate_card, Versioned};
use crate::db::{lock, lock_scope, search, write_tx, DbConnection, Lock, Scope, Table, WriteError};
use crate::domain::skills::normalize;

/// Merges the agency skill `source_id` into the skill `into` names (by name or alias): every
/// candidate and job order that names it names the target instead (one entry when they name
/// both; each a new version, so ETags and the match index follow), its rate card entry moves to
/// the target, and its names become the agency's aliases of the target, so the old spelling
/// keeps resolving. Then the source is gone. Answers the target.
pub fn merge(conn: &mut DbConnection, agency_id: i64, source_id: i64, into: &str) -> Result<Skill, Error> {
    write_tx(conn, |conn| {
        lock_scope(conn, Scope::Skills, agency_id)?;
        let source = skills::find(conn, agency_id, source_id)?;
        if source.agency_id.is_none() {
            return Err(WriteError::conflict(format!(
                "\"{}\" is a skill of the curated taxonomy; only the agency's own skills can be merged away.",
                source.name
            ))
            .into());
        }
        let target = skills::resolve(conn, agency_id, &[into.to_owned()])?
            .remove(&normalize(into))
            .ok_or_else(|| WriteError::invalid("into", "is not a known skill or alias (see GET /api/v1/skills)"))?;
        if target.id == source.id {
            return Err(WriteError::invalid("into", "is the skill being merged").into());
        }
        for id in candidates::holding(conn, agency_id, source.id)? {
            lock(conn, Table::Candidates, agency_id, id, Lock::Update)?;
            let current = candidates::find(conn, agency_id, id)?;
            let mut draft = current.to_draft();
            let holds_target = draft.skills.iter().any(|c| c.name == target.name);
            replace(&mut draft.skills, |c| &mut c.name, &source.name, &target.name, holds_target);
            let saved = candidates::write(conn, &current, &draft, current.row.current_resume_id)?;
            search::refresh(conn, agency_id, saved.row.id)?;
        }
        for id in job_orders::naming(conn, agency_id, source.id)? {
            lock(conn, Table::JobOrders, agency_id, id, Lock::Update)?;
            let current = job_orders::find(conn, agency_id, id)?;
            let mut draft = current.to_draft();
            let holds_target =
                draft.required_skills.iter().chain(&draft.nice_to_have_skills).any(|n| n.name == target.name);
            for list in [&mut draft.required_skills, &mut draft.nice_to_have_skills] {
                replace(list, |n| &mut n.name, &source.name, &target.name, holds_target);
            }
            current.store(conn, &draft)?;
        }
        rate_card::repoint(conn, agency_id, source.id, target.id)?;
        skills::fold_into(conn, agency_id, source.id, target.id)?;
        Ok(skills::find(conn, agency_id, target.id)?)
    })
}

/// Names `to` wherever `list` names `from`; or, when the record already names `to`
/// (`holds_target`), drops `from`, so the target is named once.
fn replace<T>(list: &mut Vec<T>, name: impl Fn(&mut T) -> &mut String, from: &str, to: &str, holds_target: bool) {
    if holds_target {
        list.retain_mut(|item| name(item) != from);
    } else {
        list.iter_mut().map(name).filter(|n| *n == from).for_each(|n| *n = to.to_owned());
    }
}
