//! The evaluator Lambda: translates an SQS batch into [`Evaluator::evaluate_batch`] and its
//! report into an `SqsBatchResponse` naming the messages that failed (so one bad job never
//! fails its batch; the queue's redrive policy moves a message to the DLQ after its receives).

pub mod local;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use tokio::time::Instant;
use upflow::evaluate::{Evaluator, Message};

/// Time kept back from the Lambda deadline to report the batch.
pub const SAFETY_MARGIN: Duration = Duration::from_secs(3);

/// The deadline to work to, from the invocation's deadline (milliseconds since the epoch).
pub fn work_deadline(lambda_deadline_ms: u64) -> Instant {
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    let left = Duration::from_millis(lambda_deadline_ms.saturating_sub(now_ms));
    Instant::now() + left.saturating_sub(SAFETY_MARGIN)
}

/// Handles one SQS batch.
pub async fn handle(event: SqsEvent, deadline: Instant, evaluator: &Evaluator) -> SqsBatchResponse {
    handle_with_report(event, deadline, evaluator).await.0
}

/// Handles one SQS batch and also returns what it did (for local runs that report progress).
pub async fn handle_with_report(
    event: SqsEvent,
    deadline: Instant,
    evaluator: &Evaluator,
) -> (SqsBatchResponse, upflow::evaluate::BatchReport) {
    let mut unnamed = 0;
    let messages: Vec<Message> = event
        .records
        .into_iter()
        .filter_map(|r| {
            let Some(id) = r.message_id else {
                unnamed += 1;
                return None;
            };
            let receive_count = r.attributes.get("ApproximateReceiveCount").and_then(|n| n.parse().ok());
            Some(Message { id, body: r.body.unwrap_or_default(), receive_count })
        })
        .collect();
    if unnamed > 0 {
        tracing::error!(count = unnamed, "SQS records without a message id cannot be reported; ignored");
    }
    let count = messages.len();
    let report = evaluator.evaluate_batch(messages, deadline).await;
    tracing::info!(
        messages = count,
        scored = report.scored,
        skipped = report.skipped,
        already = report.already,
        deferred = report.deferred,
        failed = report.failed.len(),
        dead_lettered = report.dead_lettered,
        alerted = report.alerted,
        prompt_tokens = report.prompt_tokens,
        completion_tokens = report.completion_tokens,
        fatal = report.fatal.as_deref().unwrap_or(""),
        "batch done"
    );
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = report
        .failed
        .iter()
        .cloned()
        .map(|id| {
            let mut f = BatchItemFailure::default();
            f.item_identifier = id;
            f
        })
        .collect();
    (response, report)
}
