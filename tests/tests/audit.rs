//! The audit against a real ingest: an export with bad rows and duplicates goes through the
//! real splitter (S3 and SQS on the local server, Postgres), then the real evaluator scores some
//! of its jobs, skips some by the profile's filter, fails one on its last receive (DLQ) and one
//! with receives left, and leaves the rest queued. The audit must balance with exactly those
//! figures, name injected gaps, and `GET /stats` must carry it.

use std::time::Duration;

use aws_lambda_events::event::sqs::SqsEvent;
use serde_json::{json, Value};
use tokio_postgres::types::Type;
use upflow::evaluate::Evaluator;
use upflow::ingest::{read_all, ExportItem, ReadOptions};
use upflow::profile::filters::failed_filter;
use upflow::profile::{LoadedProfile, DEFAULT_TOML};
use upflow::queue::sqs::SqsQueue;
use upflow::queue::JobMessage;
use upflow::read::audit::{audit, Audit, GapJob, Scope};
use upflow::scoring::cerebras::CerebrasScorer;
use upflow::scoring::Scorer;
use upflow::split::{IngestStatus, Splitter, SplitterConfig};
use upflow::store::Db;
use upflow_tests::aws::{s3_put_event, LocalAws};
use upflow_tests::db::TestDb;
use upflow_tests::fake_cerebras::{self, FakeCerebras, FakeCerebrasConfig, Fault};
use upflow_tests::fixtures;
use upflow_tests::seed::sqs_event;

const KEY: &str = "uploads/audit.json";
const CEREBRAS_KEY: &str = "csk-audit";

/// A real ingest and evaluation, with which job ended where.
struct Scenario {
    db: TestDb,
    aws: LocalAws,
    bucket: String,
    pool: Db,
    profile: LoadedProfile,
    splitter: Splitter<SqsQueue>,
    ingest_id: i64,
    records: Vec<Value>,
    dead: String,
    scored: Vec<String>,
    skipped: Vec<String>,
    pending: Vec<String>,
    _fake: FakeCerebras,
}

/// The scraper fixture (19 jobs) with two duplicate rows and two bad rows: 23 rows.
fn export(records: &[Value]) -> Vec<u8> {
    let mut rows = records.to_vec();
    rows.insert(5, records[0].clone());
    rows.push(records[3].clone());
    rows.push(
        json!({"id": "7199999999999999001", "url": "https://www.upwork.com/jobs/~027199999999999999001", "title": ""}),
    );
    rows.push(json!({"title": "Nameless", "description": "neither an id nor a url"}));
    serde_json::to_vec(&rows).unwrap()
}

/// The export's jobs as the splitter reads them.
fn jobs_of(bytes: &[u8]) -> Vec<upflow::Job> {
    let options = ReadOptions { name: KEY.into(), format: None, reference_time: chrono::Utc::now() };
    let (items, counts) = read_all(bytes, &options).unwrap();
    assert_eq!((counts.rows, counts.parsed, counts.rejected, counts.duplicates), (23, 19, 2, 2));
    items.into_iter().filter_map(|i| if let ExportItem::Job { job, .. } = i { Some(*job) } else { None }).collect()
}

/// `messages` as one SQS batch, each on its `receive`th delivery.
fn batch(messages: &[&JobMessage], receive: u32) -> SqsEvent {
    let bodies: Vec<(String, String)> = messages.iter().map(|m| (format!("m-{}", m.job_id), m.to_body())).collect();
    let mut event = sqs_event(&bodies);
    for r in &mut event.records {
        r.attributes.insert("ApproximateReceiveCount".into(), receive.to_string());
    }
    event
}

fn failed(response: &aws_lambda_events::event::sqs::SqsBatchResponse) -> Vec<String> {
    response.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect()
}

fn cerebras(fake: &FakeCerebras) -> Scorer {
    Scorer::Cerebras(Box::new(CerebrasScorer::new(fake.client_config(), reqwest::Client::new())))
}

