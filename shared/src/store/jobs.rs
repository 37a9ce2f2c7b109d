//! The `jobs` table: batch upserts and the record of what was handed to the queue.

use anyhow::Context;
use serde::Serialize;
use tokio_postgres::types::{Json, Type};
use tokio_postgres::GenericClient;

use crate::job::Job;

/// Where a batch of jobs came from, and the profile they are to be scored under.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    pub ingest_id: i64,
    pub bucket: &'a str,
    pub key: &'a str,
    /// The criteria profile's version: a job is owed scoring once per content and profile.
    pub profile_version: &'a str,
}

/// What the queue is given for a job: its content under a profile.
pub fn scoring_key(content_hash: &str, profile_version: &str) -> String {
    format!("{content_hash}:{profile_version}")
}

/// One job of a batch with its row in the export.
pub struct SourcedJob<'a> {
    pub row: u64,
    pub job: &'a Job,
}

/// What an upsert did to one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upserted {
    pub job_id: String,
    pub content_hash: String,
    /// New, or its content changed, in this upsert.
    pub changed: bool,
    /// Scoring is owed: the queue has not been given this content under this profile yet.
    pub owed: bool,
}

#[derive(Debug, Serialize)]
struct Row<'a> {
    job_id: &'a str,
    url: Option<&'a str>,
    title: &'a str,
    description: Option<&'a str>,
    job_type: &'a str,
    fixed_budget: Option<f64>,
    hourly_min: Option<f64>,
    hourly_max: Option<f64>,
    currency: Option<&'a str>,
    experience_level: Option<&'a str>,
    duration: Option<&'a str>,
    skills: &'a [String],
    category: Option<&'a str>,
    posted_at: Option<chrono::DateTime<chrono::Utc>>,
    proposals_min: Option<u32>,
    proposals_max: Option<u32>,
    client_country: Option<&'a str>,
    client_payment_verified: Option<bool>,
    client_rating: Option<f64>,
    client_reviews: Option<u32>,
    client_total_spent: Option<f64>,
    client_hires: Option<u32>,
    client_hire_rate: Option<f64>,
    client_avg_hourly_rate: Option<f64>,
    client_jobs_posted: Option<u32>,
    screening_questions: &'a [String],
    external_urls: &'a [String],
    raw: &'a serde_json::Value,
    content_hash: String,
    source_row: u64,
}

impl<'a> Row<'a> {
    fn new(s: &SourcedJob<'a>) -> Self {
        let j = s.job;
        let c = &j.client;
        Row {
            job_id: &j.job_id,
            url: j.url.as_deref(),
            title: &j.title,
            description: j.description.as_deref(),
            job_type: j.job_type.as_str(),
            fixed_budget: j.fixed_budget,
            hourly_min: j.hourly_min,
            hourly_max: j.hourly_max,
            currency: j.currency.as_deref(),
            experience_level: j.experience_level.as_deref(),
            duration: j.duration.as_deref(),
            skills: &j.skills,
            category: j.category.as_deref(),
            posted_at: j.posted_at,
            proposals_min: j.proposals.map(|p| p.min),
            proposals_max: j.proposals.and_then(|p| p.max),
            client_country: c.country.as_deref(),
            client_payment_verified: c.payment_verified,
            client_rating: c.rating,
            client_reviews: c.reviews,
            client_total_spent: c.total_spent,
            client_hires: c.hires,
            client_hire_rate: c.hire_rate,
            client_avg_hourly_rate: c.avg_hourly_rate,
            client_jobs_posted: c.jobs_posted,
            screening_questions: &j.screening_questions,
            external_urls: &j.external_urls,
            raw: &j.raw,
            content_hash: j.content_hash(),
            source_row: s.row,
        }
    }
}

