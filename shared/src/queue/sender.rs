//! Sends messages in batches of ten, retrying failed entries with jittered exponential backoff.
//!
//! The transport is behind [`BatchSink`] so the retry logic is tested without a network and the
//! SQS adapter stays a thin translation.

use std::future::Future;
use std::time::Duration;

/// The most entries one `SendMessageBatch` call takes.
pub const BATCH_LIMIT: usize = 10;

/// One entry that a batch call did not accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFailure {
    /// Index of the entry in the slice given to [`BatchSink::send_batch`].
    pub index: usize,
    pub code: String,
    pub message: String,
    /// The caller's fault (a bad message): retrying it unchanged will not help.
    pub sender_fault: bool,
}

/// Something that takes up to ten message bodies at once.
pub trait BatchSink: Send + Sync {
    /// Sends the bodies; `Ok` lists the entries that failed, `Err` means the whole call failed.
    fn send_batch(&self, bodies: &[String]) -> impl Future<Output = Result<Vec<EntryFailure>, String>> + Send;
}

/// What happened to a send.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Indices (into the caller's slice) that were sent.
    pub sent: Vec<usize>,
    /// Indices that could not be sent, with the last error seen for each.
    pub failed: Vec<(usize, String)>,
    /// Entries sent again after a failure.
    pub retries: u32,
}

/// Retry policy for failed entries.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub attempts: u32,
    pub base: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { attempts: 5, base: Duration::from_millis(100), max: Duration::from_secs(5) }
    }
}

impl Backoff {
    /// Full-jitter delay before retry number `attempt` (1-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = self.base.saturating_mul(1u32 << attempt.min(16)).min(self.max);
        exp.mul_f64(rand::random::<f64>().max(0.1))
    }
}

