//! `upflow`: the terminal side of upflow.
//!
//! - `upflow parse FILE [--format csv|json|jsonl]`: normalised jobs as JSON lines on stdout,
//!   rejected rows and a summary on stderr.
//! - `upflow score FILE`: parses, stores and scores an export locally; prints the ranking.
//! - `upflow migrate`: applies the database schema (`DATABASE_URL`).
//! - `upflow telegram set-webhook --url URL` / `upflow telegram info`: the bot's webhook.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "upflow", version, about = "Rank Upwork jobs from Apify exports")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse an export and print each normalised job as one JSON line.
    Parse(commands::parse::Args),
    /// Parse, store and score an export locally, then print the ranking.
    Score(commands::score::Args),
    /// Run the whole pipeline locally the way Lambda would (S3 event, SQS batches, DLQ).
    LocalRun(commands::local::Args),
    /// Apply the database migrations to DATABASE_URL.
    Migrate,
    /// Set or show the Telegram bot's webhook.
    Telegram(commands::telegram::Args),
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
        Command::Telegram(args) => commands::telegram::run(&args),
    }
}
