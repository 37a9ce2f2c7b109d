//! Reads JSON exports record by record: a JSON array (Apify's JSON export) or JSON Lines, and
//! envelopes around the job records (see below).
//!
//! The array is never held whole: a small scanner finds each element's bytes (tracking depth,
//! strings and escapes), and only that element is parsed. A malformed element is rejected on its
//! own and reading resumes at the next one.
//!
//! One record is capped ([`super::oversize`]): past the cap, an array element is skipped by the
//! same scanner (depth and strings counted as it streams by, nothing buffered but its first
//! bytes) up to its end, and a JSON Lines line up to its newline; the record is rejected with
//! its size and first bytes, and reading goes on with the next one.
//!
//! Envelopes: exports whose job records are not the top-level array, such as
//! `[{"keyword": "etl", "jobs": [{…}, …]}, …]`, `{"data": {"items": […]}}` or a pretty-printed
//! `{"results": […]}` (JSON Lines framing whose first line is `{` alone is read as one document).
//! The first record (array element, line, document) is probed as it streams by: at the first
//! array of objects reached through objects only (`jobs`, `data/items`), if what came before it
//! is not a job record and the array's first element is one (a title, or an id and a URL), the
//! array's elements are handed out as records, one at a time under the same cap, and the rest of
//! the enclosing value is skipped. A string sibling of the array, or of an enclosing object,
//! named like a search keyword ([`KEYWORD_KEYS`]) is kept on each of its jobs
//! ([`crate::job::Job::search_keyword`]); it must come before the array (exporters write it
//! first), a keyword after the array is not seen. Once one record was an envelope, every one is
//! probed; otherwise probing stops after the first, so plain exports cost what they did.
//!
//! Keys that nothing maps (a German `Titel`, a name nobody wrote down) get their field inferred
//! from the values of the first [`SAMPLE`] records, read ahead once per file, as CSV columns do.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::io::BufRead;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::aliases::{lookup, Field, Target};
use super::infer::{infer, SAMPLE};
use super::json_text::{is_job_text, probe_head, quote_or_backslash, walk_record, Scratch, TextLeaf};
use super::mapping::{build_job, Hit};
use super::oversize::{self, PREVIEW_BYTES};
use super::plan::{Plan, Why};
use super::raw::Raw;
use super::record::{first_index, flatten, for_each_leaf, Leaf};
use super::{ExportError, RowOutcome};
use crate::normalise::text::trim;

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
    /// The flattened key of the leaf being read, one buffer for every record.
    key: String,
    /// The same and more for records read from their text.
    scratch: Scratch,
    /// The field each own key of a probed record maps to ([`Self::is_job`]).
    key_fields: foldhash::HashMap<String, Option<Field>>,
    reference: DateTime<Utc>,
    max_record: usize,
    /// Where each distinct path goes, decided once per file (set by [`super::Export`]).
    pub(crate) plan: Plan,
    /// Whether the next record is probed for an envelope.
    probe: bool,
    /// Reading an envelope's job array: the objects left open around it.
    jobs: Option<usize>,
    /// The search keyword of the job array being read.
    keyword: Option<String>,
    /// JSON Lines framing that is one pretty-printed document (or several).
    document: bool,
    /// A job array was found: the file is an envelope.
    enveloped: bool,
    /// Whether the first records were read ahead and the unmapped keys inferred.
    sampled: bool,
    /// Records read ahead for inference, handed out before any other.
    ahead: VecDeque<Item>,
    /// Reading records ahead for inference: they are parsed into `Value`s, kept until mapped.
    reading_ahead: bool,
    /// An envelope group's first job, mapped by the walk that probed it ([`Self::probe_job`]),
    /// handed out as the record read next.
    pending: Option<RowOutcome>,
    /// Tests: map every record through a parsed `Value`, as before [`super::json_text`] (to
    /// compare).
    #[cfg(test)]
    pub(crate) value_route: bool,
}

/// What reading one record gave: a parsed object to map (with the search keyword of its
/// envelope group, if any), a record still in `buf` as text, to map at once, or an outcome
/// already (a rejected record, an error).
enum Item {
    Record { row: u64, value: Value, keyword: Option<String> },
    Buffered { row: u64, keyword: Option<String> },
    Outcome(Result<RowOutcome, ExportError>),
}

/// Keys (folded as aliases are) of an envelope's search keyword.
pub const KEYWORD_KEYS: &[&str] =
    &["keyword", "keywords", "query", "search", "searchterm", "searchquery", "searchkeyword", "term"];

/// How [`JsonRows::capture_probing`] ends a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// An array element: ends before a `,` or `]` at its own level.
    Element,
    /// A JSON Lines line: ends with its newline.
    Line,
    /// A value of a document: ends with its closing bracket.
    Document,
}

