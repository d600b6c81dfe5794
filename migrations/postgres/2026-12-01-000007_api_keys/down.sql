ALTER TABLE shortlist_events DROP COLUMN api_key_id;
DELETE FROM shortlist_events WHERE user_id IS NULL;
ALTER TABLE shortlist_events ALTER COLUMN user_id SET NOT NULL;
DROP TABLE api_keys;
