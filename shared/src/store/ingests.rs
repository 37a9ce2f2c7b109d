//! The `ingests` table (one row per export object version) and the rejected rows.
//!
//! An ingest is owned through a lease (`claimed_until`): the invocation that claims it renews
//! the lease while it works, a duplicate delivery meanwhile finds it in progress, and once a
//! lease has run out (its Lambda died) the next delivery takes the ingest over.

use anyhow::Context;
use serde::Serialize;
use tokio_postgres::types::{Json, Type};
use tokio_postgres::GenericClient;

use crate::ingest::Counts;

/// The result of trying to start an ingest of one object version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This caller owns the ingest now.
    Started(i64),
    /// The same object version was ingested already.
    AlreadyDone(i64),
    /// Another invocation is ingesting it right now (its lease has not run out).
    InProgress(i64),
}

/// The right to run one ingest: held while renewed ([`renew`]) before it runs out. `attempt`
/// tells this holder from one that took the ingest over after the lease ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub ingest_id: i64,
    pub attempt: i32,
}

/// [`Claim`] with the lease of a started ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leased {
    Started(Lease),
    AlreadyDone(i64),
    InProgress(i64),
}

/// How long a claim holds without renewal. Short, so that an ingest whose Lambda died is taken
/// over by the first redelivery (Lambda retries a failed asynchronous invocation after about a
/// minute); the splitter renews it every [`RENEW_EVERY`] while it works.
pub const LEASE: std::time::Duration = std::time::Duration::from_secs(45);
/// How often a running ingest renews its lease.
pub const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Claims the ingest of `bucket/key` at `etag` for [`LEASE`]: new and failed ingests, and
/// running ones whose lease ran out, are (re)started. For callers that hold the ingest briefly
/// and never renew (the CLI); the splitter uses [`claim_lease`].
pub async fn claim(client: &impl GenericClient, bucket: &str, key: &str, etag: &str) -> anyhow::Result<Claim> {
    Ok(match claim_lease(client, bucket, key, etag, LEASE).await? {
        Leased::Started(lease) => Claim::Started(lease.ingest_id),
        Leased::AlreadyDone(id) => Claim::AlreadyDone(id),
        Leased::InProgress(id) => Claim::InProgress(id),
    })
}

/// Claims the ingest of `bucket/key` at `etag` for `lease`, as [`claim`] does.
pub async fn claim_lease(
    client: &impl GenericClient,
    bucket: &str,
    key: &str,
    etag: &str,
    lease: std::time::Duration,
) -> anyhow::Result<Leased> {
    let rows = client
        .query_typed(
            "INSERT INTO ingests (bucket, key, etag, claimed_until)
             VALUES ($1, $2, $3, now() + make_interval(secs => $4))
             ON CONFLICT (bucket, key, etag) DO UPDATE SET
                 status = 'running', started_at = now(), finished_at = NULL, error = NULL,
                 attempts = ingests.attempts + 1, claimed_until = EXCLUDED.claimed_until
             WHERE ingests.status = 'failed'
                OR (ingests.status = 'running' AND coalesce(ingests.claimed_until, '-infinity') < now())
             RETURNING id, attempts",
            &[(&bucket, Type::TEXT), (&key, Type::TEXT), (&etag, Type::TEXT), (&lease.as_secs_f64(), Type::FLOAT8)],
        )
        .await
        .context("claim ingest")?;
    if let Some(row) = rows.first() {
        let lease = Lease { ingest_id: row.get(0), attempt: row.get(1) };
        // A retried ingest records its rejections afresh.
        client
            .query_typed("DELETE FROM rejected_rows WHERE ingest_id = $1", &[(&lease.ingest_id, Type::INT8)])
            .await
            .context("clear earlier rejections")?;
        return Ok(Leased::Started(lease));
    }
    let row = client
        .query_typed(
            "SELECT id, status FROM ingests WHERE bucket = $1 AND key = $2 AND etag = $3",
            &[(&bucket, Type::TEXT), (&key, Type::TEXT), (&etag, Type::TEXT)],
        )
        .await
        .context("read ingest")?;
    let row = row.first().context("ingest row vanished while claiming it")?;
    let (id, status): (i64, String) = (row.get(0), row.get(1));
    Ok(if status == "succeeded" { Leased::AlreadyDone(id) } else { Leased::InProgress(id) })
}

/// Extends a held lease by `lease` from now; `false` when it is no longer held (another
/// invocation took the ingest over, or it ended).
pub async fn renew(client: &impl GenericClient, held: &Lease, lease: std::time::Duration) -> anyhow::Result<bool> {
    let rows = client
        .query_typed(
            "UPDATE ingests SET claimed_until = now() + make_interval(secs => $3)
             WHERE id = $1 AND attempts = $2 AND status = 'running' RETURNING 1",
            &[(&held.ingest_id, Type::INT8), (&held.attempt, Type::INT4), (&lease.as_secs_f64(), Type::FLOAT8)],
        )
        .await
        .context("renew ingest lease")?;
    Ok(!rows.is_empty())
}

