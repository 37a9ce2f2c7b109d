//! `upflow local-run FILE`: the whole pipeline on this machine, the way Lambda runs it: upload
//! the export to the (local) uploads bucket, run the splitter handler on the upload's S3 event,
//! then run the evaluator handler on SQS batches received from the queue, with the template's
//! batch size and concurrency cap, partial batch failures, and the queue's own redrive policy
//! moving poison messages to the DLQ. Prints progress, a summary and the top jobs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, QueueAttributeName};
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
    let dlq_url = create_queue(&sqs, &format!("{}-dlq", args.queue), HashMap::new()).await?;
    let dlq_arn = sqs
        .get_queue_attributes()
        .queue_url(&dlq_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await?
        .attributes
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .context("the DLQ has no ARN")?;
    let redrive = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"{}"}}"#, args.max_receive_count);
    let queue_url = create_queue(
        &sqs,
        &args.queue,
        HashMap::from([
            (QueueAttributeName::RedrivePolicy, redrive),
            (QueueAttributeName::VisibilityTimeout, args.visibility_timeout.to_string()),
        ]),
    )
    .await?;

    // Upload, and the splitter on the upload's S3 event.
    let name = args.file.file_name().context("FILE has no file name")?.to_string_lossy().to_string();
    let key = format!("uploads/{name}");
    let body = ByteStream::from_path(&args.file).await.with_context(|| format!("read {}", args.file.display()))?;
    s3.put_object().bucket(&args.bucket).key(&key).body(body).send().await.with_context(|| format!("upload {key}"))?;
    eprintln!("uploaded {} to s3://{}/{key}", args.file.display(), args.bucket);

    let evaluator = Arc::new(Evaluator::from_env().await?);
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
    let mut pollers = Vec::new();
    for _ in 0..args.max_concurrency.max(1) {
        let (sqs, url, evaluator, tally) = (sqs.clone(), queue_url.clone(), evaluator.clone(), tally.clone());
        let (batch, timeout) = (args.batch_size.clamp(1, 10), Duration::from_secs(args.timeout));
        pollers.push(tokio::spawn(async move { poll(&sqs, &url, &evaluator, batch, timeout, &tally).await }));
    }
    let progress = {
        let tally = tally.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let elapsed = started.elapsed().as_secs_f64();
                eprint!(
                    "\revaluator: scored {}, skipped {}, already {}, failures {} ({:.1} jobs/s)   ",
                    tally.scored.load(Ordering::Relaxed),
                    tally.skipped.load(Ordering::Relaxed),
                    tally.already.load(Ordering::Relaxed),
                    tally.failed.load(Ordering::Relaxed),
                    tally.scored.load(Ordering::Relaxed) as f64 / elapsed
                );
            }
        })
    };
    for p in pollers {
        p.await??;
    }
    progress.abort();
    eprintln!();

    let dlq_depth = depth(&sqs, &dlq_url).await?;
    let client = evaluator.db.get().await.context("connect to Postgres")?;
    let alerts = tally.alerted.load(Ordering::Relaxed);
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
            upflow::web::format::budget_text(item)
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
        tally.scored.load(Ordering::Relaxed),
        tally.skipped.load(Ordering::Relaxed),
        tally.already.load(Ordering::Relaxed),
        tally.failed.load(Ordering::Relaxed),
        dlq_depth,
        alerts,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Default)]
struct Tally {
    scored: AtomicU64,
    skipped: AtomicU64,
    already: AtomicU64,
    failed: AtomicU64,
    alerted: AtomicU64,
}

