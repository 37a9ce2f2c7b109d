//! One job with all its evaluations (one per profile version).

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::{Json, Type};
use tokio_postgres::GenericClient;

use crate::evaluation::Assessment;
use crate::job::Job;
use crate::store::jobs::{from_row, JOB_COLUMNS};

/// A job as stored, with its evaluations, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct JobDetail {
    pub job: Job,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub evaluations: Vec<EvaluationView>,
    /// What the freelancer did with the job, newest first.
    pub decisions: Vec<crate::store::decisions::DecisionEvent>,
}

/// One evaluation of a job.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationView {
    pub profile_version: String,
    pub status: String,
    pub skip_reason: Option<String>,
    pub scorer: String,
    pub model: Option<String>,
    pub relevant: Option<bool>,
    pub total: Option<f64>,
    pub priority: Option<String>,
    pub assessment: Option<Assessment>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub latency_ms: Option<i32>,
    pub cost_usd: Option<f64>,
    pub evaluated_at: DateTime<Utc>,
}

/// The job `job_id` with its evaluations; `None` when unknown.
pub async fn job_detail(client: &impl GenericClient, job_id: &str) -> anyhow::Result<Option<JobDetail>> {
    let rows = client
        .query_typed(
            &format!("SELECT first_seen_at, last_seen_at, {JOB_COLUMNS} FROM jobs WHERE job_id = $1"),
            &[(&job_id, Type::TEXT)],
        )
        .await?;
    let Some(row) = rows.first() else { return Ok(None) };
    let (job, _) = from_row(row, 2);
    let evaluations = client
        .query_typed(
            "SELECT profile_version, status, skip_reason, scorer, model, relevant, total, priority, assessment,
                    prompt_tokens, completion_tokens, latency_ms, cost_usd, updated_at
             FROM evaluations WHERE job_id = $1 ORDER BY updated_at DESC",
            &[(&job_id, Type::TEXT)],
        )
        .await?
        .iter()
        .map(|r| EvaluationView {
            profile_version: r.get(0),
            status: r.get(1),
            skip_reason: r.get(2),
            scorer: r.get(3),
            model: r.get(4),
            relevant: r.get(5),
            total: r.get(6),
            priority: r.get(7),
            assessment: r.get::<_, Option<Json<Assessment>>>(8).map(|Json(a)| a),
            prompt_tokens: r.get(9),
            completion_tokens: r.get(10),
            latency_ms: r.get(11),
            cost_usd: r.get(12),
            evaluated_at: r.get(13),
        })
        .collect();
    let decisions = crate::store::decisions::for_job(client, job_id).await?;
    Ok(Some(JobDetail { job, first_seen_at: row.get(0), last_seen_at: row.get(1), evaluations, decisions }))
}
