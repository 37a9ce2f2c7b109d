//! The `alerts` table: the one Telegram alert a job may get, claimed before it is sent, and
//! retried later (a bounded number of times) when sending failed or its sender vanished.
//!
//! States: `sending` (claimed, with a lease), `sent`, `failed` (with `next_attempt_at`, or
//! none once [`MAX_ATTEMPTS`] are used). A `sending` row whose lease ended (the Lambda was
//! killed between claiming and recording) can be claimed again, as can a `failed` one that is
//! due. Claims are single statements, so two deliveries never both send.

use std::time::Duration;

use anyhow::Context;
use tokio_postgres::types::Type;
use tokio_postgres::GenericClient;

/// Attempts before an alert is given up (recorded `failed` for good).
pub const MAX_ATTEMPTS: i32 = 5;

/// Waits before the next attempt: one minute, doubling, at most an hour; longer when Telegram
/// asked for it (`retry_after`).
pub fn backoff(attempts: i32, retry_after: Option<Duration>) -> Duration {
    let doubling = Duration::from_secs(60) * 2u32.saturating_pow(attempts.clamp(1, 7) as u32 - 1);
    doubling.min(Duration::from_secs(3600)).max(retry_after.unwrap_or_default())
}

/// Claims the job's alert for `lease`: the first time, or again when a failed attempt is due or
/// an earlier sender's lease ended. `false`: sent already, being sent, not due, or given up.
pub async fn claim(
    client: &impl GenericClient,
    job_id: &str,
    profile_version: &str,
    total: f64,
    lease: Duration,
) -> anyhow::Result<bool> {
    let lease_s = lease.as_secs_f64();
    let rows = client
        .query_typed(
            "INSERT INTO alerts (job_id, profile_version, total, status, attempts, lease_until)
             VALUES ($1, $2, $3, 'sending', 1, now() + make_interval(secs => $4))
             ON CONFLICT (job_id) DO UPDATE
                SET status = 'sending', attempts = alerts.attempts + 1, total = EXCLUDED.total,
                    profile_version = EXCLUDED.profile_version, lease_until = EXCLUDED.lease_until,
                    next_attempt_at = NULL
              WHERE alerts.attempts < $5
                AND ((alerts.status = 'failed' AND alerts.next_attempt_at <= now())
                  OR (alerts.status = 'sending'
                      AND coalesce(alerts.lease_until, alerts.created_at + interval '16 minutes') < now()))
             RETURNING 1",
            &[
                (&job_id, Type::TEXT),
                (&profile_version, Type::TEXT),
                (&total, Type::FLOAT8),
                (&lease_s, Type::FLOAT8),
                (&MAX_ATTEMPTS, Type::INT4),
            ],
        )
        .await
        .context("claim alert")?;
    Ok(!rows.is_empty())
}

/// How a claimed attempt went.
#[derive(Debug, Clone, Copy)]
pub enum Sent<'a> {
    /// Telegram's message id.
    Ok(i64),
    /// Try again later (after at least `retry_after`), unless the attempts are used up.
    Failed { error: &'a str, retry_after: Option<Duration> },
    /// Never try again (nothing to report, or Telegram refused for good).
    GaveUp { error: &'a str },
}

/// Records an attempt's result; returns when the next attempt is due, if there is one.
pub async fn finish(client: &impl GenericClient, job_id: &str, sent: Sent<'_>) -> anyhow::Result<Option<Duration>> {
    match sent {
        Sent::Ok(message_id) => {
            client
                .query_typed(
                    "UPDATE alerts SET status = 'sent', message_id = $2, error = NULL, sent_at = now(),
                         lease_until = NULL, next_attempt_at = NULL
                     WHERE job_id = $1",
                    &[(&job_id, Type::TEXT), (&message_id, Type::INT8)],
                )
                .await
                .context("finish alert")?;
            Ok(None)
        }
        Sent::Failed { error, retry_after } => {
            let attempts: i32 = client
                .query_typed("SELECT attempts FROM alerts WHERE job_id = $1", &[(&job_id, Type::TEXT)])
                .await
                .context("finish alert")?
                .first()
                .map_or(MAX_ATTEMPTS, |r| r.get(0));
            let next = (attempts < MAX_ATTEMPTS).then(|| backoff(attempts, retry_after));
            let next_s = next.map(|d| d.as_secs_f64());
            client
                .query_typed(
                    "UPDATE alerts SET status = 'failed', error = $2, lease_until = NULL,
                         next_attempt_at = now() + make_interval(secs => $3)
                     WHERE job_id = $1",
                    &[(&job_id, Type::TEXT), (&error, Type::TEXT), (&next_s, Type::FLOAT8)],
                )
                .await
                .context("finish alert")?;
            Ok(next)
        }
        Sent::GaveUp { error } => {
            client
                .query_typed(
                    "UPDATE alerts SET status = 'failed', error = $2, lease_until = NULL, next_attempt_at = NULL
                     WHERE job_id = $1",
                    &[(&job_id, Type::TEXT), (&error, Type::TEXT)],
                )
                .await
                .context("finish alert")?;
            Ok(None)
        }
    }
}

/// Alerts due for another attempt (failed and due, or left `sending` past their lease), oldest
/// first: `(job id, profile version)`.
pub async fn due(client: &impl GenericClient, limit: i64) -> anyhow::Result<Vec<(String, String)>> {
    let rows = client
        .query_typed(
            "SELECT job_id, profile_version FROM alerts
             WHERE status <> 'sent' AND attempts < $1
               AND ((status = 'failed' AND next_attempt_at <= now())
                 OR (status = 'sending' AND coalesce(lease_until, created_at + interval '16 minutes') < now()))
             ORDER BY coalesce(next_attempt_at, lease_until, created_at) LIMIT $2",
            &[(&MAX_ATTEMPTS, Type::INT4), (&limit, Type::INT8)],
        )
        .await
        .context("alerts due")?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_an_hour_and_honours_retry_after() {
        assert_eq!(backoff(1, None), Duration::from_secs(60));
        assert_eq!(backoff(3, None), Duration::from_secs(240));
        assert_eq!(backoff(9, None), Duration::from_secs(3600));
        assert_eq!(backoff(1, Some(Duration::from_secs(600))), Duration::from_secs(600));
    }
}
