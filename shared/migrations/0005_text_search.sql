-- Text search in rankings (`q`): trigram indexes let `ILIKE '%text%'` find candidates without
-- reading every description. pg_trgm ships with Postgres (RDS and Supabase allow it); where it
-- cannot be created, search still works, only slower.
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN insufficient_privilege OR undefined_file THEN
        RAISE NOTICE 'pg_trgm is not available: text search will scan';
    END;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX IF NOT EXISTS jobs_title_trgm_idx ON jobs USING gin (title gin_trgm_ops)';
        EXECUTE 'CREATE INDEX IF NOT EXISTS jobs_description_trgm_idx ON jobs USING gin (description gin_trgm_ops)';
    END IF;
END
$$;
