-- Ingestion: exports read, jobs stored, rows rejected.

CREATE TABLE ingests (
    id              bigserial PRIMARY KEY,
    bucket          text NOT NULL,
    key             text NOT NULL,
    etag            text NOT NULL DEFAULT '',
    format          text,
    status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    rows_read       integer NOT NULL DEFAULT 0,
    jobs_parsed     integer NOT NULL DEFAULT 0,
    jobs_stored     integer NOT NULL DEFAULT 0,  -- new or changed jobs written
    jobs_unchanged  integer NOT NULL DEFAULT 0,  -- already stored with the same content
    jobs_enqueued   integer NOT NULL DEFAULT 0,
    duplicates      integer NOT NULL DEFAULT 0,
    rejected        integer NOT NULL DEFAULT 0,
    attempts        integer NOT NULL DEFAULT 1,
    error           text,
    UNIQUE (bucket, key, etag)
);
CREATE INDEX ingests_started_at_idx ON ingests (started_at DESC);

CREATE TABLE jobs (
    job_id                   text PRIMARY KEY,
    url                      text,
    title                    text NOT NULL,
    description              text,
    job_type                 text NOT NULL CHECK (job_type IN ('fixed', 'hourly', 'unknown')),
    fixed_budget             double precision,
    hourly_min               double precision,
    hourly_max               double precision,
    currency                 text,
    experience_level         text,
    duration                 text,
    skills                   text[] NOT NULL DEFAULT '{}',
    category                 text,
    posted_at                timestamptz,
    proposals_min            integer,
    proposals_max            integer,
    client_country           text,
    client_payment_verified  boolean,
    client_rating            double precision,
    client_reviews           integer,
    client_total_spent       double precision,
    client_hires             integer,
    client_hire_rate         double precision,
    client_avg_hourly_rate   double precision,
    client_jobs_posted       integer,
    screening_questions      text[] NOT NULL DEFAULT '{}',
    external_urls            text[] NOT NULL DEFAULT '{}',
    raw                      jsonb NOT NULL,
    -- Hash of what the client wrote (title, description, budget, skills, ...): a change re-scores.
    content_hash             text NOT NULL,
    -- What the queue was last given for this job: "<content_hash>:<profile version>". Scoring is
    -- owed while it differs from the current content and profile.
    enqueued_hash            text,
    first_seen_at            timestamptz NOT NULL DEFAULT now(),
    last_seen_at             timestamptz NOT NULL DEFAULT now(),
    content_changed_at       timestamptz NOT NULL DEFAULT now(),
    source_bucket            text,
    source_key               text,
    source_row               integer,
    last_ingest_id           bigint REFERENCES ingests (id) ON DELETE SET NULL
);
-- Recency: newest first, for rankings' tie-break and "since" filters.
CREATE INDEX jobs_posted_at_idx ON jobs (posted_at DESC NULLS LAST);
CREATE INDEX jobs_last_seen_at_idx ON jobs (last_seen_at DESC);

CREATE TABLE rejected_rows (
    ingest_id   bigint NOT NULL REFERENCES ingests (id) ON DELETE CASCADE,
    row_number  integer NOT NULL,
    reason      text NOT NULL,
    raw         jsonb,
    PRIMARY KEY (ingest_id, row_number)
);
