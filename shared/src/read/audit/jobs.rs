//! The jobs equation: `stored = scored + skipped_by_filter + pending + retrying + dead_lettered`
//! over the jobs the scope stored, each in exactly one state (see [`super`]); the jobs in no
//! state are named, and so are the dead-lettered ones with their last error.

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::GenericClient;

use super::LISTED;

/// The jobs equation over the scope's jobs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct JobsAudit {
    /// The jobs the scope stored: for one ingest its counter (`jobs_stored + jobs_unchanged`),
    /// for all ingests every distinct job any ingest recorded or `jobs` holds.
    pub stored: i64,
    /// Evaluated for their current content under the profile: scored by the scorer, or skipped
    /// by a hard filter.
    pub scored: i64,
    pub skipped_by_filter: i64,
    /// Not failed: the queue was given the current content under this profile (it waits there
    /// or is being scored).
    pub pending: i64,
    /// Scoring the current content failed and the message still has receives: it is back on
    /// the queue and will be tried again.
    pub retrying: i64,
    /// Scoring failed on the message's last receive: it is in the DLQ.
    pub dead_lettered: i64,
    /// `stored - (scored + skipped_by_filter + pending + retrying + dead_lettered)`: the gap,
    /// which is `not_recorded + unaccounted_count`.
    pub difference: i64,
    /// Jobs the ingest counted but did not record as its own (negative: recorded more than it
    /// counted, as a running ingest has); always 0 for all ingests.
    pub not_recorded: i64,
    /// Jobs of the scope in no state: neither evaluated, failing nor queued, or gone from `jobs`.
    pub unaccounted_count: i64,
    /// Those jobs, at most [`LISTED`], by id.
    pub unaccounted: Vec<GapJob>,
}

impl JobsAudit {
    /// Every stored job is in exactly one state.
    pub fn balanced(&self) -> bool {
        self.difference == 0 && self.not_recorded == 0 && self.unaccounted_count == 0
    }
}

/// A stored job in no state, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapJob {
    pub job_id: String,
    /// `never queued`, `queued only for other content or another profile`, or `no longer in
    /// jobs`.
    pub why: String,
}

/// A job whose message is in the DLQ.
#[derive(Debug, Clone, Serialize)]
pub struct DeadLettered {
    pub job_id: String,
    pub attempts: i32,
    pub last_error: String,
    pub failed_at: DateTime<Utc>,
}

/// Each job of the scope (`$2`: one ingest; NULL: all) with its one state under profile `$1`.
/// A failure counts only when recorded after the job's content last changed (an older one was
/// about other content); a claim only while its lease runs.
const CLASSIFIED: &str = "
WITH scope_jobs AS (
    SELECT job_id FROM ingest_jobs WHERE ingest_id = $2
    UNION
    SELECT job_id FROM ingest_jobs WHERE $2::int8 IS NULL
    UNION
    SELECT job_id FROM jobs WHERE $2::int8 IS NULL
),
classified AS (
    SELECT s.job_id, f.attempts, f.last_error, f.updated_at AS failed_at,
        CASE
            WHEN j.job_id IS NULL THEN 'missing'
            WHEN e.status = 'scored' THEN 'scored'
            WHEN e.status = 'skipped' THEN 'skipped'
            WHEN f.dead_lettered THEN 'dead_lettered'
            WHEN f.job_id IS NOT NULL THEN 'retrying'
            WHEN j.enqueued_hash = j.content_hash || ':' || $1 OR c.job_id IS NOT NULL THEN 'pending'
            WHEN j.enqueued_hash IS NULL THEN 'never_queued'
            ELSE 'queued_other'
        END AS state
    FROM scope_jobs s
    LEFT JOIN jobs j ON j.job_id = s.job_id
    LEFT JOIN evaluations e
        ON e.job_id = s.job_id AND e.profile_version = $1 AND e.content_hash = j.content_hash
    LEFT JOIN evaluation_failures f
        ON f.job_id = s.job_id AND f.profile_version = $1 AND f.updated_at >= j.content_changed_at
    LEFT JOIN evaluation_claims c
        ON c.job_id = s.job_id AND c.profile_version = $1 AND c.content_hash = j.content_hash
       AND c.lease_until > now()
)";

/// The states that are the gap.
const GAP_STATES: &str = "('missing', 'never_queued', 'queued_other')";

/// Why a job in a gap state is there.
fn why(state: &str) -> &'static str {
    match state {
        "missing" => "no longer in jobs",
        "never_queued" => "never queued",
        _ => "queued only for other content or another profile",
    }
}

/// The jobs equation for one ingest (`Some(id)`, whose counter says it stored `counted` jobs)
/// or all ingests (`None`, `counted` unused).
pub async fn audit(
    client: &impl GenericClient,
    profile_version: &str,
    ingest: Option<i64>,
    counted: Option<i64>,
) -> anyhow::Result<JobsAudit> {
    let params: [(&(dyn ToSql + Sync), Type); 2] = [(&profile_version, Type::TEXT), (&ingest, Type::INT8)];
    let rows = client
        .query_typed(&format!("{CLASSIFIED} SELECT state, count(*) FROM classified GROUP BY state"), &params)
        .await
        .context("classify the stored jobs")?;
    let mut a = JobsAudit::default();
    let mut recorded = 0;
    for r in &rows {
        let (state, n): (&str, i64) = (r.get(0), r.get(1));
        recorded += n;
        match state {
            "scored" => a.scored = n,
            "skipped" => a.skipped_by_filter = n,
            "pending" => a.pending = n,
            "retrying" => a.retrying = n,
            "dead_lettered" => a.dead_lettered = n,
            _ => a.unaccounted_count += n,
        }
    }
    a.stored = counted.unwrap_or(recorded);
    a.not_recorded = a.stored - recorded;
    a.difference = a.stored - (a.scored + a.skipped_by_filter + a.pending + a.retrying + a.dead_lettered);
    if a.unaccounted_count > 0 {
        let listed = [params[0].clone(), params[1].clone(), (&LISTED, Type::INT8)];
        a.unaccounted = client
            .query_typed(
                &format!(
                    "{CLASSIFIED} SELECT job_id, state FROM classified WHERE state IN {GAP_STATES}
                     ORDER BY job_id LIMIT $3"
                ),
                &listed,
            )
            .await
            .context("list the jobs in no state")?
            .iter()
            .map(|r| GapJob { job_id: r.get(0), why: why(r.get(1)).into() })
            .collect();
    }
    Ok(a)
}

/// The scope's dead-lettered jobs, most recent failure first, at most [`LISTED`].
pub async fn dead_lettered(
    client: &impl GenericClient,
    profile_version: &str,
    ingest: Option<i64>,
) -> anyhow::Result<Vec<DeadLettered>> {
    let rows = client
        .query_typed(
            &format!(
                "{CLASSIFIED} SELECT job_id, attempts, last_error, failed_at FROM classified
                 WHERE state = 'dead_lettered' ORDER BY failed_at DESC, job_id LIMIT $3"
            ),
            &[(&profile_version, Type::TEXT), (&ingest, Type::INT8), (&LISTED, Type::INT8)],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| DeadLettered { job_id: r.get(0), attempts: r.get(1), last_error: r.get(2), failed_at: r.get(3) })
        .collect())
}
