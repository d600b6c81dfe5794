//! The match index: per agency, every candidate as a compact [`Profile`] in memory, so a match
//! is one pass over memory instead of a join over the whole candidate table.
//!
//! It never serves stale data. Each match first reads the agency's change sequence (one indexed
//! query, see `db::changes`); when it moved, the candidates stamped with a later number and the
//! tombstones of deleted ones are read in one consistent snapshot and applied before answering.
//! Other instances' writes are seen the same way, so any number of instances can share a
//! database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};

use diesel::QueryResult;

use crate::db::models::profiles::{self, CandidateProfile};
use crate::db::{changes, read_snapshot, DbConnection};
use crate::domain::candidate::{mentions_healthcare_training, SignalKind};
use crate::domain::matching::catalog::Catalog;
use crate::domain::matching::{region_of, Held, Profile};

/// One agency's candidates, as of change number `seq`.
#[derive(Debug, Default)]
pub struct AgencyIndex {
    /// The change number everything here reflects; `None` before the first load.
    seq: Option<i64>,
    /// Sorted by id.
    profiles: Vec<Profile>,
    catalog: Catalog,
    /// What the catalog was built from: the highest skill id and the agency's last skill change.
    catalog_stamp: Option<(i64, i64)>,
}

impl AgencyIndex {
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The profile of this candidate, if indexed.
    pub fn profile(&self, id: i64) -> Option<&Profile> {
        self.profiles.binary_search_by_key(&id, |p| p.id).ok().map(|i| &self.profiles[i])
    }

    fn upsert(&mut self, profile: Profile) {
        match self.profiles.binary_search_by_key(&profile.id, |p| p.id) {
            Ok(i) => self.profiles[i] = profile,
            Err(i) => self.profiles.insert(i, profile),
        }
    }

    fn remove(&mut self, id: i64) {
        if let Ok(i) = self.profiles.binary_search_by_key(&id, |p| p.id) {
            self.profiles.remove(i);
        }
    }

    /// Reads what changed after `self.seq` and applies it, in one read-only snapshot.
    fn catch_up(&mut self, conn: &mut DbConnection, agency_id: i64) -> QueryResult<()> {
        let since = self.seq;
        read_snapshot(conn, |conn| {
            let seq = changes::current(conn, agency_id)?;
            let stamp = (profiles::latest_skill_id(conn, agency_id)?, changes::skills_seq(conn, agency_id)?);
            if self.catalog_stamp != Some(stamp) {
                self.catalog = Catalog::build(profiles::skills(conn, agency_id)?);
                self.catalog_stamp = Some(stamp);
            }
            // Applied a chunk at a time, so a first load holds one chunk of rows at most.
            profiles::changed_since(conn, agency_id, since, |chunk| {
                let built: Vec<Profile> = chunk.into_iter().map(|c| profile(c, &self.catalog)).collect();
                for p in built {
                    self.upsert(p);
                }
            })?;
            for id in profiles::deleted_since(conn, agency_id, since)? {
                self.remove(id);
            }
            self.seq = Some(seq);
            Ok(())
        })
    }
}

