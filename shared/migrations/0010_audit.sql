-- The audit: which jobs each ingest held, so that one ingest's jobs can be followed through
-- scoring (`jobs.last_ingest_id` only knows the latest ingest of each job).

-- One row per job an ingest wrote or found already stored (new, changed or unchanged), recorded
-- by the same statement that writes the job. No foreign key to `jobs` on purpose: a job that
-- is deleted later stays listed here, so the audit can name it as a gap.
CREATE TABLE ingest_jobs (
    ingest_id  bigint NOT NULL REFERENCES ingests (id) ON DELETE CASCADE,
    job_id     text NOT NULL,
    PRIMARY KEY (ingest_id, job_id)
);

-- Jobs stored before this migration: only their latest ingest is known. An earlier ingest of
-- theirs shows its jobs as "not recorded" in its audit.
INSERT INTO ingest_jobs (ingest_id, job_id)
SELECT last_ingest_id, job_id FROM jobs WHERE last_ingest_id IS NOT NULL
ON CONFLICT DO NOTHING;
