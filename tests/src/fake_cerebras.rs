//! A fake Cerebras chat-completions server for tests and benchmarks (Cerebras itself is never
//! reachable from here).
//!
//! It speaks the documented wire format: `POST /v1/chat/completions` and `GET /v1/models` with
//! `Authorization: Bearer KEY`; errors as **top-level** JSON bodies
//! `{"message","type","param","code"}`; token-bucket rate limits per minute with continuous
//! refill, where a request is charged its prompt estimate plus `max_completion_tokens` before it
//! is processed; the `x-ratelimit-*` headers on answers and on 429s. Answers are valid
//! [`Assessment`]s derived deterministically from the user message, so different jobs get
//! different totals and the same job always gets the same one; a request whose schema is named
//! `proposal_draft` gets a proposal draft instead ([`draft`]), built from the schema's case
//! study titles and the screening questions the user message numbers.
//!
//! Faults are injected per accepted request in arrival order: first the script
//! ([`FakeCerebrasConfig::script`], [`FakeCerebras::push_faults`]), then, once it is empty, the
//! random faults of [`FakeCerebras::set_random_faults`].
//!
//! Order of checks for `POST /v1/chat/completions`: key (401), JSON body (400), model (404),
//! request fields (400), rate limits (429, nothing charged), then the next fault, then the
//! answer after the configured latency. Rate-limited and rejected requests do not consume
//! faults; error faults (5xx, `queue_exceeded`, [`Fault::Status`]) answer at once, without
//! latency, but their request has been charged to the rate limits.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use upflow::evaluation::schema::strict_violations;
use upflow::evaluation::{Assessment, Complexity, CriterionScore, RateType, Scores, SuggestedBid};

/// The key [`FakeCerebrasConfig::default`] accepts.
pub const DEFAULT_API_KEY: &str = "fake-cerebras-key";

/// The models served by default.
pub const DEFAULT_MODELS: [&str; 2] = ["gpt-oss-120b", "zai-glm-4.7"];

/// What a request without `max_completion_tokens` (or `max_tokens`) is charged in tokens: the
/// maximum sequence length, as Cerebras does ("the MSL minus the input tokens" on top of them).
pub const MAX_SEQUENCE_TOKENS: u64 = 65_536;

const FINGERPRINT: &str = "fp_f4k3c3r3b";

/// One injected misbehaviour.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// That status (500, 503, …) with a top-level error body of type `server_error`.
    ServerError(u16),
    /// 429 `queue_exceeded` (type `too_many_requests_error`), without rate-limit headers.
    QueueExceeded,
    /// The normal answer, this much later (on top of the configured latency).
    Slow(Duration),
    /// 200 with the content cut in the middle of the JSON, `finish_reason` "stop".
    Truncated,
    /// 200 with content "" and `finish_reason` "length" (all tokens spent reasoning).
    LengthEmpty,
    /// That status (400, 401, 402, 403, 404, 422, …) with this `code` in a top-level body.
    Status(u16, &'static str),
    /// 200 with valid JSON that breaks the answer's rules: a `technical_fit` score of 14, or a
    /// proposal draft with one approach step.
    InvalidScores,
}

impl Fault {
    fn name(&self) -> String {
        match self {
            Fault::ServerError(s) => format!("server_error_{s}"),
            Fault::QueueExceeded => "queue_exceeded".into(),
            Fault::Slow(d) => format!("slow_{}ms", d.as_millis()),
            Fault::Truncated => "truncated".into(),
            Fault::LengthEmpty => "length_empty".into(),
            Fault::Status(s, code) => format!("status_{s}_{code}"),
            Fault::InvalidScores => "invalid_scores".into(),
        }
    }
}

