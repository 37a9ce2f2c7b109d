-- Rankings show each job's latest evaluation, whatever profile version made it, until the job is
-- scored again: editing the profile no longer empties them until every job reappears in an export.

-- The evaluation the rankings show for its job: the one written last. The store's upsert sets it
-- on the row it writes and clears it on the job's rows of other profile versions in the same
-- statement. A row inserted without saying is its job's latest (a new evaluation is).
ALTER TABLE evaluations ADD COLUMN is_latest boolean NOT NULL DEFAULT false;
UPDATE evaluations e SET is_latest = true
FROM (SELECT DISTINCT ON (job_id) id FROM evaluations ORDER BY job_id, updated_at DESC, id DESC) latest
WHERE e.id = latest.id;
ALTER TABLE evaluations ALTER COLUMN is_latest SET DEFAULT true;

-- At most one latest evaluation per job, so no job is ranked twice. Two writers of one job under
-- different profile versions at once: the second fails here and is retried, and then sees the first.
CREATE UNIQUE INDEX evaluations_latest_job_idx ON evaluations (job_id) WHERE is_latest;

-- The rankings' order and keyset cursor over the latest evaluations: an index walk whatever
-- profile made them (the profile version no longer leads the key).
CREATE INDEX evaluations_latest_rank_idx ON evaluations
    (total DESC, (coalesce(posted_at, 'epoch')) DESC, job_id DESC)
    WHERE status = 'scored' AND is_latest;
-- The default view: relevant jobs only.
CREATE INDEX evaluations_latest_rank_relevant_idx ON evaluations
    (relevant, total DESC, (coalesce(posted_at, 'epoch')) DESC, job_id DESC)
    WHERE status = 'scored' AND is_latest;

-- Only the rankings read these (per profile version); the indexes above replace them.
DROP INDEX IF EXISTS evaluations_rank_idx;
DROP INDEX IF EXISTS evaluations_rank_relevant_idx;
