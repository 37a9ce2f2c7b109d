//! The evaluator handler end to end: SQS events against real Postgres, the real Cerebras client
//! against a fake Cerebras server, the real Telegram client against a fake Telegram server.

use std::time::Duration;

use aws_lambda_events::event::sqs::SqsBatchResponse;
use tokio::time::Instant;
use upflow::evaluate::{Alerter, Evaluator};
use upflow::profile::{LoadedProfile, DEFAULT_TOML};
use upflow::scoring::cerebras::{CerebrasConfig, CerebrasScorer};
use upflow::scoring::rules::RulesScorer;
use upflow::scoring::Scorer;
use upflow::telegram::client::TelegramClient;
use upflow_tests::db::TestDb;
use upflow_tests::fake_cerebras::{self, FakeCerebras, FakeCerebrasConfig, Fault};
use upflow_tests::fake_telegram;
use upflow_tests::fixtures;
use upflow_tests::seed::{job_messages, sqs_event, store_export};

const KEY: &str = "csk-test-key";

fn cerebras(fake: &FakeCerebras, rpm: u32, tpm: u32) -> Scorer {
    Scorer::Cerebras(Box::new(CerebrasScorer::new(
        CerebrasConfig { rpm, tpm, ..config_for(fake) },
        reqwest::Client::new(),
    )))
}

async fn evaluator(db: &TestDb, scorer: Scorer, profile: LoadedProfile, concurrency: usize) -> Evaluator {
    Evaluator { concurrency, ..Evaluator::new(db.migrated_pool().await, scorer, profile) }
}

fn soon(secs: u64) -> Instant {
    Instant::now() + Duration::from_secs(secs)
}

fn failed_ids(r: &SqsBatchResponse) -> Vec<String> {
    let mut ids: Vec<String> = r.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect();
    ids.sort();
    ids
}

/// The default profile without the budget filter, so that every fixture job reaches the scorer.
fn unfiltered_profile() -> LoadedProfile {
    LoadedProfile::from_toml(&DEFAULT_TOML.replace("min_fixed_budget = 500", ""), "unfiltered").unwrap()
}

#[tokio::test]
async fn every_job_gets_one_evaluation_and_filtered_jobs_no_llm_call() {
    let db = TestDb::new().await;
    let fake = fake_cerebras::start(FakeCerebrasConfig { api_key: KEY.into(), ..Default::default() }).await;
    let ev = evaluator(&db, cerebras(&fake, 6000, 10_000_000), LoadedProfile::default_profile(), 4).await;
    let ids = store_export(&ev.db, "a.json", &fixtures::bytes(fixtures::SCRAPER)).await;
    let messages = job_messages(&ids);

    let response = evaluator::handle(sqs_event(&messages), soon(120), &ev).await;
    assert_eq!(failed_ids(&response), Vec::<String>::new());
    assert_eq!(db.scalar("SELECT count(*) FROM evaluations").await, 19);
    let skipped = db.scalar("SELECT count(*) FROM evaluations WHERE status = 'skipped' AND scorer = 'filter'").await;
    // The fixture's fixed jobs under $500 fail the default profile's $500 filter.
    let under_500: Vec<i64> = fixtures::records(fixtures::SCRAPER)
        .iter()
        .filter(|r| r["jobType"] == "Fixed")
        .filter_map(|r| r["budget"].as_str()?.trim_start_matches('$').replace(',', "").parse::<f64>().ok())
        .filter(|b| *b < 500.0)
        .map(|_| 1)
        .collect();
    assert_eq!(skipped, under_500.len() as i64);
    assert!(skipped > 0);
    let reason: String = db
        .client()
        .await
        .query_one("SELECT skip_reason FROM evaluations WHERE status = 'skipped' LIMIT 1", &[])
        .await
        .unwrap()
        .get(0);
    assert!(reason.starts_with("fixed budget $") && reason.ends_with("< $500"), "{reason}");
    assert_eq!(fake.stats().requests as i64, 19 - skipped, "one LLM call per unfiltered job, none for filtered ones");
    let row = db
        .client()
        .await
        .query_one(
            "SELECT count(*), min(total), max(total), sum(prompt_tokens)::int8, bool_and(model = 'gpt-oss-120b'),
                    bool_and(cost_usd > 0)
             FROM evaluations WHERE status = 'scored'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 19 - skipped);
    assert!((0.0..=100.0).contains(&row.get::<_, f64>(1)) && row.get::<_, f64>(2) <= 100.0);
    assert!(row.get::<_, i64>(3) > 0, "prompt tokens recorded");
    assert!(row.get::<_, bool>(4) && row.get::<_, bool>(5));

    // Redelivered: nothing stored twice, no LLM call.
    let again = evaluator::handle(sqs_event(&messages), soon(120), &ev).await;
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(db.scalar("SELECT count(*) FROM evaluations").await, 19);
    assert_eq!(fake.stats().requests as i64, 19 - skipped);
}

