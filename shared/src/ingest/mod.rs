//! Reading exports: format detection, streaming CSV and JSON readers, the alias table, and the
//! mapping onto [`Job`](crate::job::Job), with in-file de-duplication and counts.
//!
//! ```text
//! bytes ─ detect ─┬─ CsvRows  ─┐
//!                 └─ JsonRows ─┴─ RowOutcome ─ Export (dedupe, counts) ─ ExportItem
//! ```
//!
//! Each file's keys are mapped once ([`plan`]): the override file ([`overrides`]), the alias
//! table by whole key, path suffix or leaf ([`aliases`]), then inference from values for CSV
//! columns left over ([`infer`]). [`Export::explanation`] says what went where ([`explain`]),
//! and [`Export::warnings`] what is wrong with the file as a whole (no id or URL anywhere).
//!
//! Memory is bounded by one record, never by the file: a record over [`MAX_RECORD_BYTES`]
//! (an unterminated quote, a 200 MB value, a line without its newline) is skipped without being
//! buffered and rejected with its row number and reason ([`oversize`]).

pub mod aliases;
pub mod csv_rows;
pub mod explain;
pub mod format;
pub mod infer;
pub mod json_rows;
pub mod json_text;
pub mod mapping;
pub mod overrides;
pub mod oversize;
pub mod plan;
pub mod raw;
pub mod record;
pub mod seen;

use std::io::{BufReader, Chain, Cursor, Read};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::job::Job;
use aliases::Field;
pub use explain::Explanation;
use explain::FieldCounts;
pub use format::Format;
pub use overrides::{OverrideError, Overrides};
pub use oversize::{Limits, MAX_RECORD_BYTES};

/// What one row of an export became.
#[derive(Debug)]
pub enum RowOutcome {
    Job {
        row: u64,
        job: Box<Job>,
    },
    /// A row that cannot become a job, with the reason and whatever could be read of it.
    Rejected {
        row: u64,
        reason: String,
        raw: Option<Value>,
    },
}

/// What [`Export`] hands out: each job once, each rejected row, each in-file duplicate.
#[derive(Debug)]
pub enum ExportItem {
    Job {
        row: u64,
        job: Box<Job>,
    },
    Rejected {
        row: u64,
        reason: String,
        raw: Option<Value>,
    },
    /// A row whose job id an earlier row of the same file already had.
    Duplicate {
        row: u64,
        job_id: String,
        first_row: u64,
    },
}

impl ExportItem {
    /// The job, when the row became one.
    pub fn job(&self) -> Option<&Job> {
        match self {
            ExportItem::Job { job, .. } => Some(job),
            _ => None,
        }
    }
}

/// A file that cannot be read as an export at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExportError {
    #[error("not an Upwork export: {reason}{}", seen_list(.seen))]
    NotAnExport { reason: String, seen: Vec<String> },
    #[error("could not read the export: {0}")]
    Read(String),
}

fn seen_list(seen: &[String]) -> String {
    if seen.is_empty() {
        return String::new();
    }
    const SHOW: usize = 40;
    let mut list = seen.iter().take(SHOW).map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
    if seen.len() > SHOW {
        list.push_str(&format!(" and {} more", seen.len() - SHOW));
    }
    format!(" (columns seen: {list})")
}

/// Counts for one export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Rows read (jobs + rejected + duplicates).
    pub rows: u64,
    pub parsed: u64,
    pub rejected: u64,
    pub duplicates: u64,
}

/// How to read an export.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The file name or object key: used for the format when the content does not decide.
    pub name: String,
    /// A format forced by the user; `None` detects it.
    pub format: Option<Format>,
    /// The time "Posted 17 minutes ago" counts back from: the export's time.
    pub reference_time: DateTime<Utc>,
}

type Input<R> = BufReader<Chain<Cursor<Vec<u8>>, R>>;

enum Rows<R: Read> {
    Csv(Box<csv_rows::CsvRows<Input<R>>>),
    Json(Box<json_rows::JsonRows<Input<R>>>),
}

