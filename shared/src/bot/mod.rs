//! The Telegram bot behind `POST /telegram/webhook`: `/start`, `/help`, `/top [n] [min_score]`
//! with page buttons, `/job <id>`, `/stats` and `/new`, for the chats in
//! `TELEGRAM_ALLOWED_CHAT_IDS` only.
//!
//! The webhook checks the secret with [`Bot::secret_ok`] (401 when it is wrong) and passes
//! every update to [`Bot::handle_update`], then answers 200 whatever happened: an error is
//! logged, never turned into a 5xx that makes Telegram deliver the update again. A redelivered
//! update (same `update_id`) is ignored. In a group or supergroup the bot only reacts to what is
//! addressed to it, as Telegram's privacy mode delivers it (a command for it or for no bot in
//! particular, a mention, a reply to its message): anything else gets no answer at all, from an
//! allowed chat or not. A chat that is not allowed gets one short refusal, once ever (the chats
//! told are remembered in `telegram_refusals`), and nothing else. Telegram calls have a deadline
//! of [`TELEGRAM_DEADLINE`] per update, within which the client waits out a 429's `retry_after`.
//!
//! - [`update`]: the parts of Telegram's `Update` read here.
//! - [`command`]: commands and `/top` page buttons.
//! - [`format`] and [`text`]: the messages, in Telegram's HTML style.
//! - [`store`]: the bot's tables and its queries.

pub mod buttons;
pub mod command;
pub mod draft;
pub mod format;
pub mod store;
pub mod text;
pub mod update;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tracing::{debug, info, warn};

use self::buttons::{DecisionPress, DraftPress, Press};
use self::command::{Command, TopRequest};
use self::format::{JobCard, TopPage};
use self::update::{BotIdentity, CallbackQuery, Message, Update};
use crate::config::{optional, required, ConfigError};
use crate::decision::{Choice, Source};
use crate::profile::LoadedProfile;
use crate::propose::{Drafter, ProposeError, Proposer};
use crate::store::Db;
use crate::telegram::{TelegramClient, TelegramError};

/// How long the Telegram calls for one update may take in all (the webhook must answer fast).
pub const TELEGRAM_DEADLINE: Duration = Duration::from_secs(5);
/// The most jobs `/new` lists (the rest are counted).
const NEW_LIMIT: i64 = 20;
/// Update ids are pruned when one is a multiple of this (about once in this many updates).
const PRUNE_EVERY: i64 = 100;
/// Recent imports shown by `/stats`.
const RECENT_INGESTS: i64 = 3;
/// What `/new` looks back the first time.
const FIRST_NEW_HOURS: i64 = 24;

/// The bot's settings.
#[derive(Clone, PartialEq)]
pub struct BotConfig {
    /// The `secret_token` given to `setWebhook`; Telegram sends it in
    /// `X-Telegram-Bot-Api-Secret-Token`.
    pub webhook_secret: String,
    /// The chats the bot answers; every other chat gets a refusal. Empty: none.
    pub allowed_chat_ids: Vec<i64>,
}

impl std::fmt::Debug for BotConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotConfig")
            .field("webhook_secret", &"<redacted>")
            .field("allowed_chat_ids", &self.allowed_chat_ids)
            .finish()
    }
}

impl BotConfig {
    /// From `TELEGRAM_WEBHOOK_SECRET` (required) and `TELEGRAM_ALLOWED_CHAT_IDS` (chat ids,
    /// comma-separated). Without the list, the alerts' `TELEGRAM_CHAT_ID` is the one allowed
    /// chat when it is a numeric id; otherwise no chat is allowed.
    pub fn from_env() -> Result<BotConfig, ConfigError> {
        let secret = required("TELEGRAM_WEBHOOK_SECRET")?;
        Self::from_values(secret, optional("TELEGRAM_ALLOWED_CHAT_IDS"), optional("TELEGRAM_CHAT_ID"))
    }

    fn from_values(
        secret: String,
        allowed: Option<String>,
        alerts_chat: Option<String>,
    ) -> Result<BotConfig, ConfigError> {
        let secret = secret.trim().to_string();
        validate_secret(&secret).map_err(|reason| ConfigError::Invalid {
            name: "TELEGRAM_WEBHOOK_SECRET",
            value: "<redacted>".into(),
            reason,
        })?;
        let allowed_chat_ids = match allowed {
            Some(list) => parse_chat_ids(&list).map_err(|reason| ConfigError::Invalid {
                name: "TELEGRAM_ALLOWED_CHAT_IDS",
                value: list.clone(),
                reason,
            })?,
            None => alerts_chat.and_then(|c| c.trim().parse().ok()).into_iter().collect(),
        };
        Ok(BotConfig { webhook_secret: secret, allowed_chat_ids })
    }

