//! Reads a CSV export row by row: any column order, BOM, CRLF, quoted multi-line cells.
//!
//! The header is mapped once per file ([`super::plan`]: override file, alias table), and columns
//! left unmapped get their field inferred from the first [`SAMPLE`] rows ([`super::infer`]),
//! which are read ahead for that and then handed out as usual; each row then costs one pass over
//! its cells.
//!
//! One row is capped ([`super::oversize`]). A complete row over the cap is rejected and reading
//! goes on. A row that reaches the cap without ending (typically an unterminated quote, which
//! makes any CSV reader take the rest of the file as one cell) is cut off there, so memory stays
//! bounded, and rejected; reading then **resynchronises** by this rule:
//!
//! 1. skip to the end of the line the reader had reached (the first `\n` after the cap);
//! 2. parse from the next line afresh (quote state reset), and skip records until one has
//!    exactly as many cells as the header: that record and all after it are read as usual.
//!
//! Apify writes every cell of every row, so a row start is a record with the header's cell
//! count, while a line from the middle of a long cell almost never is (a short header makes
//! this weaker). What lay between the broken row's start and the resync point belongs to the
//! rejected row: rows there are not read (after an unterminated quote, up to the cap). Row
//! numbers after a resync count the records read, not the lines skipped. The rejection of the
//! cut-off row is reported once the resync is over, and says what it skipped (so a file whose
//! rest never holds a whole row says so, rather than ending quietly).

use std::collections::VecDeque;
use std::io::{BufRead, Read};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::aliases::{Field, Target};
use super::infer::{infer, SAMPLE};
use super::mapping::{build_job, Hit};
use super::overrides::Overrides;
use super::oversize::{self, PREVIEW_BYTES};
use super::plan::{Plan, Why};
use super::raw::{Raw, Row};
use super::record::{first_index, segments, unflatten, Segment};
use super::{ExportError, RowOutcome};

mod records;

use records::{Record, Records};

/// A mapped column: its position, where it lands and its array index.
struct Mapped {
    column: usize,
    target: Target,
    index: Option<u32>,
}

/// The input as the CSV reader sees it: it ends early (reads return 0) once the current record
/// has been handed more than its cap, so the reader stops filling that record.
struct Capped<R> {
    inner: R,
    /// Bytes handed to the CSV reader so far.
    delivered: u64,
    /// `delivered` may not pass this while the current record is read.
    limit: u64,
    /// The limit was reached: the current record was cut off.
    tripped: bool,
}

impl<R> Capped<R> {
    /// Starts a record: it may be handed `cap` more bytes. The CSV reader may already hold up to
    /// its buffer (8 KB) of them, so a cut-off record is over the cap, and under the cap plus
    /// that buffer.
    fn arm(&mut self, cap: usize) {
        self.limit = self.delivered + cap as u64;
        self.tripped = false;
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.delivered > self.limit {
            self.tripped = true;
            return Ok(0);
        }
        // Never hand out more than the limit allows, so a cut-off record stops right past it.
        let room = usize::try_from(self.limit + 1 - self.delivered).unwrap_or(usize::MAX);
        let len = out.len().min(room);
        let n = self.inner.read(&mut out[..len])?;
        self.delivered += n as u64;
        Ok(n)
    }
}

/// Streams the rows of a CSV export.
pub struct CsvRows<R: BufRead> {
    /// `None` once the input has ended during a resync.
    reader: Option<Records<R>>,
    /// Makes `reader` (again, after a resync).
    records: fn(Capped<R>) -> Records<R>,
    columns: Vec<String>,
    paths: Vec<Vec<Segment>>,
    /// The column names when every column is a plain, distinct name: each row is then kept as
    /// it is ([`Raw::Row`]) rather than rebuilt into a JSON object.
    flat: Option<Arc<[String]>>,
    mapped: Vec<Mapped>,
    /// The allocation of each row's hits.
    hits: Vec<Hit<'static>>,
    row: u64,
    reference: DateTime<Utc>,
    max_record: usize,
    /// After a cut-off row: records are skipped until one has the header's cell count.
    resync: Option<Resync>,
    /// The row that ended a resync, to map on the next call.
    held: Option<Record>,
    plan: Plan,
    /// Rows read ahead for inference, handed out before any other.
    ahead: VecDeque<Ahead>,
}

