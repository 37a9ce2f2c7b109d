//! The evaluator's work for one job: load it, skip it if a hard filter fails, claim it, score
//! it, store the evaluation (one per job and profile version), and alert Telegram when it is
//! good.
//!
//! Idempotent: a job already evaluated under this profile with the same content is not scored
//! again (no LLM call); two deliveries of one message at once make one LLM call between them
//! (the claim, [`crate::store::claims`]); a job gets at most one alert, ever.

pub mod alert;
pub mod batch;
pub mod estimate;
pub mod rescore;
pub mod threshold;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant as StdInstant};

use tokio::time::Instant;
use tracing::{info, warn};

use crate::evaluation::{grade, ScorerKind};
use crate::profile::filters::failed_filter;
use crate::profile::{LoadedProfile, Priority};
use crate::queue::sqs::SqsQueue;
use crate::scoring::{ScoreError, Scorer};
use crate::store::claims::{self, Claim};
use crate::store::evaluations::{self, NewEvaluation, Outcome};
use crate::store::{failures, jobs, Db};

pub use alert::Alerter;
pub use batch::{BatchReport, Message};

/// The evaluator service, built once per process.
pub struct Evaluator {
    pub db: Db,
    pub scorer: Scorer,
    pub profile: LoadedProfile,
    /// Telegram alerts, when configured.
    pub alerter: Option<Alerter>,
    /// Jobs scored at once within one invocation (`EVALUATOR_CONCURRENCY`).
    pub concurrency: usize,
    /// The jobs queue (`JOBS_QUEUE_URL`): a job that must wait for the provider's limits longer
    /// than the invocation has left is sent again with that delay and the original message
    /// acknowledged, so waiting never uses up the receives that count real failures. Without
    /// it such a job is reported failed and comes back after the visibility timeout.
    pub requeue: Option<SqsQueue>,
    /// Receives after which the queue moves a message to the DLQ (`MAX_RECEIVE_COUNT`, the
    /// redrive policy's `maxReceiveCount`): a failure on the last one is recorded as dead-lettered.
    pub max_receive_count: u32,
    /// Times a job may be put back to wait before waiting counts as a failure
    /// (`MAX_DEFERRALS`), so a job can never circle forever.
    pub max_deferrals: u32,
    /// The alert threshold, when it follows the decisions.
    pub alert_threshold: std::sync::Arc<threshold::ThresholdCache>,
}

/// How long a claim outlives the claimant's deadline: a claimant that crashed or was frozen
/// loses it then.
pub const LEASE_MARGIN: Duration = Duration::from_secs(10);

/// A claimant name unique to this call: process, random start, counter.
fn next_claimant() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let start = *START.get_or_init(rand::random::<u64>);
    format!("{}-{start:x}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// What evaluating one job came to.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    Scored {
        total: f64,
        priority: Priority,
        relevant: bool,
        alerted: bool,
        prompt_tokens: u32,
        completion_tokens: u32,
    },
    /// A hard filter failed: stored as skipped, no scorer ran.
    Skipped {
        reason: String,
    },
    /// Already evaluated under this profile with this content: nothing was done.
    AlreadyEvaluated,
}

/// Why a job was not evaluated now.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Failure {
    /// The message goes back to the queue (and, after its receives, to the DLQ).
    #[error("{0}")]
    Retry(String),
    /// Nothing will work until someone acts: the rest of the batch is not attempted.
    #[error("{0}")]
    Fatal(String),
    /// Not a failure: the job must wait this long (the provider's limits, or another delivery
    /// holds its claim) and should come back then without using up a receive.
    #[error("{why}")]
    Defer { wait: Duration, why: String },
}

fn retry(e: anyhow::Error) -> Failure {
    Failure::Retry(format!("{e:#}"))
}

fn no_connection(e: impl std::fmt::Display) -> Failure {
    Failure::Retry(format!("connect to Postgres: {e}"))
}

