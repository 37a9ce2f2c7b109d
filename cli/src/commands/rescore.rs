//! `upflow rescore [--yes] [--dry-run]`: queues every stored job that has no evaluation of its
//! current content under the current profile (`PROFILE_PATH`, else the default), after saying
//! how many and what scoring them would cost with the scorer the environment selects
//! (`CEREBRAS_API_KEY`, `CEREBRAS_MODEL`, `CEREBRAS_PRICE_*_PER_MTOK`; else the free rules
//! scorer). Asks before queueing unless `--yes`; `--dry-run` only prints. Needs `DATABASE_URL`,
//! and `JOBS_QUEUE_URL` to queue.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::Context;
use upflow::bot::text::count;
use upflow::config::DatabaseConfig;
use upflow::evaluate::estimate::Pricing;
use upflow::evaluate::rescore;
use upflow::profile::LoadedProfile;
use upflow::queue::sender::Backoff;
use upflow::queue::sqs::SqsQueue;

#[derive(clap::Args)]
pub struct Args {
    /// Queue without asking for confirmation.
    #[arg(long, short)]
    yes: bool,
    /// Only print how many jobs would be queued and the estimated cost.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: &Args) -> ExitCode {
    super::block_on("rescore", rescore(args))
}

async fn rescore(args: &Args) -> anyhow::Result<ExitCode> {
    let profile = LoadedProfile::from_env()?;
    let pricing = Pricing::from_env()?;
    let pool = DatabaseConfig::from_env()?.pool()?;
    let client = pool.get().await.map_err(|e| anyhow::anyhow!("connect to Postgres: {e}"))?;
    let plan = rescore::plan(&**client, &profile, &pricing).await?;
    println!(
        "{} stored jobs have no evaluation of their current content under profile {} (version {}).",
        count(plan.jobs.len() as i64),
        profile.profile.name,
        profile.version
    );
    if plan.jobs.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}.", plan.estimate.describe(&pricing));
    if args.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    let url = upflow::config::required("JOBS_QUEUE_URL")?;
    if !args.yes && !confirm(&format!("Queue {} jobs for scoring? [y/N] ", count(plan.jobs.len() as i64)))? {
        eprintln!("nothing queued");
        return Ok(ExitCode::from(1));
    }
    let aws = upflow::aws::sdk_config().await;
    let queue = SqsQueue { client: upflow::aws::sqs_client(&aws), url };
    let done = rescore::enqueue(&**client, &queue, &plan, Backoff::default()).await?;
    println!("queued {} jobs to {}", count(done.sent as i64), queue.url);
    for (job_id, error) in &done.failed {
        eprintln!("job {job_id} not queued: {error}");
    }
    Ok(if done.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(3) })
}

/// Asks on stderr and reads one line from stdin: `y` or `yes` (any case) confirms.
fn confirm(question: &str) -> anyhow::Result<bool> {
    eprint!("{question}");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).context("read the answer")?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}
