ALTER TABLE skills DROP COLUMN sponsorship_required;
ALTER TABLE skills DROP COLUMN retired_year;
ALTER TABLE skills DROP COLUMN cert_status;
DROP TABLE placements;
ALTER TABLE job_orders DROP COLUMN markup_bp;
ALTER TABLE clients DROP COLUMN markup_bp;
ALTER TABLE agencies DROP COLUMN updated_at;
ALTER TABLE agencies DROP COLUMN version;
ALTER TABLE agencies DROP COLUMN default_markup_bp;
