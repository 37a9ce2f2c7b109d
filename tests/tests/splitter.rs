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

/// Uploads `body` at `key` and runs the handler on its event.
async fn ingest(env: &Env, splitter: &Splitter<SqsQueue>, key: &str, body: Vec<u8>) -> upflow::split::IngestReport {
    env.aws.put(&env.bucket, key, body).await;
    let encoded = key.replace(' ', "+");
    let mut reports = splitter::handle(s3_put_event(&env.bucket, &encoded), splitter).await.unwrap();
    assert_eq!(reports.len(), 1);
    reports.remove(0)
}

fn json(records: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&records).unwrap()
}

/// One column of one job.
async fn column<T: for<'a> tokio_postgres::types::FromSql<'a>>(env: &Env, job_id: &str, column: &str) -> T {
    let sql = format!("SELECT {column} FROM jobs WHERE job_id = $1");
    env.db.client().await.query_one(&sql, &[&job_id]).await.unwrap().get(0)
}

#[tokio::test]
async fn an_export_that_lacks_the_budget_keeps_it_and_queues_nothing_new() {
    let env = Env::new().await;
    let splitter = env.splitter().await;
    let job = serde_json::json!({
        "id": "1001", "title": "Build a Rust scraper", "description": "Scrape and store Upwork jobs.",
        "jobType": "Fixed", "fixed_price": 600, "skills": ["Rust", "Web Scraping"], "clientRating": 4.9
    });
    let first = ingest(&env, &splitter, "uploads/full.json", json(serde_json::json!([job]))).await;
    assert_eq!(first.totals.enqueued, 1);
    let hash: String = column(&env, "1001", "content_hash").await;

    // Another actor's export of the same job: no budget, no rating, no skills.
    let sparse = serde_json::json!({"id": "1001", "title": "Build a Rust scraper", "description": "Scrape and store Upwork jobs."});
    let second = ingest(&env, &splitter, "uploads/sparse.json", json(serde_json::json!([sparse]))).await;
    assert_eq!((second.totals.stored, second.totals.unchanged, second.totals.enqueued), (0, 1, 0));
    assert_eq!(column::<Option<f64>>(&env, "1001", "fixed_budget").await, Some(600.0));
    assert_eq!(column::<Option<f64>>(&env, "1001", "client_rating").await, Some(4.9));
    assert_eq!(column::<Vec<String>>(&env, "1001", "skills").await, ["Rust", "Web Scraping"]);
    assert_eq!(column::<String>(&env, "1001", "job_type").await, "fixed");
    assert_eq!(column::<String>(&env, "1001", "content_hash").await, hash);
    assert_eq!(env.aws.drain(&env.queue_url).await.len(), 1, "queued once, by the first export");

    // The newest record is kept whole, and what it lacks is traced to the export that had it.
    let raw: serde_json::Value = column(&env, "1001", "raw").await;
    assert!(raw.get("fixed_price").is_none(), "{raw}");
    let sources: serde_json::Value = column(&env, "1001", "field_sources").await;
    assert_eq!(sources["fixed_budget"], first.ingest_id, "{sources}");
    assert_eq!(sources["client_rating"], first.ingest_id, "{sources}");
    assert!(sources.get("title").is_none(), "{sources}");
}

