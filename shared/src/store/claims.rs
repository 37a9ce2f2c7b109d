//! Scoring claims: before a job is scored under a profile version, one delivery claims it with
//! a lease, so two concurrent deliveries of one message (SQS delivers at least once) make one
//! LLM call between them. The claim ends when the claimant stores the evaluation or fails
//! ([`release`]), or when its lease runs out (the claimant crashed or was frozen).

use std::time::Duration;

use anyhow::Context;
use tokio_postgres::types::Type;
use tokio_postgres::GenericClient;

/// What claiming came to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Claim {
    /// This caller holds the claim until its lease ends.
    Acquired,
    /// Someone else does, for about this much longer.
    HeldElsewhere { left: Duration },
}

/// Claims (job, profile version) for `content_hash` as `claimant` for `lease`; an expired claim
/// is taken over.
pub async fn claim(
    client: &impl GenericClient,
    job_id: &str,
    profile_version: &str,
    content_hash: &str,
    claimant: &str,
    lease: Duration,
) -> anyhow::Result<Claim> {
    let lease_secs = lease.as_secs_f64();
    let rows = client
        .query_typed(
            "INSERT INTO evaluation_claims AS c (job_id, profile_version, content_hash, claimed_by, lease_until)
             VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
             ON CONFLICT (job_id, profile_version) DO UPDATE SET
                 content_hash = EXCLUDED.content_hash, claimed_by = EXCLUDED.claimed_by,
                 lease_until = EXCLUDED.lease_until
             WHERE c.lease_until < now()
             RETURNING 1",
            &[
                (&job_id, Type::TEXT),
                (&profile_version, Type::TEXT),
                (&content_hash, Type::TEXT),
                (&claimant, Type::TEXT),
                (&lease_secs, Type::FLOAT8),
            ],
        )
        .await
        .with_context(|| format!("claim job {job_id}"))?;
    if !rows.is_empty() {
        return Ok(Claim::Acquired);
    }
    let rows = client
        .query_typed(
            "SELECT greatest(extract(epoch FROM lease_until - now()), 0)::float8
             FROM evaluation_claims WHERE job_id = $1 AND profile_version = $2",
            &[(&job_id, Type::TEXT), (&profile_version, Type::TEXT)],
        )
        .await
        .context("read claim")?;
    match rows.first() {
        Some(row) => Ok(Claim::HeldElsewhere { left: Duration::from_secs_f64(row.get::<_, f64>(0)) }),
        // Released between the two statements: try once more.
        None => Box::pin(claim(client, job_id, profile_version, content_hash, claimant, lease)).await,
    }
}

/// Ends `claimant`'s claim (a no-op when it lost the claim to someone else).
pub async fn release(
    client: &impl GenericClient,
    job_id: &str,
    profile_version: &str,
    claimant: &str,
) -> anyhow::Result<()> {
    client
        .query_typed(
            "DELETE FROM evaluation_claims WHERE job_id = $1 AND profile_version = $2 AND claimed_by = $3",
            &[(&job_id, Type::TEXT), (&profile_version, Type::TEXT), (&claimant, Type::TEXT)],
        )
        .await
        .with_context(|| format!("release claim on job {job_id}"))?;
    Ok(())
}