/// What reading one more record gave.
enum Step {
    /// A row that is already an outcome (rejected).
    Outcome(RowOutcome),
    /// Row `row`, to map.
    Record(Record),
}

/// A row read ahead.
enum Ahead {
    Outcome(RowOutcome),
    Record(u64, Record),
    Error(ExportError),
}

/// A cut-off row and what the resync after it skipped; reported when the resync is over.
#[derive(Debug)]
struct Resync {
    row: u64,
    /// The row's first bytes.
    head: Vec<u8>,
    /// Bytes of the row read before it was cut off.
    cut_at: u64,
    /// Records and bytes skipped after it.
    records: u64,
    bytes: u64,
}

impl<R: BufRead> CsvRows<R> {
    /// Reads the header, maps it (`overrides` first, then the alias table, then inference on
    /// the first rows) and checks that the file looks like an export. One record (the header
    /// too) may hold at most `max_record` bytes.
    pub fn new(
        input: R,
        reference: DateTime<Utc>,
        max_record: usize,
        overrides: Arc<Overrides>,
    ) -> Result<Self, ExportError> {
        Self::open(Records::new, input, reference, max_record, overrides)
    }

    /// [`CsvRows::new`] reading its records with `records`.
    fn open(
        records: fn(Capped<R>) -> Records<R>,
        input: R,
        reference: DateTime<Utc>,
        max_record: usize,
        overrides: Arc<Overrides>,
    ) -> Result<Self, ExportError> {
        let mut capped = Capped { inner: input, delivered: 0, limit: 0, tripped: false };
        capped.arm(max_record);
        let mut reader = records(capped);
        // The first record is the header (none in an empty file).
        let header = reader.read().map_err(|e| ExportError::Read(format!("CSV header: {e}")))?.unwrap_or_default();
        if reader.capped().tripped {
            return Err(ExportError::NotAnExport {
                reason: format!(
                    "the CSV header is over {} (an unterminated quote?); it starts `{}…`",
                    oversize::human_size(max_record),
                    oversize::preview(&join_cells(&header))
                ),
                seen: vec![],
            });
        }
        let columns: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let mut plan = Plan::new(overrides);
        for name in &columns {
            plan.target(name);
        }
        let paths: Vec<Vec<Segment>> = columns.iter().map(|c| segments(c)).collect();
        let distinct = columns.iter().collect::<std::collections::HashSet<_>>().len() == columns.len();
        let flat = (distinct && paths.iter().all(|p| p.len() == 1)).then(|| columns.clone().into());
        let mut rows = CsvRows {
            reader: Some(reader),
            records,
            columns,
            paths,
            flat,
            mapped: Vec::new(),
            hits: Vec::new(),
            row: 0,
            reference,
            max_record,
            resync: None,
            held: None,
            plan,
            ahead: VecDeque::new(),
        };
        if rows.plan.entries().iter().any(|(_, d)| d.why == Why::Unmapped) {
            rows.infer_unmapped();
        }
        rows.mapped = rows
            .columns
            .iter()
            .enumerate()
            .filter_map(|(column, name)| {
                let target = rows.plan.target(name)?;
                Some(Mapped { column, target, index: first_index(name) })
            })
            .collect();
        // In the order `build_job` reads hits (a stable sort, as `build_job`'s own), so a row's
        // hits need no sorting.
        rows.mapped.sort_by_key(|m| (m.target.field, m.target.rank, m.index));
        if !rows.mapped.iter().any(|m| m.target.field == Field::Title) {
            return Err(ExportError::NotAnExport {
                reason: "no column maps to a job title".into(),
                seen: rows.columns.clone(),
            });
        }
        Ok(rows)
    }

