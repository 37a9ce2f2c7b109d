//! Parse + normalise throughput on one core: `parse_throughput FILE [--json]`.
//!
//! Reads the file through `Export` exactly as the splitter does (streaming, mapping every row
//! onto a `Job`); with `--json` each job is also serialised to JSON, as `upflow parse` does.
//! Prints MB/s, rows/s and peak RSS. Run it in release mode. It uses the splitter's global
//! allocator, so its figures are the splitter's.

use std::time::Instant;

use upflow::ingest::{Export, ExportItem, ReadOptions};

/// mimalloc, set up not to cost memory (`upflow::alloc`): the parse path allocates and frees a
/// dozen small strings per job (bench/README.md, issue 9).
#[global_allocator]
static ALLOCATOR: upflow::alloc::Allocator = upflow::alloc::Allocator;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or_else(|| anyhow::anyhow!("usage: parse_throughput FILE [--json]"))?;
    let to_json = args.iter().any(|a| a == "--json");
    let size = std::fs::metadata(path)?.len() as f64 / 1e6;
    let options = ReadOptions { name: path.clone(), format: None, reference_time: chrono::Utc::now() };

    let started = Instant::now();
    let mut export = Export::open(std::fs::File::open(path)?, &options)?;
    let mut sink = std::io::sink();
    let mut jobs = 0u64;
    let mut bytes_out = 0usize;
    while let Some(item) = export.next_item() {
        if let ExportItem::Job { job, .. } = item? {
            jobs += 1;
            if to_json {
                let line = serde_json::to_vec(&job)?;
                bytes_out += line.len();
                std::io::Write::write_all(&mut sink, &line)?;
            } else {
                std::hint::black_box(&job);
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let c = export.counts();
    println!(
        "file {path}: {size:.1} MB, rows {}, jobs {jobs}, rejected {}, duplicates {}",
        c.rows, c.rejected, c.duplicates
    );
    println!(
        "{}: {secs:.2} s, {:.1} MB/s, {:.0} rows/s, peak RSS {:.1} MiB{}",
        if to_json { "parse + normalise + JSON" } else { "parse + normalise" },
        size / secs,
        c.rows as f64 / secs,
        upflow_bench::peak_rss_mib(),
        if to_json { format!(", {:.1} MB of JSON", bytes_out as f64 / 1e6) } else { String::new() }
    );
    Ok(())
}
