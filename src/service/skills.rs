//! Cleaning up the agency's own skills: a mistaken skill is renamed, or merged into the one it
//! should have been, everywhere it is used, in one transaction.

use serde_json::json;

use super::journal::Journal;
use super::Error;
use crate::db::models::candidates::{self, Candidate};
use crate::db::models::job_orders::{self, JobOrder};
use crate::db::models::skills::{self, Skill};
use crate::db::models::{rate_card, Versioned};
use crate::db::{lock, lock_scope, search, write_tx, DbConnection, Lock, Scope, Table, WriteError};
use crate::domain::candidate::CandidateDraft;
use crate::domain::job_order::JobOrderDraft;
use crate::domain::skills::{normalize, SkillPatch};

/// Changes one of the agency's own skills (name, category, aliases). When the name changes,
/// every candidate and job order that names it is written again through its write protocol (a
/// new version, so ETags, search documents and the match index show the new name), and its
/// rate card entry gets a new version. 409 for a skill of the curated taxonomy or a name that
/// means another skill.
pub fn update(
    conn: &mut DbConnection,
    journal: &mut Journal,
    agency_id: i64,
    id: i64,
    patch: SkillPatch,
) -> Result<Skill, Error> {
    write_tx(conn, |conn| {
        lock_scope(conn, Scope::Skills, agency_id)?;
        let (current, draft) = skills::own(conn, agency_id, id, "renamed or changed")?;
        let changed = patch.clone().apply(draft.clone()).map_err(WriteError::from)?;
        if changed == draft {
            return Ok(current);
        }
        let skill = skills::store(conn, agency_id, &current, &changed)?;
        let mut fields = Vec::new();
        for (field, differs) in [
            ("name", changed.name != draft.name),
            ("category", changed.category != draft.category),
            ("aliases", changed.aliases != draft.aliases),
        ] {
            if differs {
                fields.push(field);
            }
        }
        journal.other("skill", id, "updated", &fields);
        if skill.name != current.name {
            rewrite_holders(conn, journal, agency_id, id, |_| {}, |_| {})?;
            rate_card::skill_renamed(conn, agency_id, id)?;
        }
        Ok(skill)
    })
}

/// Merges the agency skill `source_id` into the skill `into` names (by name or alias): every
/// candidate and job order that names it names the target instead (one entry when they name
/// both; each a new version, so ETags and the match index follow), its rate card entry moves to
/// the target, and its names become the agency's aliases of the target, so the old spelling
/// keeps resolving. Then the source is gone. Answers the target.
pub fn merge(
    conn: &mut DbConnection,
    journal: &mut Journal,
    agency_id: i64,
    source_id: i64,
    into: &str,
) -> Result<Skill, Error> {
    write_tx(conn, |conn| {
        lock_scope(conn, Scope::Skills, agency_id)?;
        let (source, _) = skills::own(conn, agency_id, source_id, "merged away")?;
        let target = skills::resolve(conn, agency_id, &[into.to_owned()])?
            .remove(&normalize(into))
            .ok_or_else(|| WriteError::invalid("into", "is not a known skill or alias (see GET /api/v1/skills)"))?;
        if target.id == source.id {
            return Err(WriteError::invalid("into", "is the skill being merged").into());
        }
        let (from, to) = (source.name.as_str(), target.name.as_str());
        rewrite_holders(
            conn,
            journal,
            agency_id,
            source.id,
            |draft| {
                let holds_target = draft.skills.iter().any(|c| c.name == to);
                replace(&mut draft.skills, |c| &mut c.name, from, to, holds_target);
            },
            |draft| {
                let holds_target = draft.required_skills.iter().chain(&draft.nice_to_have_skills).any(|n| n.name == to);
                for list in [&mut draft.required_skills, &mut draft.nice_to_have_skills] {
                    replace(list, |n| &mut n.name, from, to, holds_target);
                }
            },
        )?;
        rate_card::repoint(conn, agency_id, source.id, target.id)?;
        skills::fold_into(conn, agency_id, &source, target.id)?;
        journal.other("skill", source.id, "merged", &[]);
        journal.other("skill", target.id, "updated", &["aliases"]);
        Ok(skills::find(conn, agency_id, target.id)?)
    })
}

/// Writes every candidate and job order of the agency that names skill `id` again, each edited
/// by its function first, through their write protocol. Their rows are locked in id order before
/// any is written.
fn rewrite_holders(
    conn: &mut DbConnection,
    journal: &mut Journal,
    agency_id: i64,
    id: i64,
    mut edit_candidate: impl FnMut(&mut CandidateDraft),
    mut edit_job_order: impl FnMut(&mut JobOrderDraft),
) -> Result<(), WriteError> {
    let holders = candidates::holding(conn, agency_id, id)?;
    let orders = job_orders::naming(conn, agency_id, id)?;
    for &id in &holders {
        lock(conn, Table::Candidates, agency_id, id, Lock::Update)?;
    }
    for &id in &orders {
        lock(conn, Table::JobOrders, agency_id, id, Lock::Update)?;
    }
    for id in holders {
        let current: Candidate = candidates::find(conn, agency_id, id)?;
        let mut draft = current.to_draft();
        edit_candidate(&mut draft);
        let saved = candidates::write(conn, &current, &draft, current.row.current_resume_id)?;
        search::refresh(conn, agency_id, saved.row.id)?;
        journal.other("candidate", id, "updated", &["skills"]);
        journal.event("candidate.updated", "candidate", id, json!({"id": id.to_string(), "changed": ["skills"]}));
    }
    for id in orders {
        let current: JobOrder = job_orders::find(conn, agency_id, id)?;
        let mut draft = current.to_draft();
        edit_job_order(&mut draft);
        current.store(conn, &draft)?;
        let changed = ["nice_to_have_skills", "required_skills"];
        journal.other("job_order", id, "updated", &changed);
        journal.event("job_order.updated", "job_order", id, json!({"id": id.to_string(), "changed": changed}));
    }
    Ok(())
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