const UPSERT: &str = r#"
WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
        job_id text, url text, title text, description text, job_type text,
        fixed_budget float8, hourly_min float8, hourly_max float8, currency text,
        experience_level text, duration text, skills text[], category text, posted_at timestamptz,
        proposals_min int, proposals_max int, client_country text, client_payment_verified bool,
        client_rating float8, client_reviews int, client_total_spent float8, client_hires int,
        client_hire_rate float8, client_avg_hourly_rate float8, client_jobs_posted int,
        screening_questions text[], external_urls text[], raw jsonb, content_hash text,
        source_row int)
)
INSERT INTO jobs AS j (
    job_id, url, title, description, job_type, fixed_budget, hourly_min, hourly_max, currency,
    experience_level, duration, skills, category, posted_at, proposals_min, proposals_max,
    client_country, client_payment_verified, client_rating, client_reviews, client_total_spent,
    client_hires, client_hire_rate, client_avg_hourly_rate, client_jobs_posted,
    screening_questions, external_urls, raw, content_hash, source_bucket, source_key, source_row,
    last_ingest_id)
SELECT job_id, url, title, description, job_type, fixed_budget, hourly_min, hourly_max, currency,
    experience_level, duration, COALESCE(skills, '{}'), category, posted_at, proposals_min,
    proposals_max, client_country, client_payment_verified, client_rating, client_reviews,
    client_total_spent, client_hires, client_hire_rate, client_avg_hourly_rate, client_jobs_posted,
    COALESCE(screening_questions, '{}'), COALESCE(external_urls, '{}'), raw, content_hash,
    $2, $3, source_row, $4
FROM input
ON CONFLICT (job_id) DO UPDATE SET
    url = EXCLUDED.url, title = EXCLUDED.title, description = EXCLUDED.description,
    job_type = EXCLUDED.job_type, fixed_budget = EXCLUDED.fixed_budget,
    hourly_min = EXCLUDED.hourly_min, hourly_max = EXCLUDED.hourly_max,
    currency = EXCLUDED.currency, experience_level = EXCLUDED.experience_level,
    duration = EXCLUDED.duration, skills = EXCLUDED.skills, category = EXCLUDED.category,
    -- A re-scrape resolves "2 hours ago" to a slightly different time: keep the first one.
    posted_at = COALESCE(j.posted_at, EXCLUDED.posted_at),
    proposals_min = EXCLUDED.proposals_min, proposals_max = EXCLUDED.proposals_max,
    client_country = EXCLUDED.client_country,
    client_payment_verified = EXCLUDED.client_payment_verified,
    client_rating = EXCLUDED.client_rating, client_reviews = EXCLUDED.client_reviews,
    client_total_spent = EXCLUDED.client_total_spent, client_hires = EXCLUDED.client_hires,
    client_hire_rate = EXCLUDED.client_hire_rate,
    client_avg_hourly_rate = EXCLUDED.client_avg_hourly_rate,
    client_jobs_posted = EXCLUDED.client_jobs_posted,
    screening_questions = EXCLUDED.screening_questions, external_urls = EXCLUDED.external_urls,
    raw = EXCLUDED.raw,
    content_changed_at = CASE WHEN j.content_hash IS DISTINCT FROM EXCLUDED.content_hash
                              THEN now() ELSE j.content_changed_at END,
    content_hash = EXCLUDED.content_hash,
    last_seen_at = now(),
    source_bucket = EXCLUDED.source_bucket, source_key = EXCLUDED.source_key,
    source_row = EXCLUDED.source_row, last_ingest_id = EXCLUDED.last_ingest_id
RETURNING job_id, content_hash, content_changed_at = now() AS changed,
    enqueued_hash IS DISTINCT FROM (content_hash || ':' || $5) AS owed
"#;

/// Inserts or updates a batch of jobs (ids must be unique within the batch) in one statement.
pub async fn upsert(
    client: &impl GenericClient,
    source: &Source<'_>,
    jobs: &[SourcedJob<'_>],
) -> anyhow::Result<Vec<Upserted>> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Row> = jobs.iter().map(Row::new).collect();
    let result = client
        .query_typed(
            UPSERT,
            &[
                (&Json(&rows), Type::JSONB),
                (&source.bucket, Type::TEXT),
                (&source.key, Type::TEXT),
                (&source.ingest_id, Type::INT8),
                (&source.profile_version, Type::TEXT),
            ],
        )
        .await
        .with_context(|| format!("upsert {} jobs", jobs.len()))?;
    Ok(result
        .iter()
        .map(|r| Upserted { job_id: r.get(0), content_hash: r.get(1), changed: r.get(2), owed: r.get(3) })
        .collect())
}