    /// Whether the bot answers `chat_id`.
    pub fn allows(&self, chat_id: i64) -> bool {
        self.allowed_chat_ids.contains(&chat_id)
    }
}

/// Telegram's rule for a webhook secret: 1-256 characters `A-Z`, `a-z`, `0-9`, `_` and `-`.
pub fn validate_secret(secret: &str) -> Result<(), String> {
    if secret.is_empty() || secret.len() > 256 {
        return Err("must be 1 to 256 characters".into());
    }
    if !secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err("may only contain A-Z, a-z, 0-9, _ and -".into());
    }
    Ok(())
}

/// Chat ids separated by commas (spaces allowed, empty items skipped): `123, -100456`.
pub fn parse_chat_ids(list: &str) -> Result<Vec<i64>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i64>().map_err(|_| format!("{s:?} is not a chat id (a whole number)")))
        .collect()
}

/// A Telegram client from `TELEGRAM_BOT_TOKEN` and `TELEGRAM_API_BASE_URL`, with an HTTP
/// client of its own; `None` without a token.
pub fn telegram_client_from_env() -> Option<TelegramClient> {
    let http = reqwest::Client::builder().user_agent("upflow").build().unwrap_or_default();
    TelegramClient::from_env(http)
}

/// What went wrong with an update. The webhook logs it and still answers 200.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// The body is not a Telegram update.
    #[error("not a Telegram update: {0}")]
    BadUpdate(String),
    /// Postgres could not be reached or a query failed.
    #[error("database: {0}")]
    Database(String),
    /// A Bot API call failed (after the client's retries).
    #[error("{0}")]
    Telegram(#[from] TelegramError),
}

impl BotError {
    fn db(e: impl std::fmt::Display) -> BotError {
        BotError::Database(format!("{e:#}"))
    }
}

/// The bot: built once per process ([`Bot::new`]), shared by every webhook call.
#[derive(Debug, Clone)]
pub struct Bot {
    pub db: Db,
    pub telegram: TelegramClient,
    pub profile: LoadedProfile,
    pub config: BotConfig,
    /// Drafts proposals for the "Draft proposal" button (offline unless
    /// [`Bot::with_drafter`] says otherwise).
    pub proposer: Proposer,
    /// Who the bot is, asked of Telegram (`getMe`) the first time a group message needs it.
    identity: Arc<tokio::sync::OnceCell<BotIdentity>>,
}

/// How long a proposal draft may take, on top of the Telegram calls' own deadline.
pub const DRAFT_DEADLINE: Duration = Duration::from_secs(17);

impl Bot {
    pub fn new(db: Db, telegram: TelegramClient, profile: LoadedProfile, config: BotConfig) -> Bot {
        let proposer = Proposer { db: db.clone(), profile: Arc::new(profile.clone()), drafter: Drafter::Offline };
        Bot { db, telegram, profile, config, proposer, identity: Arc::default() }
    }

    /// The same bot, drafting proposals with `drafter`.
    pub fn with_drafter(mut self, drafter: Drafter) -> Bot {
        self.proposer.drafter = drafter;
        self
    }

    /// The bot when both `TELEGRAM_BOT_TOKEN` and `TELEGRAM_WEBHOOK_SECRET` are set (`None`
    /// otherwise: the token alone only serves the evaluator's alerts), configured by
    /// [`BotConfig::from_env`].
    pub fn from_env(db: Db, profile: LoadedProfile, http: reqwest::Client) -> Result<Option<Bot>, ConfigError> {
        if optional("TELEGRAM_WEBHOOK_SECRET").is_none() {
            return Ok(None);
        }
        let Some(telegram) = TelegramClient::from_env(http) else { return Ok(None) };
        let config = BotConfig::from_env()?;
        if config.allowed_chat_ids.is_empty() {
            warn!("TELEGRAM_ALLOWED_CHAT_IDS is empty: the bot will refuse every chat");
        }
        Ok(Some(Bot::new(db, telegram, profile, config)))
    }

