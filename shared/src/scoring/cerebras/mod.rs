//! The Cerebras scorer: one chat completion per job (OpenAI-compatible `POST /chat/completions`)
//! with `response_format` `json_schema` (strict), paced to this instance's share of the
//! account's limits, with Cerebras's errors handled by kind:
//!
//! | reply | what we do |
//! |---|---|
//! | 429 `request_quota_exceeded` / `token_quota_exceeded` | refund the pacer's charge, pause until the reset the headers give (the day's reset when the day's requests are used up, or `retry-after`), then retry; past the deadline [`ScoreError::MustWait`]: the job comes back after the wait without counting as a failure |
//! | 429 `queue_exceeded`, 5xx, timeouts, connection errors | jittered exponential backoff |
//! | 200 that does not parse or validate, or `finish_reason: "length"` with no content | one more try, then the job fails (SQS retries it) |
//! | 400, 422, 404 | a clear error, not retried unchanged |
//! | 401, 402, 403, `model_not_found` | fatal: the batch stops (the error lists `GET /models`) |

pub mod error;
pub mod headers;

use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Value};
use tokio::time::Instant;

use super::pacer::{Limits, Pacer};
use super::{ScoreError, Scored};
use crate::evaluation::{prompt, schema, Assessment, Usage};
use crate::job::Job;
use crate::profile::Profile;
use error::ApiError;

/// Cerebras's production model, the default.
pub const DEFAULT_MODEL: &str = "gpt-oss-120b";
/// The public API.
pub const DEFAULT_BASE_URL: &str = "https://api.cerebras.ai/v1";

/// The least time left in which a request is started. Cerebras answers a scoring request in
/// well under this; one started with less would likely be cut off by the deadline after the
/// provider had charged it, a wasted call and a second one later. With less left, the job is
/// put back to wait instead (no receive used).
pub const MIN_REQUEST_TIME: Duration = Duration::from_secs(2);

/// Settings of the Cerebras scorer (environment variables in brackets).
#[derive(Debug, Clone)]
pub struct CerebrasConfig {
    /// [`CEREBRAS_API_KEY`]
    pub api_key: crate::config::Secret,
    /// [`CEREBRAS_BASE_URL`], default the public API.
    pub base_url: String,
    /// [`CEREBRAS_MODEL`], default `gpt-oss-120b`; `zai-glm-4.7` stays selectable.
    pub model: String,
    /// [`CEREBRAS_MAX_COMPLETION_TOKENS`]: room for the reasoning and the answer (default 2,048).
    /// Cerebras charges it against the token limit up front, so it is not set higher than needed.
    pub max_completion_tokens: u32,
    /// [`CEREBRAS_REASONING_EFFORT`]: `low` by default for gpt-oss (a screening task needs little
    /// deliberation, and low effort keeps latency and tokens down); `none` sends nothing.
    pub reasoning_effort: Option<String>,
    /// [`CEREBRAS_RPM`], [`CEREBRAS_TPM`]: the account's limits (defaults: the free tier's 30
    /// and 60,000) and [`EVALUATOR_INSTANCES`]: how many instances share them.
    pub rpm: u32,
    pub tpm: u32,
    pub instances: u32,
    /// [`PROMPT_DESCRIPTION_CHARS`]
    pub description_chars: usize,
    /// [`CEREBRAS_TIMEOUT_SECS`]: one request's timeout (default 60).
    pub request_timeout: Duration,
    /// [`CEREBRAS_PRICE_INPUT_PER_MTOK`], [`CEREBRAS_PRICE_OUTPUT_PER_MTOK`]: USD per million tokens.
    pub price_per_mtok: Option<(f64, f64)>,
    /// Attempts for transient failures (5xx, timeouts, `queue_exceeded`).
    pub max_attempts: u32,
}

/// List prices (USD per million input, output tokens) of the models we know.
pub fn list_price(model: &str) -> Option<(f64, f64)> {
    match model {
        "gpt-oss-120b" => Some((0.35, 0.75)),
        _ => None,
    }
}

