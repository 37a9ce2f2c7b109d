//! The provider's real limits, end to end: the real Cerebras client against the fake's limits,
//! the evaluator's event source mapping run on moto (`evaluator::local`), real Postgres.
//!
//! - The free tier's figures shared by five instances, each request charged its prompt plus the
//!   default 2,048 completion tokens up front: no 429s.
//! - A backlog arriving ten times faster than the provider scores, with a per-day request quota:
//!   waiting puts jobs back with a delay instead of using up their receives, so every job is
//!   scored and none reaches the DLQ, even with a redrive after 2 receives.
//! - Two evaluators handed the same messages at once: one LLM call per job.

use std::sync::atomic::Ordering;
use std::time::Duration;

use evaluator::local::{self, Poller, Tally};
use tokio::time::Instant;
use upflow::evaluate::Evaluator;
use upflow::profile::{LoadedProfile, DEFAULT_TOML};
use upflow::queue::sender::BatchSink;
use upflow::queue::sqs::SqsQueue;
use upflow::scoring::cerebras::{CerebrasConfig, CerebrasScorer};
use upflow::scoring::Scorer;
use upflow_tests::aws::LocalAws;
use upflow_tests::db::TestDb;
use upflow_tests::fake_cerebras::{self, FakeCerebras, FakeCerebrasConfig};
use upflow_tests::seed::{generated_export, job_messages, sqs_event, store_export};

/// The default profile without the budget filter, so that every job reaches the scorer.
fn unfiltered_profile() -> LoadedProfile {
    LoadedProfile::from_toml(&DEFAULT_TOML.replace("min_fixed_budget = 500", ""), "unfiltered").unwrap()
}

/// The client as the template configures it, against the fake.
fn config(fake: &FakeCerebras, rpm: u32, tpm: u32, instances: u32) -> CerebrasConfig {
    CerebrasConfig { max_completion_tokens: 2048, rpm, tpm, instances, ..fake.client_config() }
}

fn scorer(config: CerebrasConfig) -> Scorer {
    Scorer::Cerebras(Box::new(CerebrasScorer::new(config, reqwest::Client::new())))
}

/// `n` new jobs stored; their ids.
async fn stored_jobs(db: &TestDb, n: usize, salt: u64) -> Vec<String> {
    let export = serde_json::to_vec(&generated_export(n, salt)).unwrap();
    store_export(&db.migrated_pool().await, "generated.json", &export).await
}

