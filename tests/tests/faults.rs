//! Fault injection on the local services: 300 jobs through the evaluator's event source
//! mapping on moto (`evaluator::local`), the real Cerebras client against a fake that answers
//! 30% of calls with a fault (5xx, `queue_exceeded`, 429, truncated JSON, `finish_reason:
//! length`, timeouts). Every job ends scored or in the DLQ with its last error, and none is
//! scored twice.

use std::time::Duration;

use evaluator::local::{self, Poller, Tally};
use upflow::evaluate::Evaluator;
use upflow::profile::{LoadedProfile, DEFAULT_TOML};
use upflow::queue::sqs::SqsQueue;
use upflow::read::audit::{audit, Scope};
use upflow::scoring::cerebras::{CerebrasConfig, CerebrasScorer};
use upflow::scoring::Scorer;
use upflow::split::{IngestStatus, Splitter, SplitterConfig};
use upflow_tests::aws::{s3_put_event, LocalAws};
use upflow_tests::db::TestDb;
use upflow_tests::fake_cerebras::{self, FakeCerebrasConfig, Fault};
use upflow_tests::seed::generated_export;

const JOBS: usize = 300;

#[tokio::test]
async fn with_30_percent_faults_every_job_is_scored_or_dead_lettered_with_its_error_and_none_twice() {
    let fake = fake_cerebras::start(FakeCerebrasConfig { api_key: "faults-key".into(), ..Default::default() }).await;
    fake.set_random_faults(
        vec![
            (Fault::ServerError(503), 0.06),
            (Fault::ServerError(500), 0.03),
            (Fault::QueueExceeded, 0.05),
            (Fault::Status(429, "token_quota_exceeded"), 0.04),
            (Fault::Truncated, 0.04),
            (Fault::LengthEmpty, 0.04),
            // Longer than the client's request timeout: a timeout.
            (Fault::Slow(Duration::from_secs(3)), 0.04),
        ],
        8,
    );
    let db = TestDb::new().await;
    // Every write of an evaluation, to prove none is scored twice.
    db.client()
        .await
        .batch_execute(
            "CREATE TABLE evaluation_writes (job_id text NOT NULL);
             CREATE FUNCTION note_write() RETURNS trigger LANGUAGE plpgsql AS
               $$ BEGIN INSERT INTO evaluation_writes VALUES (NEW.job_id); RETURN NEW; END $$;",
        )
        .await
        .unwrap();
    let pool = db.migrated_pool().await;
    db.client()
        .await
        .batch_execute(
            "CREATE TRIGGER evaluations_writes AFTER INSERT OR UPDATE ON evaluations
             FOR EACH ROW EXECUTE FUNCTION note_write()",
        )
        .await
        .unwrap();
    let export = serde_json::to_vec(&generated_export(JOBS, 4)).unwrap();
    let profile = LoadedProfile::from_toml(&DEFAULT_TOML.replace("min_fixed_budget = 500", ""), "unfiltered").unwrap();

    let aws = LocalAws::new().await;
    let name = upflow_tests::unique_name("upflow-faults");
    // Two receives, then the DLQ. The visibility timeout outlasts an invocation (10 s), as the
    // template's does, so a message is not delivered again while a delivery still holds it.
    let queues = local::create_queues(&aws.sqs, &name, Duration::from_secs(12), 2).await.unwrap();
    let queue = SqsQueue { client: aws.sqs.clone(), url: queues.url.clone() };
    // The export goes in as a user's does: S3, the splitter, the queue.
    let bucket = aws.bucket().await;
    aws.put(&bucket, "exports/faults.json", export).await;
    let splitter = Splitter {
        db: pool.clone(),
        profile_version: profile.version.clone(),
        s3: aws.s3.clone(),
        queue: queue.clone(),
        config: SplitterConfig::default(),
    };
    let reports = splitter::handle(s3_put_event(&bucket, "exports/faults.json"), &splitter).await.unwrap();
    assert_eq!((reports[0].status, reports[0].totals.enqueued), (IngestStatus::Succeeded, JOBS as u64));
    let config = CerebrasConfig {
        max_completion_tokens: 2048,
        rpm: 100_000,
        tpm: 1_000_000_000,
        instances: 2,
        request_timeout: Duration::from_secs(2),
        // Two attempts per delivery, so that some jobs do run out of receives.
        max_attempts: 2,
        ..fake.client_config()
    };
    let evaluators: Vec<Evaluator> = (0..2)
        .map(|_| Evaluator {
            concurrency: 8,
            requeue: Some(queue.clone()),
            max_receive_count: 2,
            ..Evaluator::new(
                pool.clone(),
                Scorer::Cerebras(Box::new(CerebrasScorer::new(config.clone(), reqwest::Client::new()))),
                profile.clone(),
            )
        })
        .collect();
    let poller = Poller {
        sqs: aws.sqs.clone(),
        queue_url: queues.url.clone(),
        batch_size: 10,
        timeout: Duration::from_secs(10),
    };
    let tally = Tally::default();
    let started = std::time::Instant::now();
    futures::future::try_join_all(evaluators.iter().map(|ev| poller.run(ev, &tally))).await.unwrap();

    let stats = fake.stats();
    let scored = db.scalar("SELECT count(*) FROM evaluations WHERE status = 'scored'").await;
    let dead = db.scalar("SELECT count(*) FROM evaluation_failures WHERE dead_lettered").await;
    let in_dlq = local::depth(&aws.sqs, &queues.dlq_url).await.unwrap() as i64;
    eprintln!(
        "faults: {JOBS} jobs in {:.1} s: {scored} scored, {dead} dead-lettered ({in_dlq} in the DLQ); \
         {} LLM calls, {} faults {:?}, {} failed deliveries, {} put back",
        started.elapsed().as_secs_f64(),
        stats.requests,
        stats.faults,
        stats.faults_by_kind,
        Tally::get(&tally.failed),
        Tally::get(&tally.deferred),
    );
    let share = stats.faults as f64 / stats.requests as f64;
    assert!((0.2..0.4).contains(&share), "about 30% of calls faulted: {share}");
    // Every job: scored, or dead-lettered with its last error; never both, never neither.
    assert_eq!(scored + dead, JOBS as i64, "scored {scored} + dead-lettered {dead}");
    assert_eq!(
        db.scalar(
            "SELECT count(*) FROM evaluation_failures f JOIN evaluations e
               ON e.job_id = f.job_id AND e.profile_version = f.profile_version"
        )
        .await,
        0,
        "a scored job has no failure left"
    );
    assert_eq!(db.scalar("SELECT count(*) FROM evaluation_failures WHERE last_error = ''").await, 0);
    assert_eq!(in_dlq, dead, "the DLQ holds exactly the jobs recorded dead-lettered");
    // None scored twice: one write per evaluation.
    assert_eq!(db.scalar("SELECT count(*) FROM evaluation_writes").await, scored);
    assert_eq!(db.scalar("SELECT count(*) FROM evaluation_claims").await, 0, "every claim released");

    // And the audit balances: every row stored, every stored job scored or dead-lettered.
    let client = pool.get().await.unwrap();
    let a = audit(&**client, &profile.version, &Scope::All).await.unwrap().unwrap();
    assert!(a.balanced && a.gaps().is_empty(), "{:?}", a.gaps());
    assert_eq!((a.jobs.stored, a.jobs.scored, a.jobs.dead_lettered), (JOBS as i64, scored, dead));
}
