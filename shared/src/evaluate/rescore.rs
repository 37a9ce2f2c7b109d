//! `upflow rescore`: every stored job without an evaluation of its current content under the
//! current profile version, what scoring them would cost ([`super::estimate`]), and queueing
//! them with the message the splitter sends.
//!
//! A job already queued and not scored yet is queued again: the evaluator scores a job once per
//! content and profile however many messages ask, so a second message costs nothing, while a
//! message that was lost would otherwise never be replaced.

use anyhow::Context;
use tokio_postgres::types::Type;
use tokio_postgres::GenericClient;

use super::estimate::{Estimate, Estimator, Pricing};
use crate::profile::LoadedProfile;
use crate::queue::sender::{send_all, Backoff, BatchSink};
use crate::queue::JobMessage;
use crate::store::jobs::{self, from_row, JOB_COLUMNS};

/// Jobs read per query while scanning, and queued per batch of sends.
const PAGE: i64 = 500;

/// A job owed scoring under the current profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwedJob {
    /// The job.
    pub job_id: String,
    /// The content to score.
    pub content_hash: String,
    /// The ingest that last brought the job (0 when unknown), for the message.
    pub ingest_id: i64,
}

/// What a rescore would queue, and its cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The current profile's version, the jobs are owed scoring under.
    pub profile_version: String,
    /// By job id.
    pub jobs: Vec<OwedJob>,
    /// What scoring them would take and cost.
    pub estimate: Estimate,
}

/// The stored jobs that have no evaluation (scored or skipped) of their current content under
/// `profile`'s version, with the estimate of scoring them as `pricing` says. Reads the jobs a
/// page at a time; only their ids are kept.
pub async fn plan(client: &impl GenericClient, profile: &LoadedProfile, pricing: &Pricing) -> anyhow::Result<Plan> {
    let sql = format!(
        "SELECT coalesce(last_ingest_id, 0), {JOB_COLUMNS} FROM jobs j
         WHERE j.job_id > $2 AND NOT EXISTS (
             SELECT 1 FROM evaluations e
             WHERE e.job_id = j.job_id AND e.profile_version = $1 AND e.content_hash = j.content_hash)
         ORDER BY j.job_id LIMIT $3"
    );
    let mut estimator = Estimator::new(&profile.profile, pricing);
    let mut owed = Vec::new();
    let mut after = String::new();
    loop {
        let rows = client
            .query_typed(&sql, &[(&profile.version, Type::TEXT), (&after, Type::TEXT), (&PAGE, Type::INT8)])
            .await
            .context("read the jobs owed scoring")?;
        for row in &rows {
            let (job, content_hash) = from_row(row, 1);
            estimator.add(&job);
            owed.push(OwedJob { job_id: job.job_id, content_hash, ingest_id: row.get(0) });
        }
        match owed.last() {
            Some(last) if rows.len() as i64 == PAGE => after = last.job_id.clone(),
            _ => break,
        }
    }
    Ok(Plan { profile_version: profile.version.clone(), jobs: owed, estimate: estimator.finish() })
}

/// What queueing a plan did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enqueued {
    /// Messages the queue accepted.
    pub sent: u64,
    /// Jobs that could not be queued, with the last error.
    pub failed: Vec<(String, String)>,
}

/// Sends one [`JobMessage`] per job of `plan` to `queue` (batches of ten, retried as the
/// splitter's are) and records each sent one as queued under the plan's profile
/// (`jobs.enqueued_hash`), so the next export of an unchanged job does not queue it again.
pub async fn enqueue(
    client: &impl GenericClient,
    queue: &impl BatchSink,
    plan: &Plan,
    backoff: Backoff,
) -> anyhow::Result<Enqueued> {
    let mut out = Enqueued::default();
    for chunk in plan.jobs.chunks(PAGE as usize) {
        let bodies: Vec<String> =
            chunk.iter().map(|j| JobMessage::new(&j.job_id, j.ingest_id, &j.content_hash).to_body()).collect();
        let report = send_all(queue, &bodies, backoff).await;
        let keys: Vec<(&str, String)> = report
            .sent
            .iter()
            .map(|&i| (chunk[i].job_id.as_str(), jobs::scoring_key(&chunk[i].content_hash, &plan.profile_version)))
            .collect();
        let sent: Vec<(&str, &str)> = keys.iter().map(|(id, key)| (*id, key.as_str())).collect();
        jobs::mark_enqueued(client, &sent).await?;
        out.sent += sent.len() as u64;
        out.failed.extend(report.failed.into_iter().map(|(i, e)| (chunk[i].job_id.clone(), e)));
    }
    Ok(out)
}
