//! The audit: does every row an export held, and every job it stored, end up somewhere? Two
//! equations, checked from what the database holds:
//!
//! 1. **Rows** ([`rows`]): `rows_read = stored + rejected + duplicates`, from each ingest's own
//!    counters. "Stored" is every distinct job the file held that was written: new or changed
//!    (`jobs_stored`) or already stored with the same content (`jobs_unchanged`). The splitter's
//!    parser counts each row exactly once as a job, a rejected row or a duplicate, and every job
//!    it parses is upserted as changed or unchanged, so a correct ingest balances. One that failed
//!    part-way does not, and is named with its error.
//! 2. **Jobs** ([`jobs`]): `stored = scored + skipped_by_filter + pending + retrying +
//!    dead_lettered`, over the jobs the scope stored (`ingest_jobs`, recorded with each upsert).
//!    Each job counts once, in the first state that holds: evaluated under the profile for its
//!    current content (scored or skipped by a hard filter), failing on its current content
//!    (dead-lettered: its message used its receives and is in the DLQ; retrying: it still has
//!    receives, so it is back on the queue), or pending (the queue was given its current content
//!    under this profile, or it is being scored now). A job in none of these (never queued,
//!    queued only for other content or another profile, or deleted from `jobs`) is the gap, and
//!    is named.
//!
//! For one ingest, "stored" is its counter (`jobs_stored + jobs_unchanged`), and jobs it counted
//! but did not record as its own are part of the gap too (ingests from before the audit's
//! migration recorded only each job's latest ingest). For every ingest at once the equation runs
//! over every distinct job any ingest recorded or `jobs` holds, so a job seen by several ingests
//! counts once, while the rows equation sums each ingest's rows. A running ingest writes its
//! counters when it finishes: audit it afterwards.

pub mod gaps;
pub mod jobs;
pub mod rows;

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::Type;
use tokio_postgres::GenericClient;

pub use jobs::{DeadLettered, GapJob, JobsAudit};
pub use rows::{IngestGap, RowsAudit};

/// How many job ids, ingests and dead-lettered jobs a report lists at most (it always gives the
/// full counts).
pub const LISTED: i64 = 20;

/// What an audit covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every ingest, and every stored job.
    All,
    /// One ingest, by id.
    Ingest(i64),
    /// The latest ingest of an object key: `s3://bucket/key`, or a bare key (any bucket).
    Key(String),
}

impl Scope {
    /// The scope a command-line argument names: none is every ingest, digits an ingest id, and
    /// anything else an object key.
    pub fn parse(arg: Option<&str>) -> Scope {
        match arg.map(str::trim) {
            None | Some("") => Scope::All,
            Some(a) if a.bytes().all(|b| b.is_ascii_digit()) && a.parse::<i64>().is_ok() => {
                Scope::Ingest(a.parse().expect("checked"))
            }
            Some(a) => Scope::Key(a.to_string()),
        }
    }
}

/// The one ingest an audit covers.
#[derive(Debug, Clone, Serialize)]
pub struct IngestRef {
    pub id: i64,
    pub bucket: String,
    pub key: String,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub error: Option<String>,
}

/// What the audit found.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    pub profile_version: String,
    /// The ingest audited; `None`: every ingest.
    pub ingest: Option<IngestRef>,
    /// Ingests covered, and how many of them are still running (their counters are not final).
    pub ingests: i64,
    pub running: i64,
    pub rows: RowsAudit,
    pub jobs: JobsAudit,
    /// The scope's jobs in the DLQ (at most [`LISTED`]), most recent failure first.
    pub dlq: Vec<DeadLettered>,
    /// Both equations balance.
    pub balanced: bool,
}

/// Audits `scope` under `profile_version`; `None` when the scope names no ingest.
pub async fn audit(client: &impl GenericClient, profile_version: &str, scope: &Scope) -> anyhow::Result<Option<Audit>> {
    let ingest = match scope {
        Scope::All => None,
        Scope::Ingest(id) => match find(client, Some(*id), None, None).await? {
            Some(i) => Some(i),
            None => return Ok(None),
        },
        Scope::Key(k) => {
            let (bucket, key) = match k.strip_prefix("s3://").and_then(|rest| rest.split_once('/')) {
                Some((bucket, key)) => (Some(bucket), key),
                None => (None, k.as_str()),
            };
            match find(client, None, bucket, Some(key)).await? {
                Some(i) => Some(i),
                None => return Ok(None),
            }
        }
    };
    let id = ingest.as_ref().map(|i| i.id);
    let (rows, ingests, running) = rows::audit(client, id).await.context("audit the ingests' rows")?;
    let jobs =
        jobs::audit(client, profile_version, id, id.map(|_| rows.stored)).await.context("audit the stored jobs")?;
    let dlq = if jobs.dead_lettered > 0 {
        jobs::dead_lettered(client, profile_version, id).await.context("list dead-lettered jobs")?
    } else {
        Vec::new()
    };
    let balanced = rows.balanced() && jobs.balanced();
    Ok(Some(Audit { profile_version: profile_version.into(), ingest, ingests, running, rows, jobs, dlq, balanced }))
}

/// An ingest by id, or the latest of a key (in `bucket`, when given).
async fn find(
    client: &impl GenericClient,
    id: Option<i64>,
    bucket: Option<&str>,
    key: Option<&str>,
) -> anyhow::Result<Option<IngestRef>> {
    let rows = client
        .query_typed(
            "SELECT id, bucket, key, status, started_at, error FROM ingests
             WHERE ($1::int8 IS NULL OR id = $1) AND ($2::text IS NULL OR bucket = $2)
               AND ($3::text IS NULL OR key = $3)
             ORDER BY started_at DESC, id DESC LIMIT 1",
            &[(&id, Type::INT8), (&bucket, Type::TEXT), (&key, Type::TEXT)],
        )
        .await
        .context("find the ingest to audit")?;
    Ok(rows.first().map(|r| IngestRef {
        id: r.get(0),
        bucket: r.get(1),
        key: r.get(2),
        status: r.get(3),
        started_at: r.get(4),
        error: r.get(5),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_name_a_scope() {
        assert_eq!(Scope::parse(None), Scope::All);
        assert_eq!(Scope::parse(Some(" ")), Scope::All);
        assert_eq!(Scope::parse(Some("42")), Scope::Ingest(42));
        assert_eq!(Scope::parse(Some("uploads/a.csv")), Scope::Key("uploads/a.csv".into()));
        assert_eq!(Scope::parse(Some("s3://b/k.json")), Scope::Key("s3://b/k.json".into()));
        // Too long for an id: a key.
        assert_eq!(Scope::parse(Some("99999999999999999999")), Scope::Key("99999999999999999999".into()));
    }
}
