//! A batch of queue messages, evaluated with a concurrency cap. One bad job never fails its
//! batch: each failed message is reported on its own. A fatal error (the key or account is
//! refused) stops the batch: the messages not yet attempted are reported failed untouched, so
//! they come back later instead of burning through their receives.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use futures::StreamExt;
use tokio::time::Instant;

use super::{Evaluator, Failure, JobOutcome};
use crate::queue::JobMessage;

/// One queue message.
#[derive(Debug, Clone)]
pub struct Message {
    /// SQS's message id (what a batch item failure names).
    pub id: String,
    pub body: String,
}

/// What a batch came to.
#[derive(Debug, Clone, Default)]
pub struct BatchReport {
    /// Message ids to report as failed (they return to the queue).
    pub failed: Vec<String>,
    pub scored: u32,
    pub skipped: u32,
    pub already: u32,
    pub alerted: u32,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// The fatal error that stopped the batch, if one did.
    pub fatal: Option<String>,
}

impl Evaluator {
    /// Evaluates every message, at most `self.concurrency` at once.
    pub async fn evaluate_batch(&self, messages: Vec<Message>, deadline: Instant) -> BatchReport {
        let halted = AtomicBool::new(false);
        let report = Mutex::new(BatchReport::default());
        let concurrency = self.concurrency.max(1);
        futures::stream::iter(messages)
            .for_each_concurrent(concurrency, |message| {
                let (halted, report) = (&halted, &report);
                async move {
                    let outcome = if halted.load(Ordering::SeqCst) {
                        Err(Failure::Retry("not attempted: an earlier job hit a fatal error".into()))
                    } else {
                        match JobMessage::from_body(&message.body) {
                            Ok(m) => self.evaluate(&m.job_id, deadline).await,
                            Err(e) => Err(Failure::Retry(e)),
                        }
                    };
                    let mut r = report.lock().expect("report lock");
                    match outcome {
                        Ok(JobOutcome::Scored { alerted, prompt_tokens, completion_tokens, .. }) => {
                            r.scored += 1;
                            r.alerted += u32::from(alerted);
                            r.prompt_tokens += u64::from(prompt_tokens);
                            r.completion_tokens += u64::from(completion_tokens);
                        }
                        Ok(JobOutcome::Skipped { .. }) => r.skipped += 1,
                        Ok(JobOutcome::AlreadyEvaluated) => r.already += 1,
                        Err(Failure::Retry(why)) => {
                            tracing::warn!(message_id = %message.id, error = %why, "job failed; it goes back to the queue");
                            r.failed.push(message.id);
                        }
                        Err(Failure::Fatal(why)) => {
                            tracing::error!(message_id = %message.id, error = %why, "fatal scoring error; stopping the batch");
                            halted.store(true, Ordering::SeqCst);
                            r.fatal.get_or_insert(why);
                            r.failed.push(message.id);
                        }
                    }
                }
            })
            .await;
        report.into_inner().expect("report lock")
    }
}