    /// Where each column goes, and why.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Reads up to [`SAMPLE`] rows ahead and infers the fields of the unmapped columns from them.
    fn infer_unmapped(&mut self) {
        let mut sampled = 0;
        while sampled < SAMPLE && self.ahead.len() < 4 * SAMPLE {
            match self.read_step() {
                None => break,
                Some(Err(e)) => {
                    self.ahead.push_back(Ahead::Error(e));
                    break;
                }
                Some(Ok(Step::Outcome(o))) => self.ahead.push_back(Ahead::Outcome(o)),
                Some(Ok(Step::Record(record))) => {
                    sampled += 1;
                    self.ahead.push_back(Ahead::Record(self.row, record));
                }
            }
        }
        let unmapped: Vec<usize> = (0..self.columns.len())
            .filter(|&i| self.plan.decision(&self.columns[i]).is_some_and(|d| d.why == Why::Unmapped))
            .collect();
        let candidates: Vec<(&str, Vec<&str>)> = unmapped
            .iter()
            .map(|&i| {
                let values = self
                    .ahead
                    .iter()
                    .filter_map(|a| match a {
                        Ahead::Record(_, r) => r.get(i).and_then(|c| std::str::from_utf8(c).ok()),
                        _ => None,
                    })
                    .collect();
                (self.columns[i].as_str(), values)
            })
            .collect();
        let found = infer(&candidates, sampled, |f| self.plan.covers(f), self.reference);
        drop(candidates);
        for f in found {
            let name = self.columns[unmapped[f.column]].clone();
            self.plan.infer(&name, f.field, f.described, f.matched, f.sampled);
        }
    }