/// One "evaluator instance": receive a batch, run the handler, delete what succeeded; stop when
/// the queue holds nothing, visible or in flight.
async fn poll(
    sqs: &aws_sdk_sqs::Client,
    url: &str,
    evaluator: &Evaluator,
    batch: i32,
    timeout: Duration,
    tally: &Tally,
) -> anyhow::Result<()> {
    loop {
        let received = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(batch)
            .wait_time_seconds(1)
            .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
            .send()
            .await?;
        let messages = received.messages.unwrap_or_default();
        if messages.is_empty() {
            if depth_in_flight(sqs, url).await? == 0 {
                return Ok(());
            }
            continue;
        }
        let records: Vec<serde_json::Value> = messages
            .iter()
            .map(|m| {
                serde_json::json!({
                    "messageId": m.message_id,
                    "receiptHandle": m.receipt_handle,
                    "body": m.body,
                    "attributes": m.attributes.as_ref().map(|a| a.iter().map(|(k, v)| (k.as_str().to_string(), v.clone())).collect::<HashMap<_, _>>()).unwrap_or_default(),
                    "messageAttributes": {},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:local:000000000000:upflow-jobs",
                    "awsRegion": "us-east-1"
                })
            })
            .collect();
        let event: aws_lambda_events::event::sqs::SqsEvent =
            serde_json::from_value(serde_json::json!({ "Records": records }))?;
        let deadline = tokio::time::Instant::now() + timeout.saturating_sub(evaluator::SAFETY_MARGIN);
        let (response, report) = evaluator::handle_with_report(event, deadline, evaluator).await;
        let failed: Vec<&str> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
        tally.failed.fetch_add(failed.len() as u64, Ordering::Relaxed);
        tally.scored.fetch_add(u64::from(report.scored), Ordering::Relaxed);
        tally.skipped.fetch_add(u64::from(report.skipped), Ordering::Relaxed);
        tally.already.fetch_add(u64::from(report.already), Ordering::Relaxed);
        tally.alerted.fetch_add(u64::from(report.alerted), Ordering::Relaxed);
        if let Some(fatal) = &report.fatal {
            anyhow::bail!("the evaluator stopped: {fatal}");
        }
        let done: Vec<DeleteMessageBatchRequestEntry> = messages
            .iter()
            .filter(|m| !failed.contains(&m.message_id.as_deref().unwrap_or_default()))
            .enumerate()
            .filter_map(|(i, m)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(m.receipt_handle.clone()?)
                    .build()
                    .ok()
            })
            .collect();
        if !done.is_empty() {
            sqs.delete_message_batch().queue_url(url).set_entries(Some(done)).send().await?;
        }
    }
}

async fn create_queue(
    sqs: &aws_sdk_sqs::Client,
    name: &str,
    attributes: HashMap<QueueAttributeName, String>,
) -> anyhow::Result<String> {
    let out = sqs.create_queue().queue_name(name).set_attributes(Some(attributes.clone())).send().await;
    match out {
        Ok(o) => o.queue_url.context("CreateQueue returned no URL"),
        Err(e) => {
            // Created earlier with other attributes: bring them up to date.
            let url = sqs
                .get_queue_url()
                .queue_name(name)
                .send()
                .await
                .map_err(|_| anyhow::anyhow!("create queue {name}: {e}"))?
                .queue_url
                .context("GetQueueUrl returned no URL")?;
            if !attributes.is_empty() {
                sqs.set_queue_attributes().queue_url(&url).set_attributes(Some(attributes)).send().await?;
            }
            Ok(url)
        }
    }
}

async fn attribute(sqs: &aws_sdk_sqs::Client, url: &str, name: QueueAttributeName) -> anyhow::Result<u64> {
    let out = sqs.get_queue_attributes().queue_url(url).attribute_names(name.clone()).send().await?;
    Ok(out.attributes.and_then(|a| a.get(&name).and_then(|v| v.parse().ok())).unwrap_or(0))
}

async fn depth(sqs: &aws_sdk_sqs::Client, url: &str) -> anyhow::Result<u64> {
    attribute(sqs, url, QueueAttributeName::ApproximateNumberOfMessages).await
}

async fn depth_in_flight(sqs: &aws_sdk_sqs::Client, url: &str) -> anyhow::Result<u64> {
    Ok(depth(sqs, url).await? + attribute(sqs, url, QueueAttributeName::ApproximateNumberOfMessagesNotVisible).await?)
}

async fn rejected_rows(evaluator: &Evaluator, ingest_id: i64) -> anyhow::Result<Vec<(i32, String)>> {
    let client = evaluator.db.get().await.context("connect to Postgres")?;
    let rows = client
        .query(
            "SELECT row_number, reason FROM rejected_rows WHERE ingest_id = $1 ORDER BY row_number LIMIT 50",
            &[&ingest_id],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}