/// How the fake behaves; `Default` is unlimited, no latency, the default models and key.
#[derive(Debug, Clone)]
pub struct FakeCerebrasConfig {
    /// Requests per minute (token bucket, continuous refill); `None`: unlimited.
    pub rpm: Option<u32>,
    /// Tokens per minute (token bucket, continuous refill); `None`: unlimited.
    pub tpm: Option<u32>,
    /// Delay before every answer.
    pub latency: Duration,
    /// Models served; others get 404 `model_not_found`.
    pub models: Vec<String>,
    /// The bearer key accepted; others get 401 `wrong_api_key`.
    pub api_key: String,
    /// Reset headers as durations (`2m59.56s`, `1.5s`, `250ms`) instead of float seconds.
    pub duration_reset_headers: bool,
    /// Faults for the first accepted requests, in order.
    pub script: Vec<Fault>,
    /// Send the `x-ratelimit-limit-*-minute` headers (the account's limits). Off, a client
    /// learns the limits only from 429s.
    pub state_limits: bool,
    /// Requests per day, enforced (429 `request_quota_exceeded` until the day's reset); `None`:
    /// not enforced, and the `-day` headers state 1,440 times the RPM, as Cerebras's tiers do.
    pub rpd: Option<u64>,
    /// How long a "day" lasts: `None` is the UTC day (reset at midnight), as Cerebras counts;
    /// tests shorten it to see several resets.
    pub day_length: Option<Duration>,
}

impl Default for FakeCerebrasConfig {
    fn default() -> Self {
        FakeCerebrasConfig {
            rpm: None,
            tpm: None,
            latency: Duration::ZERO,
            models: DEFAULT_MODELS.iter().map(|m| m.to_string()).collect(),
            api_key: DEFAULT_API_KEY.into(),
            duration_reset_headers: false,
            script: Vec::new(),
            state_limits: true,
            rpd: None,
            day_length: None,
        }
    }
}

/// Counters since start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakeStats {
    /// Every `POST /v1/chat/completions` received.
    pub requests: u64,
    /// 200 answers (including faulted ones: truncated, length, invalid scores, slow).
    pub ok: u64,
    /// 429s from the RPM/TPM/RPD limits (not `queue_exceeded`, which is a fault).
    pub rate_limited: u64,
    /// Faults injected.
    pub faults: u64,
    /// 400/401/404 for the request itself (key, body, model, fields).
    pub rejected: u64,
    /// Requests being handled now, and the most at once.
    pub in_flight: u64,
    pub max_in_flight: u64,
    /// Usage reported in 200 answers.
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Responses by status.
    pub statuses: BTreeMap<u16, u64>,
    /// Injected faults by kind (`server_error_503`, `truncated`, …).
    pub faults_by_kind: BTreeMap<String, u64>,
}

/// A continuously refilled bucket holding up to `capacity`, refilled at `capacity` per minute.
#[derive(Debug)]
struct Bucket {
    capacity: f64,
    level: f64,
    at: Instant,
}

impl Bucket {
    fn new(capacity: u32) -> Bucket {
        Bucket { capacity: f64::from(capacity), level: f64::from(capacity), at: Instant::now() }
    }

    fn refill(&mut self, now: Instant) {
        let secs = now.saturating_duration_since(self.at).as_secs_f64();
        self.level = (self.level + secs * self.capacity / 60.0).min(self.capacity);
        self.at = now;
    }

    /// Seconds until `amount` is available (until full when it never fits).
    fn wait_for(&self, amount: f64) -> f64 {
        let want = amount.min(self.capacity);
        if self.level >= want {
            0.0
        } else {
            (want - self.level) * 60.0 / self.capacity
        }
    }
}

struct Inner {
    latency: Duration,
    script: VecDeque<Fault>,
    random: Option<(Vec<(Fault, f64)>, StdRng)>,
    bodies: Vec<Value>,
    stats: FakeStats,
    requests: Option<Bucket>,
    tokens: Option<Bucket>,
    /// Requests accepted in the current day, and when that day ends.
    day_count: u64,
    day_ends: Instant,
    next_id: u64,
}

