-- Scoring: one evaluation per job and profile version, alerts sent, and the profiles seen.

CREATE TABLE profiles (
    version        text PRIMARY KEY,
    name           text NOT NULL,
    content        jsonb NOT NULL,
    first_used_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE evaluations (
    id                 bigserial PRIMARY KEY,
    job_id             text NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    profile_version    text NOT NULL,
    -- The job content this evaluation scored (jobs.content_hash at the time).
    content_hash       text NOT NULL,
    status             text NOT NULL CHECK (status IN ('scored', 'skipped')),
    -- For skipped evaluations: the hard filter that failed ("fixed budget $150 < $500").
    skip_reason        text,
    scorer             text NOT NULL CHECK (scorer IN ('rules', 'cerebras', 'filter')),
    model              text,
    relevant           boolean,
    total              double precision,
    priority           text CHECK (priority IN ('High', 'Medium', 'Low')),
    assessment         jsonb,
    prompt_tokens      integer NOT NULL DEFAULT 0,
    completion_tokens  integer NOT NULL DEFAULT 0,
    latency_ms         integer,
    cost_usd           double precision,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, profile_version)
);
-- Rankings: best first within a profile version.
CREATE INDEX evaluations_ranking_idx ON evaluations (profile_version, total DESC, job_id)
    WHERE status = 'scored';
CREATE INDEX evaluations_created_at_idx ON evaluations (created_at DESC);

-- At most one alert per job, ever: the row is claimed before the message is sent.
CREATE TABLE alerts (
    job_id           text PRIMARY KEY REFERENCES jobs (job_id) ON DELETE CASCADE,
    profile_version  text NOT NULL,
    total            double precision NOT NULL,
    status           text NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    message_id       bigint,
    error            text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
