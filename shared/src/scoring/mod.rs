//! Scorers: turn a job into an [`Assessment`](crate::evaluation::Assessment) under a profile.
//!
//! - [`rules`]: deterministic and offline; the default when no Cerebras key is set.
//! - [`cerebras`]: one chat completion per job with structured output, paced by [`pacer`].

pub mod cerebras;
pub mod pacer;
pub mod rules;

use std::time::Duration;

use tokio::time::Instant;

use crate::evaluation::{Assessment, ScorerKind, Usage};
use crate::job::Job;
use crate::profile::Profile;

/// A scorer's answer for one job.
#[derive(Debug, Clone)]
pub struct Scored {
    pub assessment: Assessment,
    pub usage: Usage,
    pub model: Option<String>,
    pub latency: Duration,
    /// Estimated cost in US dollars (0 for the rules scorer; `None` when the price is unknown).
    pub cost_usd: Option<f64>,
}

/// Why a job could not be scored now.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    /// Try this job again later (rate limit beyond the time left, 5xx, timeout, a reply that did
    /// not parse twice): it goes back to the queue.
    #[error("{0}")]
    Retryable(String),
    /// This request will not work as sent (400, 404, 422): a clear error; the message still goes
    /// back to the queue and, after its receives, to the DLQ, so nothing is lost.
    #[error("{0}")]
    Rejected(String),
    /// Nothing will work until someone acts (401, 402, 403, unknown model): stop the batch
    /// without burning through its jobs.
    #[error("{0}")]
    Fatal(String),
    /// Not a failure: the provider's limits (the pacer, a 429's reset, the daily quota) need a
    /// wait longer than this invocation has left. The job should come back after `wait`
    /// without counting as a failed attempt.
    #[error("{why}")]
    MustWait { wait: Duration, why: String },
}

/// The scorer in use.
pub enum Scorer {
    Rules(rules::RulesScorer),
    Cerebras(Box<cerebras::CerebrasScorer>),
}

impl Scorer {
    pub fn kind(&self) -> ScorerKind {
        match self {
            Scorer::Rules(_) => ScorerKind::Rules,
            Scorer::Cerebras(_) => ScorerKind::Cerebras,
        }
    }

    /// The model, for the LLM scorer.
    pub fn model(&self) -> Option<&str> {
        match self {
            Scorer::Rules(_) => None,
            Scorer::Cerebras(c) => Some(c.model()),
        }
    }

    /// A sentence for logs: which scorer runs, and why.
    pub fn describe(&self) -> String {
        match self {
            Scorer::Rules(_) => {
                "rules scorer (offline, deterministic; set CEREBRAS_API_KEY to score with Cerebras)".into()
            }
            Scorer::Cerebras(c) => format!("cerebras scorer, model {} at {}", c.model(), c.base_url()),
        }
    }

    /// Scores one job; `deadline` is when the caller must have an answer (the Lambda's time).
    pub async fn score(&self, job: &Job, profile: &Profile, deadline: Instant) -> Result<Scored, ScoreError> {
        match self {
            Scorer::Rules(r) => Ok(r.score(job, profile)),
            Scorer::Cerebras(c) => c.score(job, profile, deadline).await,
        }
    }
}

impl Scorer {
    /// The Cerebras scorer when `CEREBRAS_API_KEY` is set, else the rules scorer.
    pub fn from_env(http: reqwest::Client) -> Result<Scorer, crate::config::ConfigError> {
        Ok(match cerebras::CerebrasConfig::from_env()? {
            Some(config) => Scorer::Cerebras(Box::new(cerebras::CerebrasScorer::new(config, http))),
            None => Scorer::Rules(rules::RulesScorer),
        })
    }
}
