//! The splitter Lambda: translates S3 `ObjectCreated` events into [`Splitter::ingest_object`]
//! calls. Everything else lives in the `upflow` library.

use aws_lambda_events::event::s3::S3Event;
use lambda_runtime::Error;
use upflow::blob::decode_event_key;
use upflow::queue::sqs::SqsQueue;
use upflow::split::{IngestReport, Splitter, SplitterConfig};
use upflow::store::migrate::migrate;

/// The splitter as deployed: SQS as its queue.
pub type LambdaSplitter = Splitter<SqsQueue>;

/// Builds the splitter from the environment (`DATABASE_URL`, `DATABASE_CA_FILE`,
/// `JOBS_QUEUE_URL`, `INGEST_BATCH_SIZE`) and applies pending migrations.
pub async fn from_env() -> Result<LambdaSplitter, Error> {
    let database = upflow::config::DatabaseConfig::from_env()?;
    let queue_url = upflow::config::required("JOBS_QUEUE_URL")?;
    let batch_size =
        upflow::config::number("INGEST_BATCH_SIZE", SplitterConfig::default().batch_size)?;
    let db = database.pool()?;
    {
        let mut client = db
            .get()
            .await
            .map_err(|e| format!("connect to Postgres: {e}"))?;
        migrate(&mut client).await?;
    }
    let aws = upflow::aws::sdk_config().await;
    Ok(Splitter {
        db,
        s3: upflow::aws::s3_client(&aws),
        queue: SqsQueue {
            client: upflow::aws::sqs_client(&aws),
            url: queue_url,
        },
        config: SplitterConfig {
            batch_size: batch_size.max(1),
            ..SplitterConfig::default()
        },
    })
}

/// Handles one S3 event: every `ObjectCreated` record is ingested, in order. Records that fail
/// in a way worth retrying make the invocation fail (after the others were done), so Lambda
/// redelivers the event; the already-ingested objects are skipped then.
pub async fn handle<Q: upflow::queue::BatchSink>(
    event: S3Event,
    splitter: &Splitter<Q>,
) -> Result<Vec<IngestReport>, Error> {
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for record in event.records {
        let name = record.event_name.as_deref().unwrap_or_default();
        if !name.starts_with("ObjectCreated") {
            tracing::info!(event_name = name, "not an ObjectCreated record; ignored");
            continue;
        }
        let (Some(bucket), Some(raw_key)) = (
            record.s3.bucket.name.as_deref(),
            record.s3.object.key.as_deref(),
        ) else {
            failures.push("an S3 record without a bucket name or object key".to_string());
            continue;
        };
        let key = decode_event_key(raw_key);
        match splitter.ingest_object(bucket, &key).await {
            Ok(report) => reports.push(report),
            Err(e) => {
                tracing::error!(bucket, key, error = %e, "ingest failed; the event will be retried");
                failures.push(e.to_string());
            }
        }
    }
    if failures.is_empty() {
        Ok(reports)
    } else {
        Err(failures.join("; ").into())
    }
}
