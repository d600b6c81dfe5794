-- Staffing economics: markups (the agency's default, a client's, a job order's), placements at
-- a pay and a bill rate with planned step-ups, and what the taxonomy knows of certifications.

-- A markup is kept exactly, in hundredths of a percent: 30% is 3000. NULL on a client or a job
-- order means "inherit".
ALTER TABLE agencies ADD COLUMN default_markup_bp INTEGER NOT NULL DEFAULT 3000;
ALTER TABLE agencies ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE agencies ADD COLUMN updated_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE agencies SET updated_at = created_at;
ALTER TABLE clients ADD COLUMN markup_bp INTEGER;
ALTER TABLE job_orders ADD COLUMN markup_bp INTEGER;

-- A candidate placed on a job order: one per shortlist entry that reached "placed".
CREATE TABLE placements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    job_order_id BIGINT NOT NULL REFERENCES job_orders(id) ON DELETE CASCADE,
    candidate_id BIGINT NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    pay_rate_cents BIGINT NOT NULL,
    bill_rate_cents BIGINT NOT NULL,
    -- The job order's budget (a bill rate) when the candidate was placed.
    budget_cents BIGINT,
    start_date DATE NOT NULL,
    end_date DATE,
    -- JSON: [{"after_months", "pay_rate_cents", "bill_rate_cents"}], in order.
    step_ups TEXT NOT NULL,
    placed_by BIGINT REFERENCES users(id),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (job_order_id, candidate_id)
);
CREATE INDEX placements_agency ON placements(agency_id, id);
CREATE INDEX placements_candidate ON placements(candidate_id);

-- Certifications: whether one can still be earned (retired ones, with the year when known), and
-- the way to it: an exam anyone may sit, an employer's sponsorship, healthcare experience first
-- (with the months), a training program, a degree or a license. NULL for other skills.
ALTER TABLE skills ADD COLUMN cert_status TEXT;
ALTER TABLE skills ADD COLUMN retired_year INTEGER;
ALTER TABLE skills ADD COLUMN cert_pathway TEXT;
ALTER TABLE skills ADD COLUMN cert_healthcare_months INTEGER;
