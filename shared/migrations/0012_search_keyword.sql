-- The search an export grouped a job under (an envelope's `keyword`, `query`, …: see
-- `ingest::json_rows`), when the export says. NULL for jobs from exports that do not group them,
-- and for jobs stored before this migration.
ALTER TABLE jobs ADD COLUMN search_keyword text;
