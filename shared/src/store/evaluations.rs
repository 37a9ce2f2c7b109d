//! The `evaluations` table (one per job and profile version, the last written of a job marked
//! `is_latest` for the rankings) and `profiles` (alerts: [`super::alerts`]).

use anyhow::Context;
use tokio_postgres::types::{Json, Type};
use tokio_postgres::GenericClient;

use crate::evaluation::{Assessment, ScorerKind};
use crate::profile::{LoadedProfile, Priority};

/// An evaluation to store.
#[derive(Debug, Clone)]
pub struct NewEvaluation<'a> {
    pub job_id: &'a str,
    pub profile_version: &'a str,
    pub content_hash: &'a str,
    pub scorer: ScorerKind,
    pub model: Option<&'a str>,
    pub outcome: Outcome<'a>,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub latency_ms: u32,
    pub cost_usd: Option<f64>,
}

/// Scored, or skipped by a hard filter.
#[derive(Debug, Clone)]
pub enum Outcome<'a> {
    Scored { assessment: &'a Assessment, total: f64, priority: Priority },
    Skipped { reason: &'a str },
}

/// What is stored for a job under a profile version.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub content_hash: String,
    pub status: String,
    pub total: Option<f64>,
    pub relevant: Option<bool>,
}

/// The evaluation of `job_id` under `profile_version`, if any.
pub async fn find(
    client: &impl GenericClient,
    job_id: &str,
    profile_version: &str,
) -> anyhow::Result<Option<Existing>> {
    let rows = client
        .query_typed(
            "SELECT content_hash, status, total, relevant FROM evaluations WHERE job_id = $1 AND profile_version = $2",
            &[(&job_id, Type::TEXT), (&profile_version, Type::TEXT)],
        )
        .await
        .context("read evaluation")?;
    Ok(rows.first().map(|r| Existing { content_hash: r.get(0), status: r.get(1), total: r.get(2), relevant: r.get(3) }))
}

/// Stores an evaluation and makes it the job's latest (the one the rankings show), clearing that
/// mark on the job's evaluations under other profile versions in the same statement. An existing
/// one for the same job and profile is replaced only when it scored other content or is no longer
/// the job's latest; returns whether this call stored it (a concurrent duplicate did not).
///
/// The job's row is locked first, so writers of one job take turns (a concurrent duplicate then
/// finds the row written and changes nothing). The clearing runs to completion before the row is
/// written (the insert reads its result), so the unique index on the latest evaluation per job
/// never sees two; a writer under another profile version that waited for the lock cannot see
/// the row written meanwhile, fails on that index instead, and its retry (the message comes
/// back) sees it.
pub async fn store(client: &impl GenericClient, e: &NewEvaluation<'_>) -> anyhow::Result<bool> {
    let (status, skip_reason, relevant, total, priority, assessment) = match &e.outcome {
        Outcome::Scored { assessment, total, priority } => {
            ("scored", None, Some(assessment.relevant), Some(*total), Some(priority.as_str()), Some(Json(*assessment)))
        }
        Outcome::Skipped { reason } => ("skipped", Some(*reason), None, None, None, None),
    };
    let n = |v: u32| v.min(i32::MAX as u32) as i32;
    let rows = client
        .query_typed(
            "WITH job AS (
                 SELECT posted_at, search FROM jobs WHERE job_id = $1 FOR NO KEY UPDATE
             ), demoted AS (
                 UPDATE evaluations SET is_latest = false
                 WHERE job_id = $1 AND profile_version <> $2 AND is_latest AND EXISTS (SELECT 1 FROM job)
                 RETURNING 1
             )
             INSERT INTO evaluations (job_id, profile_version, content_hash, status, skip_reason, scorer, model,
                 relevant, total, priority, assessment, prompt_tokens, completion_tokens, latency_ms, cost_usd,
                 posted_at, search, is_latest)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                    (SELECT posted_at FROM job), (SELECT search FROM job), true
             FROM (SELECT count(*) FROM demoted) AS cleared
             ON CONFLICT (job_id, profile_version) DO UPDATE SET
                 content_hash = EXCLUDED.content_hash, status = EXCLUDED.status,
                 skip_reason = EXCLUDED.skip_reason, scorer = EXCLUDED.scorer, model = EXCLUDED.model,
                 relevant = EXCLUDED.relevant, total = EXCLUDED.total, priority = EXCLUDED.priority,
                 assessment = EXCLUDED.assessment, prompt_tokens = EXCLUDED.prompt_tokens,
                 completion_tokens = EXCLUDED.completion_tokens, latency_ms = EXCLUDED.latency_ms,
                 cost_usd = EXCLUDED.cost_usd, posted_at = EXCLUDED.posted_at, search = EXCLUDED.search,
                 is_latest = true,
                 updated_at = now()
             WHERE evaluations.content_hash IS DISTINCT FROM EXCLUDED.content_hash OR NOT evaluations.is_latest
             RETURNING id",
            &[
                (&e.job_id, Type::TEXT),
                (&e.profile_version, Type::TEXT),
                (&e.content_hash, Type::TEXT),
                (&status, Type::TEXT),
                (&skip_reason, Type::TEXT),
                (&e.scorer.as_str(), Type::TEXT),
                (&e.model, Type::TEXT),
                (&relevant, Type::BOOL),
                (&total, Type::FLOAT8),
                (&priority, Type::TEXT),
                (&assessment, Type::JSONB),
                (&n(e.prompt_tokens), Type::INT4),
                (&n(e.completion_tokens), Type::INT4),
                (&n(e.latency_ms), Type::INT4),
                (&e.cost_usd, Type::FLOAT8),
            ],
        )
        .await
        .with_context(|| format!("store evaluation of job {}", e.job_id))?;
    Ok(!rows.is_empty())
}

/// Records the profile a version stands for (once).
pub async fn record_profile(client: &impl GenericClient, profile: &LoadedProfile) -> anyhow::Result<()> {
    client
        .query_typed(
            "INSERT INTO profiles (version, name, content) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING",
            &[
                (&profile.version, Type::TEXT),
                (&profile.profile.name, Type::TEXT),
                (&Json(&profile.profile), Type::JSONB),
            ],
        )
        .await
        .context("record profile")?;
    Ok(())
}

/// The stored assessment and priority of a scored evaluation.
pub async fn find_scored(
    client: &impl GenericClient,
    job_id: &str,
    profile_version: &str,
) -> anyhow::Result<Option<(Assessment, Priority)>> {
    let rows = client
        .query_typed(
            "SELECT assessment, priority FROM evaluations
             WHERE job_id = $1 AND profile_version = $2 AND status = 'scored'",
            &[(&job_id, Type::TEXT), (&profile_version, Type::TEXT)],
        )
        .await
        .context("read scored evaluation")?;
    let Some(row) = rows.first() else { return Ok(None) };
    let Json(assessment): Json<Assessment> = row.get(0);
    let priority = Priority::parse(row.get::<_, &str>(1)).context("stored priority")?;
    Ok(Some((assessment, priority)))
}
