-- Text search in rankings (`q`) by Postgres full-text search instead of `ILIKE '%…%'`.
--
-- Each job's words (title weighted A, skills B, description C; English stemming, so "pipelines"
-- finds "pipeline") are a generated column on jobs, and a copy sits on its evaluations, next to
-- the ranking key: a GIN index over the latest scored evaluations answers `search @@ query`
-- without touching jobs, and the ranking walk tests each row it passes without a join.

-- `array_to_string` is only stable (its element output could depend on settings), which a
-- generated column refuses; for text[] it is immutable, which this wrapper says.
CREATE FUNCTION upflow_skills_text(skills text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_to_string(skills, ' ') $$;

ALTER TABLE jobs ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, upflow_skills_text(coalesce(skills, '{}'))), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')
) STORED;

ALTER TABLE evaluations ADD COLUMN search tsvector;
UPDATE evaluations e SET search = j.search FROM jobs j WHERE j.job_id = e.job_id;

-- The store copies a job's words into the evaluation it writes; when a job's text changes
-- afterwards (a later export edits it before it is scored again), its evaluations follow.
CREATE FUNCTION upflow_jobs_search_follow() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE evaluations SET search = NEW.search WHERE job_id = NEW.job_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_search_follow AFTER UPDATE OF title, skills, description ON jobs
    FOR EACH ROW WHEN (OLD.search IS DISTINCT FROM NEW.search)
    EXECUTE FUNCTION upflow_jobs_search_follow();

-- The text index over the rows the rankings show (as the ranking indexes of 0009), and over the
-- default view's (relevant jobs only), so that a search whose matches are all off-profile finds
-- none there at once instead of reading each to drop it.
CREATE INDEX evaluations_latest_search_idx ON evaluations USING gin (search)
    WHERE status = 'scored' AND is_latest;
CREATE INDEX evaluations_latest_search_relevant_idx ON evaluations USING gin (search)
    WHERE status = 'scored' AND is_latest AND relevant;

-- The trigram indexes only served `ILIKE`; nothing reads that way any more.
DROP INDEX IF EXISTS jobs_title_trgm_idx;
DROP INDEX IF EXISTS jobs_description_trgm_idx;
