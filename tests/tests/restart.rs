//! The pool across lost connections, and the handlers across a Postgres restart.
//!
//! - A pooled connection whose backend died while the process was frozen (a Lambda container
//!   between invocations) is not handed out: the pool checks it and makes a fresh one.
//! - Postgres restarted (`pg_ctl restart -m fast`) in the middle of a splitter run and of an
//!   evaluator batch: what failed is redelivered and completes, with the same pool (a warm
//!   container), and the counts reconcile. These restart a private server ([`PgInstance`]),
//!   never the shared one the other tests use.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lambda_events::event::sqs::SqsBatchResponse;
use tokio::sync::{oneshot, watch};
use upflow::evaluate::Evaluator;
use upflow::queue::sender::{Backoff, BatchSink, EntryFailure};
use upflow::queue::sqs::SqsQueue;
use upflow::queue::JobMessage;
use upflow::scoring::{rules::RulesScorer, Scorer};
use upflow::split::{IngestStatus, Splitter, SplitterConfig};
use upflow::store::{connect, Db};
use upflow_tests::aws::{s3_put_event, LocalAws};
use upflow_tests::db::TestDb;
use upflow_tests::pg_instance::PgInstance;
use upflow_tests::seed::{generated_export, job_messages, sqs_event, store_export};

async fn plain_client(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    client
}

async fn scalar(url: &str, sql: &str) -> i64 {
    plain_client(url).await.query_one(sql, &[]).await.unwrap().get(0)
}

async fn started_at(url: &str) -> String {
    plain_client(url).await.query_one("SELECT pg_postmaster_start_time()::text", &[]).await.unwrap().get(0)
}

/// A private server with a migrated database `upflow`, and a pool on it as the functions build
/// one.
async fn private_server() -> (Arc<PgInstance>, String, Db) {
    let pg = Arc::new(tokio::task::spawn_blocking(PgInstance::start).await.unwrap());
    pg.create_database("upflow").await;
    let url = pg.url("upflow");
    let pool = connect(&url, None).unwrap();
    upflow::store::migrate::migrate(&mut pool.get().await.unwrap()).await.unwrap();
    (pg, url, pool)
}

async fn restart(pg: &Arc<PgInstance>) {
    let pg = pg.clone();
    tokio::task::spawn_blocking(move || pg.restart()).await.unwrap();
}

/// The pool, the container frozen in between: the connection is taken and given back on one
/// runtime; while that runtime does not run (nothing of the process runs while Lambda has it
/// frozen), the server ends the backend; then the same runtime uses the pool again. The client
/// has had no chance to read the socket's end, so only a check before handing the connection
/// out can tell it is dead.
#[test]
fn a_connection_that_died_while_the_container_was_frozen_is_not_handed_out() {
    let outside = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let container = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let db = outside.block_on(TestDb::new());
    let pool = db.pool();
    let pid_sql = "SELECT pg_backend_pid()";
    let first: i32 = container.block_on(async {
        let client = pool.get().await.unwrap();
        client.query_typed(pid_sql, &[]).await.unwrap()[0].get(0)
    });
    assert_eq!(pool.status().available, 1, "the connection went back to the pool");

    outside.block_on(async {
        // Waits (up to 10 s) until the backend is gone.
        let killed: bool =
            db.client().await.query_one("SELECT pg_terminate_backend($1, 10000)", &[&first]).await.unwrap().get(0);
        assert!(killed);
    });

    let second: i32 = container.block_on(async {
        let client = pool.get().await.unwrap();
        client.query_typed(pid_sql, &[]).await.expect("the first query after the thaw succeeds")[0].get(0)
    });
    assert_ne!(second, first, "a new backend");
    assert_eq!(pool.status().size, 1, "the dead connection was dropped, not kept beside the new one");
}

/// The same with the process running: the backend is ended between two uses.
#[tokio::test]
async fn a_connection_the_server_ended_is_replaced() {
    let db = TestDb::new().await;
    let pool = db.pool();
    let pid: i32 = pool.get().await.unwrap().query_typed("SELECT pg_backend_pid()", &[]).await.unwrap()[0].get(0);
    let killed: bool =
        db.client().await.query_one("SELECT pg_terminate_backend($1, 10000)", &[&pid]).await.unwrap().get(0);
    assert!(killed);
    let rows = pool.get().await.unwrap().query_typed("SELECT pg_backend_pid()", &[]).await.unwrap();
    assert_ne!(rows[0].get::<_, i32>(0), pid);
}

