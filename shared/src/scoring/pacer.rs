//! Client-side pacing: token buckets for requests and tokens per minute, so that the evaluator
//! instances together stay under the account's limits instead of discovering them through 429s.
//!
//! Each instance gets its share (`limit / instances`) with a burst of at most ten seconds' worth,
//! and a 2% margin. Like Cerebras, a request is charged its prompt estimate plus its
//! `max_completion_tokens` up front. A 429 pauses the whole instance until the reset the server
//! named.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Requests and tokens per minute for this instance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub rpm: f64,
    pub tpm: f64,
}

impl Limits {
    /// This instance's share of account limits split across `instances`.
    pub fn share(rpm: u32, tpm: u32, instances: u32) -> Limits {
        let n = f64::from(instances.max(1));
        Limits { rpm: f64::from(rpm) / n * 0.98, tpm: f64::from(tpm) / n * 0.98 }
    }
}

#[derive(Debug)]
struct Bucket {
    level: f64,
    capacity: f64,
    per_second: f64,
}

impl Bucket {
    fn new(per_minute: f64) -> Bucket {
        let per_second = per_minute / 60.0;
        let capacity = (per_second * 10.0).max(1.0);
        Bucket { level: capacity, capacity, per_second }
    }

    /// Lowers the rate (never raises it): the provider said its limit is lower than ours.
    fn lower_to(&mut self, per_minute: f64) {
        let per_second = per_minute / 60.0;
        if per_second < self.per_second {
            self.per_second = per_second;
            self.capacity = (per_second * 10.0).max(1.0);
            self.level = self.level.min(self.capacity);
        }
    }

    fn refill(&mut self, elapsed: Duration) {
        self.level = (self.level + elapsed.as_secs_f64() * self.per_second).min(self.capacity);
    }

    /// Time until `amount` is available (amounts above capacity wait for a full bucket).
    fn wait_for(&self, amount: f64) -> Duration {
        let need = amount.min(self.capacity) - self.level;
        if need <= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(need / self.per_second)
        }
    }
}

#[derive(Debug)]
struct State {
    requests: Bucket,
    tokens: Bucket,
    last: Instant,
    paused_until: Option<Instant>,
}

/// The pacer of one evaluator instance.
#[derive(Debug)]
pub struct Pacer {
    state: Mutex<State>,
}

/// Waiting for capacity would pass the deadline: give the job back instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WouldExceedDeadline {
    pub wait: Duration,
}

impl Pacer {
    pub fn new(limits: Limits) -> Pacer {
        Pacer {
            state: Mutex::new(State {
                requests: Bucket::new(limits.rpm),
                tokens: Bucket::new(limits.tpm),
                last: Instant::now(),
                paused_until: None,
            }),
        }
    }

