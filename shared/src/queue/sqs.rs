//! [`BatchSink`] over Amazon SQS's `SendMessageBatch`.

use aws_sdk_sqs::types::SendMessageBatchRequestEntry;

use super::sender::{BatchSink, EntryFailure};

/// A queue, by URL, with the client built once per process.
#[derive(Debug, Clone)]
pub struct SqsQueue {
    pub client: aws_sdk_sqs::Client,
    pub url: String,
}

/// SQS's longest message delay.
pub const MAX_DELAY: std::time::Duration = std::time::Duration::from_secs(900);

impl SqsQueue {
    /// Sends one message that becomes visible after `delay` (at most [`MAX_DELAY`]): a new
    /// message, so the wait does not use up one of the original's receives.
    pub async fn send_delayed(&self, body: &str, delay: std::time::Duration) -> Result<(), String> {
        let secs = delay.min(MAX_DELAY).as_secs_f64().ceil() as i32;
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .delay_seconds(secs.clamp(0, MAX_DELAY.as_secs() as i32))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| format!("SendMessage to {}: {}", self.url, aws_sdk_sqs::error::DisplayErrorContext(&e)))
    }
}

impl BatchSink for SqsQueue {
    async fn send_batch(&self, bodies: &[String]) -> Result<Vec<EntryFailure>, String> {
        let entries = bodies
            .iter()
            .enumerate()
            .map(|(i, body)| {
                SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(body)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let out =
            self.client.send_message_batch().queue_url(&self.url).set_entries(Some(entries)).send().await.map_err(
                |e| format!("SendMessageBatch to {}: {}", self.url, aws_sdk_sqs::error::DisplayErrorContext(&e)),
            )?;
        Ok(out
            .failed
            .into_iter()
            .map(|f| EntryFailure {
                index: f.id.parse().unwrap_or(usize::MAX),
                code: f.code,
                message: f.message.unwrap_or_default(),
                sender_fault: f.sender_fault,
            })
            .collect())
    }
}