#[tokio::test]
async fn partial_failures_name_exactly_the_failed_messages() {
    let db = TestDb::new().await;
    let fake = fake_cerebras::start(FakeCerebrasConfig {
        api_key: KEY.into(),
        script: vec![Fault::Status(422, "unprocessable")],
        ..Default::default()
    })
    .await;
    let ev = evaluator(&db, cerebras(&fake, 6000, 10_000_000), unfiltered_profile(), 1).await;
    let ids = store_export(&ev.db, "b.json", &fixtures::bytes(fixtures::API_ACTOR)).await;
    let mut messages = job_messages(&ids[..4]);
    messages.push(("m-unknown".into(), upflow::queue::JobMessage::new("no-such-job", 1, "h").to_body()));
    messages.push(("m-garbage".into(), "{not json".into()));

    let response = evaluator::handle(sqs_event(&messages), soon(120), &ev).await;
    // Concurrency 1: the first job meets the scripted 422.
    let mut expected = vec![format!("m-{}", ids[0]), "m-garbage".to_string(), "m-unknown".to_string()];
    expected.sort();
    assert_eq!(failed_ids(&response), expected);
    assert_eq!(db.scalar("SELECT count(*) FROM evaluations").await, 3);
}

#[tokio::test]
async fn a_refused_key_stops_the_batch_without_burning_through_it() {
    let db = TestDb::new().await;
    let fake = fake_cerebras::start(FakeCerebrasConfig { api_key: "csk-other".into(), ..Default::default() }).await;
    let wrong_key = CerebrasConfig { api_key: KEY.into(), ..config_for(&fake) };
    let scorer = Scorer::Cerebras(Box::new(CerebrasScorer::new(wrong_key, reqwest::Client::new())));
    let ev = evaluator(&db, scorer, unfiltered_profile(), 2).await;
    let ids = store_export(&ev.db, "c.json", &fixtures::bytes(fixtures::API_ACTOR)).await;
    let messages = job_messages(&ids[..10]);
    let response = evaluator::handle(sqs_event(&messages), soon(120), &ev).await;
    assert_eq!(response.batch_item_failures.len(), 10, "every message goes back to the queue");
    assert!(fake.stats().requests <= 2, "at most the calls already in flight: {}", fake.stats().requests);
    assert_eq!(db.scalar("SELECT count(*) FROM evaluations").await, 0);
}

#[tokio::test]
async fn an_unknown_model_names_the_models_on_offer() {
    let fake = fake_cerebras::start(FakeCerebrasConfig { api_key: KEY.into(), ..Default::default() }).await;
    let scorer =
        CerebrasScorer::new(CerebrasConfig { model: "llama-9000".into(), ..config_for(&fake) }, reqwest::Client::new());
    let job = upflow_tests::seed::first_job(&fixtures::bytes(fixtures::SCRAPER));
    let err = scorer.score(&job, &LoadedProfile::default_profile().profile, soon(30)).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, upflow::scoring::ScoreError::Fatal(_)));
    assert!(text.contains("llama-9000") && text.contains("gpt-oss-120b") && text.contains("zai-glm-4.7"), "{text}");
}

