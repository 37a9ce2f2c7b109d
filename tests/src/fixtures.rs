//! The real Apify exports in `tests/fixtures/apify`, and renderings of them.

use std::path::PathBuf;

use serde_json::Value;

/// The flat camelCase actor's export (19 jobs).
pub const SCRAPER: &str = "dataset_upwork-job-scraper_2026-05-24_06-55-21-455.json";
/// The Upwork-API-shaped actor's export (69 jobs).
pub const API_ACTOR: &str = "jobs_dataset_upwork_2026-02-05_04-09-24-623.json";

pub fn path(name: &str) -> PathBuf {
    let dir = std::env::var_os("UPFLOW_FIXTURES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/apify"));
    dir.join(name)
}

/// A file of `tests/fixtures/shapes`: renderings of the export shapes the reader must handle.
pub fn shape(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/shapes").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

pub fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

pub fn records(name: &str) -> Vec<Value> {
    serde_json::from_slice(&bytes(name)).unwrap()
}

/// Apify's CSV rendering: nested keys joined by `/`, BOM, CRLF.
pub fn flat_csv(records: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    upflow::ingest::record::write_flat_csv(records, true, &mut out).unwrap();
    out
}
