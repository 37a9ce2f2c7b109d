//! `upflow local-run FILE`: the whole pipeline on this machine, the way Lambda runs it: upload
//! the export to the (local) uploads bucket, run the splitter handler on the upload's S3 event,
//! then run the evaluator handler on SQS batches received from the queue, with the template's
//! batch size and concurrency cap, partial batch failures, and the queue's own redrive policy
//! moving poison messages to the DLQ. Prints progress, a summary and the top jobs.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use aws_sdk_s3::primitives::ByteStream;
use evaluator::local::Tally;
use upflow::evaluate::Evaluator;
use upflow::queue::sqs::SqsQueue;
use upflow::split::{IngestStatus, Splitter, SplitterConfig};

#[derive(clap::Args)]
pub struct Args {
    /// The export to run.
    file: PathBuf,
    #[arg(long, env = "UPLOADS_BUCKET", default_value = "upflow-uploads")]
    bucket: String,
    #[arg(long, env = "JOBS_QUEUE_NAME", default_value = "upflow-jobs")]
    queue: String,
    /// Messages per evaluator invocation (the template's EvaluatorBatchSize).
    #[arg(long, default_value_t = 10)]
    batch_size: i32,
    /// Concurrent evaluator invocations (the template's MaxConcurrency).
    #[arg(long, default_value_t = 5)]
    max_concurrency: usize,
    /// Seconds an invocation may run (the evaluator's Lambda timeout).
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// The queue's visibility timeout in seconds. The template uses 6x the evaluator's timeout;
    /// locally it is short so that a failed message comes back (and reaches the DLQ) quickly.
    #[arg(long, default_value_t = 5)]
    visibility_timeout: u64,
    /// Receives before a message moves to the DLQ (the template's redrive policy).
    #[arg(long, default_value_t = 5)]
    max_receive_count: u32,
}

pub fn run(args: &Args) -> ExitCode {
    super::block_on("local-run", local_run(args))
}