/// The real queue, whose first send signals `first_send` and then waits for `open`: the test
/// restarts Postgres exactly while the splitter holds a connection between storing a batch and
/// marking it queued.
struct GatedQueue {
    inner: SqsQueue,
    first_send: Mutex<Option<oneshot::Sender<()>>>,
    open: watch::Receiver<bool>,
}

impl BatchSink for GatedQueue {
    async fn send_batch(&self, bodies: &[String]) -> Result<Vec<EntryFailure>, String> {
        let signal = self.first_send.lock().unwrap().take();
        if let Some(signal) = signal {
            let _ = signal.send(());
        }
        let mut open = self.open.clone();
        open.wait_for(|o| *o).await.map_err(|e| e.to_string())?;
        self.inner.send_batch(bodies).await
    }
}

/// Every message on the queue, left invisible rather than deleted (faster on moto).
async fn receive_all(aws: &LocalAws, queue_url: &str) -> Vec<JobMessage> {
    let mut out = Vec::new();
    let mut empty = 0;
    while empty < 2 {
        let got = aws
            .sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .visibility_timeout(3600)
            .wait_time_seconds(0)
            .send()
            .await
            .unwrap();
        let messages = got.messages.unwrap_or_default();
        empty = if messages.is_empty() { empty + 1 } else { 0 };
        out.extend(messages.iter().map(|m| JobMessage::from_body(m.body.as_deref().unwrap()).unwrap()));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_the_middle_of_a_splitter_run_is_completed_by_the_redelivered_event() {
    const JOBS: usize = 600;
    const BATCH: usize = 50;
    let (pg, url, pool) = private_server().await;
    let aws = LocalAws::new().await;
    let (bucket, queue_url) = (aws.bucket().await, aws.queue().await);
    let records = generated_export(JOBS, 0);
    let key = "uploads/generated.json";
    aws.put(&bucket, key, serde_json::to_vec(&records).unwrap()).await;

    let (first_send, first_sent) = oneshot::channel();
    let (open, gate) = watch::channel(false);
    let splitter = Splitter {
        db: pool.clone(),
        profile_version: "restart-test".into(),
        s3: aws.s3.clone(),
        queue: GatedQueue {
            inner: SqsQueue { client: aws.sqs.clone(), url: queue_url.clone() },
            first_send: Mutex::new(Some(first_send)),
            open: gate,
        },
        config: SplitterConfig {
            batch_size: BATCH,
            backoff: Backoff { attempts: 3, base: Duration::from_millis(5), ..Backoff::default() },
            ..SplitterConfig::default()
        },
    };
    let before = started_at(&url).await;
    let restarter = {
        let (pg, url) = (pg.clone(), url.clone());
        tokio::spawn(async move {
            first_sent.await.unwrap();
            let stored = scalar(&url, "SELECT count(*) FROM jobs").await;
            restart(&pg).await;
            open.send(true).unwrap();
            stored
        })
    };
    let event = s3_put_event(&bucket, key);
    let first = splitter::handle(event.clone(), &splitter).await;
    let stored_at_restart = restarter.await.unwrap();
    assert!(
        (1..JOBS as i64).contains(&stored_at_restart),
        "restarted mid-run: {stored_at_restart} of {JOBS} jobs stored"
    );
    assert_ne!(started_at(&url).await, before, "the server was restarted");
    // The connection the run held across the restart is gone: this run fails, and Lambda
    // delivers the event again.
    eprintln!("first run: {first:?}");

    // The redelivered event, on the same splitter and pool.
    let second = splitter::handle(event, &splitter).await.expect("the redelivered event completes");
    assert_eq!(second.len(), 1);
    let expect_status = if first.is_ok() { IngestStatus::AlreadyIngested } else { IngestStatus::Succeeded };
    assert_eq!(second[0].status, expect_status, "{second:?}");

    assert_eq!(scalar(&url, "SELECT count(*) FROM jobs").await, JOBS as i64, "every job stored once");
    assert_eq!(
        scalar(&url, "SELECT count(*) FROM jobs WHERE enqueued_hash = content_hash || ':restart-test'").await,
        JOBS as i64,
        "every job recorded as queued"
    );
    assert_eq!(scalar(&url, "SELECT count(*) FROM ingests WHERE status = 'succeeded'").await, 1);

    let messages = receive_all(&aws, &queue_url).await;
    let mut per_job: HashMap<&str, Vec<&JobMessage>> = HashMap::new();
    for m in &messages {
        per_job.entry(m.job_id.as_str()).or_default().push(m);
    }
    let expected: HashSet<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(per_job.keys().copied().collect::<HashSet<_>>(), expected, "every job queued");
    // The batch that was sent but not yet marked when the connection died is sent again by the
    // redelivery: at most one batch of duplicates, each with the same content hash, which the
    // evaluator dedupes (one evaluation per job, profile version and content).
    let duplicates = messages.len() - expected.len();
    assert!(duplicates <= BATCH, "{duplicates} duplicates");
    assert!(per_job.values().all(|ms| ms.iter().all(|m| m.content_hash == ms[0].content_hash)));
    drop(splitter);
    drop(pool);
}

/// The evaluator under test: the rules scorer, four jobs at once. The one place that builds it.
fn evaluator(db: Db) -> Evaluator {
    Evaluator { concurrency: 4, ..Evaluator::new(db, Scorer::Rules(RulesScorer), upflow_tests::api::profile()) }
}

fn failed(response: &SqsBatchResponse) -> HashSet<String> {
    response.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_the_middle_of_an_evaluator_batch_is_completed_by_redelivery() {
    const JOBS: usize = 200;
    const FIRST_DONE: usize = 100;
    let (pg, url, pool) = private_server().await;
    let ids = store_export(&pool, "generated.json", &serde_json::to_vec(&generated_export(JOBS, 0)).unwrap()).await;
    assert_eq!(ids.len(), JOBS);
    let messages = job_messages(&ids);
    let ev = Arc::new(evaluator(pool.clone()));

    // Hold the jobs after the first hundred: storing their evaluations (a foreign key to the
    // job) waits for this transaction, so the batch stops there with jobs in flight.
    let holder = plain_client(&url).await;
    holder.batch_execute("BEGIN").await.unwrap();
    let held: Vec<String> = ids[FIRST_DONE..].to_vec();
    holder.query("SELECT 1 FROM jobs WHERE job_id = ANY($1) FOR UPDATE", &[&held]).await.unwrap();

    let before = started_at(&url).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let batch = {
        let (ev, event) = (ev.clone(), sqs_event(&messages));
        tokio::spawn(async move { evaluator::handle(event, deadline, &ev).await })
    };
    // Wait (bounded) until the first hundred are stored and the next ones wait on the lock.
    let watcher = plain_client(&url).await;
    let mut waited = 0;
    loop {
        let row = watcher
            .query_one(
                "SELECT (SELECT count(*) FROM evaluations),
                        (SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'upflow')",
                &[],
            )
            .await
            .unwrap();
        let (stored, waiting): (i64, i64) = (row.get(0), row.get(1));
        if stored == FIRST_DONE as i64 && waiting > 0 {
            break;
        }
        waited += 1;
        assert!(waited < 600, "the batch never reached the held jobs: {stored} stored, {waiting} waiting");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    restart(&pg).await;
    assert_ne!(started_at(&url).await, before, "the server was restarted");
    drop(holder);

    let first = batch.await.unwrap();
    let mut pending = failed(&first);
    assert!(!pending.is_empty(), "the jobs in flight at the restart failed and go back to the queue");
    assert!(pending.len() <= JOBS - FIRST_DONE, "the jobs stored before the restart stay done: {}", pending.len());

    // SQS redelivers the failed messages; the same evaluator (and pool) handles them.
    let mut rounds = 0;
    while !pending.is_empty() {
        rounds += 1;
        assert!(rounds <= 60, "{} messages still failing after {rounds} redeliveries", pending.len());
        if rounds > 1 {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let again: Vec<(String, String)> = messages.iter().filter(|(id, _)| pending.contains(id)).cloned().collect();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        pending = failed(&evaluator::handle(sqs_event(&again), deadline, &ev).await);
    }

    assert_eq!(scalar(&url, "SELECT count(*) FROM evaluations").await, JOBS as i64);
    assert_eq!(
        scalar(
            &url,
            "SELECT count(*) FROM jobs j WHERE (SELECT count(*) FROM evaluations e WHERE e.job_id = j.job_id) <> 1"
        )
        .await,
        0,
        "every job has exactly one evaluation"
    );
}
