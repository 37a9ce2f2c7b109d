//! Drafting proposals on demand (issue 11), for the api's `POST /jobs/{id}/proposal`, the
//! page and the bot's "Draft proposal" button.
//!
//! A job's draft is stored per proposal version ([`Profile::proposal_version`]) and handed out
//! again, without a new call, until the freelancer asks for a new one (`redo`) or the job's
//! content changes. The draft is written with Cerebras when a key is set (one paced chat
//! completion with the strict [`schema`](crate::proposal::schema), errors handled as scoring
//! handles them, the answer checked against the job and profile and asked again once when it
//! fails) or else offline ([`offline`]). It draws on the job's assessment: this profile's when
//! there is one, else the latest, else the rules scorer's, made on the spot.
//!
//! No pooled connection is held during the model's call. Two requests for the same new draft at
//! once both call the model; the second's draft replaces the first's and both calls are counted.
//!
//! [`Profile::proposal_version`]: crate::profile::Profile::proposal_version

use std::sync::Arc;
use std::time::Instant as StdInstant;

use tokio::time::Instant;

use crate::evaluation::Assessment;
use crate::profile::LoadedProfile;
use crate::proposal::{offline, prompt, schema, Draft};
use crate::read::JobDetail;
use crate::scoring::cerebras::CerebrasScorer;
use crate::scoring::{rules, ScoreError};
use crate::store::proposals::{self, NewProposal, StoredProposal};
use crate::store::Db;

/// Who writes drafts.
#[derive(Clone)]
pub enum Drafter {
    /// The deterministic offline draft.
    Offline,
    /// Cerebras, paced by this scorer's pacer.
    Cerebras(Arc<CerebrasScorer>),
}

impl std::fmt::Debug for Drafter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drafter::Offline => f.write_str("Offline"),
            Drafter::Cerebras(c) => write!(f, "Cerebras({})", c.model()),
        }
    }
}

impl Drafter {
    /// The Cerebras drafter when `CEREBRAS_API_KEY` is set, else offline.
    pub fn from_env(http: reqwest::Client) -> Result<Drafter, crate::config::ConfigError> {
        Ok(match crate::scoring::cerebras::CerebrasConfig::from_env()? {
            Some(config) => Drafter::Cerebras(Arc::new(CerebrasScorer::new(config, http))),
            None => Drafter::Offline,
        })
    }

    /// The name stored with a draft: `cerebras` or `rules`.
    pub fn name(&self) -> &'static str {
        match self {
            Drafter::Offline => "rules",
            Drafter::Cerebras(_) => "cerebras",
        }
    }
}

/// Why no draft came.
#[derive(Debug, thiserror::Error)]
pub enum ProposeError {
    #[error("job {0} is not stored")]
    NotFound(String),
    #[error("the profile has no [proposal] section (bio, tone, rates, case studies) to draft from")]
    NoProposalProfile,
    #[error("database: {0:#}")]
    Database(anyhow::Error),
    #[error("drafting failed: {0}")]
    Drafting(ScoreError),
}

/// A draft, and whether it was stored before this request.
#[derive(Debug, Clone)]
pub struct Proposed {
    pub proposal: StoredProposal,
    /// The job's title, for headings.
    pub title: String,
    /// `true` when handed out again without a call.
    pub reused: bool,
}

/// Drafts and stores proposals.
#[derive(Debug, Clone)]
pub struct Proposer {
    pub db: Db,
    pub profile: Arc<LoadedProfile>,
    pub drafter: Drafter,
}

impl Proposer {
    /// The stored draft of `job_id` under this profile, if any, without drafting one (the page's
    /// view); a draft of older content is not returned.
    pub async fn stored(&self, job_id: &str) -> Result<Option<(JobDetail, Option<StoredProposal>)>, ProposeError> {
        let client = self.db.get().await.map_err(|e| ProposeError::Database(e.into()))?;
        let Some(detail) = crate::read::job_detail(&**client, job_id).await.map_err(ProposeError::Database)? else {
            return Ok(None);
        };
        let version = self.profile.profile.proposal_version();
        let stored = proposals::get(&**client, job_id, &version)
            .await
            .map_err(ProposeError::Database)?
            .filter(|p| p.content_hash == detail.job.content_hash());
        Ok(Some((detail, stored)))
    }

    /// The draft of `job_id`: the stored one unless `redo` (or the job changed), else a new
    /// one, drafted within `deadline` and stored.
    pub async fn propose(&self, job_id: &str, redo: bool, deadline: Instant) -> Result<Proposed, ProposeError> {
        let profile = &self.profile.profile;
        let section = profile.proposal.as_ref().ok_or(ProposeError::NoProposalProfile)?;
        let (detail, stored) = self.stored(job_id).await?.ok_or_else(|| ProposeError::NotFound(job_id.into()))?;
        if let Some(proposal) = stored.filter(|_| !redo) {
            return Ok(Proposed { proposal, title: detail.job.title, reused: true });
        }
        let job = &detail.job;
        let assessment = assessment_for(&detail, &self.profile);
        let started = StdInstant::now();
        let (draft, model, usage, cost_usd) = match &self.drafter {
            Drafter::Offline => (offline::draft(job, &assessment, section), None, Default::default(), Some(0.0)),
            Drafter::Cerebras(cerebras) => {
                let body = cerebras.chat_body(
                    prompt::system_message(profile, section),
                    prompt::user_message(job, Some(&assessment), cerebras.description_chars()),
                    &schema::response_format(section),
                );
                let done = cerebras
                    .complete(&body, job_id, deadline, |content| {
                        let mut draft: Draft = serde_json::from_str(content)
                            .map_err(|e| format!("the draft does not match the schema: {e}"))?;
                        draft.check(job, section).map_err(|why| format!("the draft does not hold: {why}"))?;
                        Ok(draft)
                    })
                    .await
                    .map_err(ProposeError::Drafting)?;
                (done.value, Some(done.model), done.usage, done.cost_usd)
            }
        };
        let latency_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let version = profile.proposal_version();
        let content_hash = job.content_hash();
        let new = NewProposal {
            job_id,
            profile_version: &version,
            content_hash: &content_hash,
            draft: &draft,
            drafter: self.drafter.name(),
            model: model.as_deref(),
            prompt_tokens: i64::from(usage.prompt_tokens),
            completion_tokens: i64::from(usage.completion_tokens),
            cost_usd,
            latency_ms,
        };
        let client = self.db.get().await.map_err(|e| ProposeError::Database(e.into()))?;
        let proposal = proposals::save(&**client, &new)
            .await
            .map_err(ProposeError::Database)?
            .ok_or_else(|| ProposeError::NotFound(job_id.into()))?;
        tracing::info!(
            job_id,
            drafter = self.drafter.name(),
            redo,
            prompt_tokens = usage.prompt_tokens,
            completion_tokens = usage.completion_tokens,
            latency_ms,
            "proposal drafted"
        );
        Ok(Proposed { proposal, title: job.title.clone(), reused: false })
    }
}

/// The assessment a draft draws on: this profile's, else the newest, else the rules scorer's.
fn assessment_for(detail: &JobDetail, profile: &LoadedProfile) -> Assessment {
    let with = |e: &&crate::read::EvaluationView| e.assessment.is_some();
    detail
        .evaluations
        .iter()
        .filter(with)
        .find(|e| e.profile_version == profile.version)
        .or_else(|| detail.evaluations.iter().find(with))
        .and_then(|e| e.assessment.clone())
        .unwrap_or_else(|| rules::assess(&detail.job, &profile.profile, chrono::Utc::now()))
}