/// What probing an array of objects found.
enum Probed {
    /// A job array: `buf` holds its first element, `jobs` and `keyword` are set.
    Jobs,
    /// Not a job array, and what came before is a job record: stop probing.
    Record,
    /// Not a job array: its first element (`bytes` long) was added to the record.
    Continue { bytes: u64, over: bool },
    /// The array's first element is over the cap (`bytes` read); the file ends inside it unless
    /// `ended`.
    Oversize { bytes: u64, ended: bool },
    /// The file ends inside the array's first element.
    Truncated,
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
            key: String::new(),
            scratch: Scratch::default(),
            key_fields: Default::default(),
            reference,
            max_record,
            plan: Plan::default(),
            probe: true,
            jobs: None,
            keyword: None,
            document: false,
            enveloped: false,
            sampled: false,
            ahead: VecDeque::new(),
            reading_ahead: false,
            pending: None,
            #[cfg(test)]
            value_route: false,
        }
    }

    /// The next record, or `None` at the end.
    pub fn next_row(&mut self) -> Option<Result<RowOutcome, ExportError>> {
        if !self.sampled {
            self.sampled = true;
            self.infer_unmapped();
        }
        let item = match self.ahead.pop_front() {
            Some(item) => item,
            None => self.next_item()?,
        };
        Some(match item {
            Item::Outcome(outcome) => outcome,
            Item::Record { row, value, keyword } => self.map_value(row, value, keyword),
            Item::Buffered { row, keyword } => self.map_text(row, keyword),
        })
    }

    /// Reads up to [`SAMPLE`] records ahead and infers the fields of the keys that nothing
    /// else maps from their values ([`super::infer`]), as the CSV reader does for columns.
    /// Keys inside arrays (`skills/0`) are left out: their position is no field.
    fn infer_unmapped(&mut self) {
        let mut sampled = 0;
        self.reading_ahead = true;
        while sampled < SAMPLE && self.ahead.len() < 4 * SAMPLE {
            let Some(item) = self.next_item() else { break };
            let stop = matches!(item, Item::Outcome(Err(_)));
            sampled += usize::from(matches!(item, Item::Record { .. }));
            self.ahead.push_back(item);
            if stop {
                break;
            }
        }
        self.reading_ahead = false;
        let (plan, key) = (&mut self.plan, &mut self.key);
        let mut candidates: Vec<(String, Vec<Cow<str>>)> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        for item in &self.ahead {
            let Item::Record { value, .. } = item else { continue };
            for_each_leaf(value, key, &mut |key, leaf| {
                plan.target(key);
                if first_index(key).is_some() || plan.decision(key).is_none_or(|d| d.why != Why::Unmapped) {
                    return;
                }
                let i = match at.get(key) {
                    Some(&i) => i,
                    None => {
                        at.insert(key.to_string(), candidates.len());
                        candidates.push((key.to_string(), Vec::new()));
                        candidates.len() - 1
                    }
                };
                candidates[i].1.push(leaf.text());
            });
        }
        let columns: Vec<(&str, Vec<&str>)> =
            candidates.iter().map(|(k, vs)| (k.as_str(), vs.iter().map(|v| v.as_ref()).collect())).collect();
        let found = infer(&columns, sampled, |f| plan.covers(f), self.reference);
        for f in found {
            plan.infer(columns[f.column].0, f.field, f.described, f.matched, f.sampled);
        }
    }

    /// The next record read and parsed, or `None` at the end.
    fn next_item(&mut self) -> Option<Item> {
        loop {
            if self.finished {
                return None;
            }
            let read = self.next_read();
            match read {
                Err(e) => {
                    self.finished = true;
                    return Some(Item::Outcome(Err(e)));
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
                    return Some(Item::Outcome(Ok(RowOutcome::Rejected {
                        row: self.row,
                        reason: "the file ends inside this record (truncated export?)".into(),
                        raw: Some(raw),
                    })));
                }
                Ok(Some(Element::Oversize { bytes, ended })) => {
                    self.row += 1;
                    let note = if ended { "" } else { "the file ends inside it" };
                    self.finished = !ended;
                    return Some(Item::Outcome(Ok(RowOutcome::Rejected {
                        row: self.row,
                        reason: oversize::reason(self.max_record, bytes, ended, &self.buf, note),
                        raw: Some(Value::String(oversize::preview(&self.buf))),
                    })));
                }
                Ok(Some(Element::Complete)) => {
                    self.row += 1;
                    return Some(self.parse_element());
                }
            }
        }
    }

    /// The record in `buf`: left there to be mapped from its text at once ([`Self::map_text`]),
    /// or, read ahead, parsed (an object to map, or its rejection).
    fn parse_element(&mut self) -> Item {
        let row = self.row;
        if !self.reading_ahead {
            if let Some(outcome) = self.pending.take() {
                return Item::Outcome(Ok(outcome));
            }
            return Item::Buffered { row, keyword: self.keyword.clone() };
        }
        self.parse_value(row)
    }

    /// The record in `buf`, parsed: an object to map, or its rejection.
    fn parse_value(&mut self, row: u64) -> Item {
        let value: Value = match serde_json::from_slice(&self.buf) {
            Ok(v) => v,
            Err(e) => {
                return Item::Outcome(Ok(RowOutcome::Rejected {
                    row,
                    reason: format!("invalid JSON: {e}"),
                    raw: Some(Value::String(String::from_utf8_lossy(&self.buf).into_owned())),
                }))
            }
        };
        if !value.is_object() {
            let reason = "record is not a JSON object".into();
            return Item::Outcome(Ok(RowOutcome::Rejected { row, reason, raw: Some(value) }));
        }
        Item::Record { row, value, keyword: self.keyword.clone() }
    }

    /// Maps the record in `buf` onto a job from its text ([`super::json_text`]), keeping the
    /// text as the raw record; a record the walker leaves alone is parsed and mapped as a
    /// `Value`.
    fn map_text(&mut self, row: u64, keyword: Option<String>) -> Result<RowOutcome, ExportError> {
        #[cfg(test)]
        let value_route = self.value_route;
        #[cfg(not(test))]
        let value_route = false;
        // The first record is mapped as a `Value` (its keys go into the error when no title
        // maps); it is read ahead anyway.
        let text = if value_route || !self.checked_first { None } else { std::str::from_utf8(&self.buf).ok() };
        let mut out = String::with_capacity(self.buf.len());
        let plan = &mut self.plan;
        let mut found: Vec<(Target, Option<u32>, Cow<str>)> = Vec::with_capacity(32);
        let walked = text.map(|text| {
            walk_record(text, &mut self.scratch, &mut out, &mut |spot, leaf| {
                let Some((target, index)) = plan.indexed_target(spot.key) else { return };
                // As `leaf_text` (written out: this loop is hot and codegen-sensitive).
                let text = match leaf {
                    TextLeaf::Str(Cow::Borrowed(s)) => Cow::Borrowed(trim(s)),
                    TextLeaf::Str(Cow::Owned(s)) if trim(&s).len() < s.len() => Cow::Owned(trim(&s).to_string()),
                    other => other.text(),
                };
                if !text.is_empty() {
                    found.push((target, index, text));
                }
            })
        });
        if walked != Some(Ok(())) {
            drop(found);
            return match self.parse_value(row) {
                Item::Record { row, value, .. } => self.map_value(row, value, keyword),
                Item::Outcome(outcome) => outcome,
                Item::Buffered { .. } => unreachable!("parse_value parses"),
            };
        }
        Ok(build_from_text(&found, out, row, keyword, self.reference))
    }

    /// Maps one parsed record onto a job.
    fn map_value(&mut self, row: u64, value: Value, keyword: Option<String>) -> Result<RowOutcome, ExportError> {
        // One walk over the record: each leaf's key is looked up in the plan as it is built in
        // one reused buffer, and a mapped leaf's text is borrowed from the record (numbers and
        // booleans, rare in the fields we map, are spelled out).
        let plan = &mut self.plan;
        let mut found: Vec<(Target, Option<u32>, Cow<str>)> = Vec::new();
        for_each_leaf(&value, &mut self.key, &mut |key, leaf| {
            let Some((target, index)) = plan.indexed_target(key) else { return };
            let text = match leaf {
                Leaf::Str(s) => Cow::Borrowed(trim(s)),
                other => other.text(),
            };
            if !text.is_empty() {
                found.push((target, index, text));
            }
        });
        let mut hits: Vec<Hit> =
            found.iter().map(|(target, index, text)| Hit { target: *target, index: *index, value: text }).collect();
        if !self.checked_first {
            self.checked_first = true;
            if !hits.iter().any(|h| h.target.field == Field::Title) {
                let mut flat = Vec::new();
                flatten(&value, &mut flat);
                let mut seen: Vec<String> = flat.into_iter().map(|(k, _)| k).collect();
                seen.dedup();
                return Err(ExportError::NotAnExport { reason: "no field maps to a job title".into(), seen });
            }
        }
        let built = build_job(&mut hits, self.reference);
        drop(hits);
        match built {
            Ok(mut job) => {
                job.search_keyword = keyword;
                job.raw = value.into();
                Ok(RowOutcome::Job { row, job })
            }
            Err(reason) => Ok(RowOutcome::Rejected { row, reason: reason.to_string(), raw: Some(value) }),
        }
    }

    /// The next record's bytes: from the envelope's job array being read, else by the framing.
    fn next_read(&mut self) -> Result<Option<Element>, ExportError> {
        if let Some(open) = self.jobs {
            if let Some(element) = self.next_array_item(false)? {
                return Ok(Some(element));
            }
            // The job array ended: skip the rest of the value that held it.
            self.jobs = None;
            self.keyword = None;
            self.skip_open(open)?;
            if self.framing == Framing::Lines && !self.document {
                self.skip_line()?;
            }
            return Ok(Some(Element::Blank));
        }
        match self.framing {
            Framing::Array => self.next_element(),
            Framing::Lines if self.document => self.next_document_value(),
            Framing::Lines => self.next_line(),
        }
    }

    /// The next value of a pretty-printed document.
    fn next_document_value(&mut self) -> Result<Option<Element>, ExportError> {
        self.buf.clear();
        let mut no_bom = false;
        match self.skip_ws(&mut no_bom).map_err(|e| ExportError::Read(e.to_string()))? {
            None => Ok(None),
            Some(b'{' | b'[') => self.capture_probing(Mode::Document),
            Some(_) => {
                // Not a document after all: what is left is read line by line.
                self.document = false;
                self.next_line()
            }
        }
    }

    /// Copies the next line into `buf`; a line over the cap is read past without being kept
    /// (only its first bytes are).
    fn next_line(&mut self) -> Result<Option<Element>, ExportError> {
        if self.probe {
            self.buf.clear();
            if !self.started {
                self.started = true;
                let head = self.input.fill_buf().map_err(|e| ExportError::Read(e.to_string()))?;
                if head.starts_with(super::format::BOM) {
                    self.input.consume(3);
                }
            }
            let read = self.capture_probing(Mode::Line);
            self.probe_done(&read);
            return read;
        }
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

    /// Copies the next element of the top-level array into `buf`.
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
        let probe = self.probe;
        let read = self.next_array_item(probe);
        if probe {
            self.probe_done(&read);
        }
        read
    }

    /// After a probed record: probing goes on only if it was an envelope (or is undecided).
    fn probe_done(&mut self, read: &Result<Option<Element>, ExportError>) {
        if self.jobs.is_none()
            && !self.document
            && matches!(read, Ok(Some(Element::Complete | Element::Oversize { .. })))
        {
            self.probe = false;
        }
    }

    /// Copies the next element of an array (the reader is inside it) into `buf`; `None` once the
    /// array's `]` is read (or the file ends).
    fn next_array_item(&mut self, probe: bool) -> Result<Option<Element>, ExportError> {
        let io = |e: std::io::Error| ExportError::Read(e.to_string());
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
        if probe {
            return self.capture_probing(Mode::Element);
        }
        self.capture_element()
    }

    /// Copies one array element into `buf`, from its first byte to before the `,` or `]` that
    /// ends it.
    fn capture_element(&mut self) -> Result<Option<Element>, ExportError> {
        let io = |e: std::io::Error| ExportError::Read(e.to_string());
        let mut depth = 0u32;
        let mut text = InString::default();
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
            let mut i = 0;
            while i < chunk.len() {
                if text.inside {
                    i = text.skip_rest(chunk, i);
                    continue;
                }
                match chunk[i] {
                    b'"' => {
                        // Read past the string at once (to the chunk's end if it goes on).
                        text.open();
                        i = text.skip_rest(chunk, i + 1);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    b',' | b']' if depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
                i += 1;
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

    /// Copies one record into `buf` as [`Self::capture_element`] and [`Self::next_line`] do (or,
    /// in `Document` mode, one whole value), probing it for an envelope on the way: see the
    /// module documentation. When it finds a job array, `buf` holds the array's first element,
    /// [`Self::jobs`] is set and the reader is inside the array.
    fn capture_probing(&mut self, mut mode: Mode) -> Result<Option<Element>, ExportError> {
        enum Stop {
            End,
            Probe(usize),
        }
        let io = |e: std::io::Error| ExportError::Read(e.to_string());
        // Containers open in the record while probing; `depth` counts them always.
        let mut stack: Vec<u8> = Vec::new();
        let mut depth = 0u32;
        let mut text = InString::default();
        let mut seen = 0u64;
        let mut over = false;
        let mut probing = true;
        // Where a `[` opened inside objects only sits in `buf`, until its first element shows.
        let mut array_at: Option<usize> = None;
        // Non-blank bytes outside strings (a first line of `{` alone starts a document).
        let mut solid = 0u32;
        let first_line = mode == Mode::Line && self.row == 0;
        loop {
            let chunk = self.input.fill_buf().map_err(io)?;
            if chunk.is_empty() {
                let blank = self.buf.iter().all(|b| b.is_ascii_whitespace());
                return Ok(match mode {
                    Mode::Line if seen == 0 => None,
                    Mode::Line if over => Some(Element::Oversize { bytes: seen, ended: true }),
                    Mode::Line if blank => {
                        self.row += 1;
                        Some(Element::Blank)
                    }
                    Mode::Line => Some(Element::Complete),
                    _ if over => Some(Element::Oversize { bytes: seen, ended: false }),
                    _ if blank => None,
                    _ => Some(Element::Truncated),
                });
            }
            let base = self.buf.len();
            let mut stop = None;
            let mut next = 0;
            while next < chunk.len() {
                if text.inside {
                    next = text.skip_rest(chunk, next);
                    continue;
                }
                let (i, b) = (next, chunk[next]);
                next += 1;
                if b == b'\n' && mode == Mode::Line {
                    if first_line && depth == 1 && solid == 1 && stack == [b'{'] {
                        // `{` alone on the first line: a pretty-printed document.
                        mode = Mode::Document;
                        self.document = true;
                        continue;
                    }
                    stop = Some((i + 1, Stop::End));
                    break;
                }
                if b.is_ascii_whitespace() {
                    continue;
                }
                solid = solid.saturating_add(1);
                if let Some(at) = array_at.take() {
                    if b == b'{' {
                        stop = Some((i, Stop::Probe(at)));
                        break;
                    }
                }
                match b {
                    b'"' => text.open(),
                    b'{' | b'[' => {
                        if probing && !over {
                            if b == b'[' && !stack.is_empty() && stack.iter().all(|&c| c == b'{') {
                                array_at = Some(base + i);
                            }
                            stack.push(b);
                        }
                        depth += 1;
                    }
                    b'}' | b']' if depth > 0 => {
                        depth -= 1;
                        stack.pop();
                        if depth == 0 && mode == Mode::Document {
                            stop = Some((i + 1, Stop::End));
                            break;
                        }
                    }
                    b',' | b']' if depth == 0 && mode == Mode::Element => {
                        stop = Some((i, Stop::End));
                        break;
                    }
                    _ => {}
                }
            }
            let take = stop.as_ref().map_or(chunk.len(), |(i, _)| *i);
            seen += take as u64;
            if !over && self.buf.len() + take > self.max_record {
                over = true;
                let room = PREVIEW_BYTES.saturating_sub(self.buf.len());
                self.buf.extend_from_slice(&chunk[..take.min(room)]);
                self.buf.truncate(PREVIEW_BYTES);
            } else if !over {
                self.buf.extend_from_slice(&chunk[..take]);
            }
            self.input.consume(take);
            match stop {
                None => {}
                Some((_, Stop::End)) => {
                    let blank = self.buf.iter().all(|b| b.is_ascii_whitespace());
                    return Ok(Some(match mode {
                        _ if over => Element::Oversize { bytes: seen, ended: true },
                        // Around an envelope's job arrays, what holds no job (a search that found
                        // none, a summary) is part of the envelope, not a record.
                        _ if self.enveloped
                            && !blank
                            && serde_json::from_slice::<Value>(&self.buf).is_ok_and(|v| !self.is_job_value(&v)) =>
                        {
                            if mode == Mode::Line {
                                self.row += 1;
                            }
                            Element::Blank
                        }
                        Mode::Line if blank => {
                            self.row += 1;
                            Element::Blank
                        }
                        Mode::Element if blank => {
                            // A stray or trailing comma: `[{…},]` or `[{…},,{…}]`.
                            let close = self.input.fill_buf().map_err(io)?.first() == Some(&b']');
                            if close {
                                self.input.consume(1);
                                return Ok(None);
                            }
                            Element::Blank
                        }
                        _ => Element::Complete,
                    }));
                }
                Some((_, Stop::Probe(at))) => {
                    if over {
                        probing = false;
                        continue;
                    }
                    // The objects open around the array (the `[` is on the stack too).
                    let open = stack.len() - 1;
                    match self.probe_array(at, open)? {
                        Probed::Jobs => return Ok(Some(Element::Complete)),
                        Probed::Record => probing = false,
                        Probed::Continue { bytes, over: now_over } => {
                            seen += bytes;
                            if now_over {
                                over = true;
                                probing = false;
                            }
                        }
                        Probed::Oversize { bytes, ended } => {
                            seen += bytes;
                            over = true;
                            probing = false;
                            if !ended {
                                return Ok(Some(Element::Oversize { bytes: seen, ended: false }));
                            }
                        }
                        Probed::Truncated => return Ok(Some(Element::Truncated)),
                    }
                    // Inside the array, after its first element: `stack` and `depth` still hold.
                }
            }
        }
    }

    /// Probes the array whose `[` is at `buf[at]` (with `open` objects around it) and whose
    /// first element the reader is at.
    fn probe_array(&mut self, at: usize, open: usize) -> Result<Probed, ExportError> {
        let fields = &mut self.key_fields;
        let head = read_head(&self.buf[..at], open, &mut self.scratch, &mut |key| cached_field(fields, key));
        let Some((false, keyword)) = head else { return Ok(Probed::Record) };
        let outer = std::mem::take(&mut self.buf);
        let first = self.capture_element()?;
        let mut sub = std::mem::replace(&mut self.buf, outer);
        match first {
            Some(Element::Complete) => {
                let is_job = self.probe_job(&sub, &keyword);
                if is_job {
                    self.buf = sub;
                    self.jobs = Some(open);
                    self.enveloped = true;
                    self.keyword = keyword;
                    return Ok(Probed::Jobs);
                }
                let bytes = sub.len() as u64;
                let over = self.buf.len() + sub.len() > self.max_record;
                if over {
                    sub.truncate(PREVIEW_BYTES.saturating_sub(self.buf.len()));
                }
                self.buf.extend_from_slice(&sub);
                if over {
                    self.buf.truncate(PREVIEW_BYTES);
                }
                Ok(Probed::Continue { bytes, over })
            }
            Some(Element::Oversize { bytes, ended }) => {
                sub.truncate(PREVIEW_BYTES.saturating_sub(self.buf.len()));
                self.buf.extend_from_slice(&sub);
                self.buf.truncate(PREVIEW_BYTES);
                Ok(Probed::Oversize { bytes, ended })
            }
            _ => {
                self.buf.extend_from_slice(&sub);
                Ok(Probed::Truncated)
            }
        }
    }

    /// Whether `bytes` hold a job record ([`is_job_value`]), read from their text when the
    /// walker can ([`is_job_text`]; with the fields of keys looked up once per file), else
    /// parsed.
    fn is_job(&mut self, bytes: &[u8]) -> bool {
        let fields = &mut self.key_fields;
        let mut field = |key: &str| cached_field(fields, key);
        let text = std::str::from_utf8(bytes).ok();
        match text.and_then(|text| is_job_text(text, &mut self.scratch, &mut field)) {
            Some(is_job) => is_job,
            None => serde_json::from_slice::<Value>(bytes).is_ok_and(|v| is_job_value(&v, &mut field)),
        }
    }

    /// [`Self::is_job`] of an array's first element, and when it is a job that [`Self::map_text`]
    /// would map from its text (past the records read ahead), that job mapped as `map_text` maps
    /// it, by the same walk, into [`Self::pending`] (with `keyword`). The plan records the
    /// element's keys only when it is a job, as before.
    fn probe_job(&mut self, bytes: &[u8], keyword: &Option<String>) -> bool {
        #[cfg(test)]
        let value_route = self.value_route;
        #[cfg(not(test))]
        let value_route = false;
        let text = std::str::from_utf8(bytes).ok();
        let (Some(text), false, true, false) = (text, self.reading_ahead, self.checked_first, value_route) else {
            return self.is_job(bytes);
        };
        let mut out = String::with_capacity(text.len());
        let mut found: Vec<(Target, Option<u32>, Cow<str>)> = Vec::with_capacity(32);
        let mut new_keys: Vec<String> = Vec::new();
        let mut flags = [false; 3];
        let (plan, fields) = (&self.plan, &mut self.key_fields);
        let walked = walk_record(text, &mut self.scratch, &mut out, &mut |spot, leaf| {
            // As `is_job_text`.
            let known = match &leaf {
                TextLeaf::Str(s) => !s.trim().is_empty(),
                TextLeaf::Number(_) => true,
                TextLeaf::Bool(_) => false,
            };
            if known && !spot.in_array() {
                match cached_field(fields, spot.own()) {
                    Some(Field::Title) => flags[0] = true,
                    Some(Field::JobId) => flags[1] = true,
                    Some(Field::Url) => flags[2] = true,
                    _ => {}
                }
            }
            // As `map_text`.
            let key = spot.key;
            let target = plan.peek_target(key).unwrap_or_else(|target| {
                new_keys.push(key.to_string());
                target
            });
            let Some(target) = target else { return };
            let text = leaf_text(leaf);
            if !text.is_empty() {
                found.push((target, first_index(key), text));
            }
        });
        if walked.is_err() {
            drop(found);
            return self.is_job(bytes);
        }
        let is_job = flags[0] || (flags[1] && flags[2]);
        if is_job {
            for key in &new_keys {
                self.plan.target(key);
            }
            // `next_item` counts the record before handing it out.
            self.pending = Some(build_from_text(&found, out, self.row + 1, keyword.clone(), self.reference));
        }
        is_job
    }

    /// [`is_job_value`], with the fields of keys looked up once per file.
    fn is_job_value(&mut self, value: &Value) -> bool {
        let fields = &mut self.key_fields;
        is_job_value(value, &mut |key: &str| cached_field(fields, key))
    }

    /// Reads past the rest of a value inside which `open` containers are open.
    fn skip_open(&mut self, open: usize) -> Result<(), ExportError> {
        let io = |e: std::io::Error| ExportError::Read(e.to_string());
        let mut depth = open;
        let mut text = InString::default();
        while depth > 0 {
            let chunk = self.input.fill_buf().map_err(io)?;
            if chunk.is_empty() {
                return Ok(());
            }
            let mut end = None;
            let mut i = 0;
            while i < chunk.len() {
                if text.inside {
                    i = text.skip_rest(chunk, i);
                    continue;
                }
                match chunk[i] {
                    b'"' => text.open(),
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            let take = end.unwrap_or(chunk.len());
            self.input.consume(take);
        }
        Ok(())
    }

    /// Reads past the rest of the line.
    fn skip_line(&mut self) -> Result<(), ExportError> {
        loop {
            let chunk = self.input.fill_buf().map_err(|e| ExportError::Read(e.to_string()))?;
            if chunk.is_empty() {
                return Ok(());
            }
            match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    self.input.consume(i + 1);
                    return Ok(());
                }
                None => {
                    let n = chunk.len();
                    self.input.consume(n);
                }
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

/// Whether the bytes of JSON text being scanned are inside a string literal, so that the
/// structure scanners skip brackets and commas in strings.
#[derive(Debug, Default, Clone, Copy)]
struct InString {
    inside: bool,
    escaped: bool,
}

impl InString {
    /// An opening quote was seen.
    #[inline]
    fn open(&mut self) {
        self.inside = true;
    }

    /// Inside a string at `chunk[at]`: where the string's closing quote ends in `chunk`, or
    /// `chunk.len()` when it goes on past it. It jumps from quote or backslash to the next
    /// ([`quote_or_backslash`]): string contents are most of a record.
    #[inline]
    fn skip_rest(&mut self, chunk: &[u8], mut at: usize) -> usize {
        if self.escaped {
            self.escaped = false;
            at += 1;
        }
        while at < chunk.len() {
            let Some(off) = quote_or_backslash(&chunk[at..]) else { break };
            let i = at + off;
            if chunk[i] == b'"' {
                self.inside = false;
                return i + 1;
            }
            if i + 1 == chunk.len() {
                self.escaped = true;
                return chunk.len();
            }
            at = i + 2;
        }
        chunk.len()
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

/// A mapped leaf's text as [`JsonRows::map_text`] keeps it: trimmed (empty when blank).
fn leaf_text(leaf: TextLeaf<'_>) -> Cow<'_, str> {
    match leaf {
        TextLeaf::Str(Cow::Borrowed(s)) => Cow::Borrowed(trim(s)),
        TextLeaf::Str(Cow::Owned(s)) if trim(&s).len() < s.len() => Cow::Owned(trim(&s).to_string()),
        other => other.text(),
    }
}

/// The job (or rejection) of a record walked from its text: `found` its mapped leaves, `out`
/// the record as written by the walk.
fn build_from_text(
    found: &[(Target, Option<u32>, Cow<str>)],
    out: String,
    row: u64,
    keyword: Option<String>,
    reference: DateTime<Utc>,
) -> RowOutcome {
    let mut hits: Vec<Hit> =
        found.iter().map(|(target, index, text)| Hit { target: *target, index: *index, value: text }).collect();
    let built = build_job(&mut hits, reference);
    drop(hits);
    match built {
        Ok(mut job) => {
            job.search_keyword = keyword;
            job.raw = Raw::Json(out);
            RowOutcome::Job { row, job }
        }
        Err(reason) => {
            let raw = serde_json::from_str(&out).ok();
            RowOutcome::Rejected { row, reason: reason.to_string(), raw }
        }
    }
}

/// The field a key maps to, from `fields` (filled as keys are met) or the alias table.
fn cached_field(fields: &mut foldhash::HashMap<String, Option<Field>>, key: &str) -> Option<Field> {
    match fields.get(key) {
        Some(&field) => field,
        None => {
            let field = lookup(key).map(|t| t.field);
            // Bounded: a file of ever new keys looks them up each time.
            if fields.len() < 4096 {
                fields.insert(key.to_string(), field);
            }
            field
        }
    }
}

/// [`is_job_value`] with each key looked up in the alias table.
#[cfg(test)]
fn is_job_record(value: &Value) -> bool {
    is_job_value(value, &mut |key| lookup(key).map(|t| t.field))
}

/// Whether a JSON value is a job record: an object holding, outside arrays, a title, or both an
/// id and a URL (Upwork's skill objects hold an id, and no title or URL). `field` gives the
/// field a key maps to.
fn is_job_value(value: &Value, field: &mut impl FnMut(&str) -> Option<Field>) -> bool {
    fn walk(value: &Value, found: &mut [bool; 3], field: &mut impl FnMut(&str) -> Option<Field>) {
        let Value::Object(map) = value else { return };
        for (key, v) in map {
            let known = match v {
                Value::String(s) => !s.trim().is_empty(),
                Value::Number(_) => true,
                _ => false,
            };
            if known {
                match field(key) {
                    Some(Field::Title) => found[0] = true,
                    Some(Field::JobId) => found[1] = true,
                    Some(Field::Url) => found[2] = true,
                    _ => {}
                }
            }
            walk(v, found, field);
        }
    }
    let mut found = [false; 3];
    walk(value, &mut found, field);
    found[0] || (found[1] && found[2])
}

/// Reads the head of an array probed for jobs: `before` is what came before its `[`, inside
/// `open` objects. `None` when the head, closed, is not valid JSON; else whether it is a job
/// record ([`is_job_value`]) and its search keyword ([`keyword_of`]). Read from its text
/// ([`probe_head`]) when the walker can, else parsed.
fn read_head(
    before: &[u8],
    open: usize,
    scratch: &mut Scratch,
    field: &mut impl FnMut(&str) -> Option<Field>,
) -> Option<(bool, Option<String>)> {
    // Closed with ` 0` where the array was: valid exactly where `null` is (the space keeps it
    // from running into what came before: `-null` is invalid, `-0` is not).
    let mut head = Vec::with_capacity(before.len() + 2 + open);
    head.extend_from_slice(before);
    head.extend_from_slice(b" 0");
    head.extend(std::iter::repeat_n(b'}', open));
    if let Some(read) = std::str::from_utf8(&head).ok().and_then(|t| probe_head(t, KEYWORD_KEYS, scratch, field)) {
        return Some(read);
    }
    read_head_parsed(before, open, field)
}

/// [`read_head`] from the parsed head: `{"keyword": "etl", "jobs": null}`.
fn read_head_parsed(
    before: &[u8],
    open: usize,
    field: &mut impl FnMut(&str) -> Option<Field>,
) -> Option<(bool, Option<String>)> {
    let mut head = before.to_vec();
    head.extend_from_slice(b"null");
    head.extend(std::iter::repeat_n(b'}', open));
    let head = serde_json::from_slice::<Value>(&head).ok()?;
    Some((is_job_value(&head, field), keyword_of(&head)))
}

/// The search keyword of an envelope's job array, from `head` (what came before the array,
/// closed): a string named like [`KEYWORD_KEYS`] in the innermost object that holds the array,
/// else in the nearest one around it.
fn keyword_of(head: &Value) -> Option<String> {
    let mut levels = Vec::new();
    let mut value = head;
    while let Value::Object(map) = value {
        levels.push(map);
        match map.values().next_back() {
            Some(next) => value = next,
            None => break,
        }
    }
    levels.iter().rev().find_map(|map| {
        map.iter().find_map(|(key, v)| {
            let folded = super::aliases::fold_key(key);
            let text = v.as_str()?.trim();
            (KEYWORD_KEYS.contains(&folded.as_str()) && !text.is_empty()).then(|| text.to_string())
        })
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::super::{read_all_with_limits, ExportItem, Limits, ReadOptions};

    /// (row, title, keyword) of each job, and the rejected rows with their reasons.
    type Read = (Vec<(u64, String, Option<String>)>, Vec<(u64, String)>);

    fn read(name: &str, bytes: &[u8], cap: usize) -> Read {
        let options = ReadOptions {
            name: name.into(),
            reference_time: chrono::Utc.with_ymd_and_hms(2026, 5, 24, 7, 0, 0).unwrap(),
            format: None,
        };
        let (items, _) = read_all_with_limits(bytes, &options, Limits { max_record_bytes: cap }).unwrap();
        let mut jobs = Vec::new();
        let mut rejected = Vec::new();
        for item in items {
            match item {
                ExportItem::Job { row, job } => jobs.push((row, job.title.clone(), job.search_keyword.clone())),
                ExportItem::Rejected { row, reason, .. } => rejected.push((row, reason)),
                ExportItem::Duplicate { .. } => {}
            }
        }
        (jobs, rejected)
    }

    fn job(n: u32) -> serde_json::Value {
        json!({"id": format!("~01{n:018}"), "title": format!("Job {n}"), "description": "x".repeat(300),
               "skills": [{"uid": "1", "name": "Rust"}]})
    }

    fn titles(jobs: &[(u64, String, Option<String>)]) -> Vec<(String, Option<&str>)> {
        jobs.iter().map(|(_, t, k)| (t.clone(), k.as_deref())).collect()
    }

    #[test]
    fn groups_in_a_top_level_array_stream_their_jobs_with_the_keyword() {
        let groups = json!([
            {"keyword": "rust developer", "count": 3, "jobs": [job(1), job(2), job(3)], "after": [1, {"a": "]"}]},
            {"searchTerm": "etl", "jobs": []},
            {"meta": {"query": "scraping"}, "results": {"jobs": [job(4)]}},
            {"keyword": "gis", "jobs": [job(5), {"title": "no id"}, job(6)]}
        ]);
        // Each group is far over the cap; each job is under it.
        let (jobs, rejected) = read("g.json", &serde_json::to_vec_pretty(&groups).unwrap(), 1024);
        assert_eq!(
            titles(&jobs),
            [
                ("Job 1".to_string(), Some("rust developer")),
                ("Job 2".into(), Some("rust developer")),
                ("Job 3".into(), Some("rust developer")),
                ("Job 4".into(), None),
                ("Job 5".into(), Some("gis")),
                ("Job 6".into(), Some("gis")),
            ]
        );
        assert_eq!(jobs.iter().map(|j| j.0).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 7]);
        assert_eq!(rejected, [(6, "missing both job id and url".to_string())]);
    }

    #[test]
    fn a_keyword_in_an_enclosing_object_counts_and_the_nearest_wins() {
        let doc = json!({"query": "outer", "data": {"keyword": "inner", "items": [job(1)]}});
        let (jobs, _) = read("d.json", &serde_json::to_vec(&doc).unwrap(), 1024);
        assert_eq!(titles(&jobs), [("Job 1".to_string(), Some("inner"))]);
        let doc = json!({"query": "outer", "data": {"items": [job(1)]}});
        let (jobs, _) = read("d.json", &serde_json::to_vec(&doc).unwrap(), 1024);
        assert_eq!(titles(&jobs), [("Job 1".to_string(), Some("outer"))]);
    }

    #[test]
    fn an_object_on_one_line_and_a_pretty_printed_one_are_read_as_envelopes() {
        let doc = json!({"data": {"total": 3, "items": [job(1), job(2), job(3)]}});
        for bytes in [serde_json::to_vec(&doc).unwrap(), serde_json::to_vec_pretty(&doc).unwrap()] {
            let (jobs, rejected) = read("d.json", &bytes, 1024);
            assert_eq!(jobs.iter().map(|j| j.1.as_str()).collect::<Vec<_>>(), ["Job 1", "Job 2", "Job 3"]);
            assert!(rejected.is_empty(), "{rejected:?}");
        }
        let pretty = serde_json::to_vec_pretty(&json!({"results": [job(1), job(2)]})).unwrap();
        let (jobs, _) = read("r.json", &pretty, 1024);
        assert_eq!(jobs.len(), 2);
    }

    #[test]
    fn a_job_over_the_cap_inside_an_envelope_is_rejected_and_the_rest_read() {
        let mut big = job(2);
        big["description"] = json!("y".repeat(5000));
        let doc = json!({"keyword": "k", "jobs": [job(1), big, job(3)]});
        let (jobs, rejected) = read("d.json", &serde_json::to_vec(&doc).unwrap(), 1024);
        assert_eq!(jobs.iter().map(|j| j.1.as_str()).collect::<Vec<_>>(), ["Job 1", "Job 3"]);
        assert_eq!(rejected.len(), 1);
        assert!(rejected[0].1.starts_with("record is over 1 KB"), "{rejected:?}");
    }

    #[test]
    fn records_whose_arrays_of_objects_come_first_stay_records() {
        // Skill objects (with an id) before the title, in an array and in JSON Lines.
        let record = json!({"skills": [{"uid": "9", "prefLabel": "ETL"}], "questions": [{"q": "Why?"}],
                            "id": "~01000000000000000001", "title": "Plain"});
        let array = serde_json::to_vec(&json!([record, job(2)])).unwrap();
        let (jobs, rejected) = read("a.json", &array, 1024);
        assert_eq!(titles(&jobs), [("Plain".to_string(), None), ("Job 2".into(), None)]);
        assert!(rejected.is_empty());
        let lines = format!("{record}\n{}\n", job(2));
        let (jobs, _) = read("a.jsonl", lines.as_bytes(), 1024);
        assert_eq!(jobs.iter().map(|j| (j.0, j.1.as_str())).collect::<Vec<_>>(), [(1, "Plain"), (2, "Job 2")]);
    }

    /// Everything an export hands out, as text: each job serialised (its raw record too), each
    /// rejection with its raw record, each duplicate, the error that ends it; and how many jobs
    /// kept their record's text.
    fn everything(name: &str, bytes: &[u8], value_route: bool) -> (Vec<String>, usize) {
        let options = ReadOptions {
            name: name.into(),
            reference_time: chrono::Utc.with_ymd_and_hms(2026, 5, 24, 7, 0, 0).unwrap(),
            format: None,
        };
        let limits = Limits { max_record_bytes: 1 << 20 };
        let mut export = match super::super::Export::open_with_limits(bytes, &options, limits) {
            Ok(export) => export,
            Err(e) => return (vec![format!("error: {e}")], 0),
        };
        if value_route {
            export.value_route();
        }
        let mut out = Vec::new();
        let mut texts = 0;
        while let Some(item) = export.next_item() {
            out.push(match item {
                Ok(ExportItem::Job { row, job }) => {
                    texts += usize::from(matches!(job.raw, super::Raw::Json(_)));
                    format!("{row}: {}", serde_json::to_string(&job).unwrap())
                }
                Ok(ExportItem::Rejected { row, reason, raw }) => {
                    format!("{row}: {reason} {}", serde_json::to_string(&raw).unwrap())
                }
                Ok(other) => format!("{other:?}"),
                Err(e) => format!("error: {e}"),
            });
        }
        (out, texts)
    }

    /// Every JSON fixture, and records the walker leaves to `serde_json` (or that are invalid),
    /// read from their text and through a parsed `Value`: the same jobs, serialised to the same
    /// bytes, the same rejections. The first [`SAMPLE`] records are read ahead and parsed either
    /// way, so each file is also read after that many plain jobs (or a group of them).
    #[test]
    fn records_read_from_their_text_are_what_the_value_route_made() {
        let filler: Vec<serde_json::Value> = (1000..1000 + super::SAMPLE as u32).map(job).collect();
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for path in super::super::fixture_files(&["json"]) {
            let name = path.display().to_string();
            let bytes = std::fs::read(&path).unwrap();
            if let Ok(serde_json::Value::Array(items)) = serde_json::from_slice(&bytes) {
                let after_jobs: Vec<_> = filler.iter().chain(&items).cloned().collect();
                let group = json!({"keyword": "filler", "jobs": filler});
                let after_group: Vec<_> = std::iter::once(&group).chain(&items).cloned().collect();
                for (how, items) in [("jobs", after_jobs), ("group", after_group)] {
                    let bytes = serde_json::to_vec_pretty(&items).unwrap();
                    files.push((format!("{name} after a {how}"), bytes));
                }
            }
            files.push((name, bytes));
        }
        assert!(files.len() >= 12, "{files:?}");
        let mut tricky = filler.clone();
        for (i, extra) in [
            json!({"q": "say \"hi\" \\ é 😀 \u{1}", "n": 1e3, "m": -0.0, "f": 1.50, "t": true}),
            json!({"skills": [[], {}, [null, ""]], "budget": {"amount": 1200, "currency": "USD"}}),
            json!({"description": "  padded\n  ", "category": " Web "}),
        ]
        .into_iter()
        .enumerate()
        {
            let mut j = job(i as u32 + 2);
            j.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            tricky.push(j);
        }
        let mut text = serde_json::to_string_pretty(&tricky).unwrap();
        let last = text.rfind(']').unwrap();
        let more = [
            r#", {"id": "~01000000000000000009", "title": "Twice", "title": "Again", "url": "u"}"#,
            r#", {"id": "~01000000000000000010", "t\u0069tle": "Escaped key", "d": "caf\u00e9 \/ \ud83d\ude00"}"#,
            r#", {"id": "~01000000000000000011", "title": "Escaped \u0041 value", "n": 1E2, "m": -0}"#,
            r#", {"id": "~01000000000000000012", "title": "Bad" "x": 1}"#,
            ", {\"id\": \"~01000000000000000013\", \"title\": \"Ctl\ttab\"}",
            r#", ["not", "an", "object"], "text", 12, null"#,
            r#", {"title": "No id or url"}"#,
            r#", {"id": "~01000000000000000014", "title": "Lone \ud800"}"#,
            r#", {"id": "~01000000000000000015", "title": "Last", "big": 18446744073709551616}"#,
        ];
        text.insert_str(last, &more.concat());
        files.push(("tricky.json".into(), text.into_bytes()));
        let mut lines: Vec<String> = tricky.iter().map(|v| v.to_string()).collect();
        lines.extend(more.iter().map(|m| m[2..].to_string()));
        lines.push("{\"title\": ".into());
        files.push(("tricky.jsonl".into(), lines.join("\n").into_bytes()));
        let mut texts = 0;
        for (name, bytes) in files {
            let (from_text, kept) = everything(&name, &bytes, false);
            assert!(from_text.len() > 1, "{name}: {from_text:?}");
            let (from_values, none) = everything(&name, &bytes, true);
            assert_eq!(none, 0);
            assert_eq!(from_text, from_values, "{name}");
            texts += kept;
        }
        assert!(texts > 200, "{texts} records kept as text");
    }

    /// `is_job_text` says what `is_job_record` says of the parsed object, on every object of
    /// every JSON fixture and on a few made up.
    #[test]
    fn job_records_are_told_from_their_text_as_from_their_value() {
        use super::super::aliases::lookup;
        use super::super::json_text::{is_job_text, Scratch};
        let mut values: Vec<serde_json::Value> = vec![
            json!({"skills": [{"title": "x"}]}),
            json!({"a": {"title": "x"}}),
            json!({"title": "  "}),
            json!({"title": true}),
            json!({"id": 5, "url": "u"}),
            json!({"id": "5", "extra": {"url": "u"}}),
            json!({"id": "5"}),
            json!({"jobs": [{"title": "x"}], "id": "1"}),
            json!({"Titel": "Übersetzung", "name": "x"}),
        ];
        for path in super::super::fixture_files(&["json"]) {
            values.push(serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap());
        }
        let (mut objects, mut jobs) = (0, 0);
        let mut scratch = Scratch::default();
        while let Some(value) = values.pop() {
            match &value {
                serde_json::Value::Object(map) => values.extend(map.values().cloned()),
                serde_json::Value::Array(items) => values.extend(items.iter().cloned()),
                _ => {}
            }
            if !value.is_object() {
                continue;
            }
            for text in [serde_json::to_string(&value).unwrap(), serde_json::to_string_pretty(&value).unwrap()] {
                let said = is_job_text(&text, &mut scratch, &mut |k| lookup(k).map(|t| t.field));
                assert_eq!(said, Some(super::is_job_record(&value)), "{text}");
            }
            objects += 1;
            jobs += usize::from(super::is_job_record(&value));
        }
        assert!(objects > 100 && jobs > 20, "{objects} objects, {jobs} jobs");
    }

    /// `read_head` (from the text when it can) says what the parsed head says: whether it is a
    /// job record, its keyword, or that it is no valid JSON.
    #[test]
    fn envelope_heads_are_read_from_their_text_as_from_their_value() {
        use super::super::aliases::lookup;
        use super::super::json_text::{probe_head, Scratch};
        use super::{read_head, read_head_parsed, KEYWORD_KEYS};
        let heads: &[(&str, usize)] = &[
            (r#"{"keyword": "rust developer", "scrapedAt": "2024-06-06T23:59:00Z", "total": 5, "jobs": "#, 1),
            (r#"{"keyword": "  ", "query": " etl ", "jobs": "#, 1),
            (r#"{"Search Term": "etl", "data": {"items": "#, 2),
            (r#"{"search": "outer", "data": {"keyword": "inner", "x": 1, "items": "#, 2),
            (r#"{"search": "outer", "data": {"keyword": 5, "items": "#, 2),
            (r#"{"meta": {"query": "no"}, "jobs": "#, 1),
            (r#"{"meta": {"query": "no"}, "term": "yes", "jobs": "#, 1),
            (r#"{"list": [{"keyword": "no"}], "jobs": "#, 1),
            (r#"{"keyword": "a", "keyword2": "b", "Keyword": "c", "jobs": "#, 1),
            (r#"{"keyword": "\u00e9t\"l\"", "jobs": "#, 1),
            (r#"{"keyw\u006frd": "escaped key", "jobs": "#, 1),
            (r#"{"keyword": "a/b", "jobs": "#, 1),
            (r#"{"a/b": {"keyword": "x"}, "a": {"b": {"items": "#, 3),
            (r#"{"keyword": "dup", "keyword": "twice", "jobs": "#, 1),
            (r#"{"title": "a job", "skills": "#, 1),
            (r#"{"title": "  ", "skills": "#, 1),
            (r#"{"id": 5, "url": "u", "tags": "#, 1),
            (r#"{"id": 5, "tags": "#, 1),
            (r#"{"url": "u", "id": "#, 1),
            (r#"{"title": "#, 1),
            (r#"{"job": {"title": "t"}, "keyword": "k", "more": {"jobs": "#, 2),
            (r#"{"a": {"b": {"c": {"keyword": "deep", "jobs": "#, 4),
            (r#"{"keyword": "x", "a": -"#, 1),
            (r#"{"keyword": "x", "a": 1"#, 1),
            (r#"{"keyword": "x", "a": nul"#, 1),
            (r#"{"keyword": "x", "a" "#, 1),
            (r#"{"keyword": "x", {"#, 2),
            (r#"{"n": 1e400, "jobs": "#, 1),
            (r#"{"n": 1.50, "keyword": "x", "jobs": "#, 1),
            (r#"{"keyword": true, "jobs": "#, 1),
            (
                r#"{ "keyword" : "spaced" ,
  "jobs" : "#,
                1,
            ),
            (r#"{"#, 0),
            (r#""#, 0),
        ];
        let mut scratch = Scratch::default();
        let mut field = |k: &str| lookup(k).map(|t| t.field);
        for &(before, open) in heads {
            let parsed = read_head_parsed(before.as_bytes(), open, &mut field);
            let read = read_head(before.as_bytes(), open, &mut scratch, &mut field);
            assert_eq!(read, parsed, "{before}");
        }
        // The heads the text is read for.
        let text = |before: &str, open| {
            let mut t = format!("{before} 0");
            t.extend(std::iter::repeat_n('}', open));
            probe_head(&t, KEYWORD_KEYS, &mut Scratch::default(), &mut |k| lookup(k).map(|t| t.field))
        };
        assert_eq!(text(heads[0].0, 1), Some((false, Some("rust developer".into()))));
        assert_eq!(text(heads[3].0, 2), Some((false, Some("inner".into()))));
        assert_eq!(text(heads[6].0, 1), Some((false, Some("yes".into()))));
        assert_eq!(text(heads[14].0, 1), Some((true, None)));
        assert_eq!(text(heads[12].0, 3), None);
    }

    #[test]
    fn string_skipping_carries_an_escape_across_chunks() {
        // Inside a string: `ab\"c\\` and its closing quote (at 7), then more.
        let text = br#"ab\"c\\"tail"#;
        for split in 0..=text.len() {
            let mut s = super::InString::default();
            s.open();
            let (a, b) = text.split_at(split);
            let end = s.skip_rest(a, 0);
            let end = if s.inside { a.len() + s.skip_rest(b, 0) } else { end };
            assert_eq!((end, s.inside), (8, false), "split at {split}");
        }
    }

    /// An array's elements are captured alike however the reader cuts the file into chunks:
    /// strings holding brackets, commas and escapes cut anywhere.
    #[test]
    fn elements_are_captured_alike_in_any_chunks() {
        let text =
            br#"[{"t": "a"}, {"a": "x\"y\\", "b": ["[", "]", ",", "{"]},{"c":"}{","d":[1,{"e":"\\"}]} , "s\"]"]"#;
        let capture = |cap: usize| {
            let input = std::io::BufReader::with_capacity(cap, &text[..]);
            let mut rows = super::JsonRows::new(input, super::Framing::Array, chrono::Utc::now(), 1 << 20);
            let mut elements = Vec::new();
            while let Some(element) = rows.next_read().unwrap() {
                let kind = match element {
                    super::Element::Complete => "complete",
                    super::Element::Blank => "blank",
                    super::Element::Truncated => "truncated",
                    super::Element::Oversize { .. } => "oversize",
                };
                elements.push(format!("{kind} {}", String::from_utf8_lossy(&rows.buf)));
            }
            elements
        };
        let whole = capture(1 << 16);
        assert_eq!(whole.len(), 4, "{whole:?}");
        assert_eq!(whole[3], r#"complete  "s\"]""#);
        for cap in 1..text.len() {
            assert_eq!(capture(cap), whole, "chunks of {cap}");
        }
    }

    #[test]
    fn json_lines_of_envelopes_read_each_line() {
        let lines = format!(
            "{}\n\n{}\n",
            json!({"keyword": "a", "jobs": [job(1), job(2)]}),
            json!({"keyword": "b", "jobs": [job(3)]})
        );
        let (jobs, _) = read("e.jsonl", lines.as_bytes(), 1024);
        assert_eq!(
            titles(&jobs),
            [("Job 1".to_string(), Some("a")), ("Job 2".into(), Some("a")), ("Job 3".into(), Some("b"))]
        );
    }
}
