//! Schema migrations, embedded in every binary and applied idempotently.
//!
//! Each migration runs in its own transaction under a transaction-scoped advisory lock, so
//! several Lambda instances starting at once apply it exactly once, and the lock works behind a
//! transaction-mode pooler (a session lock would not).

use anyhow::Context;
use deadpool_postgres::Client;

/// The migrations, in order. Never edit one that has shipped: add a new one.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "ingest", include_str!("../../migrations/0001_ingest.sql")),
    (2, "evaluations", include_str!("../../migrations/0002_evaluations.sql")),
    (3, "telegram", include_str!("../../migrations/0003_telegram.sql")),
    (4, "ranking_order", include_str!("../../migrations/0004_ranking_order.sql")),
    (5, "text_search", include_str!("../../migrations/0005_text_search.sql")),
    (6, "ingest_merge", include_str!("../../migrations/0006_ingest_merge.sql")),
    (7, "bot_refusals", include_str!("../../migrations/0007_bot_refusals.sql")),
    (8, "exactly_once", include_str!("../../migrations/0008_exactly_once.sql")),
    (9, "latest_evaluation", include_str!("../../migrations/0009_latest_evaluation.sql")),
    (10, "audit", include_str!("../../migrations/0010_audit.sql")),
    (11, "ingest_mapping", include_str!("../../migrations/0011_ingest_mapping.sql")),
    (12, "search_keyword", include_str!("../../migrations/0012_search_keyword.sql")),
    (13, "full_text_search", include_str!("../../migrations/0013_full_text_search.sql")),
    (14, "workload", include_str!("../../migrations/0014_workload.sql")),
    (15, "decisions", include_str!("../../migrations/0015_decisions.sql")),
    (16, "not_for_me_index", include_str!("../../migrations/0016_not_for_me_index.sql")),
    (17, "proposals", include_str!("../../migrations/0017_proposals.sql")),
];

/// The advisory lock key that serialises migrations ("upflow" in ASCII).
const LOCK_KEY: i64 = 0x7570_666c_6f77;

/// Applies every migration not yet applied; returns the versions it applied.
///
/// Every function calls this at start-up, so the usual case (all applied) costs one query: the
/// versions recorded are read without a transaction or a lock, and only when one is missing (or
/// the table is, on a new database) are the migrations walked one by one under the lock.
pub async fn migrate(client: &mut Client) -> anyhow::Result<Vec<i32>> {
    if all_applied(client).await {
        return Ok(Vec::new());
    }
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        let tx = client.transaction().await.context("begin migration transaction")?;
        tx.batch_execute(&format!(
            "SELECT pg_advisory_xact_lock({LOCK_KEY});
             CREATE TABLE IF NOT EXISTS schema_migrations (
                 version integer PRIMARY KEY,
                 name text NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now())"
        ))
        .await
        .context("lock and create schema_migrations")?;
        let done = tx
            .query_typed(
                "SELECT 1 FROM schema_migrations WHERE version = $1",
                &[(version, tokio_postgres::types::Type::INT4)],
            )
            .await
            .context("read schema_migrations")?;
        if done.is_empty() {
            tx.batch_execute(sql).await.with_context(|| format!("apply migration {version} ({name})"))?;
            tx.query_typed(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[(version, tokio_postgres::types::Type::INT4), (name, tokio_postgres::types::Type::TEXT)],
            )
            .await
            .context("record migration")?;
            applied.push(*version);
        }
        tx.commit().await.with_context(|| format!("commit migration {version}"))?;
    }
    Ok(applied)
}

/// Whether `schema_migrations` records every migration (false when it does not exist yet).
async fn all_applied(client: &Client) -> bool {
    let Ok(rows) = client.query_typed("SELECT version FROM schema_migrations", &[]).await else {
        return false;
    };
    let recorded: std::collections::HashSet<i32> = rows.iter().map(|r| r.get(0)).collect();
    MIGRATIONS.iter().all(|(version, _, _)| recorded.contains(version))
}
