-- Exactly once where it matters: a claim (with a lease) before a job is scored, the last error
-- of jobs not scored yet, and alerts that are retried later, a bounded number of times.

-- Who is scoring a job under a profile version now, and until when. A claimant that crashed
-- loses its claim when the lease ends; one that finished or failed deletes it.
CREATE TABLE evaluation_claims (
    job_id           text NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    profile_version  text NOT NULL,
    content_hash     text NOT NULL,
    claimed_by       text NOT NULL,
    lease_until      timestamptz NOT NULL,
    PRIMARY KEY (job_id, profile_version)
);

-- Jobs whose scoring failed: how often, the last error, and whether their message has used
-- its receives (it is in the DLQ). Deleted when the job is evaluated.
CREATE TABLE evaluation_failures (
    job_id           text NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    profile_version  text NOT NULL,
    attempts         integer NOT NULL DEFAULT 1,
    last_error       text NOT NULL,
    dead_lettered    boolean NOT NULL DEFAULT false,
    first_failed_at  timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, profile_version)
);
CREATE INDEX evaluation_failures_dead_idx ON evaluation_failures (profile_version) WHERE dead_lettered;

-- Alerts: a failed send is tried again after next_attempt_at; a 'sending' row whose lease
-- ended (the sender crashed) is tried again too; both at most a bounded number of attempts.
ALTER TABLE alerts
    ADD COLUMN attempts         integer NOT NULL DEFAULT 1,
    ADD COLUMN next_attempt_at  timestamptz,
    ADD COLUMN lease_until      timestamptz;
CREATE INDEX alerts_due_idx ON alerts (next_attempt_at) WHERE status <> 'sent';
