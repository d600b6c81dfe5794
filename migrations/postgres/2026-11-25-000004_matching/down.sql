DROP TABLE shortlist_events;
DROP TABLE shortlist_entries;
DROP TABLE rate_card_entries;
DROP TABLE candidate_tombstones;
DROP INDEX candidates_agency_change;
ALTER TABLE candidates DROP COLUMN change_seq;
ALTER TABLE agencies DROP COLUMN change_seq;