    /// Whether `header` (the request's `X-Telegram-Bot-Api-Secret-Token`) is the webhook
    /// secret. The comparison takes the same time wherever the first difference is, whatever
    /// the lengths (it compares SHA-256 digests); no header, or no configured secret, is false.
    pub fn secret_ok(&self, header: Option<&str>) -> bool {
        match header {
            Some(given) if !self.config.webhook_secret.is_empty() => {
                constant_time_eq(given.as_bytes(), self.config.webhook_secret.as_bytes())
            }
            _ => false,
        }
    }

    /// Handles one update (the webhook's JSON body): a repeated `update_id` is ignored; a group
    /// message not addressed to the bot is ignored; a chat that is not allowed gets one refusal,
    /// once; messages get their command's answer, unknown text the help; page buttons are always
    /// acknowledged, then their message is edited to the page.
    pub async fn handle_update(&self, update: &Value) -> Result<(), BotError> {
        let update = Update::from_json(update).map_err(|e| BotError::BadUpdate(e.to_string()))?;
        let deadline = Instant::now() + TELEGRAM_DEADLINE;
        {
            let client = self.db.get().await.map_err(|e| BotError::db(format!("connect to Postgres: {e}")))?;
            if !store::first_delivery(&**client, update.update_id).await.map_err(BotError::db)? {
                debug!(update_id = update.update_id, "update seen before; ignored");
                return Ok(());
            }
            if update.update_id % PRUNE_EVERY == 0 {
                match store::prune_updates(&**client).await {
                    Ok(n) => debug!(pruned = n, "forgot old update ids"),
                    Err(e) => warn!(error = %format!("{e:#}"), "pruning update ids failed"),
                }
            }
        }
        if let Some(query) = &update.callback_query {
            self.on_callback(query, deadline).await
        } else if let Some(message) = &update.message {
            self.on_message(message, deadline).await
        } else {
            debug!(update_id = update.update_id, "an update without a message or button press; ignored");
            Ok(())
        }
    }

    async fn on_message(&self, message: &Message, deadline: Instant) -> Result<(), BotError> {
        let chat = message.chat.id;
        // Group rules first: what is not for the bot gets no answer, allowed chat or not.
        let me = if message.needs_identity() { self.identity(deadline).await } else { None };
        if !message.is_for(me) {
            debug!(chat, "a group message not addressed to the bot; ignored");
            return Ok(());
        }
        if !self.config.allows(chat) {
            return self.refuse_once(chat, deadline).await;
        }
        let Some(text) = message.command_text(me) else { return Ok(()) };
        let command = Command::parse(text);
        debug!(chat, ?command, "command");
        match self.answer(chat, command, deadline).await {
            Err(BotError::Database(e)) => {
                if let Err(t) = self.send(chat, &format::failure(), None, deadline).await {
                    warn!(error = %t, "could not tell the chat about a failure");
                }
                Err(BotError::Database(e))
            }
            other => other,
        }
    }

    /// Who the bot is (`getMe`, asked once per process); `None`, logged, when Telegram cannot
    /// say (the next message asks again).
    async fn identity(&self, deadline: Instant) -> Option<&BotIdentity> {
        let asked = self
            .identity
            .get_or_try_init(|| async {
                let me = self.telegram.call("getMe", &serde_json::json!({}), Some(deadline)).await?;
                serde_json::from_value::<BotIdentity>(me).map_err(|e| TelegramError::BadResponse(format!("getMe: {e}")))
            })
            .await;
        match asked {
            Ok(me) => Some(me),
            Err(e) => {
                warn!(error = %e, "cannot tell who the bot is (getMe); only commands naming no bot are answered in groups");
                None
            }
        }
    }

