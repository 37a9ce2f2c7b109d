//! A fake Telegram Bot API server for the end-to-end tests (Telegram itself is never reachable
//! from here), on a free port of 127.0.0.1.
//!
//! It answers `POST /bot{token}/{method}` (JSON bodies; method names are case-insensitive, as
//! Telegram's) with Telegram's envelopes, and records every call it receives. In order, each
//! call is: recorded; refused with 401 `Unauthorized` when the token is wrong; answered with
//! the next injected failure, if any ([`FakeTelegram::fail_next_with_429`],
//! [`FakeTelegram::fail_next_with`]); then handled:
//!
//! - `sendMessage` and `editMessageText` check their text like Telegram: 400 `Bad Request:
//!   message text is empty`; with `parse_mode` `HTML`, 400 `Bad Request: can't parse
//!   entities: …` from [`upflow::telegram::html::plain_text`] (a port of Telegram's parser);
//!   any other `parse_mode` 400 `Bad Request: unsupported parse_mode` (upflow sends HTML only);
//!   400 `Bad Request: message is too long` over 4096 UTF-16 units of the text as the reader
//!   sees it, as Telegram counts (upflow keeps the text as sent under the limit). A sent
//!   message gets `{"message_id":N,"from":…,"chat":…,"date":…,"text":…}`, `text` being what the
//!   reader sees. Editing a message into exactly what it is gives 400 `Bad Request: message is
//!   not modified: …`; editing an unknown one 400 `Bad Request: message to edit not found`.
//! - `setWebhook`, `deleteWebhook`, `getWebhookInfo`, `answerCallbackQuery` and `getMe` answer
//!   as Telegram does; any other method answers `{"ok":true,"result":true}`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use serde_json::{json, Value};
use upflow::telegram::html::{plain_text, utf16_len, MAX_MESSAGE};
use upflow::telegram::TelegramClient;

/// The bot's user id, as in the answer to `getMe`.
pub const BOT_ID: i64 = 7_000_000_001;

/// One recorded call.
#[derive(Debug, Clone)]
struct Call {
    method: String,
    body: Value,
    accepted: bool,
}

/// An injected failure: status, description and, for 429, `retry_after`.
#[derive(Debug, Clone)]
struct Failure {
    code: u16,
    description: String,
    retry_after: Option<u64>,
}

/// A sent message: its text as sent and its buttons.
#[derive(Debug, Clone, PartialEq)]
struct Sent {
    text: String,
    reply_markup: Option<Value>,
}

struct Inner {
    calls: Vec<Call>,
    failures: VecDeque<Failure>,
    next_message_id: i64,
    messages: HashMap<(String, i64), Sent>,
    webhook: Option<Value>,
}

struct Shared {
    token: String,
    inner: Mutex<Inner>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake; the server stops when this is dropped.
pub struct FakeTelegram {
    /// `http://127.0.0.1:PORT`: what `TELEGRAM_API_BASE_URL` should be.
    pub base_url: String,
    /// The bot token it accepts.
    pub token: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Starts a fake that accepts `token`, on a free local port.
pub async fn start(token: &str) -> FakeTelegram {
    let shared = Arc::new(Shared {
        token: token.to_string(),
        inner: Mutex::new(Inner {
            calls: Vec::new(),
            failures: VecDeque::new(),
            next_message_id: 1,
            messages: HashMap::new(),
            webhook: None,
        }),
    });
    let app = Router::new().route("/{bot}/{method}", any(handle)).fallback(not_found).with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the fake Telegram server");
    let addr = listener.local_addr().expect("local address");
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    FakeTelegram { base_url: format!("http://{addr}"), token: token.to_string(), shared, server }
}

impl FakeTelegram {
    /// Every call received, in order, as (method as written in the URL, JSON body), refused
    /// ones included. A body that is not JSON is kept as a JSON string.
    pub fn calls(&self) -> Vec<(String, Value)> {
        self.shared.lock().calls.iter().map(|c| (c.method.clone(), c.body.clone())).collect()
    }