impl Evaluator {
    /// An evaluator with the defaults: one job at a time, no alerts, no requeue, the template's
    /// 5 receives, 100 deferrals.
    pub fn new(db: Db, scorer: Scorer, profile: LoadedProfile) -> Evaluator {
        Evaluator {
            db,
            scorer,
            profile,
            alerter: None,
            concurrency: 1,
            requeue: None,
            max_receive_count: 5,
            max_deferrals: 100,
            alert_threshold: Default::default(),
        }
    }

    /// Evaluates one job by id, within `deadline`.
    pub async fn evaluate(&self, job_id: &str, deadline: Instant) -> Result<JobOutcome, Failure> {
        let version = self.profile.version.as_str();
        let (job, content_hash) = {
            let client = self.db.get().await.map_err(no_connection)?;
            let Some((job, hash)) = jobs::load(&**client, job_id).await.map_err(retry)? else {
                return Err(Failure::Retry(format!("job {job_id} is not in the database")));
            };
            if let Some(existing) = evaluations::find(&**client, job_id, version).await.map_err(retry)? {
                if existing.content_hash == hash {
                    if let (Some(total), Some(true)) = (existing.total, existing.relevant) {
                        // A redelivery after a crash between storing and alerting still alerts.
                        self.maybe_alert(&job, total, deadline).await;
                    }
                    return Ok(JobOutcome::AlreadyEvaluated);
                }
            }
            (job, hash)
        };

        if let Some(reason) = failed_filter(&job, &self.profile.profile.filters) {
            let e = NewEvaluation {
                job_id,
                profile_version: version,
                content_hash: &content_hash,
                scorer: ScorerKind::Filter,
                model: None,
                outcome: Outcome::Skipped { reason: &reason },
                prompt_tokens: 0,
                completion_tokens: 0,
                latency_ms: 0,
                cost_usd: Some(0.0),
            };
            let client = self.db.get().await.map_err(no_connection)?;
            evaluations::store(&**client, &e).await.map_err(retry)?;
            failures::clear(&**client, job_id, version).await.map_err(retry)?;
            info!(job_id, reason = %reason, "skipped by a hard filter; no scorer called");
            return Ok(JobOutcome::Skipped { reason });
        }

        let claimant = next_claimant();
        {
            let client = self.db.get().await.map_err(no_connection)?;
            let lease = deadline.saturating_duration_since(Instant::now()) + LEASE_MARGIN;
            match claims::claim(&**client, job_id, version, &content_hash, &claimant, lease).await.map_err(retry)? {
                Claim::Acquired => {}
                Claim::HeldElsewhere { left } => {
                    return Err(Failure::Defer {
                        wait: left + Duration::from_secs(1),
                        why: format!("job {job_id} is being scored by another delivery"),
                    })
                }
            }
            // Another delivery may have stored it between our read and our claim.
            if let Some(existing) = evaluations::find(&**client, job_id, version).await.map_err(retry)? {
                if existing.content_hash == content_hash {
                    claims::release(&**client, job_id, version, &claimant).await.map_err(retry)?;
                    return Ok(JobOutcome::AlreadyEvaluated);
                }
            }
        }
        let stored = self.score_and_store(&job, &content_hash, deadline).await;
        match self.db.get().await {
            Ok(client) => {
                if let Err(e) = claims::release(&**client, job_id, version, &claimant).await {
                    warn!(job_id, error = %format!("{e:#}"), "claim not released; it ends with its lease");
                }
            }
            Err(e) => warn!(job_id, error = %e, "claim not released; it ends with its lease"),
        }
        let (total, priority, relevant, usage) = stored?;
        let alerted = relevant && self.maybe_alert(&job, total, deadline).await;
        Ok(JobOutcome::Scored {
            total,
            priority,
            relevant,
            alerted,
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
        })
    }