    /// The refusal for a chat that is not allowed, sent once per chat ever: the chat is claimed
    /// in `telegram_refusals` first, and the claim is given back when the refusal could not be
    /// sent for a passing reason (rate limit, network), so the next message tries again.
    async fn refuse_once(&self, chat: i64, deadline: Instant) -> Result<(), BotError> {
        let claimed = {
            let client = self.client().await?;
            store::claim_refusal(&**client, chat).await.map_err(BotError::db)?
        };
        if !claimed {
            debug!(chat, "message from a chat that is not allowed, already refused; ignored");
            return Ok(());
        }
        info!(chat, "message from a chat that is not allowed; refused");
        match self.send(chat, &format::refusal(chat), None, deadline).await {
            Ok(_) => Ok(()),
            Err(e) => {
                // Telegram's own refusal (4xx: blocked, chat not found) will not change: keep the
                // claim. Anything else (5xx, rate limit, network) may pass: give it back.
                let lasting =
                    matches!(&e, BotError::Telegram(TelegramError::Api { code, .. }) if (400..500).contains(code));
                if !lasting {
                    let client = self.client().await?;
                    if let Err(f) = store::release_refusal(&**client, chat).await {
                        warn!(chat, error = %format!("{f:#}"), "could not forget a refusal that was not sent");
                    }
                }
                Err(e)
            }
        }
    }

    async fn answer(&self, chat: i64, command: Command, deadline: Instant) -> Result<(), BotError> {
        match command {
            Command::Start | Command::Help => self.send(chat, &format::help(), None, deadline).await.map(drop),
            Command::Top(request) => {
                let page = self.top_page(request).await?;
                self.send(chat, &page.text, page.keyboard, deadline).await.map(drop)
            }
            Command::Job(id) => {
                let client = self.client().await?;
                let detail = crate::read::job_detail(&**client, &id).await.map_err(BotError::db)?;
                drop(client);
                match detail {
                    None => self.send(chat, &format::not_found(&id), None, deadline).await.map(drop),
                    Some(detail) => {
                        let messages = format::job_report(&detail, &self.profile, Utc::now());
                        let Some((last, first)) = messages.split_last() else { return Ok(()) };
                        self.send_all(chat, first, deadline).await?;
                        let chosen =
                            detail.decisions.first().map(|e| Choice { decision: e.decision, reason: e.reason });
                        self.send(chat, last, buttons::keyboard(&detail.job.job_id, chosen), deadline).await.map(drop)
                    }
                }
            }
            Command::Stats => {
                let client = self.client().await?;
                let stats =
                    crate::read::stats(&**client, &self.profile.version, RECENT_INGESTS).await.map_err(BotError::db)?;
                let decided = crate::read::decision_stats(&**client, self.profile.profile.priority)
                    .await
                    .map_err(BotError::db)?;
                let proposals = crate::store::proposals::stats(&**client).await.map_err(BotError::db)?;
                let threshold =
                    crate::read::alert_threshold(&**client, self.profile.profile.alerts).await.map_err(BotError::db)?;
                drop(client);
                self.send_all(chat, &format::stats(&stats, &decided, &proposals, &threshold, Utc::now()), deadline)
                    .await
            }
            Command::New => self.new_jobs(chat, deadline).await,
        }
    }

    /// `/new`: jobs scored since this chat's last `/new` (the last 24 hours the first time).
    /// The chat's mark moves only once the answer is sent, so a failed send loses nothing.
    async fn new_jobs(&self, chat: i64, deadline: Instant) -> Result<(), BotError> {
        let (now, last, cards, total) = {
            let client = self.client().await?;
            let (now, last) = store::last_new(&**client, chat).await.map_err(BotError::db)?;
            let since = last.unwrap_or(now - chrono::Duration::hours(FIRST_NEW_HOURS));
            let (cards, total) = store::scored_between(&**client, &self.profile.version, since, now, NEW_LIMIT)
                .await
                .map_err(BotError::db)?;
            (now, last, cards, total)
        };
        let more = total - cards.len() as i64;
        self.send_all(chat, &format::new_jobs(&cards, more, last, now), deadline).await?;
        let client = self.client().await?;
        store::set_last_new(&**client, chat, now).await.map_err(BotError::db)
    }

