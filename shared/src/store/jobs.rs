//! The `jobs` table: batch upserts that merge each export's rendering into what is stored, and
//! the record of what was handed to the queue.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::{Json, Type};
use tokio_postgres::GenericClient;
use tracing::debug;

use crate::job::Job;
use crate::split::merge::{merge, Incoming, Merged, Stored};

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
    workload: Option<&'a str>,
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
    search_keyword: Option<&'a str>,
    raw: &'a crate::job::Raw,
    content_hash: &'a str,
    source_row: u64,
    observed_at: chrono::DateTime<chrono::Utc>,
    raw_ingest_id: Option<i64>,
    field_sources: &'a BTreeMap<String, i64>,
    changed: bool,
    /// The stored row's version (`xmin`) the merge was made from; `None`: a new job.
    version: Option<&'a str>,
}

impl<'a> Row<'a> {
    fn new(row: u64, m: &'a Merged, version: Option<&'a str>) -> Self {
        let j = &m.job;
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
            workload: j.workload.as_deref(),
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
            search_keyword: j.search_keyword.as_deref(),
            raw: &j.raw,
            content_hash: &m.content_hash,
            source_row: row,
            observed_at: m.observed_at,
            raw_ingest_id: m.raw_ingest_id,
            field_sources: &m.field_sources,
            changed: m.changed,
            version,
        }
    }
}

/// The ingest's observation time, and each stored job of the batch with its row version.
const LOAD: &str = r#"
SELECT i.observed_at, s.*
FROM ingests i
LEFT JOIN (
    SELECT xmin::text AS version, observed_at AS job_observed_at, raw_ingest_id, field_sources, JOB_COLUMNS
    FROM jobs WHERE job_id = ANY($2::text[])
) s ON true
WHERE i.id = $1
"#;

