//! Telegram alerts for the best jobs: one message per job, ever.

use anyhow::Context;
use tokio::time::Instant;

use crate::job::Job;
use crate::profile::LoadedProfile;
use crate::store::{evaluations, Db};
use crate::telegram::alert::format_alert_weighted;
use crate::telegram::client::TelegramClient;

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

    /// Claims the job's alert and sends it; `Ok(false)` when it was claimed before.
    pub async fn send_once(
        &self,
        db: &Db,
        job: &Job,
        profile: &LoadedProfile,
        total: f64,
        deadline: Instant,
    ) -> anyhow::Result<bool> {
        let client = db.get().await.context("connect to Postgres")?;
        if !evaluations::claim_alert(&**client, &job.job_id, &profile.version, total).await? {
            return Ok(false);
        }
        let stored = evaluations::find_scored(&**client, &job.job_id, &profile.version).await?;
        let Some((assessment, priority)) = stored else {
            evaluations::finish_alert(&**client, &job.job_id, Err("no scored evaluation to report")).await?;
            return Ok(false);
        };
        let text = format_alert_weighted(job, &assessment, total, priority, &profile.profile.criteria);
        let sent = self.client.send_message(&self.chat_id, &text, None, Some(deadline.into_std())).await;
        match sent {
            Ok(message_id) => {
                evaluations::finish_alert(&**client, &job.job_id, Ok(message_id)).await?;
                tracing::info!(job_id = %job.job_id, total, message_id, "alert sent");
                Ok(true)
            }
            Err(e) => {
                let error = e.to_string();
                evaluations::finish_alert(&**client, &job.job_id, Err(&error)).await?;
                Err(anyhow::anyhow!("Telegram: {error}"))
            }
        }
    }
}