    /// The column names, as the header has them.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The next row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Option<Result<RowOutcome, ExportError>> {
        if let Some(ahead) = self.ahead.pop_front() {
            return Some(match ahead {
                Ahead::Outcome(o) => Ok(o),
                Ahead::Error(e) => Err(e),
                Ahead::Record(row, record) => Ok(self.map_record(row, record)),
            });
        }
        Some(match self.read_step()? {
            Ok(Step::Outcome(o)) => Ok(o),
            Ok(Step::Record(record)) => Ok(self.map_record(self.row, record)),
            Err(e) => Err(e),
        })
    }

    /// Reads the next record: an outcome already, or a row to map.
    fn read_step(&mut self) -> Option<Result<Step, ExportError>> {
        if let Some(record) = self.held.take() {
            self.row += 1;
            return Some(Ok(Step::Record(record)));
        }
        loop {
            let Some(reader) = self.reader.as_mut() else {
                // The input ended while skipping to a resync point.
                return self.resync.take().map(|r| Ok(Step::Outcome(self.cut_off(r, false))));
            };
            let start = reader.position();
            reader.capped_mut().arm(self.max_record);
            let read = reader.read();
            let bytes = reader.position() - start;
            let tripped = reader.capped().tripped;
            match read {
                Ok(None) => return self.resync.take().map(|r| Ok(Step::Outcome(self.cut_off(r, false)))),
                Ok(Some(record)) if tripped => {
                    // Cut off at the cap: the row had not ended within it.
                    let head = join_cells(&record);
                    let skipped = match self.restart_at_next_line() {
                        Ok(n) => n,
                        Err(e) => return Some(Err(e)),
                    };
                    match &mut self.resync {
                        Some(resync) => {
                            resync.records += 1;
                            resync.bytes += bytes + skipped;
                        }
                        None => {
                            self.row += 1;
                            self.resync =
                                Some(Resync { row: self.row, head, cut_at: bytes, records: 0, bytes: skipped });
                        }
                    }
                }
                Ok(Some(record)) => {
                    if let Some(resync) = &mut self.resync {
                        if record.len() != self.columns.len() || bytes > self.max_record as u64 {
                            resync.records += 1;
                            resync.bytes += bytes;
                            continue;
                        }
                        // A whole row: report the cut-off one, then this one on the next call.
                        let resync = self.resync.take().expect("resyncing");
                        self.held = Some(record);
                        return Some(Ok(Step::Outcome(self.cut_off(resync, true))));
                    }
                    self.row += 1;
                    if bytes > self.max_record as u64 {
                        let head = join_cells(&record);
                        return Some(Ok(Step::Outcome(RowOutcome::Rejected {
                            row: self.row,
                            reason: oversize::reason(self.max_record, bytes, true, &head, ""),
                            raw: Some(serde_json::Value::String(oversize::preview(&head))),
                        })));
                    }
                    return Some(Ok(Step::Record(record)));
                }
                // A flexible reader of bytes fails only on the input.
                Err(e) => return Some(Err(ExportError::Read(format!("row {}: {e}", self.row + 1)))),
            }
        }
    }

    /// Drops the CSV reader (and its state inside the broken row), skips the input to the end of
    /// the current line and starts a fresh reader on the next one. Returns the bytes skipped.
    fn restart_at_next_line(&mut self) -> Result<u64, ExportError> {
        let Some(reader) = self.reader.take() else {
            return Ok(0);
        };
        // The reader asked for more input and got none, so its own buffer is empty: nothing
        // read from `inner` is lost with it.
        let mut input = reader.into_inner();
        let mut skipped = 0u64;
        loop {
            let chunk = input.inner.fill_buf().map_err(|e| ExportError::Read(e.to_string()))?;
            if chunk.is_empty() {
                return Ok(skipped);
            }
            match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    input.inner.consume(i + 1);
                    skipped += i as u64 + 1;
                    break;
                }
                None => {
                    let n = chunk.len();
                    input.inner.consume(n);
                    skipped += n as u64;
                }
            }
        }
        self.reader = Some((self.records)(input));
        Ok(skipped)
    }

    /// The rejection of a cut-off row, once the resync after it is over: `found` when it ended
    /// at a whole row, else at the end of the file.
    fn cut_off(&self, r: Resync, found: bool) -> RowOutcome {
        let cells = self.columns.len();
        let skipped = match (found, r.records) {
            (true, 0) => format!("reading resumes at the next line, a whole row ({cells} cells)"),
            (true, n) => format!(
                "{n} more records ({} bytes) were skipped to the next line that holds a whole row ({cells} cells)",
                r.bytes
            ),
            (false, n) => format!(
                "the rest of the file ({n} records, {} bytes) holds no line with a whole row ({cells} cells)",
                r.bytes
            ),
        };
        RowOutcome::Rejected {
            row: r.row,
            reason: oversize::reason(
                self.max_record,
                r.cut_at,
                false,
                &r.head,
                &format!("the row was cut off there (an unterminated quote, or one huge cell); {skipped}"),
            ),
            raw: Some(serde_json::Value::String(oversize::preview(&r.head))),
        }
    }

    fn map_record(&mut self, row: u64, record: Record) -> RowOutcome {
        if record.len() > self.columns.len() {
            return RowOutcome::Rejected {
                row,
                reason: format!("row has {} cells but the header has {}", record.len(), self.columns.len()),
                raw: Some(serde_json::Value::Array(
                    record.iter().map(|c| String::from_utf8_lossy(c).into_owned().into()).collect(),
                )),
            };
        }
        // One UTF-8 check of the whole row, which then is the job's (no copy).
        let cells = match record.into_text() {
            Ok(cells) => cells,
            Err(column) => {
                return RowOutcome::Rejected {
                    row,
                    reason: format!("column `{}` is not valid UTF-8", self.columns[column]),
                    raw: None,
                };
            }
        };
        // Sized once (collected from a filter it grew four times a row), and allocated once per
        // file: the empty vector is kept between rows, as hits of no row (collected in place).
        let mut hits: Vec<Hit> = std::mem::take(&mut self.hits);
        hits.reserve(self.mapped.len());
        hits.extend(self.mapped.iter().filter_map(|m| {
            let value = crate::normalise::text::trim(cells.get(m.column)?);
            (!value.is_empty()).then_some(Hit { target: m.target, index: m.index, value })
        }));
        let built = build_job(&mut hits, self.reference);
        hits.clear();
        self.hits = hits.into_iter().map(|_| unreachable!("empty")).collect();
        let raw = match &self.flat {
            Some(columns) => Raw::Row(Row::new(columns.clone(), cells)),
            None => Raw::Value(unflatten(
                self.columns.iter().zip(&self.paths).zip(cells.iter()).map(|((c, p), v)| (c.as_str(), p.as_slice(), v)),
            )),
        };
        match built {
            Ok(mut job) => {
                job.raw = raw;
                RowOutcome::Job { row, job }
            }
            Err(reason) => RowOutcome::Rejected { row, reason: reason.to_string(), raw: Some(raw.to_value()) },
        }
    }
}

