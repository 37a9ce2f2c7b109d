//! Reads JSON exports record by record: a JSON array (Apify's JSON export) or JSON Lines.
//!
//! The array is never held whole: a small scanner finds each element's bytes (tracking depth,
//! strings and escapes), and only that element is parsed. A malformed element is rejected on its
//! own and reading resumes at the next one.
//!
//! One record is capped ([`super::oversize`]): past the cap, an array element is skipped by the
//! same scanner (depth and strings counted as it streams by, nothing buffered but its first
//! bytes) up to its end, and a JSON Lines line up to its newline; the record is rejected with
//! its size and first bytes, and reading goes on with the next one.

use std::io::BufRead;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::aliases::{lookup, Field};
use super::mapping::{build_job, Hit};
use super::oversize::{self, PREVIEW_BYTES};
use super::record::{first_index, flatten};
use super::{ExportError, RowOutcome};

/// The framing of the JSON records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    Array,
    Lines,
}

/// Streams the records of a JSON or JSON Lines export.
pub struct JsonRows<R: BufRead> {
    input: R,
    framing: Framing,
    buf: Vec<u8>,
    row: u64,
    started: bool,
    finished: bool,
    checked_first: bool,
    flat: Vec<(String, String)>,
    reference: DateTime<Utc>,
    max_record: usize,
}

impl<R: BufRead> JsonRows<R> {
    /// A reader of `framing` records; one record may hold at most `max_record` bytes.
    pub fn new(input: R, framing: Framing, reference: DateTime<Utc>, max_record: usize) -> Self {
        JsonRows {
            input,
            framing,
            buf: Vec::with_capacity(16 * 1024),
            row: 0,
            started: false,
            finished: false,
            checked_first: false,
            flat: Vec::new(),
            reference,
            max_record,
        }
    }

    /// The next record, or `None` at the end.
    pub fn next_row(&mut self) -> Option<Result<RowOutcome, ExportError>> {
        loop {
            if self.finished {
                return None;
            }
            let read = match self.framing {
                Framing::Array => self.next_element(),
                Framing::Lines => self.next_line(),
            };
            match read {
                Err(e) => {
                    self.finished = true;
                    return Some(Err(e));
                }
                Ok(None) => {
                    self.finished = true;
                    return None;
                }
                Ok(Some(Element::Blank)) => continue,
                Ok(Some(Element::Truncated)) => {
                    self.finished = true;
                    self.row += 1;
                    let raw = Value::String(String::from_utf8_lossy(&self.buf).into_owned());
                    return Some(Ok(RowOutcome::Rejected {
                        row: self.row,
                        reason: "the file ends inside this record (truncated export?)".into(),
                        raw: Some(raw),
                    }));
                }
                Ok(Some(Element::Oversize { bytes, ended })) => {
                    self.row += 1;
                    let note = if ended { "" } else { "the file ends inside it" };
                    self.finished = !ended;
                    return Some(Ok(RowOutcome::Rejected {
                        row: self.row,
                        reason: oversize::reason(self.max_record, bytes, ended, &self.buf, note),
                        raw: Some(Value::String(oversize::preview(&self.buf))),
                    }));
                }
                Ok(Some(Element::Complete)) => {
                    self.row += 1;
                    return Some(self.map_element());
                }
            }
        }
    }

    fn map_element(&mut self) -> Result<RowOutcome, ExportError> {
        let row = self.row;
        let value: Value = match serde_json::from_slice(&self.buf) {
            Ok(v) => v,
            Err(e) => {
                return Ok(RowOutcome::Rejected {
                    row,
                    reason: format!("invalid JSON: {e}"),
                    raw: Some(Value::String(String::from_utf8_lossy(&self.buf).into_owned())),
                })
            }
        };
        if !value.is_object() {
            return Ok(RowOutcome::Rejected { row, reason: "record is not a JSON object".into(), raw: Some(value) });
        }
        self.flat.clear();
        flatten(&value, &mut self.flat);
        let mut hits: Vec<Hit> = self
            .flat
            .iter()
            .filter_map(|(key, text)| {
                let target = lookup(key)?;
                let value = text.trim();
                (!value.is_empty()).then(|| Hit { target, index: first_index(key), value })
            })
            .collect();
        if !self.checked_first {
            self.checked_first = true;
            if !hits.iter().any(|h| h.target.field == Field::Title) {
                let mut seen: Vec<String> = self.flat.iter().map(|(k, _)| k.clone()).collect();
                seen.dedup();
                return Err(ExportError::NotAnExport { reason: "no field maps to a job title".into(), seen });
            }
        }
        match build_job(&mut hits, value, self.reference) {
            Ok(job) => Ok(RowOutcome::Job { row, job: Box::new(job) }),
            Err((reason, raw)) => Ok(RowOutcome::Rejected { row, reason: reason.to_string(), raw: Some(raw) }),
        }
    }

