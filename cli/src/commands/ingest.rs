//! `upflow ingest FILE`: the splitter, locally, the way Lambda runs it: upload FILE to the
//! uploads bucket, then hand the splitter handler the S3 event that upload produces.
//!
//! Needs `DATABASE_URL`, and AWS settings pointing at S3/SQS (`AWS_ENDPOINT_URL` for a local
//! server). The bucket and queue are created when missing.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use aws_sdk_s3::primitives::ByteStream;
use upflow::queue::sqs::SqsQueue;
use upflow::split::{IngestStatus, Splitter, SplitterConfig};

#[derive(clap::Args)]
pub struct Args {
    /// The export to upload and ingest.
    file: PathBuf,
    /// The uploads bucket.
    #[arg(long, env = "UPLOADS_BUCKET", default_value = "upflow-uploads")]
    bucket: String,
    /// The jobs queue's name (created when missing).
    #[arg(long, env = "JOBS_QUEUE_NAME", default_value = "upflow-jobs")]
    queue: String,
    /// Key prefix of the upload.
    #[arg(long, default_value = "uploads/")]
    prefix: String,
}

pub fn run(args: &Args) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    match runtime.block_on(ingest(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("upflow ingest: {e:#}");
            ExitCode::from(1)
        }
    }
}

async fn ingest(args: &Args) -> anyhow::Result<ExitCode> {
    let aws = upflow::aws::sdk_config().await;
    let s3 = upflow::aws::s3_client(&aws);
    let sqs = upflow::aws::sqs_client(&aws);
    if s3.head_bucket().bucket(&args.bucket).send().await.is_err() {
        s3.create_bucket()
            .bucket(&args.bucket)
            .send()
            .await
            .with_context(|| format!("create bucket {}", args.bucket))?;
    }
    let queue_url = sqs
        .create_queue()
        .queue_name(&args.queue)
        .send()
        .await
        .with_context(|| format!("create queue {}", args.queue))?
        .queue_url
        .context("CreateQueue returned no URL")?;

    let name = args.file.file_name().context("FILE has no file name")?.to_string_lossy();
    let key = format!("{}{name}", args.prefix);
    let body = ByteStream::from_path(&args.file).await.with_context(|| format!("read {}", args.file.display()))?;
    s3.put_object().bucket(&args.bucket).key(&key).body(body).send().await.with_context(|| format!("upload {key}"))?;
    eprintln!("uploaded s3://{}/{key}", args.bucket);

    let db = upflow::config::DatabaseConfig::from_env()?.pool()?;
    upflow::store::migrate::migrate(&mut db.get().await.context("connect to Postgres")?).await?;
    let profile = upflow::profile::LoadedProfile::from_env()?;
    let splitter = Splitter {
        profile_version: profile.version,
        db,
        s3,
        queue: SqsQueue { client: sqs, url: queue_url },
        config: SplitterConfig::default(),
    };
    let event = splitter::s3_event(&args.bucket, &key);
    let reports = splitter::handle(event, &splitter).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut code = ExitCode::SUCCESS;
    for report in reports {
        let t = report.totals;
        let c = t.counts;
        match report.status {
            IngestStatus::AlreadyIngested => eprintln!("{key}: this version was ingested before (ingest {}); nothing to do", report.ingest_id),
            IngestStatus::Failed => {
                eprintln!("{key}: ingest {} failed: {}", report.ingest_id, report.error.unwrap_or_default());
                code = ExitCode::from(2);
            }
            IngestStatus::Succeeded => eprintln!(
                "{key}: ingest {}: rows {}, jobs {} (new or changed {}, unchanged {}), queued for scoring {}, rejected {}, duplicates {}",
                report.ingest_id, c.rows, c.parsed, t.stored, t.unchanged, t.enqueued, c.rejected, c.duplicates
            ),
        }
        if c.rejected > 0 {
            let client = splitter.db.get().await?;
            let rows = client
                .query(
                    "SELECT row_number, reason FROM rejected_rows WHERE ingest_id = $1 ORDER BY row_number LIMIT 50",
                    &[&report.ingest_id],
                )
                .await?;
            for row in rows {
                eprintln!("  row {}: {}", row.get::<_, i32>(0), row.get::<_, String>(1));
            }
        }
    }
    let depth = splitter
        .queue
        .client
        .get_queue_attributes()
        .queue_url(&splitter.queue.url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .ok()
        .and_then(|a| a.attributes)
        .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages).cloned());
    if let Some(depth) = depth {
        eprintln!("queue {} holds {depth} messages waiting for the evaluator", args.queue);
    }
    Ok(code)
}