/// The profile ranking reads, with the skills implied by those held added (at the years of the
/// skill that implies them, the most when several do).
fn profile(c: CandidateProfile, catalog: &Catalog) -> Profile {
    let mut skills = c.skills;
    let implied: Vec<Held> = skills
        .iter()
        .flat_map(|h| catalog.implies(h.skill).iter().map(move |&skill| Held { skill, years: h.years }))
        .collect();
    skills.extend(implied);
    // Per skill, the most years (Some beats None) first: `Skills` keeps the first of each.
    skills.sort_unstable_by(|a, b| a.skill.cmp(&b.skill).then(b.years.cmp(&a.years)));
    // What a recruiter typed counts as much as what a résumé said: a held healthcare
    // certification, or healthcare-IT training, among the certifications.
    let certifications: Box<[u32]> = c.certifications.iter().filter_map(|name| catalog.find(name)).collect();
    let mut signals: crate::domain::matching::Signals = c.signals.into_iter().collect();
    let holds_healthcare_certification =
        certifications.iter().chain(skills.iter().map(|h| &h.skill)).any(|&s| catalog.is_healthcare_certification(s));
    if holds_healthcare_certification {
        signals = signals.with(SignalKind::HealthcareCertification);
    }
    if c.certifications.iter().any(|text| mentions_healthcare_training(text)) {
        signals = signals.with(SignalKind::HealthcareTraining);
    }
    Profile {
        id: c.id,
        status: c.status,
        remote_ok: c.remote_ok,
        region: c.location.as_deref().and_then(region_of),
        it_months: c.it_experience_months.unwrap_or(0),
        healthcare_months: c.healthcare_experience_months.unwrap_or(0),
        min_rate_cents: c.min_rate_cents,
        desired_rate_cents: c.desired_rate_cents,
        signals,
        skills: skills.into(),
        certifications,
    }
}

/// One agency's index and when a match last used it.
struct Slot {
    index: Arc<RwLock<AgencyIndex>>,
    used: Instant,
}

/// The indexes of the agencies matched recently; one idle for longer than `idle` is dropped
/// (and reloaded by its next match), so memory follows the agencies in use.
/// Cloning it is cheap and shares the same indexes.
#[derive(Clone)]
pub struct MatchIndex {
    agencies: Arc<Mutex<HashMap<i64, Slot>>>,
    idle: Duration,
}

impl MatchIndex {
    pub fn new(idle: Duration) -> MatchIndex {
        MatchIndex { agencies: Arc::new(Mutex::new(HashMap::new())), idle }
    }

    /// The agency's index, marked as used now, after dropping the ones idle too long that no
    /// match is reading.
    fn slot(&self, agency_id: i64, now: Instant) -> Arc<RwLock<AgencyIndex>> {
        let mut agencies = self.agencies.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        agencies.retain(|id, slot| {
            *id == agency_id || now.duration_since(slot.used) <= self.idle || Arc::strong_count(&slot.index) > 1
        });
        let slot = agencies.entry(agency_id).or_insert_with(|| Slot { index: Arc::default(), used: now });
        slot.used = now;
        slot.index.clone()
    }

    /// How many agencies are held in memory.
    pub fn agencies_held(&self) -> usize {
        self.agencies.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }
}

/// A read view of one agency's index, up to date as of the moment it was taken.
pub struct Fresh {
    index: Arc<RwLock<AgencyIndex>>,
}

impl Fresh {
    pub fn read(&self) -> RwLockReadGuard<'_, AgencyIndex> {
        self.index.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl MatchIndex {
    /// The agency's index with every change committed before this call applied.
    pub fn fresh(&self, conn: &mut DbConnection, agency_id: i64) -> QueryResult<Fresh> {
        let index = self.slot(agency_id, Instant::now());
        let seq = changes::current(conn, agency_id)?;
        let behind = |i: &AgencyIndex| i.seq.is_none_or(|s| s < seq);
        let stale = behind(&index.read().unwrap_or_else(|poisoned| poisoned.into_inner()));
        if stale {
            let mut writable = index.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            // Another request may have caught up while this one waited for the lock.
            if behind(&writable) {
                writable.catch_up(conn, agency_id)?;
            }
        }
        Ok(Fresh { index })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_agencies_are_dropped_unless_in_use() {
        let index = MatchIndex::new(Duration::from_secs(60));
        let start = Instant::now();
        index.slot(1, start);
        let held = index.slot(2, start);
        index.slot(3, start + Duration::from_secs(30));
        assert_eq!(index.agencies_held(), 3);
        index.slot(3, start + Duration::from_secs(61));
        assert_eq!(index.agencies_held(), 2, "agency 1 went idle; agency 2 is still being read");
        drop(held);
        index.slot(3, start + Duration::from_secs(62));
        assert_eq!(index.agencies_held(), 1);
    }
}