struct Shared {
    api_key: String,
    models: Vec<String>,
    duration_reset_headers: bool,
    state_limits: bool,
    rpm: Option<u32>,
    rpd: Option<u64>,
    day_length: Option<Duration>,
    inner: Mutex<Inner>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake; the server stops when this is dropped.
pub struct FakeCerebras {
    /// `http://127.0.0.1:PORT/v1`: append `/chat/completions`.
    pub base_url: String,
    /// The key it accepts.
    pub api_key: String,
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeCerebras {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Starts a fake on a free local port.
pub async fn start(config: FakeCerebrasConfig) -> FakeCerebras {
    let shared = Arc::new(Shared {
        api_key: config.api_key.clone(),
        models: config.models.clone(),
        duration_reset_headers: config.duration_reset_headers,
        state_limits: config.state_limits,
        rpm: config.rpm,
        rpd: config.rpd,
        day_length: config.day_length,
        inner: Mutex::new(Inner {
            latency: config.latency,
            script: config.script.into_iter().collect(),
            random: None,
            bodies: Vec::new(),
            stats: FakeStats::default(),
            requests: config.rpm.map(Bucket::new),
            tokens: config.tpm.map(Bucket::new),
            day_count: 0,
            day_ends: day_end(config.day_length, Instant::now()),
            next_id: 0,
        }),
    });
    let app = Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/v1/models", get(models))
        .route("/v1/models/{id}", get(model))
        .fallback(not_found)
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the fake Cerebras server");
    let addr = listener.local_addr().expect("local address");
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    FakeCerebras { base_url: format!("http://{addr}/v1"), api_key: config.api_key, addr, shared, server }
}

impl FakeCerebras {
    pub fn stats(&self) -> FakeStats {
        self.shared.lock().stats.clone()
    }

    /// The bodies of every `POST /v1/chat/completions` received, in arrival order (a body that
    /// is not JSON is kept as a JSON string).
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().bodies.clone()
    }

    /// Appends faults to the script.
    pub fn push_faults(&self, faults: Vec<Fault>) {
        self.shared.lock().script.extend(faults);
    }

    /// Faults drawn at random (with these probabilities, seeded) once the script is empty.
    /// An empty list turns them off.
    pub fn set_random_faults(&self, rates: Vec<(Fault, f64)>, seed: u64) {
        self.shared.lock().random = if rates.is_empty() { None } else { Some((rates, StdRng::seed_from_u64(seed))) };
    }

    pub fn set_latency(&self, latency: Duration) {
        self.shared.lock().latency = latency;
    }

    /// `POST` URL of chat completions.
    pub fn chat_url(&self) -> String {
        format!("{}/chat/completions", self.base_url)
    }

    /// The real client's configuration for this fake: its URL and key, a 1,024-token
    /// completion budget, generous limits, one instance, 4 attempts. Tests override fields.
    pub fn client_config(&self) -> upflow::scoring::cerebras::CerebrasConfig {
        upflow::scoring::cerebras::CerebrasConfig {
            api_key: self.api_key.clone().into(),
            base_url: self.base_url.clone(),
            model: "gpt-oss-120b".into(),
            max_completion_tokens: 1024,
            reasoning_effort: Some("low".into()),
            rpm: 6000,
            tpm: 10_000_000,
            instances: 1,
            description_chars: 4000,
            request_timeout: Duration::from_secs(10),
            price_per_mtok: Some((0.35, 0.75)),
            max_attempts: 4,
        }
    }
}

/// A reset as Cerebras writes it when it uses durations: `2m59.56s`, `1.5s`, `250ms`, `0s`.
pub fn format_duration(secs: f64) -> String {
    let secs = secs.max(0.0);
    if secs == 0.0 {
        return "0s".into();
    }
    // Rounded up, so a client waiting this long is never early.
    let ms = (secs * 1000.0).ceil() as u64;
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let cs = (secs * 100.0).ceil() as u64;
    let seconds = |cs: u64| {
        let s = format!("{}.{:02}", cs / 100, cs % 100);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if cs < 6000 {
        format!("{}s", seconds(cs))
    } else {
        format!("{}m{}s", cs / 6000, seconds(cs % 6000))
    }
}

fn format_reset(secs: f64, durations: bool) -> String {
    if durations {
        format_duration(secs)
    } else {
        format!("{:.3}", secs.max(0.0))
    }
}

fn error_body(status: u16, message: impl Into<String>, kind: &str, param: Option<&str>, code: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(json!({"message": message.into(), "type": kind, "param": param, "code": code}))).into_response()
}

fn error_type(status: u16) -> &'static str {
    match status {
        400 | 401 => "invalid_request_error",
        402 => "payment_required_error",
        403 => "permission_denied_error",
        404 => "not_found_error",
        422 => "unprocessable_entity_error",
        429 => "too_many_requests_error",
        _ if status >= 500 => "server_error",
        _ => "invalid_request_error",
    }
}

fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|k| k.trim() == shared.api_key)
}

fn wrong_key() -> Response {
    error_body(401, "Wrong API Key", "invalid_request_error", Some("api_key"), "wrong_api_key")
}

fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

fn model_json(id: &str) -> Value {
    json!({"id": id, "object": "model", "created": 1_735_689_600, "owned_by": "Cerebras"})
}

async fn models(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if !authorized(&shared, &headers) {
        return wrong_key();
    }
    let data: Vec<Value> = shared.models.iter().map(|m| model_json(m)).collect();
    Json(json!({"object": "list", "data": data})).into_response()
}

async fn model(State(shared): State<Arc<Shared>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if !authorized(&shared, &headers) {
        return wrong_key();
    }
    if shared.models.contains(&id) {
        Json(model_json(&id)).into_response()
    } else {
        model_not_found(&id)
    }
}

async fn not_found() -> Response {
    error_body(404, "Not found", "not_found_error", None, "not_found")
}

fn model_not_found(model: &str) -> Response {
    error_body(
        404,
        format!("Model {model} does not exist or you do not have access to it."),
        "not_found_error",
        Some("model"),
        "model_not_found",
    )
}

/// Decrements `in_flight` however the request ends (also when the client goes away).
struct InFlight(Arc<Shared>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut inner = self.0.lock();
        inner.stats.in_flight = inner.stats.in_flight.saturating_sub(1);
    }
}

/// What the handler needs from a valid request.
struct Request {
    model: String,
    prompt_chars: usize,
    user: String,
    /// The `json_schema`'s name and schema.
    schema_name: String,
    schema: Value,
    max_completion: Option<u64>,
    effort: String,
}

fn invalid(message: impl Into<String>, param: Option<&str>) -> Response {
    error_body(400, message, "invalid_request_error", param, "invalid_request_error")
}

fn parse_request(shared: &Shared, body: &Value) -> Result<Request, Box<Response>> {
    let Some(obj) = body.as_object() else {
        return Err(Box::new(invalid("The request body must be a JSON object.", None)));
    };
    let Some(model) = obj.get("model").and_then(Value::as_str) else {
        return Err(Box::new(invalid("`model` is required.", Some("model"))));
    };
    if !shared.models.iter().any(|m| m == model) {
        return Err(Box::new(model_not_found(model)));
    }
    let Some(messages) = obj.get("messages").and_then(Value::as_array).filter(|m| !m.is_empty()) else {
        return Err(Box::new(invalid("`messages` must be a non-empty array.", Some("messages"))));
    };
    let mut prompt_chars = 0;
    let mut user = String::new();
    for m in messages {
        let role = m.get("role").and_then(Value::as_str);
        let content = m.get("content").and_then(Value::as_str);
        let (Some(role), Some(content)) = (role, content) else {
            return Err(Box::new(invalid(
                "Each message needs a string `role` and a string `content`.",
                Some("messages"),
            )));
        };
        if !matches!(role, "system" | "user" | "assistant") {
            return Err(Box::new(invalid(format!("Unknown message role `{role}`."), Some("messages"))));
        }
        prompt_chars += content.chars().count();
        if role == "user" {
            user = content.to_string();
        }
    }
    if obj.contains_key("max_tokens") && obj.contains_key("max_completion_tokens") {
        return Err(Box::new(invalid(
            "Only one of `max_tokens` and `max_completion_tokens` may be set.",
            Some("max_tokens"),
        )));
    }
    let mut max_completion = None;
    for key in ["max_completion_tokens", "max_tokens"] {
        match obj.get(key) {
            None | Some(Value::Null) => {}
            Some(v) => match v.as_u64().filter(|n| *n >= 1) {
                Some(n) => max_completion = Some(n),
                None => return Err(Box::new(invalid(format!("`{key}` must be a positive integer."), Some(key)))),
            },
        }
    }
    let effort = match obj.get("reasoning_effort") {
        None | Some(Value::Null) => "medium".to_string(),
        Some(Value::String(e)) if matches!(e.as_str(), "low" | "medium" | "high") => e.clone(),
        Some(other) => {
            return Err(Box::new(invalid(
                format!("`reasoning_effort` must be low, medium or high, not {other}."),
                Some("reasoning_effort"),
            )))
        }
    };
    match obj.get("temperature") {
        None | Some(Value::Null) => {}
        Some(t) if t.as_f64().is_some_and(|t| (0.0..=1.5).contains(&t)) => {}
        Some(t) => {
            return Err(Box::new(invalid(
                format!("`temperature` must be a number from 0 to 1.5, not {t}."),
                Some("temperature"),
            )))
        }
    }
    if obj.get("stream") == Some(&Value::Bool(true)) {
        return Err(Box::new(invalid("Streaming is not supported by the fake.", Some("stream"))));
    }
    let rf = obj.get("response_format");
    let strict_schema = rf
        .filter(|rf| rf.get("type").and_then(Value::as_str) == Some("json_schema"))
        .and_then(|rf| rf.get("json_schema"))
        .filter(|js| js.get("strict") == Some(&Value::Bool(true)))
        .filter(|js| js.get("name").and_then(Value::as_str).is_some())
        .and_then(|js| js.get("schema"))
        .filter(|s| s.is_object());
    let Some(schema) = strict_schema else {
        return Err(Box::new(invalid(
            "`response_format` must be {\"type\":\"json_schema\",\"json_schema\":{\"name\",\"strict\":true,\"schema\"}}.",
            Some("response_format"),
        )));
    };
    let violations = strict_violations(schema);
    if !violations.is_empty() {
        return Err(Box::new(invalid(
            format!("The JSON schema is not supported in strict mode: {}", violations.join("; ")),
            Some("response_format"),
        )));
    }
    let schema_name = rf.and_then(|rf| rf["json_schema"]["name"].as_str()).unwrap_or_default().to_string();
    let schema = schema.clone();
    Ok(Request { model: model.to_string(), prompt_chars, user, schema_name, schema, max_completion, effort })
}

