-- What the freelancer did with a job (issue 11): one row per decision, as events, never
-- updated. `jobs.decision` holds the latest, so that the rankings can leave out the jobs
-- marked "not for me" without a lookup per ranked row.
CREATE TABLE decisions (
    id bigserial PRIMARY KEY,
    job_id text NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    decision text NOT NULL CHECK (decision IN ('applied', 'not_for_me', 'interview', 'won', 'lost')),
    reason text CHECK (reason IN ('budget', 'client', 'scope', 'skills')),
    source text NOT NULL CHECK (source IN ('api', 'telegram', 'page')),
    -- The job's latest evaluation when the decision was made: what the learning compares with.
    profile_version text,
    total double precision,
    decided_at timestamptz NOT NULL DEFAULT now(),
    CHECK (reason IS NULL OR decision = 'not_for_me')
);

CREATE INDEX decisions_job_idx ON decisions (job_id, decided_at DESC, id DESC);

ALTER TABLE jobs ADD COLUMN decision text
    CHECK (decision IN ('applied', 'not_for_me', 'interview', 'won', 'lost'));
