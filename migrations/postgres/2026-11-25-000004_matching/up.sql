-- Matching: a per-agency change sequence that the in-memory match index follows, the agency's
-- rate card, and job-order shortlists with their history.

-- Every candidate write bumps its agency's sequence inside the writing transaction and stamps the
-- candidate with it; deletes leave a tombstone with theirs. A reader that knows the sequence it
-- has seen can fetch exactly what changed since.
ALTER TABLE agencies ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE candidates ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX candidates_agency_change ON candidates(agency_id, change_seq);

CREATE TABLE candidate_tombstones (
    candidate_id BIGINT PRIMARY KEY NOT NULL,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    change_seq BIGINT NOT NULL
);
CREATE INDEX candidate_tombstones_agency_change ON candidate_tombstones(agency_id, change_seq);

-- What experienced and entry-level people cost, per skill or per role family; the market
-- estimate falls back to it when the agency's own candidates are too few.
CREATE TABLE rate_card_entries (
    id BIGSERIAL PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    skill_id BIGINT REFERENCES skills(id),
    role_family TEXT,
    -- "skill:<id>" or "family:<normalised name>": one entry per skill or family.
    subject_key TEXT NOT NULL,
    experienced_rate_cents BIGINT NOT NULL,
    entry_rate_cents BIGINT,
    notes TEXT,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, subject_key)
);

CREATE TABLE shortlist_entries (
    id BIGSERIAL PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    job_order_id BIGINT NOT NULL REFERENCES job_orders(id) ON DELETE CASCADE,
    candidate_id BIGINT NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (job_order_id, candidate_id)
);
CREATE INDEX shortlist_entries_agency ON shortlist_entries(agency_id, job_order_id, id);
CREATE INDEX shortlist_entries_candidate ON shortlist_entries(candidate_id);

CREATE TABLE shortlist_events (
    id BIGSERIAL PRIMARY KEY,
    entry_id BIGINT NOT NULL REFERENCES shortlist_entries(id) ON DELETE CASCADE,
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    note TEXT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX shortlist_events_entry ON shortlist_events(entry_id, id);
