//! The fake Cerebras server speaks the wire format the scorer relies on: answers, top-level
//! error bodies, rate limits with their headers, and every injected fault.

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use upflow::evaluation::schema::{assessment_schema, NAME};
use upflow::evaluation::Assessment;
use upflow_tests::fake_cerebras::{self, format_duration, FakeCerebras, FakeCerebrasConfig, Fault, DEFAULT_API_KEY};

const SYSTEM: &str = "You screen Upwork jobs for one freelancer and answer in JSON only.";

fn user(n: usize) -> String {
    format!(
        "Title: Build a RAG service number {n}\nBudget: fixed $4000\nSkills: Python, FastAPI, pgvector\nDescription:\nJob {n}."
    )
}

fn request_for(user: &str, max_completion_tokens: u64) -> Value {
    json!({
        "model": "gpt-oss-120b",
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": user},
        ],
        "response_format": {"type": "json_schema", "json_schema": {
            "name": NAME, "strict": true, "schema": assessment_schema()}},
        "max_completion_tokens": max_completion_tokens,
        "reasoning_effort": "low",
        "temperature": 0.2,
    })
}

fn request(n: usize) -> Value {
    request_for(&user(n), 2000)
}

async fn post(fake: &FakeCerebras, body: &Value) -> (u16, HeaderMap, Value) {
    post_with_key(fake, body, &fake.api_key).await
}

async fn post_with_key(fake: &FakeCerebras, body: &Value, key: &str) -> (u16, HeaderMap, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/chat/completions", fake.base_url))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json::<Value>().await.expect("JSON body");
    (status, headers, body)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).unwrap_or_else(|| panic!("header {name} missing from {headers:?}")).to_str().unwrap()
}

fn float_header(headers: &HeaderMap, name: &str) -> f64 {
    header(headers, name).parse().unwrap_or_else(|_| panic!("{name} is not a float"))
}

/// `2m59.56s`, `1.5s`, `250ms` as seconds.
fn parse_duration(s: &str) -> f64 {
    if let Some(ms) = s.strip_suffix("ms") {
        return ms.parse::<f64>().unwrap() / 1000.0;
    }
    let s = s.strip_suffix('s').expect("ends in s");
    match s.split_once('m') {
        Some((m, rest)) => m.parse::<f64>().unwrap() * 60.0 + rest.parse::<f64>().unwrap(),
        None => s.parse().unwrap(),
    }
}