/// When the day that is running at `now` ends: the next UTC midnight, or `length` from now.
fn day_end(length: Option<Duration>, now: Instant) -> Instant {
    match length {
        Some(length) => now + length,
        None => {
            let utc = chrono::Utc::now();
            let midnight = (utc.date_naive() + chrono::Days::new(1)).and_hms_opt(0, 0, 0).expect("midnight").and_utc();
            now + (midnight - utc).to_std().unwrap_or_default()
        }
    }
}

/// The rate-limit headers and, when over a limit, the 429 to send.
struct Admission {
    headers: Vec<(&'static str, String)>,
    refused: Option<(&'static str, String, f64)>,
}

fn admit(shared: &Shared, inner: &mut Inner, estimate: u64) -> Admission {
    let now = Instant::now();
    let durations = shared.duration_reset_headers;
    if now >= inner.day_ends {
        inner.day_count = 0;
        inner.day_ends = day_end(shared.day_length, now);
    }
    let to_day_end = inner.day_ends.saturating_duration_since(now).as_secs_f64();
    if let Some(b) = inner.requests.as_mut() {
        b.refill(now);
    }
    if let Some(b) = inner.tokens.as_mut() {
        b.refill(now);
    }
    let estimate_f = estimate as f64;
    let requests_short = inner.requests.as_ref().is_some_and(|b| b.level < 1.0);
    let tokens_short = inner.tokens.as_ref().is_some_and(|b| b.level < estimate_f);
    let day_short = shared.rpd.is_some_and(|limit| inner.day_count >= limit);
    let refused = if day_short {
        Some((
            "request_quota_exceeded",
            "Requests per day limit exceeded - too many requests sent.".to_string(),
            to_day_end,
        ))
    } else if requests_short {
        let wait = inner.requests.as_ref().map_or(0.0, |b| b.wait_for(1.0));
        let wait = wait.max(inner.tokens.as_ref().map_or(0.0, |b| b.wait_for(estimate_f)));
        Some((
            "request_quota_exceeded",
            "Requests per minute limit exceeded - too many requests sent.".to_string(),
            wait,
        ))
    } else if tokens_short {
        let b = inner.tokens.as_ref().expect("token bucket");
        let message = if estimate_f > b.capacity {
            format!(
                "Tokens per minute limit exceeded - the request is estimated at {estimate} tokens, over the limit of {}.",
                b.capacity
            )
        } else {
            "Tokens per minute limit exceeded - too many tokens processed.".to_string()
        };
        Some(("token_quota_exceeded", message, b.wait_for(estimate_f)))
    } else {
        if let Some(b) = inner.requests.as_mut() {
            b.level -= 1.0;
        }
        if let Some(b) = inner.tokens.as_mut() {
            b.level -= estimate_f;
        }
        inner.day_count += 1;
        None
    };
    let mut headers = Vec::new();
    if let Some(b) = &inner.requests {
        if shared.state_limits {
            headers.push(("x-ratelimit-limit-requests-minute", b.capacity.to_string()));
        }
        headers.push(("x-ratelimit-remaining-requests-minute", (b.level.max(0.0).floor() as u64).to_string()));
        headers.push(("x-ratelimit-reset-requests-minute", format_reset(b.wait_for(1.0), durations)));
    }
    if let Some(b) = &inner.tokens {
        if shared.state_limits {
            headers.push(("x-ratelimit-limit-tokens-minute", b.capacity.to_string()));
        }
        headers.push(("x-ratelimit-remaining-tokens-minute", (b.level.max(0.0).floor() as u64).to_string()));
        headers.push(("x-ratelimit-reset-tokens-minute", format_reset(b.wait_for(estimate_f), durations)));
    }
    if let Some(limit) = shared.rpd.or(shared.rpm.map(|rpm| u64::from(rpm) * 1440)) {
        if shared.state_limits {
            headers.push(("x-ratelimit-limit-requests-day", limit.to_string()));
        }
        headers.push(("x-ratelimit-remaining-requests-day", limit.saturating_sub(inner.day_count).to_string()));
        headers.push(("x-ratelimit-reset-requests-day", format_reset(to_day_end, durations)));
    }
    Admission { headers, refused }
}

fn with_headers(mut response: Response, headers: &[(&'static str, String)]) -> Response {
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::from_str(value) {
            response.headers_mut().insert(HeaderName::from_static(name), v);
        }
    }
    response
}

fn count_status(inner: &mut Inner, status: u16) {
    *inner.stats.statuses.entry(status).or_default() += 1;
}

fn next_fault(inner: &mut Inner) -> Option<Fault> {
    if let Some(f) = inner.script.pop_front() {
        return Some(f);
    }
    let (rates, rng) = inner.random.as_mut()?;
    let roll: f64 = rng.random();
    let mut acc = 0.0;
    for (fault, p) in rates.iter() {
        acc += p;
        if roll < acc {
            return Some(fault.clone());
        }
    }
    None
}

async fn chat(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let parsed: Result<Value, _> = serde_json::from_slice(&body);
    {
        let mut inner = shared.lock();
        inner.stats.requests += 1;
        inner.stats.in_flight += 1;
        inner.stats.max_in_flight = inner.stats.max_in_flight.max(inner.stats.in_flight);
        inner.bodies.push(match &parsed {
            Ok(v) => v.clone(),
            Err(_) => Value::String(String::from_utf8_lossy(&body).into_owned()),
        });
    }
    let _guard = InFlight(shared.clone());

    let rejected = |response: Response| {
        let mut inner = shared.lock();
        inner.stats.rejected += 1;
        count_status(&mut inner, response.status().as_u16());
        response
    };
    if !authorized(&shared, &headers) {
        return rejected(wrong_key());
    }
    let body = match parsed {
        Ok(v) => v,
        Err(e) => return rejected(invalid(format!("The body is not valid JSON: {e}"), None)),
    };
    let request = match parse_request(&shared, &body) {
        Ok(r) => r,
        Err(response) => return rejected(*response),
    };

    let prompt_tokens = (request.prompt_chars as u64).div_ceil(4);
    let estimate = prompt_tokens + request.max_completion.unwrap_or(MAX_SEQUENCE_TOKENS);
    let (admission, fault, latency, id) = {
        let mut inner = shared.lock();
        let admission = admit(&shared, &mut inner, estimate);
        if admission.refused.is_some() {
            inner.stats.rate_limited += 1;
            count_status(&mut inner, 429);
            (admission, None, Duration::ZERO, 0)
        } else {
            let fault = next_fault(&mut inner);
            if let Some(f) = &fault {
                inner.stats.faults += 1;
                *inner.stats.faults_by_kind.entry(f.name()).or_default() += 1;
            }
            inner.next_id += 1;
            (admission, fault, inner.latency, inner.next_id)
        }
    };
    if let Some((code, message, wait)) = admission.refused {
        let response = error_body(429, message, "too_many_requests_error", None, code);
        let mut response = with_headers(response, &admission.headers);
        let retry = (wait.ceil() as u64).max(1);
        response.headers_mut().insert("retry-after", HeaderValue::from(retry));
        return response;
    }

    let immediate = match &fault {
        Some(Fault::ServerError(status)) => {
            let (message, code) = match status {
                503 => ("The service is temporarily unavailable.", "service_unavailable"),
                502 => ("Bad gateway.", "bad_gateway"),
                _ => ("The server had an error while processing your request.", "internal_server_error"),
            };
            Some(error_body(*status, message, "server_error", None, code))
        }
        Some(Fault::QueueExceeded) => Some(error_body(
            429,
            "We're experiencing high traffic right now! Please try again soon.",
            "too_many_requests_error",
            None,
            "queue_exceeded",
        )),
        Some(Fault::Status(status, code)) => {
            Some(error_body(*status, format!("Injected error {status} {code}."), error_type(*status), None, code))
        }
        _ => None,
    };
    if let Some(response) = immediate {
        count_status(&mut shared.lock(), response.status().as_u16());
        return response;
    }

    let delay = latency
        + match &fault {
            Some(Fault::Slow(d)) => *d,
            _ => Duration::ZERO,
        };
    let started = Instant::now();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let answer = if request.schema_name == upflow::proposal::schema::NAME {
        let mut answer = draft(&request.user, &request.schema);
        if fault == Some(Fault::InvalidScores) {
            // Out of the draft's rules: one step where 3 to 5 are asked for.
            answer["approach"] = json!(["Only one step."]);
        }
        answer.to_string()
    } else {
        let mut assessment = assess(&request.user);
        if fault == Some(Fault::InvalidScores) {
            assessment.scores.technical_fit.score = 14.0;
        }
        serde_json::to_string(&assessment).expect("assessment JSON")
    };
    let reasoning = reasoning_text(&request.effort, &request.user);
    let reasoning_tokens = (reasoning.chars().count() as u64).div_ceil(4);
    let answer_tokens = (answer.chars().count() as u64).div_ceil(4);
    let cap = request.max_completion.unwrap_or(u64::MAX);
    let (content, finish, completion_tokens, reasoning_tokens) = match fault {
        Some(Fault::LengthEmpty) => (String::new(), "length", cap.min(4096), cap.min(4096)),
        Some(Fault::Truncated) => {
            let cut: String = answer.chars().take(answer.chars().count() / 2).collect();
            let c = (cut.chars().count() as u64).div_ceil(4) + reasoning_tokens;
            (cut, "stop", c, reasoning_tokens)
        }
        _ if answer_tokens + reasoning_tokens > cap => {
            // The budget ran out: reasoning first, then as much of the answer as fits.
            let left = cap.saturating_sub(reasoning_tokens);
            let cut: String = answer.chars().take((left * 4) as usize).collect();
            (cut, "length", cap, reasoning_tokens.min(cap))
        }
        _ => (answer, "stop", answer_tokens + reasoning_tokens, reasoning_tokens),
    };
    let created = unix_now();
    let elapsed = started.elapsed().as_secs_f64();
    let body = json!({
        "id": format!("chatcmpl-{:08x}{:012x}", id, rand::random::<u64>() & 0xffff_ffff_ffff),
        "object": "chat.completion",
        "created": created as u64,
        "model": request.model,
        "system_fingerprint": FINGERPRINT,
        "choices": [{
            "index": 0,
            "finish_reason": finish,
            "message": {"role": "assistant", "content": content, "reasoning": reasoning},
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
        },
        "time_info": {
            "queue_time": 0.000_2,
            "prompt_time": prompt_tokens as f64 / 50_000.0,
            "completion_time": completion_tokens as f64 / 2_000.0 + elapsed,
            "total_time": 0.000_2 + prompt_tokens as f64 / 50_000.0 + completion_tokens as f64 / 2_000.0 + elapsed,
            "created": created,
        },
    });
    {
        let mut inner = shared.lock();
        inner.stats.ok += 1;
        inner.stats.prompt_tokens += prompt_tokens;
        inner.stats.completion_tokens += completion_tokens;
        count_status(&mut inner, 200);
    }
    with_headers(Json(body).into_response(), &admission.headers)
}

/// FNV-1a, stable across Rust versions (unlike `DefaultHasher`).
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// splitmix64: successive well-mixed values from one seed.
fn mix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn field<'a>(user: &'a str, name: &str) -> Option<&'a str> {
    user.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(':')).map(str::trim).filter(|v| !v.is_empty())
}

/// The deterministic answer for a user message: the same message, the same assessment.
pub fn assess(user: &str) -> Assessment {
    let mut state = fnv1a(user);
    let mut next = |n: u64| mix(&mut state) % n;
    let relevant = next(8) != 0;
    let mut score = |what: &str| {
        let s = next(11) as f64;
        let verdict = match s as u64 {
            0..=3 => "weak",
            4..=6 => "fair",
            _ => "strong",
        };
        CriterionScore { score: s, reason: format!("The {what} looks {verdict} for this freelancer ({s}/10).") }
    };
    let scores = Scores {
        budget: score("budget"),
        client: score("client history"),
        clarity: score("brief"),
        technical_fit: score("technical fit"),
        competition: score("competition"),
    };
    let title = field(user, "Title").unwrap_or("this job");
    let tech_stack: Vec<String> = field(user, "Skills")
        .map(|s| s.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).take(6).collect())
        .unwrap_or_default();
    let hourly = field(user, "Budget").is_some_and(|b| b.contains("hourly"));
    let complexity = match next(3) {
        0 => Complexity::Low,
        1 => Complexity::Medium,
        _ => Complexity::High,
    };
    let amount = if hourly {
        Some((30 + next(91)) as f64)
    } else if next(10) == 0 {
        None
    } else {
        Some((500 + 50 * next(150)) as f64)
    };
    let red_flags = if next(5) == 0 { vec!["Scope is vague for the budget.".to_string()] } else { vec![] };
    let summary: String = format!("Fake assessment of {title}.").chars().take(160).collect();
    Assessment {
        relevant,
        irrelevant_reason: (!relevant).then(|| "The job is outside the freelancer's field.".to_string()),
        scores,
        tech_stack,
        project_type: if relevant { "Software build" } else { "Other" }.into(),
        complexity,
        matched_expertise: if relevant { vec!["Backend systems".into()] } else { vec![] },
        red_flags,
        summary,
        suggested_bid: SuggestedBid {
            amount,
            rate_type: if hourly { RateType::Hourly } else { RateType::Fixed },
            rationale: if amount.is_some() {
                "In line with the stated budget and scope.".into()
            } else {
                "No figure is sensible without a budget.".into()
            },
        },
    }
}

