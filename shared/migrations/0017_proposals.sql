-- Proposal drafts (issue 11): one per job and profile version (the scoring version and the
-- profile's [proposal] section together, `Profile::proposal_version`), returned again until
-- the freelancer asks for a new one or the job's content changes. The token and cost columns
-- add up every call made for this row (a redo adds to them), so /stats counts what was spent.
CREATE TABLE proposals (
    job_id text NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    profile_version text NOT NULL,
    -- The job's content when drafted: a draft of older content is not handed out.
    content_hash text NOT NULL,
    draft jsonb NOT NULL,
    drafter text NOT NULL CHECK (drafter IN ('rules', 'cerebras')),
    model text,
    calls integer NOT NULL DEFAULT 1 CHECK (calls >= 1),
    prompt_tokens bigint NOT NULL DEFAULT 0,
    completion_tokens bigint NOT NULL DEFAULT 0,
    cost_usd double precision,
    latency_ms integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, profile_version)
);
