//! The evaluator's work for one job: load it, skip it if a hard filter fails, score it, store
//! the evaluation (one per job and profile version), and alert Telegram when it is good.
//!
//! Idempotent: a job already evaluated under this profile with the same content is not scored
//! again (no LLM call), and a job gets at most one alert, ever.

pub mod alert;
pub mod batch;

use std::time::Instant as StdInstant;

use tokio::time::Instant;
use tracing::{info, warn};

use crate::evaluation::{grade, ScorerKind};
use crate::profile::filters::failed_filter;
use crate::profile::{LoadedProfile, Priority};
use crate::scoring::{ScoreError, Scorer};
use crate::store::evaluations::{self, NewEvaluation, Outcome};
use crate::store::{jobs, Db};

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
}

fn retry(e: anyhow::Error) -> Failure {
    Failure::Retry(format!("{e:#}"))
}

impl Evaluator {
    /// Evaluates one job by id, within `deadline`.
    pub async fn evaluate(&self, job_id: &str, deadline: Instant) -> Result<JobOutcome, Failure> {
        let version = self.profile.version.as_str();
        let (job, content_hash) = {
            let client = self.db.get().await.map_err(|e| Failure::Retry(format!("connect to Postgres: {e}")))?;
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
            let client = self.db.get().await.map_err(|e| Failure::Retry(format!("connect to Postgres: {e}")))?;
            evaluations::store(&**client, &e).await.map_err(retry)?;
            info!(job_id, reason = %reason, "skipped by a hard filter; no scorer called");
            return Ok(JobOutcome::Skipped { reason });
        }

        let started = StdInstant::now();
        let scored = self.scorer.score(&job, &self.profile.profile, deadline).await.map_err(|e| match e {
            ScoreError::Fatal(m) => Failure::Fatal(m),
            ScoreError::Retryable(m) | ScoreError::Rejected(m) => Failure::Retry(m),
        })?;
        let (total, priority) = grade(&self.profile.profile, &scored.assessment);
        let e = NewEvaluation {
            job_id,
            profile_version: version,
            content_hash: &content_hash,
            scorer: self.scorer.kind(),
            model: scored.model.as_deref(),
            outcome: Outcome::Scored { assessment: &scored.assessment, total, priority },
            prompt_tokens: scored.usage.prompt_tokens,
            completion_tokens: scored.usage.completion_tokens,
            latency_ms: started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32,
            cost_usd: scored.cost_usd,
        };
        {
            let client = self.db.get().await.map_err(|e| Failure::Retry(format!("connect to Postgres: {e}")))?;
            evaluations::store(&**client, &e).await.map_err(retry)?;
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
        let alerted = relevant && self.maybe_alert(&job, total, deadline).await;
        Ok(JobOutcome::Scored {
            total,
            priority,
            relevant,
            alerted,
            prompt_tokens: scored.usage.prompt_tokens,
            completion_tokens: scored.usage.completion_tokens,
        })
    }

    /// Sends the job's one alert when it reaches the threshold; a failure is logged, never
    /// returned. Returns whether a message went out now.
    async fn maybe_alert(&self, job: &crate::job::Job, total: f64, deadline: Instant) -> bool {
        let Some(alerter) = &self.alerter else { return false };
        if total < self.profile.profile.alerts.threshold {
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
        info!(
            scorer = %scorer.describe(), profile = %profile.profile.name, profile_version = %profile.version,
            alerts = alerter.is_some(), concurrency, "evaluator ready"
        );
        Ok(Evaluator { db, scorer, profile, alerter, concurrency })
    }
}
