-- Standing match alerts: a job order with alerts on tells the agency's webhooks when a
-- candidate newly matches it (at or above its minimum score, if any).
ALTER TABLE job_orders ADD COLUMN alerts BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE job_orders ADD COLUMN alert_min_score_tenths INTEGER;

-- The candidates each alerting job order has already been told about; a candidate who stops
-- matching leaves, so matching again alerts again.
CREATE TABLE match_alerts (
    job_order_id BIGINT NOT NULL REFERENCES job_orders(id) ON DELETE CASCADE,
    candidate_id BIGINT NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    score_tenths INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (job_order_id, candidate_id)
);
CREATE INDEX match_alerts_candidate ON match_alerts(candidate_id);
CREATE INDEX job_orders_alerting ON job_orders(agency_id, alerts, status);