    /// Takes one request and `tokens` tokens, waiting as long as needed, unless the wait would end
    /// after `deadline`.
    pub async fn acquire(&self, tokens: u32, deadline: Instant) -> Result<(), WouldExceedDeadline> {
        loop {
            let wait = {
                let mut s = self.state.lock().expect("pacer lock");
                let now = Instant::now();
                let elapsed = now.saturating_duration_since(s.last);
                s.last = now;
                s.requests.refill(elapsed);
                s.tokens.refill(elapsed);
                let paused = s.paused_until.map(|t| t.saturating_duration_since(now)).unwrap_or_default();
                let wait = paused.max(s.requests.wait_for(1.0)).max(s.tokens.wait_for(f64::from(tokens)));
                if wait.is_zero() {
                    s.requests.level -= 1.0;
                    s.tokens.level -= f64::from(tokens).min(s.tokens.capacity);
                    return Ok(());
                }
                wait
            };
            if Instant::now() + wait > deadline {
                return Err(WouldExceedDeadline { wait });
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// The server said "not before `until`": everyone on this instance waits.
    pub fn pause_until(&self, until: Instant) {
        let mut s = self.state.lock().expect("pacer lock");
        s.paused_until = Some(s.paused_until.map_or(until, |t| t.max(until)));
    }

    /// The provider's own figures for the account (from `x-ratelimit-limit-*` headers): when they
    /// are below what this instance was configured with, its share follows them, so a wrong
    /// `CEREBRAS_RPM`/`CEREBRAS_TPM` costs a few 429s rather than a stream of them.
    pub fn observe_limits(&self, account_rpm: Option<f64>, account_tpm: Option<f64>, instances: u32) {
        let n = f64::from(instances.max(1));
        let mut s = self.state.lock().expect("pacer lock");
        if let Some(rpm) = account_rpm.filter(|v| *v > 0.0) {
            s.requests.lower_to(rpm / n * 0.98);
        }
        if let Some(tpm) = account_tpm.filter(|v| *v > 0.0) {
            s.tokens.lower_to(tpm / n * 0.98);
        }
    }

    /// Gives back tokens charged for a request that used fewer (the real count is known after).
    pub fn refund_tokens(&self, tokens: u32) {
        let mut s = self.state.lock().expect("pacer lock");
        s.tokens.level = (s.tokens.level + f64::from(tokens)).min(s.tokens.capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn paces_requests_to_the_rate_after_the_burst() {
        let pacer = Pacer::new(Limits { rpm: 60.0, tpm: 1e9 });
        let far = Instant::now() + Duration::from_secs(3600);
        let start = Instant::now();
        for _ in 0..20 {
            pacer.acquire(1, far).await.unwrap();
        }
        // 10 s of burst, then one a second.
        let elapsed = start.elapsed().as_secs_f64();
        assert!((9.5..=10.5).contains(&elapsed), "{elapsed}");
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_are_paced_too_and_refunds_help() {
        let pacer = Pacer::new(Limits { rpm: 1e6, tpm: 6000.0 }); // 100 tokens/s, burst 1,000
        let far = Instant::now() + Duration::from_secs(3600);
        pacer.acquire(1000, far).await.unwrap();
        let start = Instant::now();
        pacer.acquire(500, far).await.unwrap();
        assert!((start.elapsed().as_secs_f64() - 5.0).abs() < 0.2);
        pacer.refund_tokens(400);
        let start = Instant::now();
        pacer.acquire(400, far).await.unwrap();
        assert!(start.elapsed().as_secs_f64() < 0.1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_deadline_is_refused_not_slept() {
        let pacer = Pacer::new(Limits { rpm: 6.0, tpm: 1e9 }); // burst 1, then one per 10 s
        let soon = Instant::now() + Duration::from_secs(5);
        pacer.acquire(1, soon).await.unwrap();
        let err = pacer.acquire(1, soon).await.unwrap_err();
        assert!(err.wait > Duration::from_secs(5));
        pacer.pause_until(Instant::now() + Duration::from_secs(120));
        let far = Instant::now() + Duration::from_secs(60);
        assert!(pacer.acquire(1, far).await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn the_providers_lower_limits_win() {
        let pacer = Pacer::new(Limits { rpm: 600.0, tpm: 1e9 }); // believes 10/s
        pacer.observe_limits(Some(60.0), None, 1); // the account allows 1/s
        pacer.observe_limits(Some(6000.0), None, 1); // a higher figure never raises it
        let far = Instant::now() + Duration::from_secs(3600);
        for _ in 0..10 {
            pacer.acquire(1, far).await.unwrap(); // the burst shrank to 10 s of the lower rate
        }
        let start = Instant::now();
        for _ in 0..5 {
            pacer.acquire(1, far).await.unwrap();
        }
        let elapsed = start.elapsed().as_secs_f64();
        assert!((4.5..=5.6).contains(&elapsed), "{elapsed}");
    }

    #[test]
    fn shares_split_the_account_limit() {
        let l = Limits::share(120, 60_000, 5);
        assert!((l.rpm - 23.52).abs() < 1e-9 && (l.tpm - 11_760.0).abs() < 1e-9);
    }
}
