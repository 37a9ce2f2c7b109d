-- Rankings read the whole sort key from one index: evaluations carry the job's posting time.

ALTER TABLE evaluations ADD COLUMN posted_at timestamptz;
UPDATE evaluations e SET posted_at = j.posted_at FROM jobs j WHERE j.job_id = e.job_id;

DROP INDEX IF EXISTS evaluations_ranking_idx;
-- All scored jobs, best first, then newest, then by id (the API's order and keyset cursor).
CREATE INDEX evaluations_rank_idx ON evaluations
    (profile_version, total DESC, (coalesce(posted_at, 'epoch')) DESC, job_id DESC)
    WHERE status = 'scored';
-- The default view: relevant jobs only.
CREATE INDEX evaluations_rank_relevant_idx ON evaluations
    (profile_version, relevant, total DESC, (coalesce(posted_at, 'epoch')) DESC, job_id DESC)
    WHERE status = 'scored';
