//! Jobs whose scoring failed: attempts, the last error, and whether the message has used its
//! receives and so went to the DLQ. The audit and `/stats` read them; a job that is evaluated
//! later leaves the table.

use anyhow::Context;
use tokio_postgres::types::Type;
use tokio_postgres::GenericClient;

/// Records one failed attempt; `dead_lettered` when the queue will not deliver it again.
pub async fn record(
    client: &impl GenericClient,
    job_id: &str,
    profile_version: &str,
    error: &str,
    dead_lettered: bool,
) -> anyhow::Result<()> {
    client
        .query_typed(
            "INSERT INTO evaluation_failures AS f (job_id, profile_version, last_error, dead_lettered)
             SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM jobs WHERE job_id = $1)
             ON CONFLICT (job_id, profile_version) DO UPDATE SET
                 attempts = f.attempts + 1, last_error = EXCLUDED.last_error,
                 dead_lettered = f.dead_lettered OR EXCLUDED.dead_lettered, updated_at = now()",
            &[
                (&job_id, Type::TEXT),
                (&profile_version, Type::TEXT),
                (&error, Type::TEXT),
                (&dead_lettered, Type::BOOL),
            ],
        )
        .await
        .with_context(|| format!("record failure of job {job_id}"))?;
    Ok(())
}

/// Forgets the failures of a job that is now evaluated under `profile_version`.
pub async fn clear(client: &impl GenericClient, job_id: &str, profile_version: &str) -> anyhow::Result<()> {
    client
        .query_typed(
            "DELETE FROM evaluation_failures WHERE job_id = $1 AND profile_version = $2",
            &[(&job_id, Type::TEXT), (&profile_version, Type::TEXT)],
        )
        .await
        .with_context(|| format!("clear failures of job {job_id}"))?;
    Ok(())
}