/// Records that the queue now has these jobs at these content hashes.
pub async fn mark_enqueued(client: &impl GenericClient, sent: &[(&str, &str)]) -> anyhow::Result<u64> {
    if sent.is_empty() {
        return Ok(0);
    }
    #[derive(Debug, Serialize)]
    struct Sent<'a> {
        job_id: &'a str,
        hash: &'a str,
    }
    let sent: Vec<Sent> = sent.iter().map(|(job_id, hash)| Sent { job_id, hash }).collect();
    let rows = client
        .query_typed(
            "UPDATE jobs SET enqueued_hash = s.hash
             FROM jsonb_to_recordset($1::jsonb) AS s(job_id text, hash text)
             WHERE jobs.job_id = s.job_id RETURNING 1",
            &[(&Json(&sent), Type::JSONB)],
        )
        .await
        .context("mark jobs enqueued")?;
    Ok(rows.len() as u64)
}

/// The columns [`from_row`] reads, in order.
pub const JOB_COLUMNS: &str = "job_id, url, title, description, job_type, fixed_budget, hourly_min, hourly_max,
    currency, experience_level, duration, skills, category, posted_at, proposals_min, proposals_max,
    client_country, client_payment_verified, client_rating, client_reviews, client_total_spent,
    client_hires, client_hire_rate, client_avg_hourly_rate, client_jobs_posted, screening_questions,
    external_urls, raw, content_hash";

/// Rebuilds a job from a row selected with [`JOB_COLUMNS`] (prefixed by `offset` other columns).
pub fn from_row(row: &tokio_postgres::Row, offset: usize) -> (Job, String) {
    use crate::job::{Client, JobType, Proposals};
    let at = |i: usize| offset + i;
    let u32_of = |v: Option<i32>| v.and_then(|v| u32::try_from(v).ok());
    let job_type = match row.get::<_, &str>(at(4)) {
        "fixed" => JobType::Fixed,
        "hourly" => JobType::Hourly,
        _ => JobType::Unknown,
    };
    let proposals = u32_of(row.get(at(14))).map(|min| Proposals { min, max: u32_of(row.get(at(15))) });
    let job = Job {
        job_id: row.get(at(0)),
        url: row.get(at(1)),
        title: row.get(at(2)),
        description: row.get(at(3)),
        job_type,
        fixed_budget: row.get(at(5)),
        hourly_min: row.get(at(6)),
        hourly_max: row.get(at(7)),
        currency: row.get(at(8)),
        experience_level: row.get(at(9)),
        duration: row.get(at(10)),
        skills: row.get(at(11)),
        category: row.get(at(12)),
        posted_at: row.get(at(13)),
        proposals,
        client: Client {
            country: row.get(at(16)),
            payment_verified: row.get(at(17)),
            rating: row.get(at(18)),
            reviews: u32_of(row.get(at(19))),
            total_spent: row.get(at(20)),
            hires: u32_of(row.get(at(21))),
            hire_rate: row.get(at(22)),
            avg_hourly_rate: row.get(at(23)),
            jobs_posted: u32_of(row.get(at(24))),
        },
        screening_questions: row.get(at(25)),
        external_urls: row.get(at(26)),
        raw: row.get(at(27)),
    };
    (job, row.get(at(28)))
}

/// A stored job and its content hash.
pub async fn load(client: &impl GenericClient, job_id: &str) -> anyhow::Result<Option<(Job, String)>> {
    let rows = client
        .query_typed(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE job_id = $1"), &[(&job_id, Type::TEXT)])
        .await
        .with_context(|| format!("load job {job_id}"))?;
    Ok(rows.first().map(|r| from_row(r, 0)))
}
