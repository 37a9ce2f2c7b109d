//! Stats: what is stored, evaluated and pending, by priority, what filters skipped, recent
//! ingests, tokens and estimated cost, and the audit of every ingest ([`crate::read::audit`]).

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::Type;
use tokio_postgres::GenericClient;

use crate::read::audit::{self, Audit, Scope};

/// The numbers behind `/stats` and the bot's `/stats`.
///
/// Every count but [`stale_in_rankings`](Stats::stale_in_rankings) is about the current profile:
/// `evaluated`/`pending` say how much of the stored jobs this profile has judged and how much is
/// still owed (what `upflow rescore` would queue), and the priorities and skips are this
/// profile's. The rankings also show jobs whose latest evaluation is from an earlier profile;
/// mixing those into the per-profile counts would make `pending` look done when it is not, so
/// they are counted apart.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub profile_version: String,
    pub jobs_stored: i64,
    /// Jobs with an evaluation of their current content under this profile (scored or skipped).
    pub evaluated: i64,
    /// Jobs without one yet.
    pub pending: i64,
    pub scored: i64,
    pub by_priority: ByPriority,
    pub skipped_by_filter: i64,
    /// Jobs the rankings show (with `relevant=all`) by an evaluation made under an earlier
    /// profile: their latest, until they are scored under this one.
    pub stale_in_rankings: i64,
    /// The most frequent skip reasons, with counts.
    pub skip_reasons: Vec<(String, i64)>,
    pub tokens_today: Tokens,
    pub tokens_all_time: Tokens,
    /// Scorers and models seen in this profile's evaluations, with counts.
    pub scorers: Vec<(String, Option<String>, i64)>,
    pub recent_ingests: Vec<IngestSummary>,
    /// Every ingest's rows and every stored job accounted for (see [`crate::read::audit`]).
    pub audit: Audit,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ByPriority {
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// Tokens and estimated cost over a period (all profiles).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tokens {
    pub evaluations: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// Sum of the stored estimates; evaluations without a price count as zero.
    pub estimated_cost_usd: f64,
}

/// One ingest.
#[derive(Debug, Clone, Serialize)]
pub struct IngestSummary {
    pub id: i64,
    pub key: String,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub rows_read: i32,
    pub jobs_stored: i32,
    pub jobs_enqueued: i32,
    pub duplicates: i32,
    pub rejected: i32,
    pub error: Option<String>,
}

/// Stats under `profile_version`, with the `recent` latest ingests.
pub async fn stats(client: &impl GenericClient, profile_version: &str, recent: i64) -> anyhow::Result<Stats> {
    let v: (&(dyn tokio_postgres::types::ToSql + Sync), Type) = (&profile_version, Type::TEXT);
    let row = client
        .query_typed(
            "SELECT (SELECT count(*) FROM jobs),
                    count(*) FILTER (WHERE e.job_id IS NOT NULL),
                    count(*) FILTER (WHERE e.status = 'scored'),
                    count(*) FILTER (WHERE e.priority = 'High'),
                    count(*) FILTER (WHERE e.priority = 'Medium'),
                    count(*) FILTER (WHERE e.priority = 'Low'),
                    count(*) FILTER (WHERE e.status = 'skipped'),
                    (SELECT count(*) FROM evaluations
                     WHERE is_latest AND status = 'scored' AND profile_version <> $1)
             FROM jobs j LEFT JOIN evaluations e
               ON e.job_id = j.job_id AND e.profile_version = $1 AND e.content_hash = j.content_hash",
            std::slice::from_ref(&v),
        )
        .await?;
    let r = &row[0];
    let (jobs_stored, evaluated): (i64, i64) = (r.get(0), r.get(1));
    let skip_reasons = client
        .query_typed(
            "SELECT skip_reason, count(*) FROM evaluations WHERE profile_version = $1 AND status = 'skipped'
             GROUP BY skip_reason ORDER BY count(*) DESC, skip_reason LIMIT 5",
            std::slice::from_ref(&v),
        )
        .await?
        .iter()
        .map(|r| (r.get::<_, Option<String>>(0).unwrap_or_default(), r.get(1)))
        .collect();
    let tokens = |since_today: bool| async move {
        let sql = format!(
            "SELECT count(*), coalesce(sum(prompt_tokens), 0)::int8, coalesce(sum(completion_tokens), 0)::int8,
                    coalesce(sum(cost_usd), 0)::float8
             FROM evaluations {}",
            if since_today { "WHERE updated_at >= date_trunc('day', now())" } else { "" }
        );
        let row = client.query_typed(&sql, &[]).await?;
        let r = &row[0];
        anyhow::Ok(Tokens {
            evaluations: r.get(0),
            prompt_tokens: r.get(1),
            completion_tokens: r.get(2),
            estimated_cost_usd: r.get(3),
        })
    };
    let scorers = client
        .query_typed(
            "SELECT scorer, model, count(*) FROM evaluations WHERE profile_version = $1
             GROUP BY scorer, model ORDER BY count(*) DESC",
            std::slice::from_ref(&v),
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let recent_ingests = client
        .query_typed(
            "SELECT id, key, status, started_at, rows_read, jobs_stored, jobs_enqueued, duplicates, rejected, error
             FROM ingests ORDER BY started_at DESC, id DESC LIMIT $1",
            &[(&recent, Type::INT8)],
        )
        .await?
        .iter()
        .map(|r| IngestSummary {
            id: r.get(0),
            key: r.get(1),
            status: r.get(2),
            started_at: r.get(3),
            rows_read: r.get(4),
            jobs_stored: r.get(5),
            jobs_enqueued: r.get(6),
            duplicates: r.get(7),
            rejected: r.get(8),
            error: r.get(9),
        })
        .collect();
    Ok(Stats {
        profile_version: profile_version.into(),
        jobs_stored,
        evaluated,
        pending: jobs_stored - evaluated,
        scored: r.get(2),
        by_priority: ByPriority { high: r.get(3), medium: r.get(4), low: r.get(5) },
        skipped_by_filter: r.get(6),
        stale_in_rankings: r.get(7),
        skip_reasons,
        tokens_today: tokens(true).await?,
        tokens_all_time: tokens(false).await?,
        scorers,
        recent_ingests,
        audit: audit::audit(client, profile_version, &Scope::All).await?.context("audit every ingest")?,
    })
}
