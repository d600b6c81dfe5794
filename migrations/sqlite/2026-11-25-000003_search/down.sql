DROP TRIGGER candidate_search_forget;
DROP TABLE candidate_search;
DELETE FROM app_meta WHERE key = 'search_index_version';