    /// A button press: acknowledged first, always; then, for a page button, its message is
    /// edited to the page ("message is not modified" counts as done).
    async fn on_callback(&self, query: &CallbackQuery, deadline: Instant) -> Result<(), BotError> {
        let chat = query.message.as_ref().map_or(query.from.id, |m| m.chat.id);
        let ack = |text: Option<&'static str>| self.telegram.answer_callback_query(&query.id, text, Some(deadline));
        if !self.config.allows(chat) {
            info!(chat, "button press from a chat that is not allowed; refused");
            return Ok(ack(Some("Sorry, this bot is private.")).await?);
        }
        if let Some(press) = query.data.as_deref().and_then(DecisionPress::decode) {
            return self.on_decision(chat, query, press, deadline).await;
        }
        if let Some(press) = query.data.as_deref().and_then(DraftPress::decode) {
            return self.on_draft(chat, query, press, deadline).await;
        }
        let request = query.data.as_deref().and_then(TopRequest::decode);
        let (Some(request), Some(message)) = (request, query.message.as_ref()) else {
            return Ok(ack(Some("This button no longer works: send /top.")).await?);
        };
        let acknowledged = ack(None).await;
        let edited = match self.top_page(request).await {
            Ok(page) => {
                let edit = self
                    .telegram
                    .edit_message_text(&chat.to_string(), message.message_id, &page.text, page.keyboard, Some(deadline))
                    .await;
                match edit {
                    Err(e) if e.is_message_not_modified() => Ok(()),
                    other => other.map_err(BotError::from),
                }
            }
            Err(e) => Err(e),
        };
        acknowledged?;
        edited
    }

    /// A decision button: "Not for me" swaps the buttons for the reason chips; any other records
    /// the decision (as a Telegram one) and marks it on the buttons. The press is acknowledged
    /// with what was recorded, or why nothing was.
    async fn on_decision(
        &self,
        chat: i64,
        query: &CallbackQuery,
        press: DecisionPress,
        deadline: Instant,
    ) -> Result<(), BotError> {
        let (text, markup) = match press.press {
            Press::AskReason => (None, buttons::reason_keyboard(&press.job_id)),
            Press::Choose(choice) => {
                let client = self.client().await?;
                let recorded = crate::store::decisions::record(&**client, &press.job_id, choice, Source::Telegram)
                    .await
                    .map_err(BotError::db)?;
                drop(client);
                match recorded {
                    None => (Some("This job is no longer stored.".to_string()), None),
                    Some(event) => {
                        info!(chat, job_id = %event.job_id, decision = event.decision.as_str(), "decision recorded");
                        let reason = choice.reason.map(|r| format!(" ({})", r.label())).unwrap_or_default();
                        (
                            Some(format!("Recorded: {}{reason}", choice.decision.label())),
                            buttons::keyboard(&press.job_id, Some(choice)),
                        )
                    }
                }
            }
        };
        let acknowledged = self.telegram.answer_callback_query(&query.id, text.as_deref(), Some(deadline)).await;
        if let (Some(markup), Some(message)) = (markup, query.message.as_ref()) {
            let edit = self
                .telegram
                .edit_message_reply_markup(&chat.to_string(), message.message_id, markup, Some(deadline))
                .await;
            match edit {
                Err(e) if e.is_message_not_modified() => {}
                other => other?,
            }
        }
        Ok(acknowledged?)
    }

    /// "Draft proposal": acknowledges at once, drafts (or finds the stored draft), then sends it,
    /// split under Telegram's limit, with a "New draft" button under its last part.
    async fn on_draft(
        &self,
        chat: i64,
        query: &CallbackQuery,
        press: DraftPress,
        deadline: Instant,
    ) -> Result<(), BotError> {
        let ack = if press.redo { "Drafting a new proposal…" } else { "Drafting the proposal…" };
        self.telegram.answer_callback_query(&query.id, Some(ack), Some(deadline)).await?;
        let draft_deadline = tokio::time::Instant::now() + DRAFT_DEADLINE;
        let proposed = self.proposer.propose(&press.job_id, press.redo, draft_deadline).await;
        let deadline = Instant::now() + TELEGRAM_DEADLINE;
        let section = self.profile.profile.proposal.as_ref();
        let (messages, keyboard) = match (&proposed, section) {
            (Ok(p), Some(section)) => {
                info!(chat, job_id = %press.job_id, reused = p.reused, "proposal draft sent");
                let heading = draft::heading(&p.title, &p.proposal, p.reused, Utc::now());
                let messages = crate::proposal::render::telegram_messages(
                    &p.proposal.draft,
                    section,
                    &heading,
                    crate::telegram::html::MAX_MESSAGE,
                );
                (messages, buttons::redraft_keyboard(&press.job_id))
            }
            (Err(e), _) => {
                warn!(chat, job_id = %press.job_id, error = %e, "no proposal draft");
                (vec![draft::failure(e)], None)
            }
            (Ok(_), None) => (vec![draft::failure(&ProposeError::NoProposalProfile)], None),
        };
        let Some((last, first)) = messages.split_last() else { return Ok(()) };
        self.send_all(chat, first, deadline).await?;
        self.send(chat, last, keyboard, deadline).await.map(drop)
    }

