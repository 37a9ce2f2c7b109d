//! The splitter handler end to end: S3 events for objects in a real S3-speaking server, jobs in
//! a real Postgres, messages on a real SQS-speaking queue.

use std::sync::atomic::{AtomicU32, Ordering};

use upflow::queue::sender::{Backoff, BatchSink, EntryFailure};
use upflow::queue::sqs::SqsQueue;
use upflow::split::{IngestStatus, Splitter, SplitterConfig};
use upflow_tests::aws::{s3_put_event, LocalAws};
use upflow_tests::db::TestDb;
use upflow_tests::fixtures;

struct Env {
    db: TestDb,
    aws: LocalAws,
    bucket: String,
    queue_url: String,
}

impl Env {
    async fn new() -> Env {
        let db = TestDb::new().await;
        let aws = LocalAws::new().await;
        let bucket = aws.bucket().await;
        let queue_url = aws.queue().await;
        Env { db, aws, bucket, queue_url }
    }

    async fn splitter(&self) -> Splitter<SqsQueue> {
        self.splitter_with(SqsQueue { client: self.aws.sqs.clone(), url: self.queue_url.clone() }).await
    }

    async fn splitter_with<Q: BatchSink>(&self, queue: Q) -> Splitter<Q> {
        Splitter {
            db: self.db.migrated_pool().await,
            profile_version: "profile-a".into(),
            s3: self.aws.s3.clone(),
            queue,
            config: SplitterConfig {
                batch_size: 7,
                backoff: Backoff { attempts: 3, base: std::time::Duration::from_millis(5), ..Backoff::default() },
                ..SplitterConfig::default()
            },
        }
    }