/// A streaming export: rows come out one at a time, with duplicates and counts handled.
pub struct Export<R: Read> {
    rows: Rows<R>,
    format: Format,
    /// The jobs handed out so far: id -> row.
    seen: seen::Seen,
    counts: Counts,
    fields: FieldCounts,
    /// Rows rejected for having neither a job id nor a URL.
    missing_id: u64,
    /// The next row's outcome, read one row ahead (`None`: not read yet; `Some(None)`: the end).
    ahead: Option<Option<Result<RowOutcome, ExportError>>>,
}

/// Bytes read ahead to detect the format.
const SNIFF: usize = 8 * 1024;
/// Read buffer for the stream.
const BUFFER: usize = 256 * 1024;

impl<R: Read> Export<R> {
    /// Opens an export: sniffs the format and, for CSV, maps the header. One record may hold at
    /// most [`MAX_RECORD_BYTES`].
    pub fn open(input: R, options: &ReadOptions) -> Result<Self, ExportError> {
        Export::open_with_limits(input, options, Limits::default())
    }

    /// Tests: a JSON export's records are all mapped through a parsed `Value`, as before
    /// [`json_text`] (to compare the two).
    #[cfg(test)]
    pub(crate) fn value_route(&mut self) {
        if let Rows::Json(r) = &mut self.rows {
            r.value_route = true;
        }
    }

    /// [`Export::open`] with other [`Limits`] (tests use a small record cap).
    pub fn open_with_limits(input: R, options: &ReadOptions, limits: Limits) -> Result<Self, ExportError> {
        Export::open_mapped(input, options, limits, Arc::default())
    }

    /// [`Export::open_with_limits`] with a mapping override file, applied before the aliases.
    pub fn open_mapped(
        mut input: R,
        options: &ReadOptions,
        limits: Limits,
        overrides: Arc<Overrides>,
    ) -> Result<Self, ExportError> {
        let mut head = Vec::with_capacity(SNIFF);
        (&mut input).take(SNIFF as u64).read_to_end(&mut head).map_err(|e| ExportError::Read(e.to_string()))?;
        let sniffed = format::detect(&options.name, &head);
        let format = match (options.format, sniffed) {
            (Some(forced), _) => forced,
            (None, Ok(found)) => found,
            (None, Err(reason)) => return Err(ExportError::NotAnExport { reason, seen: vec![] }),
        };
        let stream = BufReader::with_capacity(BUFFER, Cursor::new(head).chain(input));
        let (reference, cap) = (options.reference_time, limits.max_record_bytes);
        let rows = match format {
            Format::Csv => Rows::Csv(Box::new(csv_rows::CsvRows::new(stream, reference, cap, overrides)?)),
            Format::Json | Format::JsonLines => {
                let framing =
                    if format == Format::Json { json_rows::Framing::Array } else { json_rows::Framing::Lines };
                let mut rows = json_rows::JsonRows::new(stream, framing, reference, cap);
                rows.plan = plan::Plan::new(overrides);
                Rows::Json(Box::new(rows))
            }
        };
        Ok(Export {
            rows,
            format,
            seen: Default::default(),
            counts: Counts::default(),
            fields: FieldCounts::default(),
            missing_id: 0,
            ahead: None,
        })
    }

    fn plan(&self) -> &plan::Plan {
        match &self.rows {
            Rows::Csv(r) => r.plan(),
            Rows::Json(r) => &r.plan,
        }
    }

    /// What went where, and how many jobs got each field (final once the iterator is done).
    pub fn explanation(&self) -> Explanation {
        Explanation::new(self.plan(), &self.fields, &self.warnings())
    }

