//! Every file in `events/` is deserialised into its handler's event type and run against the
//! local services, so an event that no longer matches its handler fails CI.

use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sqs::SqsEvent;
use tower::ServiceExt;
use upflow::bot::{Bot, BotConfig};
use upflow::profile::LoadedProfile;
use upflow::queue::sqs::SqsQueue;
use upflow::scoring::{rules::RulesScorer, Scorer};
use upflow::split::{IngestStatus, Splitter, SplitterConfig};
use upflow::telegram::client::TelegramClient;
use upflow_tests::aws::LocalAws;
use upflow_tests::db::TestDb;

fn event(name: &str) -> serde_json::Value {
    let path = format!("{}/../events/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

const SAMPLE: &str = "apify-upwork-jobs_2026-11-20_08-30-00-000.csv";

#[test]
fn every_event_file_is_covered_here() {
    let mut names: Vec<String> = std::fs::read_dir(format!("{}/../events", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["api-page.json", "api-rankings.json", "s3-put.json", "sqs-batch.json", "telegram-webhook.json"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_events_drive_the_real_handlers() {
    let db = TestDb::new().await;
    let pool = db.migrated_pool().await;
    let profile = LoadedProfile::default_profile();

    // s3-put.json: the upload of the sample export, its key URL-encoded as S3 sends it.
    let s3: S3Event = serde_json::from_value(event("s3-put.json")).unwrap();
    let record = &s3.records[0];
    let bucket = record.s3.bucket.name.clone().unwrap();
    let key = upflow::blob::decode_event_key(record.s3.object.key.as_deref().unwrap());
    assert_eq!(key, format!("uploads/{}", SAMPLE.replace("apify-upwork-jobs", "apify upwork jobs")));
    let aws = LocalAws::new().await;
    if aws.s3.head_bucket().bucket(&bucket).send().await.is_err() {
        let _ = aws.s3.create_bucket().bucket(&bucket).send().await;
    }
    let sample = std::fs::read(format!("{}/../samples/{SAMPLE}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert_eq!(record.s3.object.size, Some(sample.len() as i64), "the event's size is the sample's");
    aws.put(&bucket, &key, sample).await;
    let queue_url = aws.queue().await;
    let splitter = Splitter {
        db: pool.clone(),
        profile_version: profile.version.clone(),
        s3: aws.s3.clone(),
        queue: SqsQueue { client: aws.sqs.clone(), url: queue_url.clone() },
        config: SplitterConfig::default(),
    };
    let reports = splitter::handle(s3, &splitter).await.unwrap();
    assert_eq!(reports[0].status, IngestStatus::Succeeded);
    assert_eq!((reports[0].totals.counts.parsed, reports[0].totals.counts.rejected), (30, 2));
    assert_eq!(aws.drain(&queue_url).await.len(), 30);

    // sqs-batch.json: two job messages as the splitter sends them.
    let sqs: SqsEvent = serde_json::from_value(event("sqs-batch.json")).unwrap();
    assert_eq!(sqs.records.len(), 2);
    let evaluator = upflow::evaluate::Evaluator {
        concurrency: 2,
        ..upflow::evaluate::Evaluator::new(pool.clone(), Scorer::Rules(RulesScorer), profile.clone())
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let response = evaluator::handle(sqs, deadline, &evaluator).await;
    assert!(response.batch_item_failures.is_empty());
    let n: i64 = db.client().await.query_one("SELECT count(*) FROM evaluations", &[]).await.unwrap().get(0);
    assert_eq!(n, 2);

    // The api's three HTTP events, through the router as lambda_http hands them over.
    let telegram = upflow_tests::fake_telegram::start("123:events").await;
    let bot = Bot::new(
        pool.clone(),
        TelegramClient::new(reqwest::Client::new(), telegram.base_url.clone(), "123:events"),
        profile.clone(),
        BotConfig { webhook_secret: "demo-webhook-secret".into(), allowed_chat_ids: vec![123456789] },
    );
    let mut state = upflow_tests::api::state(pool.clone(), profile.clone(), Some("demo-api-token"));
    state.bot = Some(Arc::new(bot));
    let router = api::router(state);
    let call = |name: &str| {
        let request: lambda_http::request::LambdaRequest = serde_json::from_value(event(name)).unwrap();
        let request: lambda_http::Request = request.into();
        request.map(|body| axum::body::Body::from(body.to_vec()))
    };

    let response = router.clone().oneshot(call("api-rankings.json")).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(!json["items"].as_array().unwrap().is_empty(), "{json}");

    let response = router.clone().oneshot(call("api-page.json")).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = axum::body::to_bytes(response.into_body(), 1 << 22).await.unwrap();
    assert!(String::from_utf8_lossy(&body).contains("class=\"job\""));

    let response = router.clone().oneshot(call("telegram-webhook.json")).await.unwrap();
    assert_eq!(response.status(), 200);
    let sent = telegram.sent_texts();
    assert_eq!(sent.len(), 1, "/top answered once");
    upflow::telegram::html::check(&sent[0]).unwrap();

    // The same webhook call with a wrong secret: 401, and nothing sent.
    let mut wrong = event("telegram-webhook.json");
    wrong["headers"]["x-telegram-bot-api-secret-token"] = "guess".into();
    let request: lambda_http::request::LambdaRequest = serde_json::from_value(wrong).unwrap();
    let request: lambda_http::Request = request.into();
    let response = router.oneshot(request.map(|b| axum::body::Body::from(b.to_vec()))).await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(telegram.sent_texts().len(), 1);
}