async fn local_run(args: &Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let aws = upflow::aws::sdk_config().await;
    let s3 = upflow::aws::s3_client(&aws);
    let sqs = upflow::aws::sqs_client(&aws);

    // The bucket, the DLQ and the jobs queue with its redrive policy.
    if s3.head_bucket().bucket(&args.bucket).send().await.is_err() {
        s3.create_bucket()
            .bucket(&args.bucket)
            .send()
            .await
            .with_context(|| format!("create bucket {}", args.bucket))?;
    }
    let queues = evaluator::local::create_queues(
        &sqs,
        &args.queue,
        Duration::from_secs(args.visibility_timeout),
        args.max_receive_count,
    )
    .await?;
    let (queue_url, dlq_url) = (queues.url.clone(), queues.dlq_url.clone());

    // Upload, and the splitter on the upload's S3 event.
    let name = args.file.file_name().context("FILE has no file name")?.to_string_lossy().to_string();
    let key = format!("uploads/{name}");
    let body = ByteStream::from_path(&args.file).await.with_context(|| format!("read {}", args.file.display()))?;
    s3.put_object().bucket(&args.bucket).key(&key).body(body).send().await.with_context(|| format!("upload {key}"))?;
    eprintln!("uploaded {} to s3://{}/{key}", args.file.display(), args.bucket);

    let mut evaluator = Evaluator::from_env().await?;
    // Jobs that must wait for the provider's limits go back on this queue; a failure on the
    // last receive is recorded as dead-lettered.
    evaluator.requeue = Some(SqsQueue { client: sqs.clone(), url: queue_url.clone() });
    evaluator.max_receive_count = args.max_receive_count;
    let evaluator = Arc::new(evaluator);
    eprintln!("scorer: {}", evaluator.scorer.describe());
    let splitter = Splitter {
        db: evaluator.db.clone(),
        profile_version: evaluator.profile.version.clone(),
        s3,
        queue: SqsQueue { client: sqs.clone(), url: queue_url.clone() },
        config: SplitterConfig::default(),
    };
    let reports = splitter::handle(splitter::s3_event(&args.bucket, &key), &splitter)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let report = reports.into_iter().next().context("the splitter reported nothing")?;
    let t = report.totals;
    match report.status {
        IngestStatus::AlreadyIngested => {
            eprintln!("splitter: this file was ingested before (ingest {}); nothing queued", report.ingest_id)
        }
        IngestStatus::Failed => {
            eprintln!("splitter: ingest {} failed: {}", report.ingest_id, report.error.clone().unwrap_or_default())
        }
        IngestStatus::InProgress => {
            eprintln!(
                "splitter: this file is being ingested by another run (ingest {}); nothing done",
                report.ingest_id
            )
        }
        IngestStatus::Succeeded => eprintln!(
            "splitter: rows {}, jobs {} (new or changed {}, unchanged {}), rejected {}, duplicates {}, queued {}",
            t.counts.rows, t.counts.parsed, t.stored, t.unchanged, t.counts.rejected, t.counts.duplicates, t.enqueued
        ),
    }
    let rejections = rejected_rows(&evaluator, report.ingest_id).await?;
    for (row, reason) in &rejections {
        eprintln!("  row {row}: {reason}");
    }

    // The evaluator, as the SQS event source runs it.
    let tally = Arc::new(Tally::default());
    let poller = evaluator::local::Poller {
        sqs: sqs.clone(),
        queue_url: queue_url.clone(),
        batch_size: args.batch_size,
        timeout: Duration::from_secs(args.timeout),
    };
    let progress = {
        let tally = tally.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let elapsed = started.elapsed().as_secs_f64();
                eprint!(
                    "\revaluator: scored {}, skipped {}, already {}, waiting for limits {}, failures {} ({:.1} jobs/s)   ",
                    Tally::get(&tally.scored),
                    Tally::get(&tally.skipped),
                    Tally::get(&tally.already),
                    Tally::get(&tally.deferred),
                    Tally::get(&tally.failed),
                    Tally::get(&tally.scored) as f64 / elapsed
                );
            }
        })
    };
    evaluator::local::run_all(&poller, args.max_concurrency, &evaluator, &tally).await?;
    progress.abort();
    eprintln!();

    let dlq_depth = evaluator::local::depth(&sqs, &dlq_url).await?;
    let client = evaluator.db.get().await.context("connect to Postgres")?;
    let alerts = Tally::get(&tally.alerted);
    let mut query = upflow::read::RankingQuery::new(&evaluator.profile.version);
    query.limit = 10;
    let top = upflow::read::rankings(&**client, &query).await?;
    println!("\nTop jobs (profile {}, version {}):", evaluator.profile.profile.name, evaluator.profile.version);
    for item in &top.items {
        println!(
            "{:>3}. {:>5.1}  {:<6}  {}  {}",
            item.rank,
            item.total,
            item.priority,
            super::table::cut(&item.title, 60),
            upflow::display::budget(&upflow::display::Budget::from(item))
                .unwrap_or_else(|| upflow::display::UNKNOWN.into())
        );
    }
    eprintln!(
        "\nsummary: {}rows read {}, jobs stored {} (new or changed {}), rejected {}, duplicates {}, queued {}, \
         scored {}, skipped by filters {}, already scored {}, invocation failures {}, in the DLQ {}, alerts sent {}, {:.1} s",
        if report.status == IngestStatus::AlreadyIngested { "file ingested before, nothing new; " } else { "" },
        t.counts.rows,
        t.counts.parsed,
        t.stored,
        t.counts.rejected,
        t.counts.duplicates,
        t.enqueued,
        Tally::get(&tally.scored),
        Tally::get(&tally.skipped),
        Tally::get(&tally.already),
        Tally::get(&tally.failed),
        dlq_depth,
        alerts,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

async fn rejected_rows(evaluator: &Evaluator, ingest_id: i64) -> anyhow::Result<Vec<(i32, String)>> {
    let client = evaluator.db.get().await.context("connect to Postgres")?;
    let rows = client
        .query_typed(
            "SELECT row_number, reason FROM rejected_rows WHERE ingest_id = $1 ORDER BY row_number LIMIT 50",
            &[(&ingest_id, tokio_postgres::types::Type::INT8)],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}
