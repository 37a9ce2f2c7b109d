//! `upflow score FILE`: the whole pipeline in the terminal, without AWS: parse the export, store
//! the jobs in Postgres (`DATABASE_URL`), skip what fails a hard filter, score the rest with the
//! same scorer, concurrency cap and pacing as the evaluator, and print the ranking.
//! A second run on the same file makes no LLM call.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;
use upflow::evaluate::{Evaluator, Failure, JobOutcome};
use upflow::ingest::{Export, ExportItem, ReadOptions};
use upflow::store::{ingests, jobs};

use super::table;

#[derive(clap::Args)]
pub struct Args {
    /// The export (CSV, JSON array or JSON Lines).
    file: PathBuf,
    /// How many ranked jobs to print.
    #[arg(long, default_value_t = 20)]
    top: usize,
}

pub fn run(args: &Args) -> ExitCode {
    super::block_on("score", score(args))
}

async fn score(args: &Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let evaluator = Evaluator::from_env().await?;
    eprintln!("scorer: {}", evaluator.scorer.describe());
    eprintln!("profile: {} (version {})", evaluator.profile.profile.name, evaluator.profile.version);

    // Parse and store, as the splitter would (this run is recorded as an ingest of its own).
    let name = args.file.display().to_string();
    let file = std::fs::File::open(&args.file).with_context(|| format!("open {name}"))?;
    let reference_time = upflow::normalise::date::export_time_from_name(&name)
        .or_else(|| file.metadata().and_then(|m| m.modified()).ok().map(chrono::DateTime::<chrono::Utc>::from))
        .unwrap_or_else(chrono::Utc::now);
    let options = ReadOptions { name: name.clone(), format: None, reference_time };
    // The same mapping as the splitter's: the override file (MAPPING_PATH or beside the profile).
    let overrides = std::sync::Arc::new(upflow::ingest::Overrides::from_env()?.unwrap_or_default());
    let mut export = Export::open_mapped(file, &options, upflow::ingest::Limits::default(), overrides)
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let mut parsed = Vec::new();
    for item in export.by_ref() {
        match item.map_err(|e| anyhow::anyhow!("{name}: {e}"))? {
            ExportItem::Job { row, job } => parsed.push((row, job)),
            ExportItem::Rejected { row, reason, .. } => eprintln!("row {row}: {reason}"),
            ExportItem::Duplicate { .. } => {}
        }
    }
    let counts = export.counts();
    let client = evaluator.db.get().await.context("connect to Postgres")?;
    let etag = format!("cli-{}", chrono::Utc::now().timestamp_micros());
    let ingests::Claim::Started(ingest_id) = ingests::claim(&**client, "local", &name, &etag).await? else {
        anyhow::bail!("could not record this run as an ingest");
    };
    let source = jobs::Source { ingest_id, bucket: "local", key: &name, profile_version: &evaluator.profile.version };
    let mut totals = ingests::Totals { counts, ..Default::default() };
    for chunk in parsed.chunks(250) {
        let sourced: Vec<_> = chunk.iter().map(|(row, job)| jobs::SourcedJob { row: *row, job }).collect();
        for upserted in jobs::upsert(&**client, &source, &sourced).await? {
            if upserted.changed {
                totals.stored += 1;
            } else {
                totals.unchanged += 1;
            }
        }
    }
    ingests::finish(&**client, ingest_id, Some(&export.format().to_string()), &totals, None).await?;
    drop(client);
    eprintln!(
        "{name}: rows {}, jobs {}, rejected {}, duplicates {}",
        counts.rows, counts.parsed, counts.rejected, counts.duplicates
    );

    // Score with the evaluator's own code, cap and pacing.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(24 * 3600);
    let ids: Vec<String> = parsed.iter().map(|(_, j)| j.job_id.clone()).collect();
    let total_jobs = ids.len();
    let mut tally = Tally::default();
    let mut done = 0usize;
    let mut results = futures::stream::iter(ids.iter().cloned())
        .map(|id| {
            let evaluator = &evaluator;
            async move { (id.clone(), evaluator.evaluate(&id, deadline).await) }
        })
        .buffer_unordered(evaluator.concurrency.max(1));
    while let Some((id, result)) = results.next().await {
        done += 1;
        match result {
            Ok(JobOutcome::Scored { prompt_tokens, completion_tokens, .. }) => {
                tally.scored += 1;
                tally.tokens += u64::from(prompt_tokens) + u64::from(completion_tokens);
            }
            Ok(JobOutcome::Skipped { .. }) => tally.skipped += 1,
            Ok(JobOutcome::AlreadyEvaluated) => tally.already += 1,
            Err(Failure::Retry(e)) => {
                tally.failed += 1;
                eprintln!("job {id}: {e}");
            }
            Err(Failure::Defer { wait, why }) => {
                tally.failed += 1;
                eprintln!("job {id}: not scored now: {why} (try again in {:.0} s)", wait.as_secs_f64());
            }
            Err(Failure::Fatal(e)) => {
                eprintln!("stopping: {e}");
                tally.failed += total_jobs - done + 1;
                break;
            }
        }
        if done.is_multiple_of(10) || done == total_jobs {
            let rate = done as f64 / started.elapsed().as_secs_f64();
            eprint!("\rscored {done}/{total_jobs} ({rate:.1} jobs/s)   ");
        }
    }
    drop(results);
    eprintln!();

    let client = evaluator.db.get().await.context("connect to Postgres")?;
    let ranked = table::ranked(&**client, &ids, &evaluator.profile.version, args.top).await?;
    print!("{}", table::render(&ranked));
    let cost = table::cost(&**client, &ids, &evaluator.profile.version).await?;
    eprintln!(
        "jobs {total_jobs}: scored {}, already scored {}, skipped by filters {}, failed {}; tokens {} this run; \
         estimated cost of these evaluations {}; {:.1} s",
        tally.scored,
        tally.already,
        tally.skipped,
        tally.failed,
        tally.tokens,
        cost.map(|c| format!("${c:.4}")).unwrap_or_else(|| "unknown".into()),
        started.elapsed().as_secs_f64()
    );
    Ok(if tally.failed > 0 { ExitCode::from(3) } else { ExitCode::SUCCESS })
}

#[derive(Default)]
struct Tally {
    scored: usize,
    skipped: usize,
    already: usize,
    failed: usize,
    tokens: u64,
}