/// A top-level Cerebras error body, not OpenAI's `{"error": {...}}`.
fn assert_error(body: &Value, kind: &str, code: &str) {
    assert!(body.get("error").is_none(), "nested error body: {body}");
    assert_eq!(body["type"], kind, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(body.as_object().unwrap().contains_key("param"), "{body}");
}

fn content(body: &Value) -> &str {
    body["choices"][0]["message"]["content"].as_str().unwrap()
}

const RATE_HEADERS: [&str; 9] = [
    "x-ratelimit-limit-requests-minute",
    "x-ratelimit-remaining-requests-minute",
    "x-ratelimit-reset-requests-minute",
    "x-ratelimit-limit-tokens-minute",
    "x-ratelimit-remaining-tokens-minute",
    "x-ratelimit-reset-tokens-minute",
    "x-ratelimit-limit-requests-day",
    "x-ratelimit-remaining-requests-day",
    "x-ratelimit-reset-requests-day",
];

#[tokio::test]
async fn a_completion_parses_into_a_valid_assessment() {
    let fake =
        fake_cerebras::start(FakeCerebrasConfig { rpm: Some(30), tpm: Some(60_000), ..Default::default() }).await;
    assert!(fake.base_url.starts_with("http://127.0.0.1:") && fake.base_url.ends_with("/v1"));
    let sent = request(1);
    let (status, headers, body) = post(&fake, &sent).await;
    assert_eq!(status, 200, "{body}");

    assert!(body["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "gpt-oss-120b");
    assert!(body["created"].as_u64().unwrap() > 1_700_000_000);
    assert!(body["system_fingerprint"].as_str().unwrap().starts_with("fp_"));
    let choice = &body["choices"][0];
    assert_eq!(choice["index"], 0);
    assert_eq!(choice["finish_reason"], "stop");
    assert_eq!(choice["message"]["role"], "assistant");
    assert!(!choice["message"]["reasoning"].as_str().unwrap().is_empty());

    let assessment: Assessment = serde_json::from_str(content(&body)).expect("an Assessment");
    assert_eq!(assessment.validate(), Ok(()));
    assert_eq!(assessment.tech_stack, ["Python", "FastAPI", "pgvector"].map(String::from));

    // Usage: prompt = ceil(chars / 4); completion = ceil(answer / 4) + reasoning.
    let chars = SYSTEM.chars().count() + user(1).chars().count();
    let usage = &body["usage"];
    let p = usage["prompt_tokens"].as_u64().unwrap();
    let c = usage["completion_tokens"].as_u64().unwrap();
    let r = usage["completion_tokens_details"]["reasoning_tokens"].as_u64().unwrap();
    assert_eq!(p, (chars as u64).div_ceil(4));
    assert_eq!(c, (content(&body).chars().count() as u64).div_ceil(4) + r);
    assert!(r > 0);
    assert_eq!(usage["total_tokens"].as_u64().unwrap(), p + c);
    assert_eq!(usage["prompt_tokens_details"]["cached_tokens"], 0);
    for key in ["queue_time", "prompt_time", "completion_time", "total_time", "created"] {
        assert!(body["time_info"][key].is_number(), "time_info.{key}");
    }

    // Rate-limit headers on success too; the request was charged before processing.
    for name in RATE_HEADERS {
        header(&headers, name);
    }
    assert_eq!(header(&headers, "x-ratelimit-limit-requests-minute"), "30");
    assert_eq!(header(&headers, "x-ratelimit-remaining-requests-minute"), "29");
    let remaining_tokens: u64 = header(&headers, "x-ratelimit-remaining-tokens-minute").parse().unwrap();
    assert!(remaining_tokens <= 60_000 - (p + 2000) + 1, "{remaining_tokens}");
    assert!(headers.get("retry-after").is_none());

    assert_eq!(fake.requests(), vec![sent]);
    let stats = fake.stats();
    assert_eq!((stats.requests, stats.ok, stats.rate_limited), (1, 1, 0));
    assert_eq!(stats.prompt_tokens, p);
}

#[tokio::test]
async fn answers_vary_with_the_job_and_repeat_for_the_same_job() {
    let fake = fake_cerebras::start(FakeCerebrasConfig::default()).await;
    let mut answers = Vec::new();
    for n in 0..40 {
        let (status, _, body) = post(&fake, &request(n)).await;
        assert_eq!(status, 200);
        let a: Assessment = serde_json::from_str(content(&body)).unwrap();
        assert_eq!(a.validate(), Ok(()), "job {n}");
        answers.push(a);
    }
    let scores = |a: &Assessment| {
        [
            a.scores.budget.score,
            a.scores.client.score,
            a.scores.clarity.score,
            a.scores.technical_fit.score,
            a.scores.competition.score,
        ]
    };
    let totals: std::collections::BTreeSet<u64> =
        answers.iter().map(|a| scores(a).iter().sum::<f64>() as u64).collect();
    assert!(totals.len() >= 8, "totals barely vary: {totals:?}");
    let irrelevant: Vec<&Assessment> = answers.iter().filter(|a| !a.relevant).collect();
    assert!(!irrelevant.is_empty(), "no job was judged irrelevant");
    assert!(irrelevant.iter().all(|a| a.irrelevant_reason.is_some()));
    assert!(answers.iter().any(|a| a.relevant));

    let (_, _, again) = post(&fake, &request(7)).await;
    assert_eq!(serde_json::from_str::<Assessment>(content(&again)).unwrap(), answers[7]);
    assert_eq!(fake_cerebras::assess(&user(7)), answers[7]);
}

#[tokio::test]
async fn over_the_request_limit_is_a_429_with_headers() {
    let fake = fake_cerebras::start(FakeCerebrasConfig { rpm: Some(2), ..Default::default() }).await;
    for n in 0..2 {
        assert_eq!(post(&fake, &request(n)).await.0, 200);
    }
    let (status, headers, body) = post(&fake, &request(2)).await;
    assert_eq!(status, 429);
    assert_error(&body, "too_many_requests_error", "request_quota_exceeded");
    assert_eq!(header(&headers, "x-ratelimit-limit-requests-minute"), "2");
    assert_eq!(header(&headers, "x-ratelimit-remaining-requests-minute"), "0");
    // 2 per minute refill one request every 30 s.
    let reset = float_header(&headers, "x-ratelimit-reset-requests-minute");
    assert!(reset > 29.0 && reset <= 30.0, "{reset}");
    let retry: u64 = header(&headers, "retry-after").parse().unwrap();
    assert_eq!(retry, reset.ceil() as u64);
    assert_eq!(header(&headers, "x-ratelimit-limit-requests-day"), "2880");
    assert_eq!(header(&headers, "x-ratelimit-remaining-requests-day"), "2878");
    float_header(&headers, "x-ratelimit-reset-requests-day");
    // No TPM configured: no token headers.
    assert!(headers.get("x-ratelimit-limit-tokens-minute").is_none());

    let stats = fake.stats();
    assert_eq!((stats.requests, stats.ok, stats.rate_limited), (3, 2, 1));
    assert_eq!(stats.statuses.get(&429), Some(&1));
}

#[tokio::test]
async fn the_request_bucket_refills_continuously() {
    // 120 RPM: one request every 0.5 s once the burst of 120 is spent.
    let fake = fake_cerebras::start(FakeCerebrasConfig { rpm: Some(120), ..Default::default() }).await;
    let mut ok = 0;
    let headers = loop {
        let (status, headers, _) = post(&fake, &request(ok)).await;
        if status == 429 {
            break headers;
        }
        ok += 1;
        assert!(ok < 200, "never limited");
    };
    assert!(ok >= 120, "{ok}");
    let reset = float_header(&headers, "x-ratelimit-reset-requests-minute");
    assert!(reset > 0.0 && reset <= 0.5, "{reset}");
    tokio::time::sleep(Duration::from_secs_f64(reset + 0.05)).await;
    let (status, _, body) = post(&fake, &request(1000)).await;
    assert_eq!(status, 200, "not refilled after the reset: {body}");
}

#[tokio::test]
async fn over_the_token_limit_is_a_429_with_headers() {
    let fake = fake_cerebras::start(FakeCerebrasConfig { tpm: Some(5_000), ..Default::default() }).await;
    // Each request is charged its prompt (~45 tokens) plus its 2,000 completion tokens.
    for n in 0..2 {
        let (status, headers, _) = post(&fake, &request(n)).await;
        assert_eq!(status, 200);
        assert!(headers.get("x-ratelimit-limit-requests-minute").is_none());
    }
    let (status, headers, body) = post(&fake, &request(2)).await;
    assert_eq!(status, 429);
    assert_error(&body, "too_many_requests_error", "token_quota_exceeded");
    assert_eq!(header(&headers, "x-ratelimit-limit-tokens-minute"), "5000");
    let remaining: u64 = header(&headers, "x-ratelimit-remaining-tokens-minute").parse().unwrap();
    assert!(remaining < 2_000, "{remaining}");
    let reset = float_header(&headers, "x-ratelimit-reset-tokens-minute");
    // (estimate - remaining) tokens at 5,000 a minute.
    assert!(reset > 10.0 && reset < 25.0, "{reset}");
    let retry: u64 = header(&headers, "retry-after").parse().unwrap();
    assert_eq!(retry, reset.ceil() as u64);

    // A request that could never fit is refused as well.
    let fake = fake_cerebras::start(FakeCerebrasConfig { tpm: Some(1_000), ..Default::default() }).await;
    let (status, _, body) = post(&fake, &request_for(&user(0), 4_000)).await;
    assert_eq!(status, 429);
    assert_error(&body, "too_many_requests_error", "token_quota_exceeded");
    assert_eq!(fake.stats().rate_limited, 1);
}

#[tokio::test]
async fn a_request_without_a_completion_limit_is_charged_the_sequence_length() {
    let fake = fake_cerebras::start(FakeCerebrasConfig { tpm: Some(60_000), ..Default::default() }).await;
    let mut body = request(0);
    body.as_object_mut().unwrap().remove("max_completion_tokens");
    let (status, _, error) = post(&fake, &body).await;
    assert_eq!(status, 429);
    assert_error(&error, "too_many_requests_error", "token_quota_exceeded");
}

#[tokio::test]
async fn reset_headers_can_be_durations() {
    assert_eq!(format_duration(179.56), "2m59.56s");
    assert_eq!(format_duration(1.5), "1.5s");
    assert_eq!(format_duration(0.25), "250ms");
    assert_eq!(format_duration(0.0), "0s");
    assert_eq!(format_duration(120.0), "2m0s");
    assert_eq!(format_duration(59.996), "1m0s");
    assert_eq!(format_duration(0.9996), "1s");
    assert_eq!(format_duration(0.0001), "1ms");

    let fake = fake_cerebras::start(FakeCerebrasConfig {
        rpm: Some(1),
        tpm: Some(100_000),
        duration_reset_headers: true,
        ..Default::default()
    })
    .await;
    assert_eq!(post(&fake, &request(0)).await.0, 200);
    let (status, headers, _) = post(&fake, &request(1)).await;
    assert_eq!(status, 429);
    let reset = header(&headers, "x-ratelimit-reset-requests-minute");
    assert!(reset.ends_with('s') && reset.parse::<f64>().is_err(), "{reset}");
    let secs = parse_duration(reset);
    assert!(secs > 59.0 && secs <= 60.0, "{reset}");
    assert_eq!(header(&headers, "retry-after").parse::<u64>().unwrap(), secs.ceil() as u64);
    assert_eq!(parse_duration(header(&headers, "x-ratelimit-reset-tokens-minute")), 0.0);
    assert!(parse_duration(header(&headers, "x-ratelimit-reset-requests-day")) > 0.0);
}

#[tokio::test]
async fn malformed_requests_are_refused_with_400() {
    let fake = fake_cerebras::start(FakeCerebrasConfig::default()).await;
    let mut cases = Vec::new();

    let mut both = request(0);
    both["max_tokens"] = json!(100);
    cases.push(("both token limits", both));

    let mut loose = request(0);
    loose["response_format"]["json_schema"]["strict"] = json!(false);
    cases.push(("not strict", loose));

    let mut object = request(0);
    object["response_format"] = json!({"type": "json_object"});
    cases.push(("json_object", object));

    let mut missing = request(0);
    missing.as_object_mut().unwrap().remove("response_format");
    cases.push(("no response_format", missing));

    let mut pattern = request(0);
    pattern["response_format"]["json_schema"]["schema"]["properties"]["summary"]["pattern"] = json!("^.+$");
    cases.push(("schema outside the strict subset", pattern));

    let mut effort = request(0);
    effort["reasoning_effort"] = json!("extreme");
    cases.push(("reasoning effort", effort));

    let mut no_messages = request(0);
    no_messages["messages"] = json!([]);
    cases.push(("no messages", no_messages));

    for (what, body) in cases {
        let (status, _, error) = post(&fake, &body).await;
        assert_eq!(status, 400, "{what}: {error}");
        assert_error(&error, "invalid_request_error", "invalid_request_error");
    }
    let (status, _, error) = post(&fake, &{
        let mut both = request(0);
        both["max_tokens"] = json!(100);
        both
    })
    .await;
    assert_eq!(status, 400);
    assert_eq!(error["param"], "max_tokens");

    let stats = fake.stats();
    assert_eq!((stats.rejected, stats.ok), (8, 0));
    assert_eq!(fake.requests().len(), 8);
}

#[tokio::test]
async fn unknown_model_is_404_and_models_are_listed() {
    let fake = fake_cerebras::start(FakeCerebrasConfig::default()).await;
    let mut body = request(0);
    body["model"] = json!("llama-9000");
    let (status, _, error) = post(&fake, &body).await;
    assert_eq!(status, 404);
    assert_error(&error, "not_found_error", "model_not_found");
    assert_eq!(error["param"], "model");

    body["model"] = json!("zai-glm-4.7");
    let (status, _, answer) = post(&fake, &body).await;
    assert_eq!(status, 200);
    assert_eq!(answer["model"], "zai-glm-4.7");

    let client = reqwest::Client::new();
    let list: Value = client
        .get(format!("{}/models", fake.base_url))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["object"], "list");
    let ids: Vec<&str> = list["data"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["gpt-oss-120b", "zai-glm-4.7"]);
    assert!(list["data"].as_array().unwrap().iter().all(|m| m["object"] == "model"));

    let one =
        client.get(format!("{}/models/gpt-oss-120b", fake.base_url)).bearer_auth(DEFAULT_API_KEY).send().await.unwrap();
    assert_eq!(one.status(), 200);
}

#[tokio::test]
async fn a_wrong_or_missing_key_is_401() {
    let fake = fake_cerebras::start(FakeCerebrasConfig { api_key: "csk-right".into(), ..Default::default() }).await;
    let (status, _, error) = post_with_key(&fake, &request(0), "csk-wrong").await;
    assert_eq!(status, 401);
    assert_error(&error, "invalid_request_error", "wrong_api_key");

    let client = reqwest::Client::new();
    let missing = client.post(format!("{}/chat/completions", fake.base_url)).json(&request(0)).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    let models = client.get(format!("{}/models", fake.base_url)).bearer_auth("csk-wrong").send().await.unwrap();
    assert_eq!(models.status(), 401);
    assert_error(&models.json::<Value>().await.unwrap(), "invalid_request_error", "wrong_api_key");

    assert_eq!(post_with_key(&fake, &request(0), "csk-right").await.0, 200);
    assert_eq!(fake.stats().rejected, 2);
}

#[tokio::test]
async fn each_scripted_fault_happens_once_in_order() {
    let fake = fake_cerebras::start(FakeCerebrasConfig {
        rpm: Some(100),
        script: vec![Fault::ServerError(500), Fault::ServerError(503), Fault::QueueExceeded],
        ..Default::default()
    })
    .await;
    fake.push_faults(vec![
        Fault::Status(402, "payment_required"),
        Fault::Status(403, "permission_denied"),
        Fault::Status(422, "unprocessable_entity"),
        Fault::Truncated,
        Fault::LengthEmpty,
        Fault::InvalidScores,
        Fault::Slow(Duration::from_millis(300)),
    ]);

    let (status, headers, body) = post(&fake, &request(0)).await;
    assert_eq!(status, 500);
    assert_error(&body, "server_error", "internal_server_error");
    assert!(headers.get("retry-after").is_none());

    let (status, _, body) = post(&fake, &request(0)).await;
    assert_eq!(status, 503);
    assert_error(&body, "server_error", "service_unavailable");

    let (status, headers, body) = post(&fake, &request(0)).await;
    assert_eq!(status, 429);
    assert_error(&body, "too_many_requests_error", "queue_exceeded");
    assert!(headers.get("x-ratelimit-reset-requests-minute").is_none());
    assert!(headers.get("x-ratelimit-reset-tokens-minute").is_none());

    for (expected, code) in [(402, "payment_required"), (403, "permission_denied"), (422, "unprocessable_entity")] {
        let (status, _, body) = post(&fake, &request(0)).await;
        assert_eq!(status, expected);
        assert!(body.get("error").is_none());
        assert_eq!(body["code"], code);
    }

    let (status, _, body) = post(&fake, &request(0)).await;
    assert_eq!(status, 200);
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    let truncated = content(&body);
    assert!(!truncated.is_empty());
    assert!(serde_json::from_str::<Value>(truncated).is_err(), "{truncated}");

    let (status, _, body) = post(&fake, &request(0)).await;
    assert_eq!(status, 200);
    assert_eq!(body["choices"][0]["finish_reason"], "length");
    assert_eq!(content(&body), "");

    let (status, _, body) = post(&fake, &request(0)).await;
    assert_eq!(status, 200);
    let invalid: Assessment = serde_json::from_str(content(&body)).expect("still valid JSON");
    assert_eq!(invalid.scores.technical_fit.score, 14.0);
    assert!(invalid.validate().unwrap_err().contains("14"));

    let started = Instant::now();
    let (status, _, body) = post(&fake, &request(0)).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(status, 200);
    let slow: Assessment = serde_json::from_str(content(&body)).unwrap();
    assert_eq!(slow.validate(), Ok(()));

    // The script is spent: back to normal.
    let (status, _, body) = post(&fake, &request(0)).await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<Assessment>(content(&body)).unwrap(), slow);

    let stats = fake.stats();
    assert_eq!(stats.requests, 11);
    assert_eq!(stats.faults, 10);
    assert_eq!(stats.ok, 5);
    assert_eq!(stats.rate_limited, 0, "queue_exceeded is a fault, not a limit");
    assert_eq!(stats.faults_by_kind.get("truncated"), Some(&1));
}

#[tokio::test]
async fn a_rate_limited_request_does_not_consume_a_fault() {
    let fake = fake_cerebras::start(FakeCerebrasConfig {
        rpm: Some(1),
        script: vec![Fault::ServerError(503)],
        ..Default::default()
    })
    .await;
    fake.push_faults(vec![Fault::Truncated]);
    assert_eq!(post(&fake, &request(0)).await.0, 503);
    let (status, _, body) = post(&fake, &request(0)).await;
    assert_eq!(status, 429);
    assert_eq!(body["code"], "request_quota_exceeded");
    assert_eq!(fake.stats().faults, 1);
}

#[tokio::test]
async fn random_faults_follow_their_rates_after_the_script() {
    let fake =
        fake_cerebras::start(FakeCerebrasConfig { script: vec![Fault::Status(400, "bad")], ..Default::default() })
            .await;
    fake.set_random_faults(vec![(Fault::ServerError(503), 0.5)], 7);
    assert_eq!(post(&fake, &request(0)).await.0, 400);
    let mut failed = 0;
    for n in 0..100 {
        match post(&fake, &request(n)).await.0 {
            503 => failed += 1,
            200 => {}
            other => panic!("status {other}"),
        }
    }
    assert!((25..=75).contains(&failed), "{failed} of 100 failed");
    fake.set_random_faults(vec![], 0);
    assert_eq!(post(&fake, &request(0)).await.0, 200);
    assert_eq!(fake.stats().faults, 1 + failed);
}

#[tokio::test]
async fn reasoning_effort_and_the_completion_budget_shape_the_answer() {
    let fake = fake_cerebras::start(FakeCerebrasConfig::default()).await;
    let reasoning = |body: &Value| body["usage"]["completion_tokens_details"]["reasoning_tokens"].as_u64().unwrap();
    let mut low = request(0);
    low["reasoning_effort"] = json!("low");
    let mut high = request(0);
    high["reasoning_effort"] = json!("high");
    let (_, _, low) = post(&fake, &low).await;
    let (_, _, high) = post(&fake, &high).await;
    assert!(reasoning(&high) > reasoning(&low));

    // A budget smaller than the reasoning: nothing left for the answer.
    let (status, _, body) = post(&fake, &request_for(&user(0), 10)).await;
    assert_eq!(status, 200);
    assert_eq!(body["choices"][0]["finish_reason"], "length");
    assert_eq!(content(&body), "");
    assert_eq!(body["usage"]["completion_tokens"], 10);
}

#[tokio::test]
async fn many_concurrent_requests_are_served_in_parallel() {
    let fake = fake_cerebras::start(FakeCerebrasConfig {
        rpm: Some(120),
        latency: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let url = format!("{}/chat/completions", fake.base_url);
    let started = Instant::now();
    let tasks: Vec<_> = (0..150)
        .map(|n| {
            let client = client.clone();
            let url = url.clone();
            tokio::spawn(async move {
                client.post(url).bearer_auth(DEFAULT_API_KEY).json(&request(n)).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut ok = 0;
    let mut limited = 0;
    for t in tasks {
        match t.await.unwrap() {
            200 => ok += 1,
            429 => limited += 1,
            other => panic!("status {other}"),
        }
    }
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    // The burst of 120, plus what refilled (2 a second) while the requests arrived.
    let refilled = (elapsed.as_secs_f64() * 2.0).ceil() as u64;
    assert!(ok >= 120 && ok <= 120 + refilled, "{ok} answered in {elapsed:?}");
    assert_eq!(ok + limited, 150);
    let stats = fake.stats();
    assert!(stats.max_in_flight >= 20, "{stats:?}");
    assert_eq!(stats.in_flight, 0);
    assert_eq!(stats.ok, ok);

    // Latency can be changed on the fly.
    fake.set_latency(Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let started = Instant::now();
    assert_eq!(post(&fake, &request(0)).await.0, 200);
    assert!(started.elapsed() < Duration::from_millis(250));
}