    /// The `text` of every `sendMessage` that was accepted (delivered), in order, as sent.
    pub fn sent_texts(&self) -> Vec<String> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.accepted && c.method.eq_ignore_ascii_case("sendMessage"))
            .filter_map(|c| c.body.get("text").and_then(Value::as_str).map(String::from))
            .collect()
    }

    /// The next `n` calls (with the right token) answer 429 `Too Many Requests: retry after
    /// S` with `parameters.retry_after` S.
    pub fn fail_next_with_429(&self, n: usize, retry_after: u64) {
        let failure = Failure {
            code: 429,
            description: format!("Too Many Requests: retry after {retry_after}"),
            retry_after: Some(retry_after),
        };
        self.shared.lock().failures.extend(std::iter::repeat_n(failure, n));
    }

    /// The next `n` calls (with the right token) answer `code` with `description`, e.g. 502
    /// `Bad Gateway`.
    pub fn fail_next_with(&self, n: usize, code: u16, description: &str) {
        let failure = Failure { code, description: description.to_string(), retry_after: None };
        self.shared.lock().failures.extend(std::iter::repeat_n(failure, n));
    }

    /// The webhook URL last set with `setWebhook`.
    pub fn webhook_url(&self) -> Option<String> {
        let inner = self.shared.lock();
        let url = inner.webhook.as_ref()?.get("url")?.as_str()?;
        Some(url.to_string())
    }

    /// A client of this fake with its token.
    pub fn client(&self) -> TelegramClient {
        TelegramClient::new(reqwest::Client::new(), &self.base_url, &self.token)
    }
}