fn config_for(fake: &FakeCerebras) -> CerebrasConfig {
    fake.client_config()
}

#[tokio::test]
async fn transient_failures_and_bad_replies_are_retried() {
    let db = TestDb::new().await;
    let fake = fake_cerebras::start(FakeCerebrasConfig {
        api_key: KEY.into(),
        script: vec![
            Fault::ServerError(503),
            Fault::QueueExceeded,
            Fault::Truncated,
            Fault::LengthEmpty,
            Fault::InvalidScores,
        ],
        ..Default::default()
    })
    .await;
    let ev = evaluator(&db, cerebras(&fake, 6000, 10_000_000), unfiltered_profile(), 1).await;
    let ids = store_export(&ev.db, "d.json", &fixtures::bytes(fixtures::API_ACTOR)).await;
    let messages = job_messages(&ids[..3]);
    let response = evaluator::handle(sqs_event(&messages), soon(120), &ev).await;
    // Job 1: 503, queue_exceeded (backoff), then a truncated reply and a `length` reply: two
    // unusable replies, so it fails and goes back to the queue. Job 2: a score of 14 (rejected
    // after parsing), then a good reply. Job 3: clean.
    assert_eq!(failed_ids(&response), vec![format!("m-{}", ids[0])]);
    assert_eq!(db.scalar("SELECT count(*) FROM evaluations").await, 2);
    assert_eq!(fake.stats().requests, 4 + 2 + 1);
    // The job comes back from the queue and succeeds.
    let retry = evaluator::handle(sqs_event(&messages[..1]), soon(120), &ev).await;
    assert!(retry.batch_item_failures.is_empty());
    assert_eq!(db.scalar("SELECT count(*) FROM evaluations").await, 3);
}