impl Scenario {
    async fn new() -> Scenario {
        let db = TestDb::new().await;
        let pool = db.migrated_pool().await;
        let aws = LocalAws::new().await;
        let (bucket, queue_url) = (aws.bucket().await, aws.queue().await);
        // The default profile with a $40/h minimum too: the filters skip the fixture's small
        // fixed-price job and its cheapest hourly ones.
        let toml = DEFAULT_TOML.replace("# min_hourly_rate = 40", "min_hourly_rate = 40");
        let profile = LoadedProfile::from_toml(&toml, "audit-tests").unwrap();
        let splitter = Splitter {
            db: pool.clone(),
            profile_version: profile.version.clone(),
            s3: aws.s3.clone(),
            queue: SqsQueue { client: aws.sqs.clone(), url: queue_url.clone() },
            config: SplitterConfig { batch_size: 7, ..SplitterConfig::default() },
        };
        let records = fixtures::records(fixtures::SCRAPER);
        let bytes = export(&records);
        aws.put(&bucket, KEY, bytes.clone()).await;
        let reports = splitter::handle(s3_put_event(&bucket, KEY), &splitter).await.unwrap();
        assert_eq!(reports[0].status, IngestStatus::Succeeded);
        let ingest_id = reports[0].ingest_id;

        let (mut filtered, mut unfiltered): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
        for job in jobs_of(&bytes) {
            match failed_filter(&job, &profile.profile.filters) {
                Some(_) => filtered.push(job.job_id),
                None => unfiltered.push(job.job_id),
            }
        }
        filtered.sort();
        unfiltered.sort();
        assert!(filtered.len() >= 2 && unfiltered.len() >= 5, "{filtered:?} {unfiltered:?}");
        let messages = aws.drain(&queue_url).await;
        assert_eq!(messages.len(), 19);
        let message = |id: &str| messages.iter().find(|m| m.job_id == id).unwrap();

        // The first two scoring calls get a 422: one on the message's 5th (last) receive, one on
        // its first; every later call is answered.
        let fake = fake_cerebras::start(FakeCerebrasConfig {
            api_key: CEREBRAS_KEY.into(),
            script: vec![Fault::Status(422, "unprocessable"), Fault::Status(422, "unprocessable")],
            ..Default::default()
        })
        .await;
        let evaluator = Evaluator::new(pool.clone(), cerebras(&fake), profile.clone());
        let deadline = || tokio::time::Instant::now() + Duration::from_secs(60);
        let (dead, retrying) = (unfiltered[0].clone(), unfiltered[1].clone());
        let scored = unfiltered[2..5].to_vec();
        let skipped = filtered[..2].to_vec();
        let r = evaluator::handle(batch(&[message(&dead)], 5), deadline(), &evaluator).await;
        assert_eq!(failed(&r), [format!("m-{dead}")]);
        let r = evaluator::handle(batch(&[message(&retrying)], 1), deadline(), &evaluator).await;
        assert_eq!(failed(&r), [format!("m-{retrying}")]);
        let rest: Vec<&JobMessage> = scored.iter().chain(&skipped).map(|id| message(id)).collect();
        let r = evaluator::handle(batch(&rest, 1), deadline(), &evaluator).await;
        assert!(failed(&r).is_empty());

        let done: Vec<&String> = [&dead, &retrying].into_iter().chain(&scored).chain(&skipped).collect();
        let mut pending: Vec<String> =
            filtered.iter().chain(&unfiltered).filter(|id| !done.contains(id)).cloned().collect();
        pending.sort();
        Scenario {
            db,
            aws,
            bucket,
            pool,
            profile,
            splitter,
            ingest_id,
            records,
            dead,
            scored,
            skipped,
            pending,
            _fake: fake,
        }
    }

    async fn audit(&self, scope: Scope) -> Audit {
        let client = self.pool.get().await.unwrap();
        audit(&**client, &self.profile.version, &scope).await.unwrap().expect("the scope names an ingest")
    }

    async fn sql(&self, sql: &str, id: &str) {
        self.db.client().await.query_typed(sql, &[(&id, Type::TEXT)]).await.unwrap();
    }
}

/// rows read, stored, new or changed, unchanged, rejected, duplicates, difference.
fn rows(a: &Audit) -> [i64; 7] {
    let r = &a.rows;
    [r.rows_read, r.stored, r.new_or_changed, r.unchanged, r.rejected, r.duplicates, r.difference]
}

/// stored, scored, skipped by filter, pending, retrying, dead-lettered, difference.
fn jobs(a: &Audit) -> [i64; 7] {
    let j = &a.jobs;
    [j.stored, j.scored, j.skipped_by_filter, j.pending, j.retrying, j.dead_lettered, j.difference]
}

