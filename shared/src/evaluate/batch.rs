//! A batch of queue messages, evaluated with a concurrency cap. One bad job never fails its
//! batch: each failed message is reported on its own, and its error is recorded against the
//! job (with whether this was the message's last receive, so the audit can name what went to
//! the DLQ). A fatal error (the key or account is refused) stops the batch: the messages not yet
//! attempted are reported failed untouched, so they come back later instead of burning through
//! their receives.
//!
//! A job that must wait for the provider's limits (or for another delivery's claim) is not a
//! failure: it is sent again with the wait as its delay (SQS allows 15 minutes; a longer wait
//! rides in the message as `not_before` and is passed on until then) and the original is
//! acknowledged, so the queue's receives count only real failures.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use tokio::time::Instant;

use super::{Evaluator, Failure, JobOutcome};
use crate::queue::sqs::MAX_DELAY;
use crate::queue::JobMessage;
use crate::store::failures;

/// Alerts retried at the end of a batch, at most.
const ALERT_RETRIES_PER_BATCH: i64 = 5;

/// One queue message.
#[derive(Debug, Clone)]
pub struct Message {
    /// SQS's message id (what a batch item failure names).
    pub id: String,
    pub body: String,
    /// SQS's `ApproximateReceiveCount`: this delivery's number, when known.
    pub receive_count: Option<u32>,
}

impl Message {
    pub fn new(id: impl Into<String>, body: impl Into<String>) -> Message {
        Message { id: id.into(), body: body.into(), receive_count: None }
    }
}

/// What a batch came to.
#[derive(Debug, Clone, Default)]
pub struct BatchReport {
    /// Message ids to report as failed (they return to the queue).
    pub failed: Vec<String>,
    pub scored: u32,
    pub skipped: u32,
    pub already: u32,
    /// Put back to wait for the provider's limits (acknowledged, sent again with a delay).
    pub deferred: u32,
    /// Failed on their last receive: the queue moves them to the DLQ.
    pub dead_lettered: u32,
    pub alerted: u32,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// The fatal error that stopped the batch, if one did.
    pub fatal: Option<String>,
}

