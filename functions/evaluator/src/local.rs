//! The SQS event source mapping, run on this machine: what Lambda does for the evaluator in
//! AWS (receive a batch, invoke the handler, delete the messages it did not report failed, let
//! the queue's redrive policy move a message to the DLQ after its receives), for `upflow
//! local-run` and the end-to-end tests.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, MessageSystemAttributeName, QueueAttributeName};
use upflow::evaluate::Evaluator;

/// Counts over every invocation, for progress lines and summaries.
#[derive(Debug, Default)]
pub struct Tally {
    pub invocations: AtomicU64,
    pub scored: AtomicU64,
    pub skipped: AtomicU64,
    pub already: AtomicU64,
    pub deferred: AtomicU64,
    /// Messages reported failed (each returns to the queue, or goes to the DLQ).
    pub failed: AtomicU64,
    pub alerted: AtomicU64,
}

impl Tally {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// A jobs queue with its DLQ, as the template creates them.
#[derive(Debug, Clone)]
pub struct Queues {
    pub url: String,
    pub dlq_url: String,
}

/// Creates (or updates) the queue `name` and its DLQ `name-dlq`, with the redrive policy after
/// `max_receive_count` receives and `visibility_timeout`.
pub async fn create_queues(
    sqs: &aws_sdk_sqs::Client,
    name: &str,
    visibility_timeout: Duration,
    max_receive_count: u32,
) -> anyhow::Result<Queues> {
    let dlq_url = create_queue(sqs, &format!("{name}-dlq"), HashMap::new()).await?;
    let dlq_arn = sqs
        .get_queue_attributes()
        .queue_url(&dlq_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await?
        .attributes
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .context("the DLQ has no ARN")?;
    let redrive = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"{max_receive_count}"}}"#);
    let url = create_queue(
        sqs,
        name,
        HashMap::from([
            (QueueAttributeName::RedrivePolicy, redrive),
            (QueueAttributeName::VisibilityTimeout, visibility_timeout.as_secs().to_string()),
        ]),
    )
    .await?;
    Ok(Queues { url, dlq_url })
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

/// Messages visible on the queue now.
pub async fn depth(sqs: &aws_sdk_sqs::Client, url: &str) -> anyhow::Result<u64> {
    attribute(sqs, url, QueueAttributeName::ApproximateNumberOfMessages).await
}

/// Messages visible, in flight or delayed: the work the queue still holds.
pub async fn outstanding(sqs: &aws_sdk_sqs::Client, url: &str) -> anyhow::Result<u64> {
    Ok(depth(sqs, url).await?
        + attribute(sqs, url, QueueAttributeName::ApproximateNumberOfMessagesNotVisible).await?
        + attribute(sqs, url, QueueAttributeName::ApproximateNumberOfMessagesDelayed).await?)
}

/// One "evaluator instance" of the event source mapping.
#[derive(Debug, Clone)]
pub struct Poller {
    pub sqs: aws_sdk_sqs::Client,
    pub queue_url: String,
    /// Messages per invocation (the template's batch size).
    pub batch_size: i32,
    /// How long an invocation may run (the function's timeout).
    pub timeout: Duration,
}

impl Poller {
    /// Receives batches and invokes the handler until the queue holds nothing, visible, in
    /// flight or delayed.
    pub async fn run(&self, evaluator: &Evaluator, tally: &Tally) -> anyhow::Result<()> {
        loop {
            let received = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(self.batch_size.clamp(1, 10))
                .wait_time_seconds(1)
                .message_system_attribute_names(MessageSystemAttributeName::All)
                .send()
                .await?;
            let messages = received.messages.unwrap_or_default();
            if messages.is_empty() {
                if outstanding(&self.sqs, &self.queue_url).await? == 0 {
                    return Ok(());
                }
                continue;
            }
            let records: Vec<serde_json::Value> = messages
                .iter()
                .map(|m| {
                    let attributes: HashMap<String, String> = m
                        .attributes
                        .as_ref()
                        .map(|a| a.iter().map(|(k, v)| (k.as_str().to_string(), v.clone())).collect())
                        .unwrap_or_default();
                    serde_json::json!({
                        "messageId": m.message_id,
                        "receiptHandle": m.receipt_handle,
                        "body": m.body,
                        "attributes": attributes,
                        "messageAttributes": {},
                        "eventSource": "aws:sqs",
                        "eventSourceARN": "arn:aws:sqs:local:000000000000:upflow-jobs",
                        "awsRegion": "us-east-1"
                    })
                })
                .collect();
            let event: aws_lambda_events::event::sqs::SqsEvent =
                serde_json::from_value(serde_json::json!({ "Records": records }))?;
            let deadline = tokio::time::Instant::now() + self.timeout.saturating_sub(crate::SAFETY_MARGIN);
            let (response, report) = crate::handle_with_report(event, deadline, evaluator).await;
            let failed: Vec<&str> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
            tally.invocations.fetch_add(1, Ordering::Relaxed);
            tally.failed.fetch_add(failed.len() as u64, Ordering::Relaxed);
            tally.scored.fetch_add(u64::from(report.scored), Ordering::Relaxed);
            tally.skipped.fetch_add(u64::from(report.skipped), Ordering::Relaxed);
            tally.already.fetch_add(u64::from(report.already), Ordering::Relaxed);
            tally.deferred.fetch_add(u64::from(report.deferred), Ordering::Relaxed);
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
                self.sqs.delete_message_batch().queue_url(&self.queue_url).set_entries(Some(done)).send().await?;
            }
        }
    }
}

/// Runs `instances` pollers at once (the event source's maximum concurrency) to the end.
pub async fn run_all(poller: &Poller, instances: usize, evaluator: &Evaluator, tally: &Tally) -> anyhow::Result<()> {
    let runs = (0..instances.max(1)).map(|_| poller.run(evaluator, tally));
    futures::future::try_join_all(runs).await?;
    Ok(())
}