    /// Problems of the file as a whole, each said once (final once the iterator is done): rows
    /// without a job id or URL when no row had one, or when no column or path maps to one.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let plan = self.plan();
        let unmapped = !plan.covers(Field::JobId) && !plan.covers(Field::Url);
        let none_parsed = self.counts.parsed + self.counts.duplicates == 0;
        if self.missing_id > 0 && (unmapped || none_parsed) {
            let rows = self.missing_id;
            let why = if unmapped {
                let mut columns: Vec<String> = Vec::new();
                for (key, _) in plan.entries() {
                    let column = format!("`{}`", explain::star_indices(key));
                    if columns.len() < 40 && !columns.contains(&column) {
                        columns.push(column);
                    }
                }
                format!(
                    "no column maps to a job id or URL (columns: {}); name one in the mapping file \
                     (`[columns]` \"Your column\" = \"url\")",
                    columns.join(", ")
                )
            } else {
                "the columns that map to a job id or URL are empty in every row".to_string()
            };
            let rows_word = if rows == 1 { "row has" } else { "rows have" };
            out.push(format!("{rows} {rows_word} neither a job id nor a URL, so no job could be made: {why}"));
        }
        out
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Counts so far (final once the iterator is done).
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The next item, `None` at the end; an error ends the export.
    pub fn next_item(&mut self) -> Option<Result<ExportItem, ExportError>> {
        // Rows are read one ahead. The next row's job is built now and its entry in the
        // de-duplication set starts loading, so that its lookup, a call later, finds it in the
        // cache: with a million ids the set outgrows the caches, and a lookup that waits on
        // memory took 18% of the pandas shape's wall time (bench/README.md). Outcomes still
        // come out in row order, each once; the end is read once, and nothing is read past an
        // error until the caller asks for the next item.
        let Some(outcome) = self.ahead.take().unwrap_or_else(|| self.read_row()) else {
            self.ahead = Some(None);
            return None;
        };
        if outcome.is_ok() {
            let next = self.read_row();
            if let Some(Ok(RowOutcome::Job { job, .. })) = &next {
                self.seen.prefetch(&job.job_id);
            }
            self.ahead = Some(next);
        }
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => return Some(Err(e)),
        };
        self.counts.rows += 1;
        Some(Ok(match outcome {
            RowOutcome::Rejected { row, reason, raw } => {
                self.counts.rejected += 1;
                if reason == mapping::Rejection::MissingIdAndUrl.as_str() {
                    self.missing_id += 1;
                }
                ExportItem::Rejected { row, reason, raw }
            }
            RowOutcome::Job { row, job } => match self.seen.first_row_or_insert(&job.job_id, row) {
                Some(first_row) => {
                    self.counts.duplicates += 1;
                    ExportItem::Duplicate { row, job_id: job.job_id, first_row }
                }
                None => {
                    self.counts.parsed += 1;
                    self.fields.add(&job);
                    ExportItem::Job { row, job }
                }
            },
        }))
    }

    /// The next row's outcome from the reader; `None` at the end.
    fn read_row(&mut self) -> Option<Result<RowOutcome, ExportError>> {
        match &mut self.rows {
            Rows::Csv(r) => r.next_row(),
            Rows::Json(r) => r.next_row(),
        }
    }
}

impl<R: Read> Iterator for Export<R> {
    type Item = Result<ExportItem, ExportError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_item()
    }
}

/// Reads a whole export into memory: for tests and small files.
pub fn read_all<R: Read>(input: R, options: &ReadOptions) -> Result<(Vec<ExportItem>, Counts), ExportError> {
    read_all_with_limits(input, options, Limits::default())
}

/// [`read_all`] with other [`Limits`].
pub fn read_all_with_limits<R: Read>(
    input: R,
    options: &ReadOptions,
    limits: Limits,
) -> Result<(Vec<ExportItem>, Counts), ExportError> {
    let mut export = Export::open_with_limits(input, options, limits)?;
    let mut items = Vec::new();
    for item in export.by_ref() {
        items.push(item?);
    }
    Ok((items, export.counts()))
}

/// Every file under the repository's `tests/fixtures/` whose extension is one of `extensions`
/// (lowercase, compared without case), for tests that check a reader on all of them.
#[cfg(test)]
pub(crate) fn fixture_files(extensions: &[&str]) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures"))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            if path.is_dir() {
                dirs.push(path);
            } else if extensions.contains(&ext.as_str()) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
