-- The rankings leave out jobs whose latest decision is "not for me" (NOT EXISTS over jobs per
-- ranked row). Without an index on that condition Postgres answered the anti-join with a
-- sequential scan of all jobs on every page: 44 ms instead of 1.2 ms at 100,000 jobs
-- (bench/README.md). The partial index holds only the dismissed jobs, so it stays small.
CREATE INDEX jobs_not_for_me_idx ON jobs (job_id) WHERE decision = 'not_for_me';
