DROP TABLE match_alerts;
DROP INDEX job_orders_alerting;
ALTER TABLE job_orders DROP COLUMN alert_min_score_tenths;
ALTER TABLE job_orders DROP COLUMN alerts;