#[tokio::test]
async fn rate_limits_are_waited_out_and_a_wait_past_the_deadline_is_not_slept() {
    let db = TestDb::new().await;
    // The account allows 20 requests a minute (a burst of 20, then one every 3 s), but this
    // instance believes 6,000: the server's 429s and reset headers must keep it in line (the
    // fake keeps its limits to itself, so only its 429s can teach the client).
    let fake = fake_cerebras::start(FakeCerebrasConfig {
        api_key: KEY.into(),
        rpm: Some(20),
        state_limits: false,
        ..Default::default()
    })
    .await;
    let ev = evaluator(&db, cerebras(&fake, 6000, 10_000_000), unfiltered_profile(), 2).await;
    let ids = store_export(&ev.db, "e.json", &fixtures::bytes(fixtures::API_ACTOR)).await;
    let messages = job_messages(&ids[..24]);
    let started = std::time::Instant::now();
    let response = evaluator::handle(sqs_event(&messages), soon(120), &ev).await;
    assert!(response.batch_item_failures.is_empty(), "{:?}", failed_ids(&response));
    assert_eq!(db.scalar("SELECT count(*) FROM evaluations").await, 24);
    assert!(fake.stats().rate_limited > 0, "the fake's bucket was hit");
    assert!(started.elapsed() < Duration::from_secs(60));

    // Now with two seconds left: a reset of several seconds is not slept through.
    let more = job_messages(&ids[24..40]);
    let started = std::time::Instant::now();
    let response = evaluator::handle(sqs_event(&more), soon(2), &ev).await;
    assert!(!response.batch_item_failures.is_empty());
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_profile_change_scores_again_and_keeps_the_old_evaluation() {
    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let ids = store_export(&pool, "f.json", &fixtures::bytes(fixtures::SCRAPER)).await;
    let messages = job_messages(&ids);
    let a = evaluator(&db, Scorer::Rules(RulesScorer), LoadedProfile::default_profile(), 4).await;
    assert!(evaluator::handle(sqs_event(&messages), soon(60), &a).await.batch_item_failures.is_empty());
    let edited = DEFAULT_TOML
        .replace("weight = 30", "weight = 20")
        .replace("weight = 20\nguidance = \"Are", "weight = 30\nguidance = \"Are");
    let b = evaluator(&db, Scorer::Rules(RulesScorer), LoadedProfile::from_toml(&edited, "edited").unwrap(), 4).await;
    assert_ne!(a.profile.version, b.profile.version);
    assert!(evaluator::handle(sqs_event(&messages), soon(60), &b).await.batch_item_failures.is_empty());
    assert_eq!(db.scalar("SELECT count(DISTINCT profile_version) FROM evaluations").await, 2);
    assert_eq!(db.scalar("SELECT count(*) FROM evaluations").await, 38);
    assert_eq!(
        db.scalar("SELECT count(*) FROM evaluations WHERE scorer = 'rules'").await
            + db.scalar("SELECT count(*) FROM evaluations WHERE scorer = 'filter'").await,
        38
    );
}

#[tokio::test]
async fn good_jobs_alert_once_ever_and_telegram_trouble_does_not_fail_the_job() {
    let db = TestDb::new().await;
    let telegram = fake_telegram::start("123:token").await;
    // Alert on anything relevant, so the count is known.
    let profile =
        LoadedProfile::from_toml(&DEFAULT_TOML.replace("threshold = 80", "threshold = 0"), "alert-all").unwrap();
    let mut ev = evaluator(&db, Scorer::Rules(RulesScorer), profile, 4).await;
    ev.alerter = Some(Alerter {
        client: TelegramClient::new(reqwest::Client::new(), telegram.base_url.clone(), "123:token"),
        chat_id: "42".into(),
    });
    let ids = store_export(&ev.db, "g.json", &fixtures::bytes(fixtures::SCRAPER)).await;
    let messages = job_messages(&ids);
    telegram.fail_next_with_429(1, 1);
    let response = evaluator::handle(sqs_event(&messages), soon(120), &ev).await;
    assert!(response.batch_item_failures.is_empty());
    let relevant = db.scalar("SELECT count(*) FROM evaluations WHERE status = 'scored' AND relevant").await;
    assert!(relevant > 0);
    let texts = telegram.sent_texts();
    assert_eq!(texts.len() as i64, relevant, "one alert per relevant job");
    assert_eq!(db.scalar("SELECT count(*) FROM alerts WHERE status = 'sent'").await, relevant);
    for t in &texts {
        upflow::telegram::html::check(t).unwrap();
        assert!(t.encode_utf16().count() <= 4096);
        assert!(t.contains("upwork.com/jobs/"));
    }
    // Each alert carries the decision buttons for its own job.
    for (_, body) in telegram.calls().iter().filter(|(m, b)| m == "sendMessage" && b["text"].is_string()) {
        let press = body["reply_markup"]["inline_keyboard"][0][0]["callback_data"].as_str().unwrap_or("");
        let job = press.strip_prefix("d:a:").unwrap_or_else(|| panic!("no Applied button: {body}"));
        assert!(ids.iter().any(|id| id == job), "{job}");
    }
    // Redelivered: no second alert.
    evaluator::handle(sqs_event(&messages), soon(120), &ev).await;
    assert_eq!(telegram.sent_texts().len() as i64, relevant);

    // Telegram down for a while: the jobs are still scored.
    let db2 = TestDb::new().await;
    let mut ev2 = evaluator(&db2, Scorer::Rules(RulesScorer), ev.profile.clone(), 4).await;
    ev2.alerter = Some(Alerter {
        client: TelegramClient::new(reqwest::Client::new(), telegram.base_url.clone(), "wrong:token"),
        chat_id: "42".into(),
    });
    let ids2 = store_export(&ev2.db, "h.json", &fixtures::bytes(fixtures::SCRAPER)).await;
    let response = evaluator::handle(sqs_event(&job_messages(&ids2)), soon(120), &ev2).await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(db2.scalar("SELECT count(*) FROM evaluations").await, 19);
    assert!(db2.scalar("SELECT count(*) FROM alerts WHERE status = 'failed'").await > 0);
}

#[tokio::test]
async fn a_failed_or_abandoned_alert_is_sent_by_a_later_batch_and_given_up_after_its_attempts() {
    let db = TestDb::new().await;
    let telegram = fake_telegram::start("123:token").await;
    let toml = DEFAULT_TOML.replace("threshold = 80", "threshold = 0").replace("min_fixed_budget = 500", "");
    let profile = LoadedProfile::from_toml(&toml, "alert-all").unwrap();
    let mut ev = evaluator(&db, Scorer::Rules(RulesScorer), profile, 4).await;
    let alerter = |token: &str| Alerter {
        client: TelegramClient::new(reqwest::Client::new(), telegram.base_url.clone(), token),
        chat_id: "42".into(),
    };
    // Telegram refuses every alert of the first batch (a revoked token).
    ev.alerter = Some(alerter("wrong:token"));
    let export = serde_json::to_vec(&upflow_tests::seed::generated_export(60, 5)).unwrap();
    let ids = store_export(&ev.db, "r.json", &export).await;
    let messages = job_messages(&ids);
    assert!(evaluator::handle(sqs_event(&messages), soon(120), &ev).await.batch_item_failures.is_empty());
    let relevant = db.scalar("SELECT count(*) FROM evaluations WHERE status = 'scored' AND relevant").await;
    assert!(relevant > 6, "enough alerts for several retry rounds: {relevant}");
    assert_eq!(
        db.scalar("SELECT count(*) FROM alerts WHERE status = 'failed' AND next_attempt_at IS NOT NULL").await,
        relevant
    );

    // The token is fixed. Right away nothing is due (the first retry waits a minute).
    ev.alerter = Some(alerter("123:token"));
    let one = &messages[..1];
    evaluator::handle(sqs_event(one), soon(120), &ev).await;
    assert!(telegram.sent_texts().is_empty(), "a failed alert waits before its next attempt");

    // The minute passes; one more alert was left `sending` by a sender that was killed.
    let client = db.client().await;
    client.execute("UPDATE alerts SET next_attempt_at = now() - interval '1 second'", &[]).await.unwrap();
    client
        .execute(
            "UPDATE alerts SET status = 'sending', next_attempt_at = NULL, lease_until = now() - interval '1 second'
             WHERE job_id = (SELECT min(job_id) FROM alerts)",
            &[],
        )
        .await
        .unwrap();
    // Each batch retries a few due alerts (redeliveries carry the batches here).
    let mut rounds = 0;
    while db.scalar("SELECT count(*) FROM alerts WHERE status <> 'sent'").await > 0 {
        rounds += 1;
        assert!(rounds <= relevant, "alerts are not retried");
        evaluator::handle(sqs_event(one), soon(120), &ev).await;
    }
    assert!(rounds > 1, "a batch retries a bounded number of alerts");
    let texts = telegram.sent_texts();
    assert_eq!(texts.len() as i64, relevant, "each alert sent exactly once");
    assert_eq!(db.scalar("SELECT count(DISTINCT message_id) FROM alerts").await, relevant);

    // An alert on its last attempt that fails again is given up: never due again.
    client
        .execute(
            "UPDATE alerts SET status = 'failed', attempts = $1 - 1, next_attempt_at = now() - interval '1 second'
             WHERE job_id = (SELECT min(job_id) FROM alerts)",
            &[&upflow::store::alerts::MAX_ATTEMPTS],
        )
        .await
        .unwrap();
    telegram.fail_next_with(3, 502, "Bad Gateway"); // the client retries a 5xx twice itself
    evaluator::handle(sqs_event(one), soon(120), &ev).await;
    assert_eq!(db.scalar("SELECT count(*) FROM alerts WHERE status = 'failed' AND next_attempt_at IS NULL").await, 1);
    assert!(upflow::store::alerts::due(&client, 10).await.unwrap().is_empty());
    evaluator::handle(sqs_event(one), soon(120), &ev).await;
    assert_eq!(telegram.sent_texts().len() as i64, relevant);
}

#[tokio::test]
async fn with_follow_decisions_the_alerts_use_the_threshold_the_decisions_suggest() {
    async fn alerted(db: &TestDb, profile: LoadedProfile) -> (Vec<String>, usize) {
        let telegram = fake_telegram::start("123:token").await;
        let mut ev = evaluator(db, Scorer::Rules(RulesScorer), profile, 4).await;
        ev.alerter = Some(Alerter {
            client: TelegramClient::new(reqwest::Client::new(), telegram.base_url.clone(), "123:token"),
            chat_id: "42".into(),
        });
        let ids = store_export(&ev.db, "second.json", &fixtures::bytes(fixtures::API_ACTOR)).await;
        assert!(evaluator::handle(sqs_event(&job_messages(&ids)), soon(120), &ev).await.batch_item_failures.is_empty());
        (ids, telegram.sent_texts().len())
    }
    let profile = |threshold: f64, follow: bool| {
        let toml = DEFAULT_TOML
            .replace("threshold = 80", &format!("threshold = {threshold}"))
            .replace("min_fixed_budget = 500", "")
            .replace("# follow_decisions = true", if follow { "follow_decisions = true" } else { "" });
        LoadedProfile::from_toml(&toml, "alerts").unwrap()
    };
    assert_eq!(profile(90.0, false).version, profile(90.0, true).version, "following decisions rescores nothing");

    // The second export's best relevant total, from a database of its own: just above it, the
    // configured threshold alerts nothing.
    let control = TestDb::new().await;
    assert_eq!(alerted(&control, profile(100.0, false)).await.1, 0);
    let best: f64 = control
        .client()
        .await
        .query_one("SELECT max(total) FROM evaluations WHERE status = 'scored' AND relevant", &[])
        .await
        .unwrap()
        .get(0);
    let configured = best + 0.1;

    // The first export scored; go for its five best jobs and pass on its five worst.
    let db = TestDb::new().await;
    let ev = evaluator(&db, Scorer::Rules(RulesScorer), profile(configured, false), 4).await;
    let first = store_export(&ev.db, "first.json", &fixtures::bytes(fixtures::SCRAPER)).await;
    assert!(evaluator::handle(sqs_event(&job_messages(&first)), soon(120), &ev).await.batch_item_failures.is_empty());
    let client = db.client().await;
    let ranked: Vec<String> = client
        .query("SELECT job_id FROM evaluations WHERE status = 'scored' ORDER BY total DESC, job_id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(ranked.len() >= 10);
    for (i, job) in ranked.iter().enumerate() {
        let decision = match i {
            i if i < 5 => upflow::decision::Decision::Applied,
            i if i >= ranked.len() - 5 => upflow::decision::Decision::NotForMe,
            _ => continue,
        };
        let choice = upflow::decision::Choice::new(decision, None).unwrap();
        upflow::store::decisions::record(&client, job, choice, upflow::decision::Source::Api).await.unwrap().unwrap();
    }
    let follows = profile(configured, true);
    let threshold = upflow::read::alert_threshold(&client, follows.profile.alerts).await.unwrap();
    assert!(threshold.value < best, "{threshold:?} against a best total of {best}");

    // Under the profile that follows them, the second export alerts from the lower threshold.
    let started: chrono::DateTime<chrono::Utc> = client.query_one("SELECT now()", &[]).await.unwrap().get(0);
    let (ids, sent) = alerted(&db, follows).await;
    let expected: i64 = client
        .query_one(
            "SELECT count(*) FROM evaluations WHERE job_id = ANY($1) AND updated_at >= $2
               AND status = 'scored' AND relevant AND total >= $3",
            &[&ids, &started, &threshold.value],
        )
        .await
        .unwrap()
        .get(0);
    assert!(expected > 0);
    assert_eq!(
        sent as i64, expected,
        "every newly scored relevant job at or above {} alerted, none below",
        threshold.value
    );
}
