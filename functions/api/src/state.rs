//! What every request needs, built once per process.

use std::sync::Arc;

use upflow::profile::LoadedProfile;
use upflow::store::Db;

/// Shared state of the router.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub profile: Arc<LoadedProfile>,
    /// When set, every route but `/health` and the webhook needs it.
    pub api_token: Option<Arc<str>>,
    /// The Telegram bot, when `TELEGRAM_BOT_TOKEN` and `TELEGRAM_WEBHOOK_SECRET` are set.
    pub bot: Option<Arc<upflow::bot::Bot>>,
    /// The scorer and model the evaluator is configured with, for `/stats`.
    pub scorer: ScorerInUse,
    /// Drafts proposals (Cerebras with a key, else offline), for the API, the page and the bot.
    pub proposer: upflow::propose::Proposer,
}

/// Which scorer the deployment is configured with.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScorerInUse {
    pub scorer: String,
    pub model: Option<String>,
}

impl ScorerInUse {
    /// From the same variables the evaluator reads.
    pub fn from_env() -> ScorerInUse {
        match upflow::scoring::cerebras::CerebrasConfig::from_env() {
            Ok(Some(c)) => ScorerInUse { scorer: "cerebras".into(), model: Some(c.model) },
            _ => ScorerInUse { scorer: "rules".into(), model: None },
        }
    }
}

impl AppState {
    /// From the environment: `DATABASE_URL`, `PROFILE_PATH`, `API_TOKEN`, Telegram settings,
    /// the Cerebras settings for drafting proposals.
    pub async fn from_env() -> anyhow::Result<AppState> {
        let db = upflow::config::DatabaseConfig::from_env()?.pool()?;
        let profile = LoadedProfile::from_env()?;
        {
            let mut client = db.get().await.map_err(|e| anyhow::anyhow!("connect to Postgres: {e}"))?;
            upflow::store::migrate::migrate(&mut client).await?;
        }
        let http = reqwest::Client::builder().user_agent("upflow").build()?;
        let proposer = upflow::propose::Proposer {
            db: db.clone(),
            profile: Arc::new(profile.clone()),
            drafter: upflow::propose::Drafter::from_env(http.clone())?,
        };
        let bot = upflow::bot::Bot::from_env(db.clone(), profile.clone(), http)?
            .map(|bot| Arc::new(bot.with_drafter(proposer.drafter.clone())));
        Ok(AppState {
            db,
            proposer,
            profile: Arc::new(profile),
            api_token: upflow::config::optional("API_TOKEN").map(Arc::from),
            bot,
            scorer: ScorerInUse::from_env(),
        })
    }
}