/// The first bytes of a record's cells joined by commas, to show what a rejected row held.
fn join_cells(record: &Record) -> Vec<u8> {
    let mut out = Vec::with_capacity(PREVIEW_BYTES);
    for (i, cell) in record.iter().enumerate() {
        if out.len() >= PREVIEW_BYTES {
            break;
        }
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&cell[..cell.len().min(PREVIEW_BYTES)]);
    }
    out.truncate(PREVIEW_BYTES);
    out
}

#[cfg(test)]
mod tests {
    use super::records::tests::{tricky, Chunked, Rng};
    use super::*;

    /// Everything `CsvRows` makes of `data` with its records read by `records`.
    fn outcomes(records: fn(Capped<Chunked>) -> Records<Chunked>, data: &[u8], cap: usize, seed: u64) -> Vec<String> {
        let largest = [1, 13, 300, 9000, 1 << 20][(seed % 5) as usize];
        let input = Chunked { data: data.to_vec(), at: 0, rng: Rng(seed | 1), largest };
        let reference = DateTime::parse_from_rfc3339("2024-06-10T12:00:00Z").unwrap().with_timezone(&Utc);
        let mut rows = match CsvRows::open(records, input, reference, cap, Arc::default()) {
            Ok(rows) => rows,
            Err(e) => return vec![format!("{e:?}")],
        };
        let mut seen = vec![format!("{:?} {:?}", rows.columns(), rows.plan().entries())];
        while let Some(outcome) = rows.next_row() {
            seen.push(format!("{outcome:?}"));
        }
        seen
    }

    fn same_outcomes(data: &[u8], cap: usize, seed: u64) {
        let split = outcomes(Records::new, data, cap, seed);
        let plain = outcomes(Records::plain, data, cap, seed);
        if split != plain {
            let i = split.iter().zip(&plain).position(|(a, b)| a != b).unwrap_or(split.len().min(plain.len()));
            panic!(
                "cap {cap}, seed {seed}: outcome {i} differs:\n split: {:?}\n plain: {:?}\ninput: {:?}",
                split.get(i),
                plain.get(i),
                String::from_utf8_lossy(data)
            );
        }
    }

    /// The rows, rejections (their reasons, row numbers and raw records), resyncs and columns
    /// are those of `csv::Reader`, on every fixture and on generated awkward files, with the
    /// cap far off and near the rows' sizes.
    #[test]
    fn rows_are_those_csv_reader_gives() {
        for (i, file) in crate::ingest::fixture_files(&["csv"]).iter().enumerate() {
            let data = std::fs::read(file).unwrap();
            for (j, cap) in [oversize::MAX_RECORD_BYTES, 2000, 600, 200].into_iter().enumerate() {
                same_outcomes(&data, cap, (i * 10 + j) as u64);
            }
        }
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for case in 0..1500u64 {
            let rows = rng.below(30);
            let header: &[u8] = match case % 3 {
                0 => b"title,url,budget,description",
                1 => b"title,client/country,skills/0,skills/1",
                _ => b"\"title\",\"posted\",url,\"notes\"\"x\"",
            };
            let data = tricky(&mut rng, header, rows);
            let cap = match case % 4 {
                0 => oversize::MAX_RECORD_BYTES,
                1 => 1000 + rng.below(9000),
                _ => 20 + rng.below(400),
            };
            same_outcomes(&data, cap, case);
        }
    }
}