/// Sends every body, ten at a time; entries that fail are retried (unless the failure is the
/// sender's fault) up to `backoff.attempts` times in all.
pub async fn send_all(sink: &impl BatchSink, bodies: &[String], backoff: Backoff) -> SendReport {
    let mut report = SendReport::default();
    for (chunk_no, chunk) in bodies.chunks(BATCH_LIMIT).enumerate() {
        let offset = chunk_no * BATCH_LIMIT;
        let mut pending: Vec<usize> = (0..chunk.len()).collect();
        let mut last_error: Vec<String> = vec![String::new(); chunk.len()];
        for attempt in 1..=backoff.attempts.max(1) {
            if attempt > 1 {
                tokio::time::sleep(backoff.delay(attempt - 1)).await;
                report.retries += pending.len() as u32;
            }
            let batch: Vec<String> = pending.iter().map(|&i| chunk[i].clone()).collect();
            let mut still = Vec::new();
            match sink.send_batch(&batch).await {
                Ok(failures) => {
                    let mut failed_here = vec![false; pending.len()];
                    for f in failures {
                        let Some(&i) = pending.get(f.index) else {
                            continue;
                        };
                        failed_here[f.index] = true;
                        last_error[i] = format!("{}: {}", f.code, f.message);
                        if f.sender_fault {
                            report.failed.push((offset + i, last_error[i].clone()));
                        } else {
                            still.push(i);
                        }
                    }
                    for (pos, &i) in pending.iter().enumerate() {
                        if !failed_here[pos] {
                            report.sent.push(offset + i);
                        }
                    }
                }
                Err(e) => {
                    for &i in &pending {
                        last_error[i] = e.clone();
                    }
                    still = pending.clone();
                }
            }
            pending = still;
            if pending.is_empty() {
                break;
            }
        }
        report.failed.extend(pending.into_iter().map(|i| (offset + i, last_error[i].clone())));
    }
    report.sent.sort_unstable();
    report.failed.sort_unstable();
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Fails chosen bodies a set number of times; records every call.
    struct Flaky {
        fail_times: Mutex<std::collections::HashMap<String, u32>>,
        sender_fault: Vec<String>,
        calls: Mutex<Vec<usize>>,
        down_calls: Mutex<u32>,
    }

    impl Flaky {
        fn new(fail: &[(&str, u32)], sender_fault: &[&str], down_calls: u32) -> Self {
            Flaky {
                fail_times: Mutex::new(fail.iter().map(|(b, n)| (b.to_string(), *n)).collect()),
                sender_fault: sender_fault.iter().map(|s| s.to_string()).collect(),
                calls: Mutex::new(Vec::new()),
                down_calls: Mutex::new(down_calls),
            }
        }
    }

    impl BatchSink for Flaky {
        async fn send_batch(&self, bodies: &[String]) -> Result<Vec<EntryFailure>, String> {
            assert!(bodies.len() <= BATCH_LIMIT, "batch of {}", bodies.len());
            self.calls.lock().unwrap().push(bodies.len());
            {
                let mut down = self.down_calls.lock().unwrap();
                if *down > 0 {
                    *down -= 1;
                    return Err("connection reset".into());
                }
            }
            let mut fails = self.fail_times.lock().unwrap();
            let mut out = Vec::new();
            for (index, body) in bodies.iter().enumerate() {
                if self.sender_fault.contains(body) {
                    out.push(EntryFailure {
                        index,
                        code: "InvalidMessageContents".into(),
                        message: "bad".into(),
                        sender_fault: true,
                    });
                } else if let Some(n) = fails.get_mut(body).filter(|n| **n > 0) {
                    *n -= 1;
                    out.push(EntryFailure {
                        index,
                        code: "InternalError".into(),
                        message: "try again".into(),
                        sender_fault: false,
                    });
                }
            }
            Ok(out)
        }
    }

    fn bodies(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("m{i}")).collect()
    }

    fn fast() -> Backoff {
        Backoff { attempts: 4, base: Duration::from_millis(1), max: Duration::from_millis(4) }
    }

    #[tokio::test]
    async fn sends_in_batches_of_ten() {
        let sink = Flaky::new(&[], &[], 0);
        let report = send_all(&sink, &bodies(23), fast()).await;
        assert_eq!(report.sent, (0..23).collect::<Vec<_>>());
        assert!(report.failed.is_empty());
        assert_eq!(*sink.calls.lock().unwrap(), vec![10, 10, 3]);
    }

    #[tokio::test]
    async fn retries_only_the_failed_entries() {
        let sink = Flaky::new(&[("m3", 2), ("m12", 1)], &[], 0);
        let report = send_all(&sink, &bodies(15), fast()).await;
        assert_eq!(report.sent, (0..15).collect::<Vec<_>>());
        assert_eq!(report.retries, 3);
        assert_eq!(*sink.calls.lock().unwrap(), vec![10, 1, 1, 5, 1]);
    }

    #[tokio::test]
    async fn reports_entries_that_keep_failing_and_does_not_retry_sender_faults() {
        let sink = Flaky::new(&[("m1", 99)], &["m2"], 0);
        let report = send_all(&sink, &bodies(4), fast()).await;
        assert_eq!(report.sent, vec![0, 3]);
        assert_eq!(
            report.failed,
            vec![(1, "InternalError: try again".to_string()), (2, "InvalidMessageContents: bad".to_string())]
        );
        // m1 tried 4 times; m2 once.
        assert_eq!(*sink.calls.lock().unwrap(), vec![4, 1, 1, 1]);
    }

    #[tokio::test]
    async fn a_failed_call_retries_the_whole_batch() {
        let sink = Flaky::new(&[], &[], 2);
        let report = send_all(&sink, &bodies(3), fast()).await;
        assert_eq!(report.sent, vec![0, 1, 2]);
        let sink = Flaky::new(&[], &[], 10);
        let report = send_all(&sink, &bodies(3), fast()).await;
        assert!(report.sent.is_empty());
        assert_eq!(report.failed.len(), 3);
        assert_eq!(report.failed[0].1, "connection reset");
    }
}