    /// The `/top` page for `request`.
    async fn top_page(&self, request: TopRequest) -> Result<TopPage, BotError> {
        let client = self.client().await?;
        let (items, more) = store::top(&**client, &self.profile.version, self.profile.profile.priority, request)
            .await
            .map_err(BotError::db)?;
        drop(client);
        let cards: Vec<JobCard> = items.iter().map(JobCard::from).collect();
        Ok(format::top_page(&cards, request, more, Utc::now()))
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, BotError> {
        self.db.get().await.map_err(|e| BotError::db(format!("connect to Postgres: {e}")))
    }

    async fn send(&self, chat: i64, text: &str, keyboard: Option<Value>, deadline: Instant) -> Result<i64, BotError> {
        Ok(self.telegram.send_message(&chat.to_string(), text, keyboard, Some(deadline)).await?)
    }

    async fn send_all(&self, chat: i64, messages: &[String], deadline: Instant) -> Result<(), BotError> {
        for text in messages {
            self.send(chat, text, None, deadline).await?;
        }
        Ok(())
    }
}

/// Equality of two byte strings in time independent of their contents and lengths: their
/// SHA-256 digests are compared with every byte visited.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    let diff = a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(allowed: Option<&str>, alerts: Option<&str>) -> Result<BotConfig, ConfigError> {
        BotConfig::from_values("s3cret_-X".into(), allowed.map(String::from), alerts.map(String::from))
    }

    #[test]
    fn allowed_chats_come_from_the_list_or_the_alerts_chat() {
        assert_eq!(
            config(Some(" 123, -1001234567890 ,,"), Some("9")).unwrap().allowed_chat_ids,
            vec![123, -1001234567890]
        );
        assert_eq!(config(None, Some(" -42 ")).unwrap().allowed_chat_ids, vec![-42]);
        assert_eq!(config(None, Some("@channel")).unwrap().allowed_chat_ids, Vec::<i64>::new());
        assert_eq!(config(None, None).unwrap().allowed_chat_ids, Vec::<i64>::new());
        let e = config(Some("12, abc"), None).unwrap_err().to_string();
        assert!(e.contains("TELEGRAM_ALLOWED_CHAT_IDS") && e.contains("\"abc\" is not a chat id"), "{e}");
        let c = config(Some("5"), None).unwrap();
        assert!(c.allows(5) && !c.allows(6));
    }

    #[test]
    fn secrets_follow_telegrams_rule_and_stay_hidden() {
        assert!(validate_secret("abc_DEF-123").is_ok());
        for bad in ["", "has space", "semi;colon", &"x".repeat(257)] {
            assert!(validate_secret(bad).is_err(), "{bad}");
        }
        let e = BotConfig::from_values("bad secret!".into(), None, None).unwrap_err().to_string();
        assert!(e.contains("TELEGRAM_WEBHOOK_SECRET") && !e.contains("bad secret"), "{e}");
        let shown = format!("{:?}", config(None, None).unwrap());
        assert!(!shown.contains("s3cret") && shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn secrets_are_compared_exactly() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(constant_time_eq(b"", b""));
        for other in [&b"abd"[..], b"ab", b"abcd", b"", b"ABC"] {
            assert!(!constant_time_eq(b"abc", other), "{other:?}");
        }
    }

    #[tokio::test]
    async fn the_secret_header_must_match() {
        let bot = Bot::new(
            crate::store::connect("postgresql://nobody@127.0.0.1:9/none", None).unwrap(),
            TelegramClient::new(reqwest::Client::new(), "http://127.0.0.1:9", "t"),
            LoadedProfile::default_profile(),
            config(Some("1"), None).unwrap(),
        );
        assert!(bot.secret_ok(Some("s3cret_-X")));
        for wrong in [None, Some(""), Some("s3cret_-x"), Some("s3cret_-X ")] {
            assert!(!bot.secret_ok(wrong), "{wrong:?}");
        }
        let unset =
            Bot { config: BotConfig { webhook_secret: String::new(), allowed_chat_ids: vec![] }, ..bot.clone() };
        assert!(!unset.secret_ok(Some("")));
        let e = bot.handle_update(&serde_json::json!({"no": "update"})).await.unwrap_err();
        assert!(matches!(e, BotError::BadUpdate(_)), "{e}");
    }
}
