//! The `decisions` table: what the freelancer did with a job, one row per decision, never
//! updated ([`crate::decision`]). Recording one also sets `jobs.decision` to it (the latest),
//! in the same statement, with the job's row locked, so two decisions on one job at once are
//! ordered and `jobs.decision` is always the newest event.

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::Type;
use tokio_postgres::GenericClient;

use crate::decision::{Choice, Decision, Reason, Source};

/// One recorded decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionEvent {
    pub id: i64,
    pub job_id: String,
    pub decision: Decision,
    pub reason: Option<Reason>,
    pub source: String,
    /// The job's latest evaluation when the decision was made.
    pub profile_version: Option<String>,
    pub total: Option<f64>,
    pub decided_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, job_id, decision, reason, source, profile_version, total, decided_at";

fn event(row: &tokio_postgres::Row) -> anyhow::Result<DecisionEvent> {
    let decision: String = row.get(2);
    let reason: Option<String> = row.get(3);
    Ok(DecisionEvent {
        id: row.get(0),
        job_id: row.get(1),
        decision: Decision::parse(&decision).with_context(|| format!("stored decision {decision:?}"))?,
        reason: match reason {
            Some(r) => Some(Reason::parse(&r).with_context(|| format!("stored reason {r:?}"))?),
            None => None,
        },
        source: row.get(4),
        profile_version: row.get(5),
        total: row.get(6),
        decided_at: row.get(7),
    })
}

/// Records `choice` on `job_id`, with the job's latest scored evaluation (profile version and
/// total) beside it; `None` when there is no such job.
pub async fn record(
    client: &impl GenericClient,
    job_id: &str,
    choice: Choice,
    source: Source,
) -> anyhow::Result<Option<DecisionEvent>> {
    let decision = choice.decision.as_str();
    let reason = choice.reason.map(Reason::as_str);
    let rows = client
        .query_typed(
            &format!(
                "WITH job AS (SELECT job_id FROM jobs WHERE job_id = $1 FOR UPDATE),
                 latest AS (SELECT profile_version, total FROM evaluations
                            WHERE job_id = $1 AND is_latest AND status = 'scored'),
                 inserted AS (
                    INSERT INTO decisions (job_id, decision, reason, source, profile_version, total)
                    SELECT job.job_id, $2, $3, $4, (SELECT profile_version FROM latest), (SELECT total FROM latest)
                    FROM job
                    RETURNING {COLUMNS}),
                 updated AS (UPDATE jobs SET decision = $2 WHERE job_id IN (SELECT job_id FROM job) RETURNING 1)
                 SELECT {COLUMNS} FROM inserted"
            ),
            &[(&job_id, Type::TEXT), (&decision, Type::TEXT), (&reason, Type::TEXT), (&source.as_str(), Type::TEXT)],
        )
        .await
        .with_context(|| format!("record decision {decision} on job {job_id}"))?;
    rows.first().map(event).transpose()
}

/// The job's decisions, newest first.
pub async fn for_job(client: &impl GenericClient, job_id: &str) -> anyhow::Result<Vec<DecisionEvent>> {
    let rows = client
        .query_typed(
            &format!("SELECT {COLUMNS} FROM decisions WHERE job_id = $1 ORDER BY decided_at DESC, id DESC"),
            &[(&job_id, Type::TEXT)],
        )
        .await
        .with_context(|| format!("read the decisions on job {job_id}"))?;
    rows.iter().map(event).collect()
}
