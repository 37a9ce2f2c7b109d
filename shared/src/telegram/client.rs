//! A small Telegram Bot API client over reqwest: JSON `POST {base}/bot{token}/{method}`, the
//! `{"ok":…}` envelope unwrapped, 429s honoured within a deadline, 5xx answers and connection
//! errors retried. The token is a secret: it never appears in errors, logs or `Debug` output.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{json, Value};

/// The Bot API's address; `TELEGRAM_API_BASE_URL` replaces it (tests point it at a fake).
pub const DEFAULT_BASE_URL: &str = "https://api.telegram.org";

/// How many times a 429 is waited out before [`TelegramError::RateLimited`] is returned.
const RATE_LIMIT_RETRIES: u32 = 3;
/// How many times a 5xx answer or a connection error is retried.
const TRANSIENT_RETRIES: u32 = 2;
/// The first wait before retrying a 5xx or connection error; it doubles each time.
const BACKOFF: Duration = Duration::from_millis(250);

/// A failed Bot API call. Messages never contain the bot token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TelegramError {
    /// Telegram refused the call (`ok: false`), e.g. 400 `Bad Request: can't parse entities`.
    #[error("Telegram API error {code}: {description}")]
    Api { code: i64, description: String },
    /// Still rate limited after the allowed retries, or waiting `retry_after` seconds would
    /// pass the caller's deadline.
    #[error("Telegram rate limit: retry after {retry_after}s")]
    RateLimited { retry_after: u64 },
    /// The request could not be made or its answer not read (after the retries).
    #[error("Telegram transport error: {0}")]
    Transport(String),
    /// An answer that is not the Bot API's JSON envelope.
    #[error("Telegram bad response: {0}")]
    BadResponse(String),
}

impl TelegramError {
    /// Telegram's refusal to edit a message into exactly what it already is: harmless.
    pub fn is_message_not_modified(&self) -> bool {
        matches!(self, TelegramError::Api { description, .. }
            if description.contains("message is not modified"))
    }
}

/// A Bot API client for one bot.
#[derive(Clone)]
pub struct TelegramClient {
    http: reqwest::Client,
    base_url: String,
    token: String,
}

impl std::fmt::Debug for TelegramClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramClient").field("base_url", &self.base_url).field("token", &"<redacted>").finish()
    }
}

/// The Bot API's answer envelope.
#[derive(Deserialize)]
struct Envelope {
    ok: bool,
    result: Option<Value>,
    error_code: Option<i64>,
    description: Option<String>,
    parameters: Option<Parameters>,
}

#[derive(Deserialize)]
struct Parameters {
    retry_after: Option<u64>,
}

/// What one HTTP attempt came to.
#[derive(Debug, PartialEq)]
enum Outcome {
    Done(Result<Value, TelegramError>),
    /// 429: wait this many seconds.
    RateLimited(u64),
    /// Worth retrying after a short backoff.
    Transient(TelegramError),
}

impl TelegramClient {
    /// A client for the bot with `token` on the Bot API at `base_url` (normally
    /// [`DEFAULT_BASE_URL`]; a trailing `/` is ignored).
    pub fn new(http: reqwest::Client, base_url: impl Into<String>, token: impl Into<String>) -> Self {
        TelegramClient { http, base_url: base_url.into().trim_end_matches('/').to_string(), token: token.into() }
    }

    /// From `TELEGRAM_BOT_TOKEN` and the optional `TELEGRAM_API_BASE_URL` (default
    /// [`DEFAULT_BASE_URL`]); `None` when there is no token.
    pub fn from_env(http: reqwest::Client) -> Option<Self> {
        Self::from_values(
            http,
            crate::config::optional("TELEGRAM_BOT_TOKEN"),
            crate::config::optional("TELEGRAM_API_BASE_URL"),
        )
    }

    fn from_values(http: reqwest::Client, token: Option<String>, base_url: Option<String>) -> Option<Self> {
        let token = token?.trim().to_string();
        let base_url = base_url.map_or_else(|| DEFAULT_BASE_URL.to_string(), |b| b.trim().into());
        Some(Self::new(http, base_url, token))
    }