/// Writes merged jobs: new ones are inserted unless someone inserted them meanwhile, stored ones
/// are updated only if still at the version the merge was made from. Rows not written come
/// back missing, to be merged again. Each job written is recorded as held by the ingest
/// (`ingest_jobs`, for the audit).
const WRITE: &str = r#"
WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
        job_id text, url text, title text, description text, job_type text,
        fixed_budget float8, hourly_min float8, hourly_max float8, currency text,
        experience_level text, duration text, workload text, skills text[], category text, posted_at timestamptz,
        proposals_min int, proposals_max int, client_country text, client_payment_verified bool,
        client_rating float8, client_reviews int, client_total_spent float8, client_hires int,
        client_hire_rate float8, client_avg_hourly_rate float8, client_jobs_posted int,
        screening_questions text[], external_urls text[], search_keyword text, raw jsonb, content_hash text,
        source_row int, observed_at timestamptz, raw_ingest_id int8, field_sources jsonb,
        changed bool, version text)
),
inserted AS (
    INSERT INTO jobs (
        job_id, url, title, description, job_type, fixed_budget, hourly_min, hourly_max, currency,
        experience_level, duration, workload, skills, category, posted_at, proposals_min, proposals_max,
        client_country, client_payment_verified, client_rating, client_reviews, client_total_spent,
        client_hires, client_hire_rate, client_avg_hourly_rate, client_jobs_posted,
        screening_questions, external_urls, search_keyword, raw, content_hash, source_bucket, source_key,
        source_row, last_ingest_id, observed_at, raw_ingest_id, field_sources)
    SELECT job_id, url, title, description, job_type, fixed_budget, hourly_min, hourly_max, currency,
        experience_level, duration, workload, COALESCE(skills, '{}'), category, posted_at, proposals_min,
        proposals_max, client_country, client_payment_verified, client_rating, client_reviews,
        client_total_spent, client_hires, client_hire_rate, client_avg_hourly_rate, client_jobs_posted,
        COALESCE(screening_questions, '{}'), COALESCE(external_urls, '{}'), search_keyword, raw,
        content_hash, $2, $3, source_row, $4, observed_at, raw_ingest_id, COALESCE(field_sources, '{}')
    FROM input WHERE version IS NULL
    ON CONFLICT (job_id) DO NOTHING
    RETURNING job_id, content_hash, enqueued_hash, true AS changed
),
updated AS (
    UPDATE jobs AS j SET
        url = i.url, title = i.title, description = i.description, job_type = i.job_type,
        fixed_budget = i.fixed_budget, hourly_min = i.hourly_min, hourly_max = i.hourly_max,
        currency = i.currency, experience_level = i.experience_level, duration = i.duration,
        workload = i.workload,
        skills = COALESCE(i.skills, '{}'), category = i.category, posted_at = i.posted_at,
        proposals_min = i.proposals_min, proposals_max = i.proposals_max,
        client_country = i.client_country, client_payment_verified = i.client_payment_verified,
        client_rating = i.client_rating, client_reviews = i.client_reviews,
        client_total_spent = i.client_total_spent, client_hires = i.client_hires,
        client_hire_rate = i.client_hire_rate, client_avg_hourly_rate = i.client_avg_hourly_rate,
        client_jobs_posted = i.client_jobs_posted,
        screening_questions = COALESCE(i.screening_questions, '{}'),
        external_urls = COALESCE(i.external_urls, '{}'), search_keyword = i.search_keyword, raw = i.raw,
        content_changed_at = CASE WHEN i.changed THEN now() ELSE j.content_changed_at END,
        content_hash = i.content_hash, observed_at = i.observed_at, raw_ingest_id = i.raw_ingest_id,
        field_sources = COALESCE(i.field_sources, '{}'), last_seen_at = now(),
        source_bucket = $2, source_key = $3, source_row = i.source_row, last_ingest_id = $4
    FROM input AS i
    WHERE i.version IS NOT NULL AND j.job_id = i.job_id AND j.xmin::text = i.version
    RETURNING j.job_id, j.content_hash, j.enqueued_hash, i.changed
),
-- Every job written is one the ingest held (the audit follows an ingest's jobs by this).
recorded AS (
    INSERT INTO ingest_jobs (ingest_id, job_id)
    SELECT $4, job_id FROM inserted UNION ALL SELECT $4, job_id FROM updated
    ON CONFLICT DO NOTHING
)
SELECT job_id, content_hash, changed, enqueued_hash IS DISTINCT FROM (content_hash || ':' || $5) AS owed
FROM inserted
UNION ALL
SELECT job_id, content_hash, changed, enqueued_hash IS DISTINCT FROM (content_hash || ':' || $5)
FROM updated
"#;

/// How often a batch is merged again when other writers keep changing its jobs meanwhile.
const MAX_MERGES: usize = 8;

/// Stores a batch of jobs (ids must be unique within the batch), each merged into what is
/// stored about it (see [`crate::split::merge`]) by the observation time of the batch's ingest
/// (`ingests.observed_at`). The merge happens here, between reading the stored rows and
/// writing them back only if they are unchanged (optimistically, on the row version), so
/// concurrent ingests of the same job each merge into the other's result; no transaction is
/// held, which suits a transaction-mode pooler.
pub async fn upsert(
    client: &impl GenericClient,
    source: &Source<'_>,
    jobs: &[SourcedJob<'_>],
) -> anyhow::Result<Vec<Upserted>> {
    let mut pending: Vec<&SourcedJob> = jobs.iter().collect();
    let mut done = Vec::with_capacity(jobs.len());
    for merges in 1..=MAX_MERGES {
        if pending.is_empty() {
            break;
        }
        let ids: Vec<&str> = pending.iter().map(|s| s.job.job_id.as_str()).collect();
        let (observed_at, stored) = load_stored(client, source.ingest_id, &ids).await?;
        let merged: Vec<(u64, Merged, Option<&str>)> = pending
            .iter()
            .map(|s| {
                let current = stored.get(s.job.job_id.as_str());
                let incoming = Incoming { job: s.job, ingest_id: source.ingest_id, observed_at };
                (s.row, merge(current.map(|(_, st)| st), incoming), current.map(|(v, _)| v.as_str()))
            })
            .collect();
        let rows: Vec<Row> = merged.iter().map(|(row, m, version)| Row::new(*row, m, *version)).collect();
        let written = write(client, source, &rows).await?;
        let written_ids: HashSet<&str> = written.iter().map(|u| u.job_id.as_str()).collect();
        let before = pending.len();
        pending.retain(|s| !written_ids.contains(s.job.job_id.as_str()));
        if !pending.is_empty() {
            debug!(
                merges,
                written = before - pending.len(),
                again = pending.len(),
                "jobs changed meanwhile; merging again"
            );
        }
        done.extend(written);
    }
    if let Some(first) = pending.first() {
        anyhow::bail!(
            "{} jobs changed under each of {MAX_MERGES} merges (first: job {}); try again",
            pending.len(),
            first.job.job_id
        );
    }
    Ok(done)
}

/// The ingest's observation time, and the stored jobs among `ids` with their row versions.
async fn load_stored(
    client: &impl GenericClient,
    ingest_id: i64,
    ids: &[&str],
) -> anyhow::Result<(DateTime<Utc>, HashMap<String, (String, Stored)>)> {
    let sql = LOAD.replace("JOB_COLUMNS", JOB_COLUMNS);
    let ids: Vec<&str> = ids.to_vec();
    let rows = client
        .query_typed(&sql, &[(&ingest_id, Type::INT8), (&ids, Type::TEXT_ARRAY)])
        .await
        .with_context(|| format!("load {} stored jobs to merge into", ids.len()))?;
    let first = rows.first().with_context(|| format!("ingest {ingest_id} is not in the database"))?;
    let observed_at: DateTime<Utc> = first.get(0);
    let mut stored = HashMap::with_capacity(rows.len());
    for row in &rows {
        let Some(version) = row.get::<_, Option<String>>(1) else { continue };
        let (job, content_hash) = from_row(row, 5);
        let field_sources: Json<BTreeMap<String, i64>> = row.get(4);
        let st = Stored {
            job,
            content_hash,
            observed_at: row.get(2),
            raw_ingest_id: row.get(3),
            field_sources: field_sources.0,
        };
        stored.insert(st.job.job_id.clone(), (version, st));
    }
    Ok((observed_at, stored))
}

/// Writes merged rows; returns those written.
async fn write(client: &impl GenericClient, source: &Source<'_>, rows: &[Row<'_>]) -> anyhow::Result<Vec<Upserted>> {
    let result = client
        .query_typed(
            WRITE,
            &[
                (&Json(rows), Type::JSONB),
                (&source.bucket, Type::TEXT),
                (&source.key, Type::TEXT),
                (&source.ingest_id, Type::INT8),
                (&source.profile_version, Type::TEXT),
            ],
        )
        .await
        .with_context(|| format!("upsert {} jobs", rows.len()))?;
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
    external_urls, raw, content_hash, search_keyword, workload";

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
        workload: row.get(at(30)),
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
        search_keyword: row.get(at(29)),
        raw: crate::job::Raw::Value(row.get(at(27))),
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
