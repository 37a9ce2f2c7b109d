//! [`BatchSink`] over Amazon SQS's `SendMessageBatch`.

use aws_sdk_sqs::types::SendMessageBatchRequestEntry;

use super::sender::{BatchSink, EntryFailure};

/// A queue, by URL, with the client built once per process.
#[derive(Debug, Clone)]
pub struct SqsQueue {
    pub client: aws_sdk_sqs::Client,
    pub url: String,
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