    /// The Bot API address in use.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Calls `method` with `body` as JSON and returns its `result`.
    ///
    /// A 429 is waited out (`parameters.retry_after` seconds) and retried, at most 3 times,
    /// unless the wait would pass `deadline`: then [`TelegramError::RateLimited`] comes back at
    /// once. A 5xx answer or a connection error is retried twice after a short backoff (250 ms,
    /// then 500 ms), within the deadline; each attempt's timeout is the time left before it.
    /// Without a deadline, a long `retry_after` is waited out in full.
    pub async fn call(&self, method: &str, body: &Value, deadline: Option<Instant>) -> Result<Value, TelegramError> {
        let url = format!("{}/bot{}/{}", self.base_url, self.token, method);
        let mut rate_limited = 0;
        let mut transient = 0;
        loop {
            match self.attempt(&url, method, body, deadline).await {
                Outcome::Done(result) => return result,
                Outcome::RateLimited(retry_after) => {
                    let wait = Duration::from_secs(retry_after);
                    if rate_limited >= RATE_LIMIT_RETRIES || passes(deadline, wait) {
                        tracing::warn!(method, retry_after, "Telegram rate limit: giving up");
                        return Err(TelegramError::RateLimited { retry_after });
                    }
                    rate_limited += 1;
                    tracing::warn!(method, retry_after, "Telegram rate limit: waiting");
                    tokio::time::sleep(wait).await;
                }
                Outcome::Transient(error) => {
                    let wait = BACKOFF * 2u32.pow(transient);
                    if transient >= TRANSIENT_RETRIES || passes(deadline, wait) {
                        return Err(error);
                    }
                    transient += 1;
                    tracing::warn!(method, %error, "Telegram call failed: retrying");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn attempt(&self, url: &str, method: &str, body: &Value, deadline: Option<Instant>) -> Outcome {
        let mut request = self.http.post(url).json(body);
        if let Some(deadline) = deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Outcome::Done(Err(TelegramError::Transport(format!(
                    "{method}: the deadline passed before the request"
                ))));
            }
            request = request.timeout(left);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => {
                let retry = e.is_connect() || e.is_timeout() || e.is_request();
                let error = TelegramError::Transport(self.describe(method, e));
                return if retry { Outcome::Transient(error) } else { Outcome::Done(Err(error)) };
            }
        };
        let status = response.status().as_u16();
        match response.bytes().await {
            Ok(bytes) => self.interpret(method, status, &bytes),
            Err(e) => Outcome::Transient(TelegramError::Transport(self.describe(method, e))),
        }
    }

    /// Reads one answer: the envelope's `result`, or what to do about its error.
    fn interpret(&self, method: &str, status: u16, bytes: &[u8]) -> Outcome {
        let envelope: Envelope = match serde_json::from_slice(bytes) {
            Ok(envelope) => envelope,
            Err(_) => {
                let text = String::from_utf8_lossy(bytes);
                let snippet: String = text.chars().take(200).collect();
                let error = TelegramError::BadResponse(self.redact(format!(
                    "{method}: HTTP {status} with a body that is not the Bot API's JSON: {snippet:?}"
                )));
                return if status >= 500 { Outcome::Transient(error) } else { Outcome::Done(Err(error)) };
            }
        };
        if envelope.ok {
            return Outcome::Done(
                envelope.result.ok_or_else(|| TelegramError::BadResponse(format!("{method}: ok without a result"))),
            );
        }
        let code = envelope.error_code.unwrap_or(i64::from(status));
        if code == 429 {
            let retry_after = envelope.parameters.and_then(|p| p.retry_after);
            return Outcome::RateLimited(retry_after.unwrap_or(1));
        }
        let description =
            self.redact(envelope.description.unwrap_or_else(|| format!("HTTP {status} without a description")));
        let error = TelegramError::Api { code, description };
        if code >= 500 {
            Outcome::Transient(error)
        } else {
            Outcome::Done(Err(error))
        }
    }

    /// A reqwest error with its causes, without the URL (it holds the token).
    fn describe(&self, method: &str, error: reqwest::Error) -> String {
        let error = error.without_url();
        let mut text = format!("{method}: {error}");
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        self.redact(text)
    }

    /// `text` with the token replaced, should it ever appear.
    fn redact(&self, text: String) -> String {
        if self.token.is_empty() || !text.contains(&self.token) {
            text
        } else {
            text.replace(&self.token, "<token>")
        }
    }

    /// Sends `text` (HTML style, link previews off) to `chat_id`; returns the message's id.
    pub async fn send_message(
        &self,
        chat_id: &str,
        text: &str,
        reply_markup: Option<Value>,
        deadline: Option<Instant>,
    ) -> Result<i64, TelegramError> {
        let mut body = json!({
            "chat_id": chat_id,
            "text": text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": true},
        });
        if let Some(markup) = reply_markup {
            body["reply_markup"] = markup;
        }
        let result = self.call("sendMessage", &body, deadline).await?;
        result
            .get("message_id")
            .and_then(Value::as_i64)
            .ok_or_else(|| TelegramError::BadResponse("sendMessage: no message_id".into()))
    }

    /// Replaces the text (HTML style, link previews off) and buttons of a sent message. An
    /// unchanged message is an error for which [`TelegramError::is_message_not_modified`] holds.
    pub async fn edit_message_text(
        &self,
        chat_id: &str,
        message_id: i64,
        text: &str,
        reply_markup: Option<Value>,
        deadline: Option<Instant>,
    ) -> Result<(), TelegramError> {
        let mut body = json!({
            "chat_id": chat_id,
            "message_id": message_id,
            "text": text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": true},
        });
        if let Some(markup) = reply_markup {
            body["reply_markup"] = markup;
        }
        self.call("editMessageText", &body, deadline).await.map(drop)
    }

    /// Acknowledges a button press, with an optional short notice shown to the user.
    /// Replaces the buttons of a sent message (its text unchanged). Unchanged buttons are an
    /// error for which [`TelegramError::is_message_not_modified`] holds.
    pub async fn edit_message_reply_markup(
        &self,
        chat_id: &str,
        message_id: i64,
        reply_markup: Value,
        deadline: Option<Instant>,
    ) -> Result<(), TelegramError> {
        let body = json!({"chat_id": chat_id, "message_id": message_id, "reply_markup": reply_markup});
        self.call("editMessageReplyMarkup", &body, deadline).await.map(drop)
    }

    pub async fn answer_callback_query(
        &self,
        callback_query_id: &str,
        text: Option<&str>,
        deadline: Option<Instant>,
    ) -> Result<(), TelegramError> {
        let mut body = json!({ "callback_query_id": callback_query_id });
        if let Some(text) = text {
            body["text"] = text.into();
        }
        self.call("answerCallbackQuery", &body, deadline).await.map(drop)
    }
}

/// Whether waiting `wait` from now would pass `deadline`.
fn passes(deadline: Option<Instant>, wait: Duration) -> bool {
    deadline.is_some_and(|d| Instant::now() + wait > d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "123456:SECRET-token";

    fn client() -> TelegramClient {
        TelegramClient::new(reqwest::Client::new(), "http://127.0.0.1:9/", TOKEN)
    }

    #[test]
    fn configuration_needs_a_token_and_defaults_the_base() {
        let http = reqwest::Client::new();
        assert!(TelegramClient::from_values(http.clone(), None, None).is_none());
        let c = TelegramClient::from_values(http.clone(), Some(" t ".into()), None).unwrap();
        assert_eq!((c.base_url(), c.token.as_str()), (DEFAULT_BASE_URL, "t"));
        let c = TelegramClient::from_values(http, Some("t".into()), Some("http://x:1/".into()));
        assert_eq!(c.unwrap().base_url(), "http://x:1");
    }

    #[test]
    fn debug_output_hides_the_token() {
        let shown = format!("{:?}", client());
        assert!(!shown.contains("SECRET") && shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn answers_are_unwrapped_or_turned_into_errors() {
        let c = client();
        let ok = br#"{"ok":true,"result":{"message_id":7}}"#;
        assert_eq!(c.interpret("m", 200, ok), Outcome::Done(Ok(json!({"message_id": 7}))));
        let bad = br#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#;
        assert_eq!(
            c.interpret("m", 400, bad),
            Outcome::Done(Err(TelegramError::Api { code: 400, description: "Bad Request: chat not found".into() }))
        );
        let limited = br#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}"#;
        assert_eq!(c.interpret("m", 429, limited), Outcome::RateLimited(5));
        let down = br#"{"ok":false,"error_code":502,"description":"Bad Gateway"}"#;
        assert!(matches!(c.interpret("m", 502, down), Outcome::Transient(_)));
        assert!(matches!(
            c.interpret("m", 502, b"<html>nginx</html>"),
            Outcome::Transient(TelegramError::BadResponse(_))
        ));
        assert!(matches!(c.interpret("m", 200, b"{\"ok\":true}"), Outcome::Done(Err(TelegramError::BadResponse(_)))));
        let echo = format!(r#"{{"ok":false,"error_code":404,"description":"no /bot{TOKEN}/x"}}"#);
        let Outcome::Done(Err(e)) = c.interpret("m", 404, echo.as_bytes()) else { panic!("an error") };
        assert!(!e.to_string().contains(TOKEN), "{e}");
    }

    #[test]
    fn not_modified_is_recognised() {
        let e = TelegramError::Api {
            code: 400,
            description: "Bad Request: message is not modified: specified new message content \
                          and reply markup are exactly the same"
                .into(),
        };
        assert!(e.is_message_not_modified());
        assert!(!TelegramError::RateLimited { retry_after: 1 }.is_message_not_modified());
        assert_eq!(TelegramError::RateLimited { retry_after: 3 }.to_string(), "Telegram rate limit: retry after 3s");
    }

    #[test]
    fn deadlines_are_checked_against_the_wait() {
        let soon = Some(Instant::now() + Duration::from_secs(2));
        assert!(passes(soon, Duration::from_secs(5)));
        assert!(!passes(soon, Duration::from_millis(10)));
        assert!(!passes(None, Duration::from_secs(3600)));
    }

    #[tokio::test]
    async fn transport_errors_do_not_show_the_token() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let c = TelegramClient::new(reqwest::Client::new(), format!("http://127.0.0.1:{port}"), TOKEN);
        let deadline = Some(Instant::now() + Duration::from_millis(100));
        let e = c.call("getMe", &json!({}), deadline).await.unwrap_err();
        assert!(matches!(e, TelegramError::Transport(_)), "{e:?}");
        assert!(!format!("{e} {e:?}").contains("SECRET"), "{e}");
    }
}