#[tokio::test]
async fn a_real_ingest_and_evaluation_balance_with_the_exact_figures() {
    let s = Scenario::new().await;
    assert_eq!((s.scored.len(), s.skipped.len(), s.pending.len()), (3, 2, 12));
    for scope in
        [Scope::Ingest(s.ingest_id), Scope::Key(KEY.into()), Scope::Key(format!("s3://{}/{KEY}", s.bucket)), Scope::All]
    {
        let a = s.audit(scope.clone()).await;
        assert_eq!(rows(&a), [23, 19, 19, 0, 2, 2, 0], "{scope:?}");
        assert_eq!(jobs(&a), [19, 3, 2, 12, 1, 1, 0], "{scope:?}");
        assert!(a.balanced && a.gaps().is_empty(), "{scope:?}: {:?}", a.gaps());
        assert_eq!((a.ingests, a.running), (1, 0));
        assert_eq!(a.dlq.len(), 1);
        assert_eq!((a.dlq[0].job_id.as_str(), a.dlq[0].attempts), (s.dead.as_str(), 1));
        assert!(a.dlq[0].last_error.contains("422"), "{}", a.dlq[0].last_error);
    }
    assert_eq!(s.audit(Scope::Ingest(s.ingest_id)).await.ingest.unwrap().key, KEY);
    // Behind pgbouncer in transaction mode (unnamed statements only), the same figures.
    let pooled = upflow::store::connect(&s.db.pgbouncer_url(), None).unwrap();
    let client = pooled.get().await.unwrap();
    let a = audit(&**client, &s.profile.version, &Scope::All).await.unwrap().unwrap();
    assert_eq!((rows(&a), jobs(&a), a.balanced), ([23, 19, 19, 0, 2, 2, 0], [19, 3, 2, 12, 1, 1, 0], true));
    let client = s.pool.get().await.unwrap();
    assert!(audit(&**client, &s.profile.version, &Scope::Ingest(s.ingest_id + 1)).await.unwrap().is_none());
    assert!(audit(&**client, &s.profile.version, &Scope::Key("uploads/other.json".into())).await.unwrap().is_none());
}

#[tokio::test]
async fn a_re_upload_counts_unchanged_jobs_as_stored_and_its_changed_job_as_pending_again() {
    let s = Scenario::new().await;
    // Re-scraped: one scored job's description edited; everything else the same.
    let changed = s.scored[0].clone();
    let mut records = s.records.clone();
    let r = records.iter_mut().find(|r| r["id"].as_str() == Some(changed.as_str())).unwrap();
    r["description"] = format!("{} Budget increased.", r["description"].as_str().unwrap()).into();
    s.aws.put(&s.bucket, KEY, export(&records)).await;
    let reports = splitter::handle(s3_put_event(&s.bucket, KEY), &s.splitter).await.unwrap();
    let second = reports[0].ingest_id;
    assert_ne!(second, s.ingest_id);

    // The key's latest ingest is the second one: 1 changed + 18 unchanged jobs stored.
    let latest = s.audit(Scope::Key(KEY.into())).await;
    assert_eq!(latest.ingest.as_ref().unwrap().id, second);
    assert_eq!(rows(&latest), [23, 19, 1, 18, 2, 2, 0]);
    // The changed job's evaluation was of its old content: it is owed (and queued) again.
    assert_eq!(jobs(&latest), [19, 2, 2, 13, 1, 1, 0]);
    assert!(latest.balanced, "{:?}", latest.gaps());
    // The first ingest's jobs are where they are now; all ingests sum rows, and count each job once.
    assert_eq!(jobs(&s.audit(Scope::Ingest(s.ingest_id)).await), [19, 2, 2, 13, 1, 1, 0]);
    let all = s.audit(Scope::All).await;
    assert_eq!(rows(&all), [46, 38, 20, 18, 4, 4, 0]);
    assert_eq!(jobs(&all), [19, 2, 2, 13, 1, 1, 0]);
    assert!(all.balanced && all.ingests == 2);
}

