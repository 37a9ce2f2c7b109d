//! The rows equation: `rows_read = stored + rejected + duplicates`, from the ingests' own
//! counters, summed over the scope, with the ingests whose own rows do not balance.

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::Type;
use tokio_postgres::GenericClient;

use super::LISTED;

/// The rows equation over the scope's ingests.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RowsAudit {
    pub rows_read: i64,
    /// Distinct jobs the files held that were written: `new_or_changed + unchanged`.
    pub stored: i64,
    /// Written new or with changed content (`jobs_stored`).
    pub new_or_changed: i64,
    /// Already stored with the same content (`jobs_unchanged`).
    pub unchanged: i64,
    pub rejected: i64,
    pub duplicates: i64,
    /// `rows_read - (stored + rejected + duplicates)`: rows not accounted for (negative: more
    /// accounted for than read).
    pub difference: i64,
    /// How many ingests do not balance on their own (their differences may cancel in the sum).
    pub ingests_off: i64,
    /// Those ingests, most recent first, at most [`LISTED`].
    pub off: Vec<IngestGap>,
}

impl RowsAudit {
    /// Every ingest of the scope balances (and so does the sum).
    pub fn balanced(&self) -> bool {
        self.difference == 0 && self.ingests_off == 0
    }
}

/// An ingest whose rows do not balance.
#[derive(Debug, Clone, Serialize)]
pub struct IngestGap {
    pub id: i64,
    pub bucket: String,
    pub key: String,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub rows_read: i64,
    /// `stored + rejected + duplicates`.
    pub accounted: i64,
    /// `rows_read - accounted`.
    pub difference: i64,
    pub error: Option<String>,
}

/// An ingest whose own counters do not balance (summed in `int8`: no overflow).
const OFF: &str = "rows_read <> jobs_stored::int8 + jobs_unchanged + rejected + duplicates";

/// The rows equation for one ingest (`Some(id)`) or all; also how many ingests it covered and
/// how many of them are still running.
pub async fn audit(client: &impl GenericClient, ingest: Option<i64>) -> anyhow::Result<(RowsAudit, i64, i64)> {
    let id = (&ingest as &(dyn tokio_postgres::types::ToSql + Sync), Type::INT8);
    let row = client
        .query_typed(
            &format!(
                "SELECT count(*), count(*) FILTER (WHERE status = 'running'),
                        coalesce(sum(rows_read), 0)::int8, coalesce(sum(jobs_stored), 0)::int8,
                        coalesce(sum(jobs_unchanged), 0)::int8, coalesce(sum(rejected), 0)::int8,
                        coalesce(sum(duplicates), 0)::int8, count(*) FILTER (WHERE {OFF})
                 FROM ingests WHERE $1::int8 IS NULL OR id = $1"
            ),
            std::slice::from_ref(&id),
        )
        .await
        .context("sum the ingests' counters")?;
    let r = &row[0];
    let (ingests, running): (i64, i64) = (r.get(0), r.get(1));
    let (rows_read, new_or_changed, unchanged, rejected, duplicates): (i64, i64, i64, i64, i64) =
        (r.get(2), r.get(3), r.get(4), r.get(5), r.get(6));
    let ingests_off: i64 = r.get(7);
    let stored = new_or_changed + unchanged;
    let off = if ingests_off == 0 {
        Vec::new()
    } else {
        client
            .query_typed(
                &format!(
                    "SELECT id, bucket, key, status, started_at, rows_read::int8,
                            jobs_stored::int8 + jobs_unchanged + rejected + duplicates, error
                     FROM ingests WHERE ($1::int8 IS NULL OR id = $1) AND {OFF}
                     ORDER BY started_at DESC, id DESC LIMIT $2"
                ),
                &[id, (&LISTED, Type::INT8)],
            )
            .await
            .context("list the ingests whose rows do not balance")?
            .iter()
            .map(|r| {
                let (rows_read, accounted): (i64, i64) = (r.get(5), r.get(6));
                IngestGap {
                    id: r.get(0),
                    bucket: r.get(1),
                    key: r.get(2),
                    status: r.get(3),
                    started_at: r.get(4),
                    rows_read,
                    accounted,
                    difference: rows_read - accounted,
                    error: r.get(7),
                }
            })
            .collect()
    };
    let audit = RowsAudit {
        rows_read,
        stored,
        new_or_changed,
        unchanged,
        rejected,
        duplicates,
        difference: rows_read - (stored + rejected + duplicates),
        ingests_off,
        off,
    };
    Ok((audit, ingests, running))
}
