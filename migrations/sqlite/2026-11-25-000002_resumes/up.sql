-- Résumés: the original file byte for byte, its hash, the text read from it and what the
-- extractor made of that text.
CREATE TABLE resumes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    candidate_id BIGINT NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    filename TEXT NOT NULL,
    format TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    text TEXT,
    extraction TEXT,
    extractor_version TEXT,
    status TEXT NOT NULL,
    status_detail TEXT,
    uploaded_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    parsed_at TIMESTAMP,
    UNIQUE (candidate_id, sha256),
    UNIQUE (candidate_id, version)
);
CREATE INDEX resumes_agency ON resumes(agency_id, id);

ALTER TABLE candidates ADD COLUMN current_resume_id BIGINT REFERENCES resumes(id) ON DELETE SET NULL;
