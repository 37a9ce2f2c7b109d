//! `upflow parse FILE`: what the splitter would make of an export, without AWS or a database.
//! With `--explain`, the jobs are not printed: for each source column or path, the field it went
//! to and why (or "not used"), and per field how many jobs got it. The mapping override file
//! (`MAPPING_PATH`, or `mapping.toml` beside `PROFILE_PATH`) applies, as in the splitter.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use upflow::ingest::{Export, ExportError, ExportItem, Format, Limits, Overrides, ReadOptions};
use upflow::normalise::date::export_time_from_name;

#[derive(clap::Args)]
pub struct Args {
    /// The export file (CSV, JSON array or JSON Lines).
    file: PathBuf,
    /// Force the format instead of detecting it.
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// Leave the original record (`raw`) out of each line.
    #[arg(long)]
    no_raw: bool,
    /// Print what each column or path became and how many jobs got each field, not the jobs.
    #[arg(long)]
    explain: bool,
}

/// Rejected rows printed per distinct reason; the rest are counted in one line.
const SHOW_PER_REASON: u64 = 20;

fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s).ok_or_else(|| format!("unknown format {s:?}: use csv, json or jsonl"))
}

/// Exit codes: 0 the file was read; 1 it could not be opened or read; 2 it is not an export.
pub fn run(args: &Args) -> ExitCode {
    let name = args.file.display().to_string();
    let file = match std::fs::File::open(&args.file) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("upflow: cannot open {name}: {e}");
            return ExitCode::from(1);
        }
    };
    let overrides = match Overrides::from_env() {
        Ok(o) => Arc::new(o.unwrap_or_default()),
        Err(e) => {
            eprintln!("upflow: {e}");
            return ExitCode::from(1);
        }
    };
    let options =
        ReadOptions { name: name.clone(), format: args.format, reference_time: reference_time(&args.file, &file) };
    let mut export = match Export::open_mapped(file, &options, Limits::default(), overrides) {
        Ok(export) => export,
        Err(e) => return fail(&name, &e),
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(256 * 1024, stdout.lock());
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let mut repeats: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    while let Some(item) = export.next_item() {
        match item {
            Ok(ExportItem::Job { .. }) if args.explain => {}
            Ok(ExportItem::Rejected { .. }) if args.explain => {}
            Ok(ExportItem::Job { mut job, .. }) => {
                if args.no_raw {
                    job.raw = Default::default();
                }
                let written = serde_json::to_writer(&mut out, &job)
                    .map_err(std::io::Error::from)
                    .and_then(|_| out.write_all(b"\n"));
                if let Err(e) = written {
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        return ExitCode::SUCCESS;
                    }
                    eprintln!("upflow: cannot write output: {e}");
                    return ExitCode::from(1);
                }
            }
            Ok(ExportItem::Rejected { row, reason, .. }) => {
                let seen = repeats.entry(reason.clone()).or_insert(0);
                *seen += 1;
                if *seen <= SHOW_PER_REASON {
                    let _ = writeln!(err, "row {row}: {reason}");
                }
            }
            Ok(ExportItem::Duplicate { .. }) => {}
            Err(e) => {
                let _ = out.flush();
                return fail(&name, &e);
            }
        }
    }
    let c = export.counts();
    if args.explain {
        let _ = write!(out, "{}", export.explanation());
        let _ = writeln!(out, "parsed {}, rejected {}, duplicates {}", c.parsed, c.rejected, c.duplicates);
        let _ = out.flush();
        return ExitCode::SUCCESS;
    }
    let _ = out.flush();
    let mut more: Vec<_> = repeats.into_iter().filter(|(_, n)| *n > SHOW_PER_REASON).collect();
    more.sort();
    for (reason, n) in more {
        let _ = writeln!(err, "… and {} more rows: {reason}", n - SHOW_PER_REASON);
    }
    for warning in export.warnings() {
        let _ = writeln!(err, "warning: {warning}");
    }
    let _ = writeln!(err, "parsed {}, rejected {}, duplicates {}", c.parsed, c.rejected, c.duplicates);
    ExitCode::SUCCESS
}

fn fail(name: &str, e: &ExportError) -> ExitCode {
    eprintln!("upflow: {name}: {e}");
    match e {
        ExportError::NotAnExport { .. } => ExitCode::from(2),
        ExportError::Read(_) => ExitCode::from(1),
    }
}

/// "Posted 2 hours ago" counts back from the export's time: from the Apify file name when it
/// carries one, else the file's modification time.
fn reference_time(path: &std::path::Path, file: &std::fs::File) -> DateTime<Utc> {
    export_time_from_name(&path.display().to_string())
        .or_else(|| file.metadata().and_then(|m| m.modified()).ok().map(DateTime::<Utc>::from))
        .unwrap_or_else(Utc::now)
}