/// The deterministic proposal draft for a user message: the first case study the schema allows,
/// three steps, and one answer per screening question the message numbers.
pub fn draft(user: &str, schema: &Value) -> Value {
    let title = field(user, "Title").unwrap_or("this job");
    let case_study = schema["properties"]["case_study"]["anyOf"][0]["properties"]["title"]["enum"]
        .get(0)
        .and_then(Value::as_str)
        .map(|t| json!({"title": t, "why": format!("Fake relevance of {t}.")}))
        .unwrap_or(Value::Null);
    let questions: Vec<&str> = user
        .lines()
        .skip_while(|l| !l.starts_with("Answer these "))
        .skip(1)
        .map_while(|l| l.split_once(". ").filter(|(n, _)| n.parse::<u32>().is_ok()).map(|(_, q)| q))
        .collect();
    let amount = 500 + 50 * (fnv1a(user) % 40);
    json!({
        "opening": format!("Fake opening for {title}."),
        "case_study": case_study,
        "approach": ["Fake step one.", "Fake step two.", "Fake step three."],
        "questions": ["Fake question?"],
        "bid": {"amount": amount as f64, "rate_type": "fixed", "rationale": "Fake rationale."},
        "screening_answers": questions.iter().map(|q| json!({"question": q, "answer": format!("Fake answer to: {q}")})).collect::<Vec<_>>(),
    })
}

fn reasoning_text(effort: &str, user: &str) -> String {
    let sentences = match effort {
        "low" => 1,
        "high" => 12,
        _ => 4,
    };
    let title = field(user, "Title").unwrap_or("the job");
    let mut s = String::new();
    for i in 0..sentences {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!(
            "Step {}: weighing budget, client, clarity, technical fit and competition for {title}.",
            i + 1
        ));
    }
    s
}