impl CerebrasConfig {
    /// From the environment; `None` when `CEREBRAS_API_KEY` is not set.
    pub fn from_env() -> Result<Option<CerebrasConfig>, crate::config::ConfigError> {
        use crate::config::{number, optional};
        let Some(api_key) = optional("CEREBRAS_API_KEY") else { return Ok(None) };
        let model = optional("CEREBRAS_MODEL").unwrap_or_else(|| DEFAULT_MODEL.into());
        let reasoning_effort = match optional("CEREBRAS_REASONING_EFFORT") {
            Some(v) if v == "none" => None,
            Some(v) => Some(v),
            None if model.starts_with("gpt-oss") => Some("low".into()),
            None => None,
        };
        let price = match (optional("CEREBRAS_PRICE_INPUT_PER_MTOK"), optional("CEREBRAS_PRICE_OUTPUT_PER_MTOK")) {
            (Some(_), Some(_)) => {
                Some((number("CEREBRAS_PRICE_INPUT_PER_MTOK", 0.0)?, number("CEREBRAS_PRICE_OUTPUT_PER_MTOK", 0.0)?))
            }
            _ => list_price(&model),
        };
        Ok(Some(CerebrasConfig {
            api_key: api_key.into(),
            base_url: optional("CEREBRAS_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.into()),
            model,
            max_completion_tokens: number("CEREBRAS_MAX_COMPLETION_TOKENS", 2048)?,
            reasoning_effort,
            rpm: number("CEREBRAS_RPM", 30)?,
            tpm: number("CEREBRAS_TPM", 60_000)?,
            instances: number("EVALUATOR_INSTANCES", 1)?,
            description_chars: number("PROMPT_DESCRIPTION_CHARS", prompt::DEFAULT_DESCRIPTION_CHARS)?,
            request_timeout: Duration::from_secs(number("CEREBRAS_TIMEOUT_SECS", 60)?),
            price_per_mtok: price,
            max_attempts: 4,
        }))
    }
}

/// The scorer: an HTTP client and a pacer, built once per process.
pub struct CerebrasScorer {
    config: CerebrasConfig,
    http: reqwest::Client,
    pacer: Pacer,
    response_format: Value,
}

/// A completion's answer, parsed, and what it cost.
#[derive(Debug, Clone)]
pub struct Completed<T> {
    pub value: T,
    pub usage: Usage,
    pub model: String,
    pub latency: Duration,
    /// Estimated cost in US dollars; `None` when the price is unknown.
    pub cost_usd: Option<f64>,
}

/// What one HTTP attempt came to.
enum Attempt<T> {
    Done(Box<Completed<T>>),
    /// A transient failure: try again after our own backoff.
    Again {
        why: String,
    },
    /// A 429 from the rate limits: nothing was counted; the instance waits `wait`.
    RateLimited {
        wait: Duration,
        why: String,
    },
    /// The reply came but did not parse: counts against the one re-ask. Its tokens were spent.
    BadReply {
        why: String,
        usage: Usage,
    },
    Fail(ScoreError),
}

impl CerebrasScorer {
    pub fn new(config: CerebrasConfig, http: reqwest::Client) -> CerebrasScorer {
        let pacer = Pacer::new(Limits::share(config.rpm, config.tpm, config.instances));
        CerebrasScorer { config, http, pacer, response_format: schema::response_format() }
    }

    pub fn model(&self) -> &str {
        &self.config.model
    }

    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// How many characters of a description go into a prompt.
    pub fn description_chars(&self) -> usize {
        self.config.description_chars
    }

    /// The request body for a job (the same every time for the same job and profile).
    pub fn request_body(&self, job: &Job, profile: &Profile) -> Value {
        self.chat_body(
            prompt::system_message(profile),
            prompt::user_message(job, self.config.description_chars),
            &self.response_format,
        )
    }

    /// A chat completion's body: the two messages, strict structured output, this scorer's
    /// model, token cap and reasoning effort, temperature 0.
    pub fn chat_body(&self, system: String, user: String, response_format: &Value) -> Value {
        let mut body = json!({
            "model": self.config.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "response_format": response_format,
            "max_completion_tokens": self.config.max_completion_tokens,
            "temperature": 0,
        });
        if let Some(effort) = &self.config.reasoning_effort {
            body["reasoning_effort"] = json!(effort);
        }
        body
    }

    /// Scores one job, within `deadline`.
    pub async fn score(&self, job: &Job, profile: &Profile, deadline: Instant) -> Result<Scored, ScoreError> {
        let body = self.request_body(job, profile);
        let done = self
            .complete(&body, &job.job_id, deadline, |content| {
                let assessment: Assessment =
                    serde_json::from_str(content).map_err(|e| format!("the answer does not match the schema: {e}"))?;
                assessment.validate().map_err(|why| format!("the answer is out of range: {why}"))?;
                Ok(assessment)
            })
            .await?;
        Ok(Scored {
            assessment: done.value,
            usage: done.usage,
            model: Some(done.model),
            latency: done.latency,
            cost_usd: done.cost_usd,
        })
    }