    /// Copies the next line into `buf`; a line over the cap is read past without being kept
    /// (only its first bytes are).
    fn next_line(&mut self) -> Result<Option<Element>, ExportError> {
        self.buf.clear();
        let mut seen = 0u64;
        let mut over = false;
        loop {
            let chunk = self.input.fill_buf().map_err(|e| ExportError::Read(e.to_string()))?;
            if chunk.is_empty() {
                break;
            }
            let (take, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            seen += take as u64;
            if !over {
                let line_end = if done { take - 1 } else { take };
                if self.buf.len() + line_end > self.max_record {
                    over = true;
                    let room = PREVIEW_BYTES.saturating_sub(self.buf.len());
                    self.buf.extend_from_slice(&chunk[..take.min(room)]);
                    self.buf.truncate(PREVIEW_BYTES);
                } else {
                    self.buf.extend_from_slice(&chunk[..take]);
                }
            }
            self.input.consume(take);
            if done {
                break;
            }
        }
        if seen == 0 {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            if self.buf.starts_with(super::format::BOM) {
                self.buf.drain(..3);
            }
        }
        if over {
            return Ok(Some(Element::Oversize { bytes: seen, ended: true }));
        }
        if self.buf.iter().all(|b| b.is_ascii_whitespace()) {
            // Blank lines still count, so row numbers are line numbers.
            self.row += 1;
            return Ok(Some(Element::Blank));
        }
        Ok(Some(Element::Complete))
    }

    /// Copies the next array element's bytes into `buf`.
    fn next_element(&mut self) -> Result<Option<Element>, ExportError> {
        let io = |e: std::io::Error| ExportError::Read(e.to_string());
        if !self.started {
            self.started = true;
            let mut bom = true;
            match self.skip_ws(&mut bom).map_err(io)? {
                Some(b'[') => self.input.consume(1),
                _ => {
                    return Err(ExportError::NotAnExport {
                        reason: "a JSON export must be an array".into(),
                        seen: vec![],
                    })
                }
            }
        }
        self.buf.clear();
        let mut no_bom = false;
        match self.skip_ws(&mut no_bom).map_err(io)? {
            None => return Ok(None),
            Some(b']') => {
                self.input.consume(1);
                return Ok(None);
            }
            Some(b',') => self.input.consume(1),
            Some(_) => {}
        }
        let mut depth = 0u32;
        let mut in_string = false;
        let mut escaped = false;
        // Bytes of this element so far; past the cap only the first ones stay in `buf`.
        let mut seen = 0u64;
        let mut over = false;
        loop {
            let chunk = self.input.fill_buf().map_err(io)?;
            if chunk.is_empty() {
                if over {
                    return Ok(Some(Element::Oversize { bytes: seen, ended: false }));
                }
                let blank = self.buf.iter().all(|b| b.is_ascii_whitespace());
                return Ok(if blank { None } else { Some(Element::Truncated) });
            }
            let mut end = None;
            for (i, &b) in chunk.iter().enumerate() {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    b',' | b']' if depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let take = end.unwrap_or(chunk.len());
            seen += take as u64;
            if !over && self.buf.len() + take > self.max_record {
                over = true;
                let room = PREVIEW_BYTES.saturating_sub(self.buf.len());
                self.buf.extend_from_slice(&chunk[..take.min(room)]);
                self.buf.truncate(PREVIEW_BYTES);
            } else if !over {
                self.buf.extend_from_slice(&chunk[..take]);
            }
            match end {
                Some(i) if over => {
                    // Leave the `,` or `]` for the next call.
                    self.input.consume(i);
                    return Ok(Some(Element::Oversize { bytes: seen, ended: true }));
                }
                Some(i) => {
                    if self.buf.iter().all(|b| b.is_ascii_whitespace()) {
                        // A stray or trailing comma: `[{…},]` or `[{…},,{…}]`.
                        let close = chunk[i] == b']';
                        self.input.consume(i + usize::from(close));
                        return Ok(if close { None } else { Some(Element::Blank) });
                    }
                    // Leave the `,` or `]` for the next call.
                    self.input.consume(i);
                    return Ok(Some(Element::Complete));
                }
                None => self.input.consume(take),
            }
        }
    }

    /// Skips white space (and a leading BOM when `bom` is set); returns the next byte unread.
    fn skip_ws(&mut self, bom: &mut bool) -> std::io::Result<Option<u8>> {
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                return Ok(None);
            }
            if *bom {
                *bom = false;
                if chunk.starts_with(super::format::BOM) {
                    self.input.consume(3);
                    continue;
                }
            }
            match chunk.iter().position(|b| !b.is_ascii_whitespace()) {
                Some(i) => {
                    let b = chunk[i];
                    self.input.consume(i);
                    return Ok(Some(b));
                }
                None => {
                    let n = chunk.len();
                    self.input.consume(n);
                }
            }
        }
    }
}

enum Element {
    Complete,
    Blank,
    Truncated,
    /// A record over the cap, skipped: `bytes` of it were read (all of it when `ended`, else
    /// the file ended inside it); `buf` holds its first bytes.
    Oversize {
        bytes: u64,
        ended: bool,
    },
}