fn answer(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn error(code: u16, description: &str) -> (u16, String) {
    (code, description.to_string())
}

async fn not_found() -> Response {
    answer(StatusCode::NOT_FOUND, json!({"ok": false, "error_code": 404, "description": "Not Found"}))
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Path((bot, method)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
    };
    let mut inner = shared.lock();
    inner.calls.push(Call { method: method.clone(), body: body.clone(), accepted: false });
    let index = inner.calls.len() - 1;
    if bot.strip_prefix("bot") != Some(shared.token.as_str()) {
        return answer(
            StatusCode::UNAUTHORIZED,
            json!({"ok": false, "error_code": 401, "description": "Unauthorized"}),
        );
    }
    if let Some(f) = inner.failures.pop_front() {
        let mut reply = json!({"ok": false, "error_code": f.code, "description": f.description});
        if let Some(retry_after) = f.retry_after {
            reply["parameters"] = json!({ "retry_after": retry_after });
        }
        let status = StatusCode::from_u16(f.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return answer(status, reply);
    }
    let outcome = if body.is_object() {
        dispatch(&mut inner, &method.to_ascii_lowercase(), &body)
    } else {
        Err(error(400, "Bad Request: the body is not a JSON object"))
    };
    match outcome {
        Ok(result) => {
            inner.calls[index].accepted = true;
            let mut reply = json!({"ok": true, "result": result});
            if let Some(description) = description_of(&method.to_ascii_lowercase()) {
                reply["description"] = description.into();
            }
            answer(StatusCode::OK, reply)
        }
        Err((code, description)) => answer(
            StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
            json!({"ok": false, "error_code": code, "description": description}),
        ),
    }
}

fn description_of(method: &str) -> Option<&'static str> {
    match method {
        "setwebhook" => Some("Webhook was set"),
        "deletewebhook" => Some("Webhook was deleted"),
        _ => None,
    }
}

fn dispatch(inner: &mut Inner, method: &str, body: &Value) -> Result<Value, (u16, String)> {
    match method {
        "sendmessage" => {
            let chat = chat_id(body)?;
            let (text, plain) = checked_text(body)?;
            let id = inner.next_message_id;
            inner.next_message_id += 1;
            let reply_markup = body.get("reply_markup").cloned();
            inner.messages.insert((chat.clone(), id), Sent { text, reply_markup: reply_markup.clone() });
            Ok(message(&chat, id, &plain, reply_markup, false))
        }
        "editmessagetext" => {
            let chat = chat_id(body)?;
            let id = body
                .get("message_id")
                .and_then(Value::as_i64)
                .ok_or_else(|| error(400, "Bad Request: message identifier is not specified"))?;
            let (text, plain) = checked_text(body)?;
            let reply_markup = body.get("reply_markup").cloned();
            let edited = Sent { text, reply_markup: reply_markup.clone() };
            let current = inner
                .messages
                .get_mut(&(chat.clone(), id))
                .ok_or_else(|| error(400, "Bad Request: message to edit not found"))?;
            if *current == edited {
                return Err(error(
                    400,
                    "Bad Request: message is not modified: specified new message content and \
                     reply markup are exactly the same as a current content and reply markup \
                     of the message",
                ));
            }
            *current = edited;
            Ok(message(&chat, id, &plain, reply_markup, true))
        }
        "answercallbackquery" => {
            if body.get("callback_query_id").is_none() {
                return Err(error(400, "Bad Request: query_id is empty"));
            }
            Ok(json!(true))
        }
        "setwebhook" => {
            inner.webhook = Some(body.clone());
            Ok(json!(true))
        }
        "deletewebhook" => {
            inner.webhook = None;
            Ok(json!(true))
        }
        "getwebhookinfo" => {
            let mut info = json!({
                "url": "",
                "has_custom_certificate": false,
                "pending_update_count": 0,
            });
            if let Some(webhook) = &inner.webhook {
                info["url"] = webhook.get("url").cloned().unwrap_or(json!(""));
                info["max_connections"] = webhook.get("max_connections").cloned().unwrap_or(json!(40));
                if let Some(allowed) = webhook.get("allowed_updates") {
                    info["allowed_updates"] = allowed.clone();
                }
            }
            Ok(info)
        }
        "getme" => Ok(json!({
            "id": BOT_ID,
            "is_bot": true,
            "first_name": "upflow test bot",
            "username": "upflow_test_bot",
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
        })),
        _ => Ok(json!(true)),
    }
}

/// `chat_id` as a string (Telegram takes a number or a string).
fn chat_id(body: &Value) -> Result<String, (u16, String)> {
    match body.get("chat_id") {
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        _ => Err(error(400, "Bad Request: chat_id is empty")),
    }
}

/// The text as sent and as the reader sees it, after Telegram's checks.
fn checked_text(body: &Value) -> Result<(String, String), (u16, String)> {
    let text = body.get("text").and_then(Value::as_str).unwrap_or("");
    let plain = match body.get("parse_mode").and_then(Value::as_str) {
        None => text.to_string(),
        Some(mode) if mode.eq_ignore_ascii_case("HTML") => {
            plain_text(text).map_err(|e| (400, format!("Bad Request: can't parse entities: {e}")))?
        }
        // Telegram also takes Markdown and MarkdownV2; upflow sends HTML only, so this stand-in
        // refuses them rather than let a message in another syntax pass unchecked.
        Some(_) => return Err(error(400, "Bad Request: unsupported parse_mode")),
    };
    if plain.trim().is_empty() {
        return Err(error(400, "Bad Request: message text is empty"));
    }
    // Telegram counts the text as the reader sees it, after the entities are parsed.
    if utf16_len(&plain) > MAX_MESSAGE {
        return Err(error(400, "Bad Request: message is too long"));
    }
    Ok((text.to_string(), plain))
}

/// A Message object as Telegram returns it.
fn message(chat: &str, id: i64, plain: &str, reply_markup: Option<Value>, edited: bool) -> Value {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let chat = match chat.parse::<i64>() {
        Ok(n) if n > 0 => {
            json!({"id": n, "first_name": "Test", "username": "test_user", "type": "private"})
        }
        Ok(n) => json!({"id": n, "title": "Test group", "type": "supergroup"}),
        Err(_) => json!({
            "id": -1_001_000_000_001_i64,
            "title": "Test channel",
            "username": chat.trim_start_matches('@'),
            "type": "channel",
        }),
    };
    let mut m = json!({
        "message_id": id,
        "from": {"id": BOT_ID, "is_bot": true, "first_name": "upflow test bot", "username": "upflow_test_bot"},
        "chat": chat,
        "date": now,
        "text": plain,
    });
    if edited {
        m["edit_date"] = json!(now);
    }
    if let Some(markup) = reply_markup.filter(|m| m.get("inline_keyboard").is_some()) {
        m["reply_markup"] = markup;
    }
    m
}
