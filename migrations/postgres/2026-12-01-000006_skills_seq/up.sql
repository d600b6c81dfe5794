-- The change number of the agency's last skill change (a skill added, renamed, merged away or
-- deleted): a match index built before it rebuilds its skill catalog.
ALTER TABLE agencies ADD COLUMN skills_seq BIGINT NOT NULL DEFAULT 0;
