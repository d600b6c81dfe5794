-- Foundation: tenants, accounts, sessions, skill taxonomy, candidates, clients, job orders.
CREATE TABLE agencies (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    token_version INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_agency ON users(agency_id, id);

CREATE TABLE refresh_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    family TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family);
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);

CREATE TABLE login_attempts (
    email TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

CREATE TABLE app_meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE skills (
    id BIGSERIAL PRIMARY KEY,
    agency_id BIGINT REFERENCES agencies(id),
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    aliases TEXT NOT NULL,
    implies TEXT NOT NULL,
    closes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX skills_agency ON skills(agency_id, id);

-- Every way a skill can be written, normalised; scope 0 is the shipped taxonomy, else an agency id.
CREATE TABLE skill_aliases (
    scope BIGINT NOT NULL,
    norm TEXT NOT NULL,
    skill_id BIGINT NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
    PRIMARY KEY (scope, norm)
);
CREATE INDEX skill_aliases_skill ON skill_aliases(skill_id);

CREATE TABLE candidates (
    id BIGSERIAL PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    full_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    location TEXT,
    remote_ok BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    headline TEXT,
    certifications TEXT NOT NULL,
    crossover_signals TEXT NOT NULL,
    it_experience_months INTEGER,
    healthcare_experience_months INTEGER,
    desired_rate_cents BIGINT,
    min_rate_cents BIGINT,
    available_from DATE,
    tags TEXT NOT NULL,
    tags_norm TEXT NOT NULL,
    notes TEXT,
    search_text TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX candidates_agency ON candidates(agency_id, id);
CREATE INDEX candidates_agency_status ON candidates(agency_id, status, id);

CREATE TABLE candidate_skills (
    candidate_id BIGINT NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    skill_id BIGINT NOT NULL REFERENCES skills(id),
    position INTEGER NOT NULL,
    years INTEGER,
    level TEXT,
    PRIMARY KEY (candidate_id, skill_id)
);
CREATE INDEX candidate_skills_skill ON candidate_skills(skill_id, candidate_id);

CREATE TABLE clients (
    id BIGSERIAL PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    sector TEXT NOT NULL,
    location TEXT,
    max_rate_cents BIGINT,
    contact_name TEXT,
    contact_email TEXT,
    notes TEXT,
    search_text TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX clients_agency ON clients(agency_id, id);

CREATE TABLE job_orders (
    id BIGSERIAL PRIMARY KEY,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    title TEXT NOT NULL,
    description TEXT,
    max_rate_cents BIGINT,
    location TEXT,
    remote BOOLEAN NOT NULL,
    duration_months INTEGER,
    status TEXT NOT NULL,
    search_text TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX job_orders_agency ON job_orders(agency_id, id);
CREATE INDEX job_orders_client ON job_orders(client_id);

CREATE TABLE job_order_skills (
    job_order_id BIGINT NOT NULL REFERENCES job_orders(id) ON DELETE CASCADE,
    skill_id BIGINT NOT NULL REFERENCES skills(id),
    required BOOLEAN NOT NULL,
    position INTEGER NOT NULL,
    weight INTEGER NOT NULL,
    min_years INTEGER NOT NULL,
    PRIMARY KEY (job_order_id, skill_id)
);
CREATE INDEX job_order_skills_skill ON job_order_skills(skill_id, job_order_id);
