//! Helpers for the library's tests: the real fixtures and CSV renderings of them.
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use serde_json::Value;
use upflow::ingest::{read_all, Counts, ExportError, ExportItem, ReadOptions};

/// The two real exports.
pub const FIXTURES: [&str; 2] =
    ["dataset_upwork-job-scraper_2026-05-24_06-55-21-455.json", "jobs_dataset_upwork_2026-02-05_04-09-24-623.json"];

/// `tests/fixtures/apify` in the repository, or `UPFLOW_FIXTURES_DIR`.
pub fn fixture_path(name: &str) -> PathBuf {
    let dir = std::env::var_os("UPFLOW_FIXTURES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/apify"));
    dir.join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Parses bytes as an export named `name`, relative dates counted from 2026-05-24 07:00 UTC.
pub fn parse_bytes(name: &str, bytes: &[u8]) -> Result<(Vec<ExportItem>, Counts), ExportError> {
    let options = ReadOptions {
        name: name.to_string(),
        format: None,
        reference_time: Utc.with_ymd_and_hms(2026, 5, 24, 7, 0, 0).unwrap(),
    };
    read_all(bytes, &options)
}

/// Renders records as Apify's CSV export does; `newline` "\n" turns CRLF into LF.
pub fn to_flat_csv(records: &[Value], bom: bool, newline: &str) -> Vec<u8> {
    let mut out = Vec::new();
    upflow::ingest::record::write_flat_csv(records, bom, &mut out).unwrap();
    if newline == "\n" {
        let text = String::from_utf8(out).unwrap().replace("\r\n", "\n");
        return text.into_bytes();
    }
    out
}
