//! `upflow`: the terminal side of upflow.
//!
//! - `upflow parse FILE [--format csv|json|jsonl] [--explain]`: normalised jobs as JSON lines on
//!   stdout, rejected rows and a summary on stderr; `--explain` prints instead what each column
//!   became and how many jobs got each field.
//! - `upflow score FILE`: parses, stores and scores an export locally; prints the ranking.
//! - `upflow migrate`: applies the database schema (`DATABASE_URL`).
//! - `upflow audit [INGEST_ID|KEY]`: checks that every row read and every job stored is accounted
//!   for; exits 0 when balanced, 1 when not.
//! - `upflow rescore [--yes] [--dry-run]`: queues every stored job not yet scored under the
//!   current profile, after saying how many and the estimated cost.
//! - `upflow telegram set-webhook --url URL` / `upflow telegram info`: the bot's webhook.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc, set up not to cost memory (`upflow::alloc`): the parse path allocates and frees a
/// dozen small strings per job (bench/README.md, issue 9).
#[global_allocator]
static ALLOCATOR: upflow::alloc::Allocator = upflow::alloc::Allocator;

#[derive(Parser)]
#[command(name = "upflow", version, about = "Rank Upwork jobs from Apify exports")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse an export and print each normalised job as one JSON line (or, with --explain,
    /// what each column became and how many jobs got each field).
    Parse(commands::parse::Args),
    /// Parse, store and score an export locally, then print the ranking.
    Score(commands::score::Args),
    /// Run the whole pipeline locally the way Lambda would (S3 event, SQS batches, DLQ).
    LocalRun(commands::local::Args),
    /// Apply the database migrations to DATABASE_URL.
    Migrate,
    /// Check that every row read and every job stored is accounted for.
    ///
    /// For every ingest, or one (INGEST_ID, or KEY for the latest ingest of that object key):
    /// rows read = stored + rejected + duplicates, and stored = scored + skipped by filter +
    /// pending + retrying + in the DLQ. Prints the figures, both equations with ✓/✗, every gap
    /// (which figure is off, by how much, and the jobs or ingests in it) and the jobs in the DLQ
    /// with their last error.
    ///
    /// Exit status: 0 when both equations balance, 1 when not, 2 when the audit could not run
    /// (no such ingest, no database).
    Audit(commands::audit::Args),
    /// Queue every stored job not yet scored under the current profile (says the count and the
    /// estimated cost first, and asks unless --yes).
    Rescore(commands::rescore::Args),
    /// Set or show the Telegram bot's webhook.
    Telegram(commands::telegram::Args),
    /// Work on the criteria profile: `upflow profile tune` suggests weights from your decisions.
    Profile(commands::profile::Args),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("UPFLOW_LOG")
                .unwrap_or_else(|_| "warn,upflow::split=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Parse(args) => commands::parse::run(&args),
        Command::Score(args) => commands::score::run(&args),
        Command::LocalRun(args) => commands::local::run(&args),
        Command::Migrate => commands::migrate::run(),
        Command::Audit(args) => commands::audit::run(&args),
        Command::Rescore(args) => commands::rescore::run(&args),
        Command::Telegram(args) => commands::telegram::run(&args),
        Command::Profile(args) => commands::profile::run(&args),
    }
}
