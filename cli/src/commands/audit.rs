//! `upflow audit [INGEST_ID|KEY]`: checks that every row an export held and every job it stored
//! is accounted for (see [`upflow::read::audit`]), prints the figures, the two equations with
//! ✓/✗ and any gap, and exits 0 when both balance, 1 when not, 2 when the audit could not run.
//!
//! With `JOBS_DLQ_URL` (or `--dlq-url`), auditing every ingest also compares the DLQ's
//! `ApproximateNumberOfMessages` with the jobs recorded dead-lettered and names any difference;
//! the DLQ's count is approximate and also holds messages of other profiles, so a difference is
//! reported but does not change the exit code.

use std::process::ExitCode;

use anyhow::Context;
use aws_sdk_sqs::types::QueueAttributeName;
use upflow::config::DatabaseConfig;
use upflow::profile::LoadedProfile;
use upflow::read::audit::{self, Scope};

#[derive(clap::Args)]
pub struct Args {
    /// An ingest id, or an object key (`s3://bucket/key`, or the key alone) whose latest ingest
    /// to audit; without it, every ingest and every stored job.
    #[arg(value_name = "INGEST_ID|KEY")]
    target: Option<String>,
    /// The profile version to audit under; default: the version of the profile in use
    /// (PROFILE_PATH, else the default profile).
    #[arg(long)]
    profile_version: Option<String>,
    /// The jobs DLQ: its approximate depth is compared with the dead-lettered jobs (when
    /// auditing every ingest).
    #[arg(long, env = "JOBS_DLQ_URL")]
    dlq_url: Option<String>,
}

pub fn run(args: &Args) -> ExitCode {
    super::block_on("audit", async {
        Ok(match audit(args).await {
            Ok(code) => code,
            Err(e) => {
                eprintln!("upflow audit: {e:#}");
                ExitCode::from(2)
            }
        })
    })
}

async fn audit(args: &Args) -> anyhow::Result<ExitCode> {
    let version = match &args.profile_version {
        Some(v) => v.clone(),
        None => LoadedProfile::from_env().context("load the profile")?.version,
    };
    let scope = Scope::parse(args.target.as_deref());
    let pool = DatabaseConfig::from_env()?.pool()?;
    let client = pool.get().await.context("connect to Postgres")?;
    let Some(report) = audit::audit(&**client, &version, &scope).await? else {
        anyhow::bail!("no ingest {}", args.target.as_deref().unwrap_or_default());
    };
    print!("{}", super::audit_table::render(&report));
    if let Some(url) = &args.dlq_url {
        let depth = dlq_depth(url).await?;
        println!("{}", dlq_line(depth, report.jobs.dead_lettered, scope == Scope::All));
    }
    Ok(if report.balanced { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The DLQ's `ApproximateNumberOfMessages`.
async fn dlq_depth(url: &str) -> anyhow::Result<i64> {
    let sqs = upflow::aws::sqs_client(&upflow::aws::sdk_config().await);
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .with_context(|| format!("read the DLQ's depth ({url})"))?;
    let depth = out.attributes.as_ref().and_then(|a| a.get(&QueueAttributeName::ApproximateNumberOfMessages));
    depth.context("the DLQ did not report ApproximateNumberOfMessages")?.parse().context("the DLQ's depth")
}

/// The DLQ's depth against the dead-lettered jobs (compared only for the whole audit: the DLQ
/// holds every ingest's messages).
fn dlq_line(depth: i64, dead_lettered: i64, whole: bool) -> String {
    if !whole {
        return format!("DLQ: about {depth} messages (all ingests; compared only when auditing every ingest)");
    }
    let diff = depth - dead_lettered;
    match diff {
        0 => format!("✓ DLQ: about {depth} messages = {dead_lettered} jobs recorded dead-lettered"),
        d if d > 0 => format!(
            "✗ DLQ: about {depth} messages ≠ {dead_lettered} jobs recorded dead-lettered: {d} more in the DLQ \
             (other profiles or content, or a failure not recorded)"
        ),
        d => format!(
            "✗ DLQ: about {depth} messages ≠ {dead_lettered} jobs recorded dead-lettered: {} fewer in the DLQ \
             (redriven, purged or expired)",
            -d
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::dlq_line;

    #[test]
    fn the_dlq_line_names_the_difference() {
        assert_eq!(dlq_line(1, 1, true), "✓ DLQ: about 1 messages = 1 jobs recorded dead-lettered");
        assert!(dlq_line(3, 1, true).contains("2 more in the DLQ"));
        assert!(dlq_line(0, 2, true).contains("2 fewer in the DLQ"));
        assert!(dlq_line(4, 0, false).contains("compared only when auditing every ingest"));
    }
}
