-- Full-text search: one row per candidate holding its profile (weight A) and its current résumé
-- (weight D) as a tsvector the service has already tokenized (src/search).
CREATE TABLE candidate_search (
    candidate_id BIGINT PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
    document TSVECTOR NOT NULL
);
CREATE INDEX candidate_search_document ON candidate_search USING GIN (document);