#[tokio::test]
async fn injected_inconsistencies_are_named_with_their_size_and_jobs() {
    let s = Scenario::new().await;
    let (lost, deleted) = (s.pending[0].clone(), s.scored[0].clone());
    s.db.client()
        .await
        .query_typed("UPDATE ingests SET rows_read = rows_read + 3 WHERE id = $1", &[(&s.ingest_id, Type::INT8)])
        .await
        .unwrap();
    // Stored but never handed to the queue, and a scored job deleted from under the ingest.
    s.sql("UPDATE jobs SET enqueued_hash = NULL WHERE job_id = $1", &lost).await;
    s.sql("DELETE FROM jobs WHERE job_id = $1", &deleted).await;

    let mut gap = vec![
        GapJob { job_id: lost.clone(), why: "never queued".into() },
        GapJob { job_id: deleted.clone(), why: "no longer in jobs".into() },
    ];
    gap.sort_by(|a, b| a.job_id.cmp(&b.job_id));
    for scope in [Scope::Ingest(s.ingest_id), Scope::All] {
        let a = s.audit(scope.clone()).await;
        assert!(!a.balanced, "{scope:?}");
        assert_eq!(rows(&a), [26, 19, 19, 0, 2, 2, 3], "{scope:?}");
        assert_eq!(a.rows.ingests_off, 1);
        assert_eq!((a.rows.off[0].id, a.rows.off[0].accounted, a.rows.off[0].difference), (s.ingest_id, 23, 3));
        assert_eq!(jobs(&a), [19, 2, 2, 11, 1, 1, 2], "{scope:?}");
        assert_eq!((a.jobs.unaccounted_count, a.jobs.not_recorded), (2, 0));
        assert_eq!(a.jobs.unaccounted, gap, "{scope:?}");
        let gaps = a.gaps();
        assert_eq!(gaps.len(), 2, "{gaps:?}");
        assert!(
            gaps[0].starts_with("rows: 26 read but stored 19 + rejected 2 + duplicates 2 = 23: 3 rows unaccounted for")
        );
        assert!(gaps[0].contains(&format!("ingest {} ({KEY}, succeeded): 26 read, 23 accounted for", s.ingest_id)));
        assert!(
            gaps[1].starts_with("jobs: 19 stored but 17 accounted for; 2 jobs neither evaluated, failing nor queued")
        );
        assert!(
            gaps[1].contains(&format!("{lost} (never queued)"))
                && gaps[1].contains(&format!("{deleted} (no longer in jobs)"))
        );
    }

    // A job the ingest counted but never recorded as its own.
    s.sql("DELETE FROM ingest_jobs WHERE job_id = $1", &deleted).await;
    let a = s.audit(Scope::Ingest(s.ingest_id)).await;
    assert_eq!((a.jobs.difference, a.jobs.not_recorded, a.jobs.unaccounted_count), (2, 1, 1));
    assert!(
        a.gaps()[1].contains("the ingest counted 19 and recorded 18 as its own (1 job not recorded)"),
        "{:?}",
        a.gaps()
    );
}

#[tokio::test]
async fn get_stats_carries_the_audit_of_every_ingest() {
    let s = Scenario::new().await;
    let server = upflow_tests::api::serve(upflow_tests::api::state(s.pool.clone(), s.profile.clone(), None)).await;
    let body: Value = reqwest::get(format!("{}/stats", server.base_url)).await.unwrap().json().await.unwrap();
    let a = &body["stats"]["audit"];
    assert_eq!(a["balanced"], true, "{a}");
    assert_eq!(a["ingest"], Value::Null);
    assert_eq!(
        (&a["rows"]["rows_read"], &a["rows"]["stored"], &a["rows"]["rejected"], &a["rows"]["duplicates"]),
        (&json!(23), &json!(19), &json!(2), &json!(2))
    );
    let j = &a["jobs"];
    let figures: Vec<&Value> = ["stored", "scored", "skipped_by_filter", "pending", "retrying", "dead_lettered"]
        .iter()
        .map(|k| &j[*k])
        .collect();
    assert_eq!(figures, [&json!(19), &json!(3), &json!(2), &json!(12), &json!(1), &json!(1)], "{j}");
    assert_eq!(a["dlq"][0]["job_id"], s.dead.as_str());
    assert!(a["dlq"][0]["last_error"].as_str().unwrap().contains("422"));
    assert_eq!(body["stats"]["jobs_stored"], 19, "the same job count as the rest of /stats");

    // A gap shows there too.
    s.sql("UPDATE jobs SET enqueued_hash = NULL WHERE job_id = $1", &s.pending[0]).await;
    let body: Value = reqwest::get(format!("{}/stats", server.base_url)).await.unwrap().json().await.unwrap();
    let a = &body["stats"]["audit"];
    assert_eq!((&a["balanced"], &a["jobs"]["difference"]), (&json!(false), &json!(1)));
    assert_eq!(a["jobs"]["unaccounted"][0]["job_id"], s.pending[0].as_str());
}
