CREATE TABLE shortlist_events_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id BIGINT NOT NULL REFERENCES shortlist_entries(id) ON DELETE CASCADE,
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    note TEXT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    at TIMESTAMP NOT NULL
);
INSERT INTO shortlist_events_old (id, entry_id, from_stage, to_stage, note, user_id, at)
    SELECT id, entry_id, from_stage, to_stage, note, user_id, at FROM shortlist_events WHERE user_id IS NOT NULL;
DROP TABLE shortlist_events;
ALTER TABLE shortlist_events_old RENAME TO shortlist_events;
CREATE INDEX shortlist_events_entry ON shortlist_events(entry_id, id);
DROP TABLE api_keys;