    /// Scores a claimed job and stores its evaluation.
    async fn score_and_store(
        &self,
        job: &crate::job::Job,
        content_hash: &str,
        deadline: Instant,
    ) -> Result<(f64, Priority, bool, crate::evaluation::Usage), Failure> {
        let (job_id, version) = (job.job_id.as_str(), self.profile.version.as_str());
        let started = StdInstant::now();
        let scored = self.scorer.score(job, &self.profile.profile, deadline).await.map_err(|e| match e {
            ScoreError::Fatal(m) => Failure::Fatal(m),
            ScoreError::Retryable(m) | ScoreError::Rejected(m) => Failure::Retry(m),
            ScoreError::MustWait { wait, why } => Failure::Defer { wait, why },
        })?;
        let (total, priority) = grade(&self.profile.profile, &scored.assessment);
        let e = NewEvaluation {
            job_id,
            profile_version: version,
            content_hash,
            scorer: self.scorer.kind(),
            model: scored.model.as_deref(),
            outcome: Outcome::Scored { assessment: &scored.assessment, total, priority },
            prompt_tokens: scored.usage.prompt_tokens,
            completion_tokens: scored.usage.completion_tokens,
            latency_ms: started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32,
            cost_usd: scored.cost_usd,
        };
        {
            let client = self.db.get().await.map_err(no_connection)?;
            evaluations::store(&**client, &e).await.map_err(retry)?;
            failures::clear(&**client, job_id, version).await.map_err(retry)?;
        }
        let relevant = scored.assessment.relevant;
        info!(
            job_id,
            scorer = self.scorer.kind().as_str(),
            model = scored.model.as_deref().unwrap_or("-"),
            total,
            priority = priority.as_str(),
            relevant,
            prompt_tokens = scored.usage.prompt_tokens,
            completion_tokens = scored.usage.completion_tokens,
            latency_ms = e.latency_ms,
            "job scored"
        );
        Ok((total, priority, relevant, scored.usage))
    }

    /// Sends the job's one alert when it reaches the threshold; a failure is logged, never
    /// returned. Returns whether a message went out now.
    async fn maybe_alert(&self, job: &crate::job::Job, total: f64, deadline: Instant) -> bool {
        let Some(alerter) = &self.alerter else { return false };
        if total < self.alert_threshold.get(&self.db, self.profile.profile.alerts).await {
            return false;
        }
        match alerter.send_once(&self.db, job, &self.profile, total, deadline).await {
            Ok(sent) => sent,
            Err(e) => {
                warn!(job_id = %job.job_id, error = %format!("{e:#}"), "alert not sent");
                false
            }
        }
    }
}

impl Evaluator {
    /// Builds the evaluator from the environment: `DATABASE_URL`, `PROFILE_PATH`, the scorer's
    /// settings (`CEREBRAS_*`), Telegram (`TELEGRAM_*`) and `EVALUATOR_CONCURRENCY` (default 4).
    /// Applies pending migrations and records the profile.
    pub async fn from_env() -> anyhow::Result<Evaluator> {
        let db = crate::config::DatabaseConfig::from_env()?.pool()?;
        let profile = LoadedProfile::from_env()?;
        {
            let mut client = db.get().await.map_err(|e| anyhow::anyhow!("connect to Postgres: {e}"))?;
            crate::store::migrate::migrate(&mut client).await?;
            evaluations::record_profile(&**client, &profile).await?;
        }
        let http = reqwest::Client::builder().user_agent("upflow").build()?;
        let scorer = Scorer::from_env(http.clone())?;
        let alerter = Alerter::from_env(http);
        let concurrency = crate::config::number("EVALUATOR_CONCURRENCY", 4usize)?;
        let requeue = match crate::config::optional("JOBS_QUEUE_URL") {
            Some(url) => {
                let aws = crate::aws::sdk_config().await;
                Some(SqsQueue { client: crate::aws::sqs_client(&aws), url })
            }
            None => None,
        };
        let max_receive_count = crate::config::number("MAX_RECEIVE_COUNT", 5u32)?;
        let max_deferrals = crate::config::number("MAX_DEFERRALS", 100u32)?;
        info!(
            scorer = %scorer.describe(), profile = %profile.profile.name, profile_version = %profile.version,
            alerts = alerter.is_some(), concurrency, requeue = requeue.is_some(), max_receive_count,
            "evaluator ready"
        );
        Ok(Evaluator {
            db,
            scorer,
            profile,
            alerter,
            concurrency,
            requeue,
            max_receive_count,
            max_deferrals,
            alert_threshold: Default::default(),
        })
    }
}
