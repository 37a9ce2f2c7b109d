-- 100,000 jobs, each with a scored evaluation, for the api load benchmark.
-- psql -v version=<profile version> -f bench/sql/seed_100k.sql  (on a migrated, empty database)
-- Totals spread over 0-100 with one decimal (ties, as real rankings have), about 10% not
-- relevant, posting times over 30 days, realistic text sizes. Words for text search: each title one
-- of ten (a tenth each; the RAG tenth is all off-profile), the skill Rust on 1% of jobs, and the
-- same description everywhere.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO ingests (bucket, key, etag, status, finished_at, rows_read, jobs_parsed, jobs_stored)
VALUES ('bench', 'uploads/bench-100k.csv', 'bench', 'succeeded', now(), 100000, 100000, 100000);

INSERT INTO jobs (job_id, url, title, description, job_type, fixed_budget, hourly_min, hourly_max, currency,
                  skills, posted_at, proposals_min, proposals_max, client_country, client_payment_verified,
                  client_rating, client_total_spent, client_hire_rate, raw, content_hash)
SELECT '8' || lpad(g::text, 18, '0'),
       'https://www.upwork.com/jobs/~028' || lpad(g::text, 18, '0'),
       (ARRAY['Build a RAG pipeline over PDFs', 'Multi-agent workflow with LangChain', 'FastAPI backend for an LLM SaaS',
              'Self-hosted Ollama deployment', 'React dashboard for KPIs', 'Voice agent with WebRTC',
              'Data entry from PDFs', 'WordPress chatbot plugin', 'Logo design', 'Python scraper'])[1 + g % 10]
           || ' #' || g,
       repeat('We need an experienced engineer to design, build and deploy a production system. ', 20),
       CASE WHEN g % 3 = 0 THEN 'hourly' ELSE 'fixed' END,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 100 + (g * 37) % 9900 END,
       CASE WHEN g % 3 = 0 THEN 20 + g % 40 END,
       CASE WHEN g % 3 = 0 THEN 60 + g % 80 END,
       'USD',
       ARRAY['Python', 'FastAPI', 'PostgreSQL'] || CASE WHEN g % 100 = 7 THEN ARRAY['Rust'] ELSE '{}' END,
       now() - make_interval(secs => (g * 26)::float8),
       g % 50, g % 50 + 5,
       (ARRAY['United States', 'Germany', 'India', 'Canada', 'Australia'])[1 + g % 5],
       g % 7 <> 0, 4 + (g % 10) / 10.0, (g * 113) % 250000, (g * 7) % 100,
       '{"source": "bench"}', md5(g::text)
FROM generate_series(1, 100000) AS g;

INSERT INTO evaluations (job_id, profile_version, content_hash, status, scorer, relevant, total, priority,
                         assessment, prompt_tokens, completion_tokens, latency_ms, cost_usd, posted_at, search)
SELECT j.job_id, :'version', j.content_hash, 'scored', 'rules', (g % 10) <> 0, t.total,
       CASE WHEN t.total >= 80 THEN 'High' WHEN t.total >= 50 THEN 'Medium' ELSE 'Low' END,
       jsonb_build_object(
         'relevant', (g % 10) <> 0,
         'irrelevant_reason', CASE WHEN g % 10 = 0 THEN 'Outside the profile.' END,
         'scores', jsonb_build_object(
            'budget', jsonb_build_object('score', 7, 'reason', 'A fixed budget that fits the scope of a two-week build.'),
            'client', jsonb_build_object('score', 8, 'reason', 'Payment verified, rating 4.9 and a long hiring history.'),
            'clarity', jsonb_build_object('score', 6, 'reason', 'Deliverables are listed; acceptance criteria are thin.'),
            'technical_fit', jsonb_build_object('score', 9, 'reason', 'Matches RAG systems and backend systems (FastAPI, pgvector).'),
            'competition', jsonb_build_object('score', 5, 'reason', '10 to 15 proposals, posted 3 h ago.')),
         'tech_stack', jsonb_build_array('Python', 'FastAPI', 'pgvector'),
         'project_type', 'RAG systems', 'complexity', 'Medium',
         'matched_expertise', jsonb_build_array('RAG systems', 'Backend systems'),
         'red_flags', jsonb_build_array(),
         'summary', 'RAG systems: a production pipeline with FastAPI and pgvector.',
         'suggested_bid', jsonb_build_object('amount', 4000, 'rate_type', 'fixed', 'rationale', 'At the client''s budget.')),
       0, 0, 1, 0, j.posted_at, j.search
FROM (SELECT job_id, content_hash, posted_at, search, substr(job_id, 2)::int AS g FROM jobs WHERE job_id LIKE '8%') j
CROSS JOIN LATERAL (SELECT round(((j.g * 7919) % 1001) / 10.0, 1)::float8 AS total) t;
COMMIT;
ANALYZE jobs;
ANALYZE evaluations;