#[tokio::test]
async fn an_older_export_processed_after_a_newer_one_rolls_nothing_back() {
    let env = Env::new().await;
    let splitter = env.splitter().await;
    let rendering = |title: &str, description: &str| serde_json::json!([{"id": "1002", "title": title, "description": description, "jobType": "Hourly"}]);
    let newer_key = "uploads/apify-upwork-jobs_2026-11-20_09-00-00-000.json";
    let older_key = "uploads/apify-upwork-jobs_2026-11-20_08-00-00-000.json";
    let newer = rendering("Rust developer (budget raised)", "Edited: now a long-term contract.");
    let report = ingest(&env, &splitter, newer_key, json(newer)).await;
    assert_eq!(report.totals.enqueued, 1);
    let hash: String = column(&env, "1002", "content_hash").await;

    // The 08:00 export is uploaded (or redelivered) only now; it also knows the client.
    let mut older = rendering("Rust developer", "Original text.");
    older[0]["clientLocation"] = "Germany".into();
    let report = ingest(&env, &splitter, older_key, json(older)).await;
    assert_eq!((report.status, report.totals.stored, report.totals.enqueued), (IngestStatus::Succeeded, 0, 0));
    assert_eq!(column::<String>(&env, "1002", "title").await, "Rust developer (budget raised)");
    assert_eq!(
        column::<Option<String>>(&env, "1002", "description").await.as_deref(),
        Some("Edited: now a long-term contract.")
    );
    assert_eq!(
        column::<Option<String>>(&env, "1002", "client_country").await.as_deref(),
        Some("Germany"),
        "a gap is filled"
    );
    assert_eq!(column::<String>(&env, "1002", "content_hash").await, hash);
    assert_eq!(env.aws.drain(&env.queue_url).await.len(), 1);

    // Each ingest was observed at the time in its file name, not when it was uploaded.
    let observed: Vec<String> = env
        .db
        .client()
        .await
        .query("SELECT to_char(observed_at AT TIME ZONE 'UTC', 'HH24:MI') FROM ingests ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(observed, ["09:00", "08:00"]);
    let job_observed: String = column(&env, "1002", "to_char(observed_at AT TIME ZONE 'UTC', 'HH24:MI')").await;
    assert_eq!(job_observed, "09:00");
}

#[tokio::test]
async fn two_actors_renderings_ingested_alternately_keep_one_hash_and_queue_once() {
    let env = Env::new().await;
    let splitter = env.splitter().await;
    // The API-shaped actor knows the skills; a CSV actor with human headers knows the client.
    let with_skills = json(serde_json::json!([{
        "id": "1003", "title": "Data pipeline in Rust", "description": "Move CSV exports into Postgres.",
        "jobType": "Fixed", "fixed_price": 1200, "skills": ["Rust", "PostgreSQL", "ETL"]
    }]));
    let with_client = "Job ID,Job Title,Job Description,Client Location,Payment Verified,Client Rating\n\
        1003,Data pipeline in Rust,Move CSV exports into Postgres.,Germany,true,4.8\n"
        .as_bytes()
        .to_vec();
    let mut hashes = Vec::new();
    let mut queued = 0;
    for round in 0..2 {
        for (name, body) in [("skills.json", &with_skills), ("client.csv", &with_client)] {
            let report = ingest(&env, &splitter, &format!("uploads/{round}-{name}"), body.clone()).await;
            assert_eq!(report.status, IngestStatus::Succeeded);
            queued += report.totals.enqueued;
            hashes.push(column::<String>(&env, "1003", "content_hash").await);
        }
    }
    assert!(hashes.iter().all(|h| *h == hashes[0]), "{hashes:?}");
    assert_eq!(queued, 1);
    assert_eq!(env.aws.drain(&env.queue_url).await.len(), 1);
    assert_eq!(column::<Vec<String>>(&env, "1003", "skills").await, ["Rust", "PostgreSQL", "ETL"]);
    assert_eq!(column::<Option<String>>(&env, "1003", "client_country").await.as_deref(), Some("Germany"));
    assert_eq!(column::<Option<f64>>(&env, "1003", "fixed_budget").await, Some(1200.0));
}

#[tokio::test]
async fn reordered_skills_are_the_same_content() {
    let env = Env::new().await;
    let splitter = env.splitter().await;
    let job = |skills: serde_json::Value| {
        json(serde_json::json!([{"id": "1004", "title": "Scraper", "description": "Scrape it.", "skills": skills}]))
    };
    let first =
        ingest(&env, &splitter, "uploads/a.json", job(serde_json::json!(["Rust", "PostgreSQL", "Web Scraping"]))).await;
    assert_eq!(first.totals.enqueued, 1);
    let hash: String = column(&env, "1004", "content_hash").await;
    let again = ingest(
        &env,
        &splitter,
        "uploads/b.json",
        job(serde_json::json!(["web scraping", "Rust", " PostgreSQL", "rust"])),
    )
    .await;
    assert_eq!((again.totals.stored, again.totals.unchanged, again.totals.enqueued), (0, 1, 0));
    assert_eq!(column::<String>(&env, "1004", "content_hash").await, hash);
    assert_eq!(env.aws.drain(&env.queue_url).await.len(), 1);
}

/// A queue that holds every send until the test opens it, and says when a send is waiting.
struct Gate {
    inner: SqsQueue,
    open: tokio::sync::Semaphore,
    entered: tokio::sync::Notify,
}

impl Gate {
    fn closed(inner: SqsQueue) -> Gate {
        Gate { inner, open: tokio::sync::Semaphore::new(0), entered: tokio::sync::Notify::new() }
    }
}

impl BatchSink for Gate {
    async fn send_batch(&self, bodies: &[String]) -> Result<Vec<EntryFailure>, String> {
        self.entered.notify_one();
        let _open = self.open.acquire().await.map_err(|e| e.to_string())?;
        self.inner.send_batch(bodies).await
    }
}

#[tokio::test]
async fn a_duplicate_event_during_an_ingest_is_in_progress_not_a_failure() {
    let env = Env::new().await;
    let sqs = SqsQueue { client: env.aws.sqs.clone(), url: env.queue_url.clone() };
    let splitter = env.splitter_with(Gate::closed(sqs)).await;
    env.aws.put(&env.bucket, "uploads/twice.json", fixtures::bytes(fixtures::SCRAPER)).await;
    let event = s3_put_event(&env.bucket, "uploads/twice.json");

    // S3 delivers the event twice, at once. Whichever claims the ingest first is held at the
    // queue until the other has returned.
    let a = splitter::handle(event.clone(), &splitter);
    let b = splitter::handle(event.clone(), &splitter);
    tokio::pin!(a, b);
    let (early, b_is_left) = tokio::select! {
        r = &mut a => (r, true),
        r = &mut b => (r, false),
    };
    let early = early.expect("the duplicate is no failure");
    assert_eq!(early[0].status, IngestStatus::InProgress);
    assert_eq!(early[0].totals, Default::default());

    splitter.queue.open.add_permits(1);
    let late = if b_is_left { b.await } else { a.await }.unwrap();
    assert_eq!((late[0].status, late[0].totals.enqueued), (IngestStatus::Succeeded, 19));
    assert_eq!(late[0].ingest_id, early[0].ingest_id);
    assert_eq!(env.aws.drain(&env.queue_url).await.len(), 19);
    assert_eq!(env.scalar("SELECT count(*) FROM ingests WHERE status = 'succeeded' AND attempts = 1").await, 1);
    assert_eq!(env.scalar("SELECT count(*) FROM ingests WHERE claimed_until IS NOT NULL").await, 0);
}

#[tokio::test]
async fn an_ingest_whose_invocation_died_is_taken_over_once_its_lease_runs_out() {
    use upflow::store::ingests;

    let env = Env::new().await;
    let sqs = SqsQueue { client: env.aws.sqs.clone(), url: env.queue_url.clone() };
    let splitter = env.splitter_with(Gate::closed(sqs)).await;
    env.aws.put(&env.bucket, "uploads/crash.json", fixtures::bytes(fixtures::SCRAPER)).await;
    let event = s3_put_event(&env.bucket, "uploads/crash.json");

    // The first invocation stores a batch and dies before queueing it.
    {
        let dying = splitter::handle(event.clone(), &splitter);
        tokio::pin!(dying);
        tokio::select! {
            _ = &mut dying => panic!("the ingest cannot finish while the queue is held"),
            () = splitter.queue.entered.notified() => {}
        }
    }
    assert_eq!(env.scalar("SELECT count(*) FROM jobs").await, 7);
    splitter.queue.open.add_permits(1);

    // A redelivery while its lease still holds: in progress, quietly.
    let reports = splitter::handle(event.clone(), &splitter).await.unwrap();
    assert_eq!(reports[0].status, IngestStatus::InProgress);

    // Its lease runs out unrenewed (as it would 45 s after the crash); the next delivery takes
    // the ingest over and completes it.
    env.db
        .client()
        .await
        .batch_execute("UPDATE ingests SET claimed_until = now() - interval '1 second'")
        .await
        .unwrap();
    let reports = splitter::handle(event, &splitter).await.unwrap();
    let t = reports[0].totals;
    assert_eq!((reports[0].status, t.stored, t.unchanged, t.enqueued), (IngestStatus::Succeeded, 12, 7, 19));
    let messages = env.aws.drain(&env.queue_url).await;
    let mut ids: Vec<_> = messages.iter().map(|m| m.job_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((messages.len(), ids.len()), (19, 19));
    assert_eq!(env.scalar("SELECT count(*) FROM ingests WHERE status = 'succeeded' AND attempts = 2").await, 1);

    // The dead invocation's lease is gone for good: it could neither renew nor record an end.
    let client = splitter.db.get().await.unwrap();
    let old = ingests::Lease { ingest_id: reports[0].ingest_id, attempt: 1 };
    assert!(!ingests::renew(&**client, &old, ingests::LEASE).await.unwrap());
    assert!(!ingests::finish_lease(&**client, &old, None, &Default::default(), Some("late")).await.unwrap());
    assert_eq!(env.scalar("SELECT count(*) FROM ingests WHERE error IS NULL").await, 1);
}
