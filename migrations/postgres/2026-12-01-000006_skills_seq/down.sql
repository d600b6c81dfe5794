ALTER TABLE agencies DROP COLUMN skills_seq;