    /// Sends `body` (from [`CerebrasScorer::chat_body`]) within `deadline`, paced, with the
    /// errors handled as the module documentation says; `parse` reads the answer's content
    /// (an `Err` is an unusable reply: asked once more). `job_id` names the job in logs.
    pub async fn complete<T>(
        &self,
        body: &Value,
        job_id: &str,
        deadline: Instant,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Completed<T>, ScoreError> {
        let prompt_chars: usize =
            body["messages"].as_array().into_iter().flatten().filter_map(|m| m["content"].as_str()).map(str::len).sum();
        let estimate = (prompt_chars as u32).div_ceil(4) + self.config.max_completion_tokens;
        let mut transient = 0u32;
        let mut bad_replies = 0u32;
        let mut wasted = Usage::default();
        // Capacity that only comes when too little time is left to use it is no use.
        let last_start = deadline.checked_sub(MIN_REQUEST_TIME).unwrap_or(deadline);
        loop {
            if Instant::now() >= last_start {
                return Err(ScoreError::MustWait {
                    wait: Duration::from_secs(1),
                    why: format!(
                        "less than {} s left in this invocation to make a request",
                        MIN_REQUEST_TIME.as_secs()
                    ),
                });
            }
            let charge = match self.pacer.acquire(estimate, last_start).await {
                Ok(charge) => charge,
                Err(e) => {
                    let limit = if e.daily { "the daily request quota" } else { "the per-minute rate limits" };
                    return Err(ScoreError::MustWait {
                        wait: e.wait,
                        why: format!(
                            "{limit} need a wait of {:.1} s, longer than this invocation has left",
                            e.wait.as_secs_f64()
                        ),
                    });
                }
            };
            match self.attempt(body, deadline, &parse).await {
                Attempt::Done(mut done) => {
                    // A re-asked answer costs the unusable reply's tokens too.
                    done.usage.prompt_tokens += wasted.prompt_tokens;
                    done.usage.completion_tokens += wasted.completion_tokens;
                    done.cost_usd = self.cost(done.usage);
                    return Ok(*done);
                }
                Attempt::Fail(e) => return Err(e),
                Attempt::BadReply { why, usage } => {
                    wasted.prompt_tokens += usage.prompt_tokens;
                    wasted.completion_tokens += usage.completion_tokens;
                    bad_replies += 1;
                    if bad_replies >= 2 {
                        return Err(ScoreError::Retryable(format!("the model's reply did not parse twice: {why}")));
                    }
                    tracing::warn!(job_id, reason = %why, "unusable reply; asking once more");
                }
                Attempt::RateLimited { wait, why } => {
                    // The provider counted nothing for a request it refused.
                    self.pacer.refund(charge);
                    let until = Instant::now() + wait;
                    self.pacer.pause_until(until);
                    if until > last_start {
                        return Err(ScoreError::MustWait {
                            wait,
                            why: format!(
                                "{why}; the wait of {:.1} s is longer than this invocation has left",
                                wait.as_secs_f64()
                            ),
                        });
                    }
                    tracing::info!(job_id, wait_ms = wait.as_millis() as u64, reason = %why, "rate limited; waiting for the reset");
                }
                Attempt::Again { why } => {
                    transient += 1;
                    if transient >= self.config.max_attempts {
                        return Err(ScoreError::Retryable(format!("gave up after {transient} attempts: {why}")));
                    }
                    let wait = backoff(transient);
                    if Instant::now() + wait > last_start {
                        return Err(ScoreError::Retryable(format!(
                            "{why}; the backoff of {:.1} s is longer than this invocation has left",
                            wait.as_secs_f64()
                        )));
                    }
                    tracing::info!(job_id, wait_ms = wait.as_millis() as u64, reason = %why, "waiting before retrying");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn attempt<T>(
        &self,
        body: &Value,
        deadline: Instant,
        parse: &impl Fn(&str) -> Result<T, String>,
    ) -> Attempt<T> {
        let started = std::time::Instant::now();
        let timeout = self.config.request_timeout.min(deadline.saturating_duration_since(Instant::now()));
        let url = format!("{}/chat/completions", self.config.base_url.trim_end_matches('/'));
        let sent =
            self.http.post(&url).bearer_auth(self.config.api_key.expose()).timeout(timeout).json(body).send().await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => {
                let why = if e.is_timeout() {
                    "request timed out".to_string()
                } else {
                    format!("request failed: {}", e.without_url())
                };
                return Attempt::Again { why };
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let (rpm, tpm) = headers::account_limits(&headers);
        self.pacer.observe_limits(rpm, tpm, self.config.instances);
        let (day_left, day_reset) = headers::day_requests(&headers);
        self.pacer.observe_day(day_left, day_reset);
        let text = match response.text().await {
            Ok(t) => t,
            Err(e) => return Attempt::Again { why: format!("reading the reply failed: {}", e.without_url()) },
        };
        if status.is_success() {
            return self.parse_success(&text, started.elapsed(), parse);
        }
        let error = ApiError::parse(&text);
        let code = error.code.as_deref();
        match status.as_u16() {
            429 if code == Some("queue_exceeded") => Attempt::Again { why: format!("Cerebras queue is full: {error}") },
            429 => {
                let wait = headers::wait_from(&headers, code).unwrap_or(Duration::from_secs(5));
                Attempt::RateLimited { wait, why: format!("rate limited: {error}") }
            }
            401..=403 => Attempt::Fail(ScoreError::Fatal(format!(
                "Cerebras refused the request ({status}): {error}; check CEREBRAS_API_KEY and the account"
            ))),
            404 if code == Some("model_not_found") || error.message.contains("model") => {
                let available = self
                    .list_models()
                    .await
                    .map(|m| m.join(", "))
                    .unwrap_or_else(|e| format!("(could not list models: {e})"));
                Attempt::Fail(ScoreError::Fatal(format!(
                    "model {:?} is not available: {error}; GET /models offers: {available}",
                    self.config.model
                )))
            }
            400 | 404 | 422 => {
                Attempt::Fail(ScoreError::Rejected(format!("Cerebras rejected the request ({status}): {error}")))
            }
            408 | 409 | 500..=599 => Attempt::Again { why: format!("Cerebras answered {status}: {error}") },
            _ => Attempt::Fail(ScoreError::Rejected(format!("unexpected reply {status}: {error}"))),
        }
    }

    fn parse_success<T>(
        &self,
        text: &str,
        latency: Duration,
        parse: &impl Fn(&str) -> Result<T, String>,
    ) -> Attempt<T> {
        #[derive(Deserialize)]
        struct Completion {
            model: Option<String>,
            choices: Vec<Choice>,
            usage: Option<UsageBody>,
        }
        #[derive(Deserialize)]
        struct Choice {
            message: Message,
            finish_reason: Option<String>,
        }
        #[derive(Deserialize)]
        struct Message {
            content: Option<String>,
        }
        #[derive(Deserialize)]
        struct UsageBody {
            prompt_tokens: u32,
            completion_tokens: u32,
        }
        let completion: Completion = match serde_json::from_str(text) {
            Ok(c) => c,
            Err(e) => {
                return Attempt::BadReply {
                    why: format!("the completion is not valid JSON: {e}"),
                    usage: Usage::default(),
                }
            }
        };
        let usage = completion
            .usage
            .map(|u| Usage { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens })
            .unwrap_or_default();
        let Some(choice) = completion.choices.into_iter().next() else {
            return Attempt::BadReply { why: "the completion has no choices".into(), usage };
        };
        let content = choice.message.content.unwrap_or_default();
        if content.trim().is_empty() {
            let why = match choice.finish_reason.as_deref() {
                Some("length") => format!(
                    "finish_reason length with no answer: max_completion_tokens ({}) ran out during reasoning",
                    self.config.max_completion_tokens
                ),
                other => format!("empty answer (finish_reason {other:?})"),
            };
            return Attempt::BadReply { why, usage };
        }
        let value = match parse(&content) {
            Ok(v) => v,
            Err(why) => return Attempt::BadReply { why, usage },
        };
        let cost_usd = self.cost(usage);
        Attempt::Done(Box::new(Completed {
            value,
            usage,
            model: completion.model.unwrap_or_else(|| self.config.model.clone()),
            latency,
            cost_usd,
        }))
    }

    /// The estimated cost of `usage` in US dollars; `None` when the price is unknown.
    fn cost(&self, usage: Usage) -> Option<f64> {
        self.config.price_per_mtok.map(|(input, output)| {
            (f64::from(usage.prompt_tokens) * input + f64::from(usage.completion_tokens) * output) / 1e6
        })
    }

    /// `GET /models`: the model ids the key may use.
    pub async fn list_models(&self) -> Result<Vec<String>, String> {
        #[derive(Deserialize)]
        struct Models {
            data: Vec<Model>,
        }
        #[derive(Deserialize)]
        struct Model {
            id: String,
        }
        let url = format!("{}/models", self.config.base_url.trim_end_matches('/'));
        let response = self
            .http
            .get(url)
            .bearer_auth(self.config.api_key.expose())
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        let models: Models = response.json().await.map_err(|e| e.without_url().to_string())?;
        Ok(models.data.into_iter().map(|m| m.id).collect())
    }
}

/// Full-jitter exponential backoff: up to 0.5 s, 1 s, 2 s, 4 s, … (capped at 20 s).
fn backoff(attempt: u32) -> Duration {
    let cap =
        Duration::from_millis(500).saturating_mul(1 << attempt.min(6).saturating_sub(1)).min(Duration::from_secs(20));
    cap.mul_f64(rand::random::<f64>().max(0.2))
}
