-- Merging what several exports know about a job, and leases on running ingests.

-- When the export was observed (scraped): the time in an Apify file name, else the object's S3
-- time. Rows from before this migration: when they started.
ALTER TABLE ingests ADD COLUMN observed_at timestamptz;
UPDATE ingests SET observed_at = started_at;
ALTER TABLE ingests ALTER COLUMN observed_at SET DEFAULT now(), ALTER COLUMN observed_at SET NOT NULL;

-- A running ingest is owned until this time; its invocation renews the lease while it works, so
-- an ingest whose Lambda died is taken over by the next delivery once the lease has run out.
-- Running rows from before this migration keep the old rule (stale 16 minutes after starting).
ALTER TABLE ingests ADD COLUMN claimed_until timestamptz;
UPDATE ingests SET claimed_until = started_at + interval '16 minutes' WHERE status = 'running';

-- The newest observation merged into the job: a rendering observed earlier only fills what is
-- unknown. NULL (jobs stored before this migration): any rendering counts as newer.
ALTER TABLE jobs ADD COLUMN observed_at timestamptz;
-- The ingest whose record `raw` is (the newest rendering), and, per column, the ingest that
-- supplied a value `raw` does not hold because that rendering lacked it: {"fixed_budget": 12}.
ALTER TABLE jobs ADD COLUMN raw_ingest_id bigint;
UPDATE jobs SET raw_ingest_id = last_ingest_id;
ALTER TABLE jobs ADD COLUMN field_sources jsonb NOT NULL DEFAULT '{}';
