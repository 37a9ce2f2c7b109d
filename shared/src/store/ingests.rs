//! The `ingests` table (one row per export object version) and the rejected rows.

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
    /// Another invocation is ingesting it right now.
    InProgress(i64),
}

/// An ingest still "running" after this long is taken to have died with its Lambda (whose
/// timeout is at most 15 minutes) and may be claimed again.
pub const STALE_AFTER_SECONDS: i64 = 16 * 60;

/// Claims the ingest of `bucket/key` at `etag`: new, failed or stale ingests are (re)started.
pub async fn claim(client: &impl GenericClient, bucket: &str, key: &str, etag: &str) -> anyhow::Result<Claim> {
    let rows = client
        .query_typed(
            "INSERT INTO ingests (bucket, key, etag) VALUES ($1, $2, $3)
             ON CONFLICT (bucket, key, etag) DO UPDATE SET
                 status = 'running', started_at = now(), finished_at = NULL, error = NULL,
                 attempts = ingests.attempts + 1
             WHERE ingests.status = 'failed'
                OR (ingests.status = 'running' AND ingests.started_at < now() - make_interval(secs => $4))
             RETURNING id",
            &[
                (&bucket, Type::TEXT),
                (&key, Type::TEXT),
                (&etag, Type::TEXT),
                (&(STALE_AFTER_SECONDS as f64), Type::FLOAT8),
            ],
        )
        .await
        .context("claim ingest")?;
    if let Some(row) = rows.first() {
        let id: i64 = row.get(0);
        // A retried ingest records its rejections afresh.
        client
            .query_typed("DELETE FROM rejected_rows WHERE ingest_id = $1", &[(&id, Type::INT8)])
            .await
            .context("clear earlier rejections")?;
        return Ok(Claim::Started(id));
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
    Ok(if status == "succeeded" { Claim::AlreadyDone(id) } else { Claim::InProgress(id) })
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
    let status = if error.is_some() { "failed" } else { "succeeded" };
    let c = &totals.counts;
    let n = |v: u64| v.min(i32::MAX as u64) as i32;
    client
        .query_typed(
            "UPDATE ingests SET status = $2, finished_at = now(), format = $3, rows_read = $4,
                 jobs_parsed = $5, jobs_stored = $6, jobs_unchanged = $7, jobs_enqueued = $8,
                 duplicates = $9, rejected = $10, error = $11
             WHERE id = $1",
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
            ],
        )
        .await
        .context("finish ingest")?;
    Ok(())
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