#[tokio::test]
async fn five_instances_at_the_free_tier_get_no_429s() {
    // Cerebras's free tier: 30 requests and 60,000 tokens a minute. Each request is charged
    // its prompt (~1,500 tokens) plus 2,048 completion tokens, more than an instance's
    // 10-second share of the tokens (1,960): the pacer must charge it in full.
    let fake = fake_cerebras::start(FakeCerebrasConfig {
        api_key: "free-tier-key".into(),
        rpm: Some(30),
        tpm: Some(60_000),
        ..Default::default()
    })
    .await;
    let db = TestDb::new().await;
    let ids = stored_jobs(&db, 30, 1).await;
    let evaluators: Vec<Evaluator> = (0..5)
        .map(|_| Evaluator {
            concurrency: 2,
            ..Evaluator::new(db.pool(), scorer(config(&fake, 30, 60_000, 5)), unfiltered_profile())
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(300);
    let started = std::time::Instant::now();
    let runs = evaluators.iter().zip(ids.chunks(6)).map(|(ev, chunk)| async move {
        let response = evaluator::handle(sqs_event(&job_messages(chunk)), deadline, ev).await;
        assert!(response.batch_item_failures.is_empty(), "{:?}", response.batch_item_failures);
    });
    futures::future::join_all(runs).await;

    let stats = fake.stats();
    eprintln!(
        "free tier, 5 instances: {} jobs in {:.1} s, {} requests, {} 429s",
        ids.len(),
        started.elapsed().as_secs_f64(),
        stats.requests,
        stats.rate_limited
    );
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    assert_eq!(stats.ok, ids.len() as u64);
    assert_eq!(db.scalar("SELECT count(*) FROM evaluations WHERE status = 'scored'").await, 30);
}

#[tokio::test]
async fn a_backlog_ten_times_the_providers_rate_is_all_scored_and_none_is_dead_lettered() {
    const JOBS: usize = 300;
    // The provider scores 10 jobs a second: 60 requests per "day" of 6 seconds (the per-day
    // quota Cerebras states, on a short day). The jobs arrive at 100 a second.
    let fake = fake_cerebras::start(FakeCerebrasConfig {
        api_key: "backlog-key".into(),
        rpd: Some(60),
        day_length: Some(Duration::from_secs(6)),
        ..Default::default()
    })
    .await;
    let db = TestDb::new().await;
    let aws = LocalAws::new().await;
    // Two receives, then the DLQ: any wait that used a receive would show there.
    let name = upflow_tests::unique_name("upflow-backlog");
    let queues = local::create_queues(&aws.sqs, &name, Duration::from_secs(10), 2).await.unwrap();
    let queue = SqsQueue { client: aws.sqs.clone(), url: queues.url.clone() };
    let ids = stored_jobs(&db, JOBS, 2).await;

    // Two instances, each believing it has plenty of capacity (the fake's headers teach it the
    // day's quota), with an 8-second function timeout (5 s to work in): most waits are longer.
    let evaluators: Vec<Evaluator> = (0..2)
        .map(|_| Evaluator {
            concurrency: 4,
            requeue: Some(queue.clone()),
            max_receive_count: 2,
            ..Evaluator::new(db.pool(), scorer(config(&fake, 6000, 100_000_000, 2)), unfiltered_profile())
        })
        .collect();
    let poller =
        Poller { sqs: aws.sqs.clone(), queue_url: queues.url.clone(), batch_size: 10, timeout: Duration::from_secs(8) };
    let tally = Tally::default();
    let started = std::time::Instant::now();
    let arrive = async {
        for chunk in job_messages(&ids).chunks(10) {
            let bodies: Vec<String> = chunk.iter().map(|(_, body)| body.clone()).collect();
            assert!(queue.send_batch(&bodies).await.unwrap().is_empty());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let evaluate = async {
        // The pollers start once the first jobs are there, and stop when the queue is empty.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let runs = evaluators.iter().map(|ev| poller.run(ev, &tally));
        futures::future::try_join_all(runs).await.unwrap();
    };
    tokio::join!(arrive, evaluate);

    let stats = fake.stats();
    let deferred = Tally::get(&tally.deferred);
    eprintln!(
        "backlog: {JOBS} jobs in {:.1} s, {} requests ({} 429s), {} invocations, {deferred} put back to wait, {} failed",
        started.elapsed().as_secs_f64(),
        stats.requests,
        stats.rate_limited,
        Tally::get(&tally.invocations),
        tally.failed.load(Ordering::Relaxed),
    );
    assert_eq!(db.scalar("SELECT count(*) FROM evaluations WHERE status = 'scored'").await, JOBS as i64);
    assert_eq!(local::outstanding(&aws.sqs, &queues.dlq_url).await.unwrap(), 0, "nothing in the DLQ");
    assert_eq!(db.scalar("SELECT count(*) FROM evaluation_failures").await, 0);
    assert!(deferred > 0, "the backlog had to wait: the test did not test waiting");
    assert_eq!(stats.ok, JOBS as u64, "one LLM call per job");
}

#[tokio::test]
async fn two_evaluators_on_the_same_messages_make_one_llm_call_per_job() {
    // Slow answers, so the two deliveries of each job overlap.
    let fake = fake_cerebras::start(FakeCerebrasConfig {
        api_key: "twice-key".into(),
        latency: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let db = TestDb::new().await;
    let ids = stored_jobs(&db, 16, 3).await;
    let messages = job_messages(&ids);
    let two: Vec<Evaluator> = (0..2)
        .map(|_| Evaluator {
            concurrency: 8,
            ..Evaluator::new(db.pool(), scorer(config(&fake, 6000, 100_000_000, 1)), unfiltered_profile())
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (a, b) = tokio::join!(
        evaluator::handle(sqs_event(&messages), deadline, &two[0]),
        evaluator::handle(sqs_event(&messages), deadline, &two[1]),
    );
    assert_eq!(fake.stats().requests, ids.len() as u64, "one LLM call per job");
    assert_eq!(db.scalar("SELECT count(*) FROM evaluations").await, ids.len() as i64);
    // A delivery that found the job claimed by the other gave its message back (no requeue
    // here); it comes back and finds the job evaluated, without another call.
    let failed: Vec<(String, String)> = a
        .batch_item_failures
        .iter()
        .chain(&b.batch_item_failures)
        .map(|f| messages.iter().find(|(id, _)| *id == f.item_identifier).unwrap().clone())
        .collect();
    let again = evaluator::handle(sqs_event(&failed), deadline, &two[0]).await;
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(fake.stats().requests, ids.len() as u64);
    assert_eq!(db.scalar("SELECT count(*) FROM evaluation_claims").await, 0, "every claim released");
    assert_eq!(db.scalar("SELECT count(*) FROM evaluation_failures").await, 0, "waiting is no failure");
}
