-- Every write, who made it and which fields it touched (names only, never values), written in
-- the transaction of the write.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    -- "user" or "api_key", with actor_id.
    actor_kind TEXT NOT NULL,
    actor_id BIGINT,
    resource TEXT NOT NULL,
    resource_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    -- JSON array of field names.
    fields TEXT NOT NULL,
    request_id TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_agency ON audit_events(agency_id, id);
CREATE INDEX audit_events_resource ON audit_events(agency_id, resource, resource_id, id);
CREATE INDEX audit_events_at ON audit_events(at);

-- Where the agency's tools want to hear of changes.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    url TEXT NOT NULL,
    description TEXT,
    -- JSON array of event types.
    events TEXT NOT NULL,
    -- "whsec_" + base64 of 32 random bytes; the key of the HMAC signatures.
    secret TEXT NOT NULL,
    -- Set after repeated failed attempts in a row, cleared by a success or a change: a flag for
    -- the admin; deliveries go on following their schedule.
    failing_since TIMESTAMP,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_endpoints_agency ON webhook_endpoints(agency_id, id);

-- The outbox: an event is written in the transaction of the change it reports, with one
-- delivery per endpoint subscribed to it at that moment.
CREATE TABLE outbox_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    event_type TEXT NOT NULL,
    -- "candidate:12": deliveries of one resource go out in event order.
    resource_key TEXT NOT NULL,
    -- The JSON body sent, as sent.
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_events_agency ON outbox_events(agency_id, id);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES outbox_events(id),
    resource_key TEXT NOT NULL,
    -- pending, delivered, failed (gave up)
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- Claimed by an instance until then; an instance that dies leaves it to another.
    locked_until TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    last_latency_ms INTEGER,
    last_attempt_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries(endpoint_id, resource_key, id);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id);
