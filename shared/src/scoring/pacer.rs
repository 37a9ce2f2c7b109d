//! Client-side pacing: token buckets for requests and tokens per minute, so that the evaluator
//! instances together stay under the account's limits instead of discovering them through 429s.
//!
//! Each instance gets its share (`limit / instances`) with a burst of at most ten seconds' worth,
//! and a 2% margin. Like Cerebras, a request is charged its prompt estimate plus its
//! `max_completion_tokens` up front, in full, even when that is more than the burst: the bucket
//! then goes into debt and the next request waits until the debt is paid. Cerebras does not give
//! back what a completion did not use ("we estimate ... adding the `max_completion_tokens`
//! parameter"), so neither does the pacer; a request the provider refused with a 429 was charged
//! nothing there, so its charge (exactly that, never more) is refunded here.
//!
//! A 429 pauses the whole instance until the reset the server named; the provider's per-day
//! request count (`x-ratelimit-remaining-requests-day`) pauses it until the day's reset when it
//! runs out.

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

    /// Time until `amount` may be taken: a full bucket for amounts above capacity, which then
    /// leave it in debt.
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
    /// The provider said the day's requests are used up until then.
    day_exhausted_until: Option<Instant>,
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
    /// The wait is for the provider's daily request quota, not the per-minute limits.
    pub daily: bool,
}

/// What one request was charged, to refund exactly that when the provider did not take it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct Charge {
    tokens: f64,
}

impl Pacer {
    pub fn new(limits: Limits) -> Pacer {
        Pacer {
            state: Mutex::new(State {
                requests: Bucket::new(limits.rpm),
                tokens: Bucket::new(limits.tpm),
                last: Instant::now(),
                paused_until: None,
                day_exhausted_until: None,
            }),
        }
    }

