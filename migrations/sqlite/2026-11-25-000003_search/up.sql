-- Full-text search: one row per candidate (rowid = candidate id) holding its profile and its
-- current résumé as tokens the service has already made (src/search), so the ascii tokenizer
-- only has to split at the spaces between them. Contentless: the text lives in its own tables.
CREATE VIRTUAL TABLE candidate_search USING fts5(
    profile,
    resume,
    content = '',
    contentless_delete = 1,
    tokenize = 'ascii'
);

CREATE TRIGGER candidate_search_forget AFTER DELETE ON candidates BEGIN
    DELETE FROM candidate_search WHERE rowid = old.id;
END;
