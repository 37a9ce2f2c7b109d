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
/// `JOBS_QUEUE_URL`, `INGEST_BATCH_SIZE`, `PROFILE_PATH`) and applies pending migrations.
pub async fn from_env() -> Result<LambdaSplitter, Error> {
    let database = upflow::config::DatabaseConfig::from_env()?;
    let queue_url = upflow::config::required("JOBS_QUEUE_URL")?;
    let batch_size = upflow::config::number("INGEST_BATCH_SIZE", SplitterConfig::default().batch_size)?;
    let db = database.pool()?;
    {
        let mut client = db.get().await.map_err(|e| format!("connect to Postgres: {e}"))?;
        migrate(&mut client).await?;
    }
    let profile = upflow::profile::LoadedProfile::from_env()?;
    let aws = upflow::aws::sdk_config().await;
    Ok(Splitter {
        db,
        profile_version: profile.version,
        s3: upflow::aws::s3_client(&aws),
        queue: SqsQueue { client: upflow::aws::sqs_client(&aws), url: queue_url },
        config: SplitterConfig { batch_size: batch_size.max(1), ..SplitterConfig::default() },
    })
}

/// Handles one S3 event: every `ObjectCreated` record is ingested, in order. Records that fail
/// in a way worth retrying make the invocation fail (after the others were done), so Lambda
/// redelivers the event; the already-ingested objects are skipped then. An object that another
/// invocation is ingesting right now (S3 delivered the event twice) is no failure: it is
/// reported `InProgress` and the invocation succeeds; should that other invocation die, its own
/// redelivery takes the ingest over once the lease has run out.
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
        let (Some(bucket), Some(raw_key)) = (record.s3.bucket.name.as_deref(), record.s3.object.key.as_deref()) else {
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

/// The event S3 sends for an upload of `key` to `bucket` (the key URL-encoded as S3 does), for
/// running the handler outside Lambda.
pub fn s3_event(bucket: &str, key: &str) -> S3Event {
    let encoded: String = key
        .split(' ')
        .map(|part| percent_encoding::utf8_percent_encode(part, KEY_ESCAPES).to_string())
        .collect::<Vec<_>>()
        .join("+");
    serde_json::from_value(serde_json::json!({
        "Records": [{
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()),
            "eventTime": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "eventName": "ObjectCreated:Put",
            "userIdentity": {"principalId": "upflow-local"},
            "requestParameters": {"sourceIPAddress": "127.0.0.1"},
            "responseElements": {},
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": "upflow-local",
                "bucket": {"name": bucket, "ownerIdentity": {"principalId": "upflow-local"}, "arn": format!("arn:aws:s3:::{bucket}")},
                "object": {"key": encoded}
            }
        }]
    }))
    .expect("a well-formed S3 event")
}

/// What S3 escapes in event keys (besides the space, sent as `+`).
const KEY_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'!');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_events_carry_the_key_encoded_as_s3_does() {
        let event = s3_event("b", "uploads/my jobs+1 (2).csv");
        let key = event.records[0].s3.object.key.clone().unwrap();
        assert_eq!(key, "uploads/my+jobs%2B1+(2).csv");
        assert_eq!(decode_event_key(&key), "uploads/my jobs+1 (2).csv");
        assert_eq!(event.records[0].s3.bucket.name.as_deref(), Some("b"));
    }
}
