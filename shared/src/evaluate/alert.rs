//! Telegram alerts for the best jobs: one message per job, ever; a failed one is tried again
//! later, a bounded number of times ([`crate::store::alerts`]).

use std::time::Duration;

use anyhow::Context;
use tokio::time::Instant;

use crate::job::Job;
use crate::profile::LoadedProfile;
use crate::store::alerts::{self, Sent};
use crate::store::{evaluations, jobs, Db};
use crate::telegram::alert::format_alert_weighted;
use crate::telegram::client::{TelegramClient, TelegramError};

/// The time one retried alert may take; no retry starts closer than this to the deadline.
const RETRY_BUDGET: Duration = Duration::from_secs(5);

/// Where alerts go.
pub struct Alerter {
    pub client: TelegramClient,
    pub chat_id: String,
}

impl Alerter {
    /// From `TELEGRAM_BOT_TOKEN`, `TELEGRAM_CHAT_ID` and `TELEGRAM_API_BASE_URL`; `None` unless
    /// both the token and the chat are set.
    pub fn from_env(http: reqwest::Client) -> Option<Alerter> {
        let chat_id = crate::config::optional("TELEGRAM_CHAT_ID")?;
        let client = TelegramClient::from_env(http)?;
        Some(Alerter { client, chat_id })
    }

    /// Claims the job's alert and sends it; `Ok(false)` when it was claimed before (sent, being
    /// sent, or waiting for its next attempt).
    pub async fn send_once(
        &self,
        db: &Db,
        job: &Job,
        profile: &LoadedProfile,
        total: f64,
        deadline: Instant,
    ) -> anyhow::Result<bool> {
        self.attempt(db, job, &profile.version, &profile.profile.criteria, total, deadline).await
    }

    /// Tries again the alerts that are due (failed and past their wait, or left `sending` by a
    /// sender that vanished), at most `limit`, within `deadline`. Returns how many went out.
    pub async fn retry_due(&self, db: &Db, profile: &LoadedProfile, limit: i64, deadline: Instant) -> u32 {
        let due = match db.get().await {
            Ok(client) => alerts::due(&**client, limit).await,
            Err(e) => Err(anyhow::anyhow!("connect to Postgres: {e}")),
        };
        let due = match due {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "alerts due not read");
                return 0;
            }
        };
        let mut sent = 0;
        for (job_id, version) in due {
            if Instant::now() + RETRY_BUDGET > deadline {
                break;
            }
            let loaded = match db.get().await {
                Ok(client) => jobs::load(&**client, &job_id).await,
                Err(e) => Err(anyhow::anyhow!("connect to Postgres: {e}")),
            };
            let Ok(Some((job, _))) = loaded else { continue };
            let total = match db.get().await {
                Ok(client) => {
                    evaluations::find(&**client, &job_id, &version).await.ok().flatten().and_then(|e| e.total)
                }
                Err(_) => None,
            };
            let Some(total) = total else { continue };
            match self.attempt(db, &job, &version, &profile.profile.criteria, total, deadline).await {
                Ok(true) => {
                    tracing::info!(job_id, "alert sent on a later attempt");
                    sent += 1;
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(job_id, error = %format!("{e:#}"), "alert retry failed"),
            }
        }
        sent
    }

    /// One attempt: claim (first time, or again when due), format, send, record. The pooled
    /// connection is given back before Telegram is called, so its `retry_after` waits never
    /// hold one.
    async fn attempt(
        &self,
        db: &Db,
        job: &Job,
        profile_version: &str,
        criteria: &crate::profile::Criteria,
        total: f64,
        deadline: Instant,
    ) -> anyhow::Result<bool> {
        let lease = deadline.saturating_duration_since(Instant::now()) + crate::evaluate::LEASE_MARGIN;
        let text = {
            let client = db.get().await.context("connect to Postgres")?;
            if !alerts::claim(&**client, &job.job_id, profile_version, total, lease).await? {
                return Ok(false);
            }
            let Some((assessment, priority)) =
                evaluations::find_scored(&**client, &job.job_id, profile_version).await?
            else {
                alerts::finish(&**client, &job.job_id, Sent::GaveUp { error: "no scored evaluation to report" })
                    .await?;
                return Ok(false);
            };
            format_alert_weighted(job, &assessment, total, priority, criteria)
        };
        // The decision buttons (Applied, Not for me, …), answered by the bot's webhook.
        let buttons = crate::bot::buttons::keyboard(&job.job_id, None);
        let sent = self.client.send_message(&self.chat_id, &text, buttons, Some(deadline.into_std())).await;
        let client = db.get().await.context("connect to Postgres")?;
        match sent {
            Ok(message_id) => {
                alerts::finish(&**client, &job.job_id, Sent::Ok(message_id)).await?;
                tracing::info!(job_id = %job.job_id, total, message_id, "alert sent");
                Ok(true)
            }
            Err(e) => {
                let error = e.to_string();
                let retry_after = match e {
                    TelegramError::RateLimited { retry_after } => Some(Duration::from_secs(retry_after)),
                    _ => None,
                };
                let next = alerts::finish(&**client, &job.job_id, Sent::Failed { error: &error, retry_after }).await?;
                match next {
                    Some(wait) => Err(anyhow::anyhow!("Telegram: {error} (next attempt in {}s)", wait.as_secs())),
                    None => {
                        Err(anyhow::anyhow!("Telegram: {error} (given up after {} attempts)", alerts::MAX_ATTEMPTS))
                    }
                }
            }
        }
    }
}