/// What handling one message came to.
enum Handled {
    Done(JobOutcome),
    Deferred,
    /// `waiting`: it only had to wait (no queue to put it back on); recorded as a failure only
    /// when this was its last receive.
    Failed {
        job_id: Option<String>,
        why: String,
        fatal: bool,
        waiting: bool,
    },
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
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
                    let handled = if halted.load(Ordering::SeqCst) {
                        Handled::Failed {
                            job_id: None,
                            why: "not attempted: an earlier job hit a fatal error".into(),
                            fatal: false,
                            waiting: false,
                        }
                    } else {
                        self.handle(&message, deadline).await
                    };
                    let last_receive = message.receive_count.is_some_and(|n| n >= self.max_receive_count);
                    if let Handled::Failed { job_id: Some(job_id), why, waiting, .. } = &handled {
                        if !waiting || last_receive {
                            self.record_failure(job_id, why, last_receive).await;
                        }
                    }
                    let mut r = report.lock().expect("report lock");
                    match handled {
                        Handled::Done(JobOutcome::Scored { alerted, prompt_tokens, completion_tokens, .. }) => {
                            r.scored += 1;
                            r.alerted += u32::from(alerted);
                            r.prompt_tokens += u64::from(prompt_tokens);
                            r.completion_tokens += u64::from(completion_tokens);
                        }
                        Handled::Done(JobOutcome::Skipped { .. }) => r.skipped += 1,
                        Handled::Done(JobOutcome::AlreadyEvaluated) => r.already += 1,
                        Handled::Deferred => r.deferred += 1,
                        Handled::Failed { why, fatal, .. } => {
                            if fatal {
                                tracing::error!(message_id = %message.id, error = %why, "fatal scoring error; stopping the batch");
                                halted.store(true, Ordering::SeqCst);
                                r.fatal.get_or_insert(why);
                            } else if last_receive {
                                tracing::error!(message_id = %message.id, error = %why, receives = message.receive_count, "job failed on its last receive; it goes to the DLQ");
                            } else {
                                tracing::warn!(message_id = %message.id, error = %why, "job failed; it goes back to the queue");
                            }
                            r.dead_lettered += u32::from(last_receive);
                            r.failed.push(message.id);
                        }
                    }
                }
            })
            .await;
        let mut report = report.into_inner().expect("report lock");
        // Alerts that failed earlier (or whose sender vanished) and are due: a few per batch.
        if let (Some(alerter), None) = (&self.alerter, &report.fatal) {
            report.alerted += alerter.retry_due(&self.db, &self.profile, ALERT_RETRIES_PER_BATCH, deadline).await;
        }
        report
    }

    async fn handle(&self, message: &Message, deadline: Instant) -> Handled {
        let m = match JobMessage::from_body(&message.body) {
            Ok(m) => m,
            Err(why) => return Handled::Failed { job_id: None, why, fatal: false, waiting: false },
        };
        if let Some(left) = m.not_before.map(|t| t - unix_now()).filter(|left| *left > 1) {
            // Still waiting for a quota's reset: pass it on, no database, no LLM.
            let wait = Duration::from_secs(left as u64);
            return self.put_back(m, wait, "waiting for the provider's quota to reset".into(), false).await;
        }
        match self.evaluate(&m.job_id, deadline).await {
            Ok(outcome) => Handled::Done(outcome),
            Err(Failure::Defer { wait, why }) if m.deferrals < self.max_deferrals => {
                self.put_back(m, wait, why, true).await
            }
            Err(Failure::Defer { why, .. }) => Handled::Failed {
                why: format!("{why} (put back to wait {} times already)", m.deferrals),
                job_id: Some(m.job_id),
                fatal: false,
                waiting: false,
            },
            Err(Failure::Retry(why)) => Handled::Failed { job_id: Some(m.job_id), why, fatal: false, waiting: false },
            Err(Failure::Fatal(why)) => Handled::Failed { job_id: Some(m.job_id), why, fatal: true, waiting: false },
        }
    }

    /// Sends the job again to become visible after `wait` (with up to a fifth more, so jobs put
    /// back together do not all return at once); the original message is then acknowledged.
    async fn put_back(&self, mut m: JobMessage, wait: Duration, why: String, new_wait: bool) -> Handled {
        let Some(queue) = &self.requeue else {
            return Handled::Failed { job_id: Some(m.job_id), why, fatal: false, waiting: true };
        };
        let wait = wait.max(Duration::from_secs(1)).mul_f64(1.0 + rand::random::<f64>() * 0.2);
        if new_wait {
            m.deferrals += 1;
        }
        m.not_before = (wait > MAX_DELAY).then(|| unix_now() + wait.as_secs() as i64);
        match queue.send_delayed(&m.to_body(), wait).await {
            Ok(()) => {
                tracing::info!(job_id = %m.job_id, wait_s = wait.as_secs_f64(), deferrals = m.deferrals, reason = %why, "job put back to wait");
                Handled::Deferred
            }
            Err(e) => Handled::Failed {
                job_id: Some(m.job_id),
                why: format!("{why}; putting it back failed: {e}"),
                fatal: false,
                waiting: false,
            },
        }
    }

    async fn record_failure(&self, job_id: &str, why: &str, dead_lettered: bool) {
        let recorded = match self.db.get().await {
            Ok(client) => failures::record(&**client, job_id, &self.profile.version, why, dead_lettered).await,
            Err(e) => Err(anyhow::anyhow!("connect to Postgres: {e}")),
        };
        if let Err(e) = recorded {
            tracing::warn!(job_id, error = %format!("{e:#}"), "failure not recorded");
        }
    }
}