    /// Takes one request and `tokens` tokens (all of them, going into debt when they are more
    /// than the burst), waiting as long as needed, unless the wait would end after `deadline`.
    pub async fn acquire(&self, tokens: u32, deadline: Instant) -> Result<Charge, WouldExceedDeadline> {
        let amount = f64::from(tokens);
        loop {
            let (wait, daily) = {
                let mut s = self.state.lock().expect("pacer lock");
                let now = Instant::now();
                let elapsed = now.saturating_duration_since(s.last);
                s.last = now;
                s.requests.refill(elapsed);
                s.tokens.refill(elapsed);
                let until = |t: Option<Instant>| t.map(|t| t.saturating_duration_since(now)).unwrap_or_default();
                let daily = until(s.day_exhausted_until);
                let wait = until(s.paused_until).max(s.requests.wait_for(1.0)).max(s.tokens.wait_for(amount));
                if wait.is_zero() && daily.is_zero() {
                    s.requests.level -= 1.0;
                    s.tokens.level -= amount;
                    return Ok(Charge { tokens: amount });
                }
                (wait.max(daily), !daily.is_zero())
            };
            if Instant::now() + wait > deadline {
                return Err(WouldExceedDeadline { wait, daily });
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// Gives back what `charge` took: the provider refused the request without counting it.
    pub fn refund(&self, charge: Charge) {
        let mut s = self.state.lock().expect("pacer lock");
        s.requests.level = (s.requests.level + 1.0).min(s.requests.capacity);
        s.tokens.level = (s.tokens.level + charge.tokens).min(s.tokens.capacity);
    }

    /// The provider's count of requests left today and when it resets: at zero, nothing is sent
    /// until the reset.
    pub fn observe_day(&self, remaining: Option<f64>, reset: Option<Duration>) {
        if let (Some(remaining), Some(reset)) = (remaining, reset) {
            if remaining <= 0.0 {
                let until = Instant::now() + reset;
                let mut s = self.state.lock().expect("pacer lock");
                s.day_exhausted_until = Some(s.day_exhausted_until.map_or(until, |t| t.max(until)));
            }
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
            let _ = pacer.acquire(1, far).await.unwrap();
        }
        // 10 s of burst, then one a second.
        let elapsed = start.elapsed().as_secs_f64();
        assert!((9.5..=10.5).contains(&elapsed), "{elapsed}");
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_are_paced_too_and_a_refused_request_is_refunded() {
        let pacer = Pacer::new(Limits { rpm: 1e6, tpm: 6000.0 }); // 100 tokens/s, burst 1,000
        let far = Instant::now() + Duration::from_secs(3600);
        let _ = pacer.acquire(1000, far).await.unwrap();
        let start = Instant::now();
        let charge = pacer.acquire(500, far).await.unwrap();
        assert!((start.elapsed().as_secs_f64() - 5.0).abs() < 0.2);
        pacer.refund(charge);
        let start = Instant::now();
        let _ = pacer.acquire(500, far).await.unwrap();
        assert!(start.elapsed().as_secs_f64() < 0.1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_above_the_burst_is_charged_in_full() {
        // 100 tokens/s, burst 1,000; each request costs 3,000: the bucket goes into debt, so the
        // long-run rate is 100 tokens/s, one request every 30 s, not one per 10 s.
        let pacer = Pacer::new(Limits { rpm: 1e6, tpm: 6000.0 });
        let far = Instant::now() + Duration::from_secs(3600);
        let start = Instant::now();
        for _ in 0..5 {
            let _ = pacer.acquire(3000, far).await.unwrap();
        }
        // The first at once, then 4 x 30 s.
        let elapsed = start.elapsed().as_secs_f64();
        assert!((119.0..=121.0).contains(&elapsed), "{elapsed}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_refund_never_gives_back_more_than_was_charged() {
        let pacer = Pacer::new(Limits { rpm: 1e6, tpm: 6000.0 }); // burst 1,000
        let far = Instant::now() + Duration::from_secs(3600);
        let charge = pacer.acquire(3000, far).await.unwrap(); // level 1,000 - 3,000 = -2,000
        let _ = pacer.acquire(1, far).await.unwrap(); // waits for the debt: ~20 s
        pacer.refund(charge); // back to at most the capacity
        let start = Instant::now();
        let _ = pacer.acquire(1000, far).await.unwrap();
        let _ = pacer.acquire(1000, far).await.unwrap(); // the second 1,000 needs 10 s of refill
        assert!(start.elapsed().as_secs_f64() >= 9.9, "{}", start.elapsed().as_secs_f64());
    }

    #[tokio::test(start_paused = true)]
    async fn an_exhausted_day_waits_for_its_reset() {
        let pacer = Pacer::new(Limits { rpm: 1e6, tpm: 1e9 });
        pacer.observe_day(Some(3.0), Some(Duration::from_secs(7200))); // some left: no pause
        let _ = pacer.acquire(1, Instant::now() + Duration::from_secs(1)).await.unwrap();
        pacer.observe_day(Some(0.0), Some(Duration::from_secs(7200)));
        let err = pacer.acquire(1, Instant::now() + Duration::from_secs(3600)).await.unwrap_err();
        assert!(err.daily && err.wait > Duration::from_secs(7000), "{err:?}");
        let _ = pacer.acquire(1, Instant::now() + Duration::from_secs(7300)).await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_past_the_deadline_is_refused_not_slept() {
        let pacer = Pacer::new(Limits { rpm: 6.0, tpm: 1e9 }); // burst 1, then one per 10 s
        let soon = Instant::now() + Duration::from_secs(5);
        let _ = pacer.acquire(1, soon).await.unwrap();
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
            let _ = pacer.acquire(1, far).await.unwrap(); // the burst shrank to 10 s of the lower rate
        }
        let start = Instant::now();
        for _ in 0..5 {
            let _ = pacer.acquire(1, far).await.unwrap();
        }
        let elapsed = start.elapsed().as_secs_f64();
        assert!((4.5..=5.6).contains(&elapsed), "{elapsed}");
    }

    /// A provider modelled as Cerebras documents its limits: a bucket per minute, full at the
    /// start, that charges a request its prompt plus `max_completion_tokens` up front and refuses
    /// (429) what it cannot pay for.
    struct Provider {
        level: f64,
        per_second: f64,
        at: Instant,
        accepted: u32,
        refused: u32,
    }

    impl Provider {
        fn offer(&mut self, cost: f64) {
            let now = Instant::now();
            let capacity = self.per_second * 60.0;
            self.level = (self.level + now.duration_since(self.at).as_secs_f64() * self.per_second).min(capacity);
            self.at = now;
            if self.level >= cost {
                self.level -= cost;
                self.accepted += 1;
            } else {
                self.refused += 1;
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn five_instances_at_the_free_tier_get_no_429s() {
        // The free tier (30 RPM, 60,000 TPM) shared by 5 instances, each request a 1,500-token
        // prompt plus the default 2,048 completion tokens: more than one instance's 10-second
        // burst (1,960 tokens). Half an hour of virtual time, every instance always busy.
        let (rpm, tpm, instances) = (30, 60_000, 5);
        let cost = 1_500 + 2_048;
        let provider = std::sync::Arc::new(Mutex::new(Provider {
            level: f64::from(tpm),
            per_second: f64::from(tpm) / 60.0,
            at: Instant::now(),
            accepted: 0,
            refused: 0,
        }));
        let end = Instant::now() + Duration::from_secs(1800);
        let tasks: Vec<_> = (0..instances)
            .map(|_| {
                let provider = provider.clone();
                tokio::spawn(async move {
                    let pacer = Pacer::new(Limits::share(rpm, tpm, instances));
                    while let Ok(_charge) = pacer.acquire(cost, end).await {
                        provider.lock().unwrap().offer(f64::from(cost));
                        tokio::time::sleep(Duration::from_millis(800)).await; // the reply
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let p = provider.lock().unwrap();
        assert_eq!(p.refused, 0, "{} accepted", p.accepted);
        // And the pacer does not leave the account idle: at least 90% of the 60,000 TPM used.
        let possible = (f64::from(tpm) * 31.0 / f64::from(cost)) as u32;
        assert!(p.accepted * 10 >= possible * 9, "{} of {possible}", p.accepted);
    }

    #[test]
    fn shares_split_the_account_limit() {
        let l = Limits::share(120, 60_000, 5);
        assert!((l.rpm - 23.52).abs() < 1e-9 && (l.tpm - 11_760.0).abs() < 1e-9);
    }
}