/// Records when the ingest's export was observed (scraped); its jobs are merged by that time
/// (see `store::jobs`). Without this call an ingest counts as observed when it was created.
pub async fn set_observed_at(
    client: &impl GenericClient,
    ingest_id: i64,
    observed_at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    client
        .query_typed(
            "UPDATE ingests SET observed_at = $2 WHERE id = $1",
            &[(&ingest_id, Type::INT8), (&observed_at, Type::TIMESTAMPTZ)],
        )
        .await
        .context("record when the export was observed")?;
    Ok(())
}

/// Keeps what the export's columns became ([`Explanation`](crate::ingest::Explanation)) on
/// the ingest (`ingests.mapping`), replacing what an earlier attempt stored.
pub async fn set_mapping(
    client: &impl GenericClient,
    ingest_id: i64,
    mapping: &crate::ingest::Explanation,
) -> anyhow::Result<()> {
    client
        .query_typed(
            "UPDATE ingests SET mapping = $2 WHERE id = $1",
            &[(&ingest_id, Type::INT8), (&Json(mapping), Type::JSONB)],
        )
        .await
        .context("record the export's mapping")?;
    Ok(())
}

/// The mapping stored for an ingest (`None` before it was parsed, or for an older ingest).
pub async fn mapping(client: &impl GenericClient, ingest_id: i64) -> anyhow::Result<Option<serde_json::Value>> {
    let rows = client
        .query_typed("SELECT mapping FROM ingests WHERE id = $1", &[(&ingest_id, Type::INT8)])
        .await
        .context("read the export's mapping")?;
    Ok(rows.first().and_then(|r| r.get::<_, Option<Json<serde_json::Value>>>(0)).map(|j| j.0))
}

/// Final figures of an ingest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub counts: Counts,
    pub stored: u64,
    pub unchanged: u64,
    pub enqueued: u64,
}

/// Ends an ingest: `error` set means it failed.
pub async fn finish(
    client: &impl GenericClient,
    id: i64,
    format: Option<&str>,
    totals: &Totals,
    error: Option<&str>,
) -> anyhow::Result<()> {
    finish_where(client, id, None, format, totals, error).await?;
    Ok(())
}

/// Ends an ingest held under `lease`; `false` (nothing written) when the lease was lost to an
/// invocation that took the ingest over, whose outcome is the one to record.
pub async fn finish_lease(
    client: &impl GenericClient,
    lease: &Lease,
    format: Option<&str>,
    totals: &Totals,
    error: Option<&str>,
) -> anyhow::Result<bool> {
    finish_where(client, lease.ingest_id, Some(lease.attempt), format, totals, error).await
}

async fn finish_where(
    client: &impl GenericClient,
    id: i64,
    attempt: Option<i32>,
    format: Option<&str>,
    totals: &Totals,
    error: Option<&str>,
) -> anyhow::Result<bool> {
    let status = if error.is_some() { "failed" } else { "succeeded" };
    let c = &totals.counts;
    let n = |v: u64| v.min(i32::MAX as u64) as i32;
    let rows = client
        .query_typed(
            "UPDATE ingests SET status = $2, finished_at = now(), format = $3, rows_read = $4,
                 jobs_parsed = $5, jobs_stored = $6, jobs_unchanged = $7, jobs_enqueued = $8,
                 duplicates = $9, rejected = $10, error = $11, claimed_until = NULL
             WHERE id = $1 AND ($12::int4 IS NULL OR (attempts = $12 AND status = 'running'))
             RETURNING 1",
            &[
                (&id, Type::INT8),
                (&status, Type::TEXT),
                (&format, Type::TEXT),
                (&n(c.rows), Type::INT4),
                (&n(c.parsed), Type::INT4),
                (&n(totals.stored), Type::INT4),
                (&n(totals.unchanged), Type::INT4),
                (&n(totals.enqueued), Type::INT4),
                (&n(c.duplicates), Type::INT4),
                (&n(c.rejected), Type::INT4),
                (&error, Type::TEXT),
                (&attempt, Type::INT4),
            ],
        )
        .await
        .context("finish ingest")?;
    Ok(!rows.is_empty())
}

/// A row the export could not turn into a job.
#[derive(Debug, Clone, Serialize)]
pub struct RejectedRow {
    pub row_number: u64,
    pub reason: String,
    pub raw: Option<serde_json::Value>,
}

/// Stores a batch of rejected rows for an ingest.
pub async fn record_rejections(
    client: &impl GenericClient,
    ingest_id: i64,
    rows: &[RejectedRow],
) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    client
        .query_typed(
            "INSERT INTO rejected_rows (ingest_id, row_number, reason, raw)
             SELECT $1, row_number, reason, raw
             FROM jsonb_to_recordset($2::jsonb) AS r(row_number int, reason text, raw jsonb)
             ON CONFLICT (ingest_id, row_number) DO UPDATE SET reason = EXCLUDED.reason, raw = EXCLUDED.raw",
            &[(&ingest_id, Type::INT8), (&Json(rows), Type::JSONB)],
        )
        .await
        .with_context(|| format!("record {} rejected rows", rows.len()))?;
    Ok(())
}
