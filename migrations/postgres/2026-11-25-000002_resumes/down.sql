ALTER TABLE candidates DROP COLUMN current_resume_id;
DROP TABLE resumes;
