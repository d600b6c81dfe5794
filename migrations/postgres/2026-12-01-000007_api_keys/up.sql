-- Keys for the agency's tools. Only a SHA-256 hash of the secret is kept: a key is 32 random
-- bytes, so a fast hash is enough (there is nothing to guess), and every request can look its
-- key up by hash in one indexed read.
CREATE TABLE api_keys (
    id BIGSERIAL PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    -- The first characters of the secret, shown so people can tell keys apart.
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    -- JSON array: "read", "write", "admin", "matches:read".
    scopes TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_keys_agency ON api_keys(agency_id, id);

-- A shortlist move is made by a person or by a key acting for the agency.
ALTER TABLE shortlist_events ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE shortlist_events ADD COLUMN api_key_id BIGINT REFERENCES api_keys(id);