    async fn scalar(&self, sql: &str) -> i64 {
        self.db.client().await.query_one(sql, &[]).await.unwrap().get(0)
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn csv_with_a_space_in_its_key_is_stored_and_queued_once() {
    let env = Env::new().await;
    let records = fixtures::records(fixtures::SCRAPER);
    env.aws.put(&env.bucket, "uploads/my jobs 2026-05-24_06-55-21-455.csv", fixtures::flat_csv(&records)).await;
    let splitter = env.splitter().await;
    let event = s3_put_event(&env.bucket, "uploads/my+jobs+2026-05-24_06-55-21-455.csv");

    let reports = splitter::handle(event.clone(), &splitter).await.unwrap();
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert_eq!(report.status, IngestStatus::Succeeded);
    assert_eq!(report.key, "uploads/my jobs 2026-05-24_06-55-21-455.csv");
    assert_eq!((report.totals.counts.rows, report.totals.stored, report.totals.enqueued), (19, 19, 19));

    let expected: Vec<String> = records.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    let messages = env.aws.drain(&env.queue_url).await;
    assert_eq!(sorted(messages.iter().map(|m| m.job_id.clone()).collect()), sorted(expected.clone()));
    assert!(messages.iter().all(|m| m.ingest_id == report.ingest_id && m.v == 1));
    assert_eq!(env.scalar("SELECT count(*) FROM jobs").await, 19);
    assert_eq!(env.scalar("SELECT count(*) FROM jobs WHERE enqueued_hash = content_hash || ':profile-a'").await, 19);
    let row = env
        .db
        .client()
        .await
        .query_one(
            "SELECT status, format, rows_read, jobs_stored, jobs_enqueued, rejected, duplicates FROM ingests",
            &[],
        )
        .await
        .unwrap();
    let (status, format): (String, String) = (row.get(0), row.get(1));
    assert_eq!((status.as_str(), format.as_str()), ("succeeded", "csv"));
    assert_eq!((row.get::<_, i32>(2), row.get::<_, i32>(3), row.get::<_, i32>(4)), (19, 19, 19));

    // The same event again: nothing new anywhere.
    let again = splitter::handle(event, &splitter).await.unwrap();
    assert_eq!(again[0].status, IngestStatus::AlreadyIngested);
    assert!(env.aws.drain(&env.queue_url).await.is_empty());
    assert_eq!(env.scalar("SELECT count(*) FROM ingests").await, 1);
}

#[tokio::test]
async fn a_re_upload_with_one_changed_job_queues_only_that_job() {
    let env = Env::new().await;
    let splitter = env.splitter().await;
    let mut records = fixtures::records(fixtures::API_ACTOR);
    let key = "uploads/jobs.json";
    env.aws.put(&env.bucket, key, serde_json::to_vec(&records).unwrap()).await;
    splitter::handle(s3_put_event(&env.bucket, key), &splitter).await.unwrap();
    assert_eq!(env.aws.drain(&env.queue_url).await.len(), 69);

    // Re-scraped: one description edited; every other job's volatile fields may differ too.
    let changed = records[5]["id"].as_str().unwrap().to_string();
    records[5]["description"] = format!("{} Budget increased.", records[5]["description"].as_str().unwrap()).into();
    env.aws.put(&env.bucket, key, serde_json::to_vec(&records).unwrap()).await;
    let reports = splitter::handle(s3_put_event(&env.bucket, key), &splitter).await.unwrap();
    let totals = reports[0].totals;
    assert_eq!((totals.stored, totals.unchanged, totals.enqueued), (1, 68, 1));
    let messages = env.aws.drain(&env.queue_url).await;
    assert_eq!(messages.iter().map(|m| m.job_id.as_str()).collect::<Vec<_>>(), [changed.as_str()]);
    assert_eq!(env.scalar("SELECT count(*) FROM ingests WHERE status = 'succeeded'").await, 2);
}

#[tokio::test]
async fn bad_rows_are_recorded_with_their_reasons() {
    let env = Env::new().await;
    let splitter = env.splitter().await;
    let csv = "id,title,url,budget\n1,Good one,,$600\n2,,https://www.upwork.com/jobs/~022,$10\n,Nameless,,\n1,Good one again,,$600\n";
    env.aws.put(&env.bucket, "uploads/bad rows.csv", csv.as_bytes().to_vec()).await;
    let reports = splitter::handle(s3_put_event(&env.bucket, "uploads/bad+rows.csv"), &splitter).await.unwrap();
    let c = reports[0].totals.counts;
    assert_eq!((c.rows, c.parsed, c.rejected, c.duplicates), (4, 1, 2, 1));
    let rows = env
        .db
        .client()
        .await
        .query("SELECT row_number, reason, raw FROM rejected_rows ORDER BY row_number", &[])
        .await
        .unwrap();
    let got: Vec<(i32, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(got, vec![(2, "missing title".into()), (3, "missing both job id and url".into())]);
    let raw: serde_json::Value = rows[0].get(2);
    assert_eq!(raw["url"], "https://www.upwork.com/jobs/~022", "the rejected row's content is kept");
    assert_eq!(env.aws.drain(&env.queue_url).await.len(), 1);
}

#[tokio::test]
async fn a_garbage_file_fails_its_ingest_with_a_clear_error() {
    let env = Env::new().await;
    let splitter = env.splitter().await;
    env.aws.put(&env.bucket, "uploads/photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0".to_vec()).await;
    env.aws.put(&env.bucket, "uploads/contacts.csv", b"name,email\nAda,ada@example.com\n".to_vec()).await;
    for key in ["uploads/photo.csv", "uploads/contacts.csv"] {
        let reports = splitter::handle(s3_put_event(&env.bucket, key), &splitter).await.unwrap();
        assert_eq!(reports[0].status, IngestStatus::Failed);
    }
    let client = env.db.client().await;
    let rows = client.query("SELECT key, status, error FROM ingests ORDER BY key", &[]).await.unwrap();
    let errors: Vec<(String, String, String)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(errors[0].1, "failed");
    assert!(errors[0].2.contains("no column maps to a job title") && errors[0].2.contains("`email`"), "{errors:?}");
    assert!(errors[1].2.contains("binary"), "{errors:?}");
    assert_eq!(env.scalar("SELECT count(*) FROM jobs").await, 0);
    assert!(env.aws.drain(&env.queue_url).await.is_empty());
}

/// A queue whose first `down` batch calls fail outright.
struct Outage {
    inner: SqsQueue,
    down: AtomicU32,
}

impl BatchSink for Outage {
    async fn send_batch(&self, bodies: &[String]) -> Result<Vec<EntryFailure>, String> {
        if self.down.load(Ordering::SeqCst) > 0 {
            self.down.fetch_sub(1, Ordering::SeqCst);
            return Err("SQS unavailable".into());
        }
        self.inner.send_batch(bodies).await
    }
}

#[tokio::test]
async fn jobs_that_could_not_be_queued_fail_loudly_and_are_queued_on_redelivery() {
    let env = Env::new().await;
    let sqs = SqsQueue { client: env.aws.sqs.clone(), url: env.queue_url.clone() };
    let splitter = env.splitter_with(Outage { inner: sqs, down: AtomicU32::new(1_000) }).await;
    env.aws.put(&env.bucket, "uploads/a.json", fixtures::bytes(fixtures::SCRAPER)).await;
    let event = s3_put_event(&env.bucket, "uploads/a.json");

    let err = splitter::handle(event.clone(), &splitter).await.unwrap_err().to_string();
    assert!(err.contains("19 jobs could not be queued") && err.contains("SQS unavailable"), "{err}");
    assert_eq!(env.scalar("SELECT count(*) FROM jobs").await, 19, "jobs are stored even so");
    assert_eq!(env.scalar("SELECT count(*) FROM ingests WHERE status = 'failed'").await, 1);
    assert!(env.aws.drain(&env.queue_url).await.is_empty());

    // SQS is back; Lambda redelivers the event.
    splitter.queue.down.store(0, Ordering::SeqCst);
    let reports = splitter::handle(event, &splitter).await.unwrap();
    assert_eq!((reports[0].status, reports[0].totals.enqueued), (IngestStatus::Succeeded, 19));
    assert_eq!(env.aws.drain(&env.queue_url).await.len(), 19);
    assert_eq!(env.scalar("SELECT max(attempts)::int8 FROM ingests").await, 2);
}

#[tokio::test]
async fn a_new_profile_queues_unchanged_jobs_once_more() {
    let env = Env::new().await;
    let mut splitter = env.splitter().await;
    let key = "uploads/jobs.json";
    env.aws.put(&env.bucket, key, fixtures::bytes(fixtures::SCRAPER)).await;
    splitter::handle(s3_put_event(&env.bucket, key), &splitter).await.unwrap();
    assert_eq!(env.aws.drain(&env.queue_url).await.len(), 19);

    // The freelancer edits the profile; the next export holds the same jobs.
    splitter.profile_version = "profile-b".into();
    env.aws.put(&env.bucket, "uploads/next.json", fixtures::bytes(fixtures::SCRAPER)).await;
    let reports = splitter::handle(s3_put_event(&env.bucket, "uploads/next.json"), &splitter).await.unwrap();
    assert_eq!((reports[0].totals.unchanged, reports[0].totals.enqueued), (19, 19));
    assert_eq!(env.aws.drain(&env.queue_url).await.len(), 19);
    // And only once.
    env.aws.put(&env.bucket, "uploads/again.json", fixtures::bytes(fixtures::SCRAPER)).await;
    let reports = splitter::handle(s3_put_event(&env.bucket, "uploads/again.json"), &splitter).await.unwrap();
    assert_eq!(reports[0].totals.enqueued, 0);
}
