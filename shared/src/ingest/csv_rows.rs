//! Reads a CSV export row by row: any column order, BOM, CRLF, quoted multi-line cells.
//!
//! The header is mapped through the alias table once per file; each row then costs one pass
//! over its cells.

use std::io::Read;

use chrono::{DateTime, Utc};

use super::aliases::{lookup, Field, Target};
use super::mapping::{build_job, Hit};
use super::record::{first_index, segments, unflatten, Segment};
use super::{ExportError, RowOutcome};

/// A mapped column: its position, where it lands and its array index.
struct Mapped {
    column: usize,
    target: Target,
    index: Option<u32>,
}

/// Streams the rows of a CSV export.
pub struct CsvRows<R: Read> {
    reader: csv::Reader<R>,
    columns: Vec<String>,
    paths: Vec<Vec<Segment>>,
    mapped: Vec<Mapped>,
    record: csv::ByteRecord,
    row: u64,
    reference: DateTime<Utc>,
}

impl<R: Read> CsvRows<R> {
    /// Reads the header and checks that the file looks like an export.
    pub fn new(input: R, reference: DateTime<Utc>) -> Result<Self, ExportError> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(input);
        let header = reader.byte_headers().map_err(|e| ExportError::Read(format!("CSV header: {e}")))?.clone();
        let columns: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let mapped: Vec<Mapped> = columns
            .iter()
            .enumerate()
            .filter_map(|(column, name)| lookup(name).map(|target| Mapped { column, target, index: first_index(name) }))
            .collect();
        if !mapped.iter().any(|m| m.target.field == Field::Title) {
            return Err(ExportError::NotAnExport { reason: "no column maps to a job title".into(), seen: columns });
        }
        let paths = columns.iter().map(|c| segments(c)).collect();
        Ok(CsvRows { reader, columns, paths, mapped, record: csv::ByteRecord::new(), row: 0, reference })
    }

    /// The column names, as the header has them.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The next row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Option<Result<RowOutcome, ExportError>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                self.row += 1;
                Some(Ok(self.map_record()))
            }
            Err(e) => {
                self.row += 1;
                match e.kind() {
                    csv::ErrorKind::Io(_) => Some(Err(ExportError::Read(format!("row {}: {e}", self.row)))),
                    _ => Some(Ok(RowOutcome::Rejected {
                        row: self.row,
                        reason: format!("unreadable CSV: {e}"),
                        raw: None,
                    })),
                }
            }
        }
    }

    fn map_record(&mut self) -> RowOutcome {
        let row = self.row;
        let record = &self.record;
        if record.len() > self.columns.len() {
            return RowOutcome::Rejected {
                row,
                reason: format!("row has {} cells but the header has {}", record.len(), self.columns.len()),
                raw: Some(serde_json::Value::Array(
                    record.iter().map(|c| String::from_utf8_lossy(c).into_owned().into()).collect(),
                )),
            };
        }
        let mut cells: Vec<&str> = Vec::with_capacity(record.len());
        for (i, cell) in record.iter().enumerate() {
            match std::str::from_utf8(cell) {
                Ok(s) => cells.push(s),
                Err(_) => {
                    return RowOutcome::Rejected {
                        row,
                        reason: format!("column `{}` is not valid UTF-8", self.columns[i]),
                        raw: None,
                    }
                }
            }
        }
        let raw = unflatten(
            self.columns.iter().zip(&self.paths).zip(&cells).map(|((c, p), v)| (c.as_str(), p.as_slice(), *v)),
        );
        let mut hits: Vec<Hit> = self
            .mapped
            .iter()
            .filter_map(|m| {
                let value = cells.get(m.column)?.trim();
                (!value.is_empty()).then_some(Hit { target: m.target, index: m.index, value })
            })
            .collect();
        match build_job(&mut hits, raw, self.reference) {
            Ok(job) => RowOutcome::Job { row, job: Box::new(job) },
            Err((reason, raw)) => RowOutcome::Rejected { row, reason: reason.to_string(), raw: Some(raw) },
        }
    }
}
