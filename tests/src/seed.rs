//! Jobs stored the way the splitter stores them, and the queue messages it would send.

use aws_lambda_events::event::sqs::SqsEvent;
use upflow::ingest::{read_all, ExportItem, ReadOptions};
use upflow::queue::JobMessage;
use upflow::store::{ingests, jobs, Db};

/// Parses `bytes` (an export named `name`) and stores its jobs; returns their ids in file order.
pub async fn store_export(db: &Db, name: &str, bytes: &[u8]) -> Vec<String> {
    let options = ReadOptions { name: name.into(), format: None, reference_time: chrono::Utc::now() };
    let (items, _) = read_all(bytes, &options).unwrap();
    let parsed: Vec<(u64, &upflow::Job)> = items
        .iter()
        .filter_map(|i| if let ExportItem::Job { row, job } = i { Some((*row, &**job)) } else { None })
        .collect();
    let client = db.get().await.unwrap();
    let ingests::Claim::Started(ingest_id) =
        ingests::claim(&**client, "test", name, &crate::unique_name("etag")).await.unwrap()
    else {
        panic!("claim")
    };
    let source = jobs::Source { ingest_id, bucket: "test", key: name, profile_version: "test" };
    let sourced: Vec<_> = parsed.iter().map(|(row, job)| jobs::SourcedJob { row: *row, job }).collect();
    jobs::upsert(&**client, &source, &sourced).await.unwrap();
    parsed.iter().map(|(_, j)| j.job_id.clone()).collect()
}

/// An SQS event carrying one message per `(message id, body)`, in the shape SQS delivers.
pub fn sqs_event(messages: &[(String, String)]) -> SqsEvent {
    let records: Vec<serde_json::Value> = messages
        .iter()
        .map(|(id, body)| {
            serde_json::json!({
                "messageId": id,
                "receiptHandle": format!("AQEB{id}"),
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1779604437000",
                    "SenderId": "AROAEXAMPLE:splitter",
                    "ApproximateFirstReceiveTimestamp": "1779604437100"
                },
                "messageAttributes": {},
                "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:upflow-jobs",
                "awsRegion": "us-east-1"
            })
        })
        .collect();
    serde_json::from_value(serde_json::json!({ "Records": records })).unwrap()
}

/// Messages for jobs, with message ids `m-<job id>`.
pub fn job_messages(ids: &[String]) -> Vec<(String, String)> {
    ids.iter().map(|id| (format!("m-{id}"), JobMessage::new(id, 1, "hash").to_body())).collect()
}

/// The first job of an export.
pub fn first_job(bytes: &[u8]) -> upflow::Job {
    let options = ReadOptions { name: "x.json".into(), format: None, reference_time: chrono::Utc::now() };
    let (items, _) = read_all(bytes, &options).unwrap();
    items.iter().find_map(ExportItem::job).cloned().unwrap()
}

/// `n` distinct jobs made from the real scraper fixture (new ids, URLs and titles), as export
/// records; `salt` keeps the ids of different tests apart.
pub fn generated_export(n: usize, salt: u64) -> Vec<serde_json::Value> {
    let base = crate::fixtures::records(crate::fixtures::SCRAPER);
    (0..n)
        .map(|i| {
            let mut r = base[i % base.len()].clone();
            let id = format!("{}", 7_100_000_000_000_000_000u64 + salt * 1_000_000 + i as u64);
            r["url"] = format!("https://www.upwork.com/jobs/~02{id}").into();
            r["title"] = format!("{} (#{i})", r["title"].as_str().unwrap_or("job")).into();
            r["id"] = id.into();
            r
        })
        .collect()
}
