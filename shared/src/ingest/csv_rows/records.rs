//! The CSV records of an export, exactly as `csv::Reader` (flexible, default dialect) reads
//! them, for less.
//!
//! `csv::Reader` runs every byte through csv-core's state machine (about 14 instructions a
//! byte), and each row was then copied once more to become a `StringRecord`. Here a record that
//! lies whole in the buffered input is split off by [`split`]: one `memchr3` for its quotes and
//! line ends (usually the whole record), the stretch before each searched for commas eight
//! bytes at a time, each quoted cell to its closing quote with one `memchr`. Its cells are then
//! copied once, into the record handed out. Any other record goes through csv-core itself,
//! driven exactly as `csv::Reader` drives it. Both read the same records, the same bytes:
//!
//! - the input is the same [`BufReader`] (8 KB, `csv::Reader`'s) over the same [`Capped`]
//!   reader, filled and consumed at the same points: [`split`] only looks at what is already
//!   buffered and consumes exactly what csv-core would, so the cap trips at the same byte;
//! - between records csv-core is at a record start (after a `\n`, after a `\r`, or before any
//!   byte), and those three states read whatever follows alike (runs of `\r`/`\n` are
//!   skipped), so a record split off here leaves it where it would have been;
//! - the first record after a (re)start always goes through csv-core, which strips a BOM there;
//! - [`split`] gives up (and csv-core reads the record from its start, from the same buffer)
//!   when the record does not end inside the buffer, the last record of the input included.
//!
//! In the dialect read (`,`, `"` doubled inside quotes, `\r`, `\n` or `\r\n` ending a record)
//! every other byte sequence has one meaning, which [`split`] follows: a quote inside an
//! unquoted cell is kept as it is, and text after a closing quote is kept, the cell read on
//! as an unquoted one. The tests below check all of it against `csv::Reader` itself.

use std::io::{BufRead, BufReader, Read};

use memchr::{memchr, memchr3};

use super::Capped;
use crate::ingest::raw::Cells;

/// `csv::Reader`'s buffer (its default `buffer_capacity`): the cap trips at the same byte only
/// with the same buffer.
const BUFFER: usize = 8 * 1024;

/// Reads records off `Capped` input.
pub(super) struct Records<R> {
    source: Source<R>,
}

// The second variant exists in tests only (one `Source` per file).
#[cfg_attr(test, allow(clippy::large_enum_variant))]
enum Source<R> {
    Split(Split<R>),
    /// `csv::Reader` itself, to check the above against.
    #[cfg(test)]
    Plain(csv::Reader<Capped<R>>, csv::ByteRecord),
}

struct Split<R> {
    input: BufReader<Capped<R>>,
    core: csv_core::Reader,
    /// Bytes consumed.
    position: u64,
    /// csv-core has been asked for a record (it strips a BOM on its first call only).
    started: bool,
    /// The input ended or failed: no more records (as `csv::Reader` after either).
    done: bool,
    /// Where a record is split: (start, end, plain) per cell; a cell that is not plain is a
    /// quoted cell with `""` or text after its closing quote, read again by [`unquote`].
    cells: Vec<(usize, usize, bool)>,
    /// csv-core's output: the cells' bytes, and where each ends.
    out: Vec<u8>,
    ends: Vec<usize>,
    builder: Builder,
}

impl<R: Read> Records<R> {
    pub(super) fn new(input: Capped<R>) -> Self {
        Records {
            source: Source::Split(Split {
                input: BufReader::with_capacity(BUFFER, input),
                core: csv_core::Reader::new(),
                position: 0,
                started: false,
                done: false,
                cells: Vec::new(),
                builder: Builder::new(),
                out: vec![0; 1024],
                ends: vec![0; 32],
            }),
        }
    }

    /// The same reads through `csv::Reader`.
    #[cfg(test)]
    pub(super) fn plain(input: Capped<R>) -> Self {
        let reader = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(input);
        Records { source: Source::Plain(reader, csv::ByteRecord::new()) }
    }

    pub(super) fn capped(&self) -> &Capped<R> {
        match &self.source {
            Source::Split(s) => s.input.get_ref(),
            #[cfg(test)]
            Source::Plain(r, _) => r.get_ref(),
        }
    }

    pub(super) fn capped_mut(&mut self) -> &mut Capped<R> {
        match &mut self.source {
            Source::Split(s) => s.input.get_mut(),
            #[cfg(test)]
            Source::Plain(r, _) => r.get_mut(),
        }
    }

    /// The input, without what was buffered (nothing, once the cap has tripped).
    pub(super) fn into_inner(self) -> Capped<R> {
        match self.source {
            Source::Split(s) => s.input.into_inner(),
            #[cfg(test)]
            Source::Plain(r, _) => r.into_inner(),
        }
    }

    /// Bytes of input read so far.
    pub(super) fn position(&self) -> u64 {
        match &self.source {
            Source::Split(s) => s.position,
            #[cfg(test)]
            Source::Plain(r, _) => r.position().byte(),
        }
    }

    /// The next record; `None` at the end of the input.
    pub(super) fn read(&mut self) -> std::io::Result<Option<Record>> {
        match &mut self.source {
            Source::Split(s) => s.read(),
            #[cfg(test)]
            Source::Plain(r, scratch) => match r.read_byte_record(scratch) {
                Ok(more) => Ok(more.then(|| Record::from_byte_record(scratch))),
                Err(e) => match e.into_kind() {
                    csv::ErrorKind::Io(e) => Err(e),
                    other => panic!("a flexible reader of bytes fails only on input: {other:?}"),
                },
            },
        }
    }
}

impl<R: Read> Split<R> {
    fn read(&mut self) -> std::io::Result<Option<Record>> {
        if self.done {
            return Ok(None);
        }
        let (mut nout, mut nend) = (0, 0);
        let mut first = true;
        loop {
            let input = match self.input.fill_buf() {
                Ok(input) => input,
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            };
            if std::mem::take(&mut first) && self.started {
                if let Some(nin) = split(input, &mut self.cells) {
                    let record = self.builder.split(&input[..nin], &self.cells);
                    self.input.consume(nin);
                    self.position += nin as u64;
                    return Ok(Some(record));
                }
            }
            self.started = true;
            let (result, nin, o, e) = self.core.read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            self.input.consume(nin);
            self.position += nin as u64;
            nout += o;
            nend += e;
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                csv_core::ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                csv_core::ReadRecordResult::Record => {
                    return Ok(Some(self.builder.core(&self.out[..nout], &self.ends[..nend])));
                }
                csv_core::ReadRecordResult::End => {
                    self.done = true;
                    return Ok(None);
                }
            }
        }
    }
}

/// Splits the record at the start of `input` (csv-core at a record start) into `cells`, and
/// returns the bytes it takes as csv-core counts them (blank lines before it, its first
/// terminating byte); `None` when it does not end inside `input`.
///
/// The record is searched for its quotes and line ends (one `memchr3`, usually the whole
/// record), and the stretch before each for commas, eight bytes at a time.
fn split(input: &[u8], cells: &mut Vec<(usize, usize, bool)>) -> Option<usize> {
    cells.clear();
    // Where the current cell starts, and where to search on from.
    let mut start = input.iter().position(|&b| b != b'\n' && b != b'\r')?;
    let mut at = start;
    loop {
        let p = at + memchr3(b'"', b'\n', b'\r', input.get(at..)?)?;
        commas(input, at, p, &mut start, cells);
        let end = match input[p] {
            b'"' if p == start => {
                // A quoted cell: to its closing quote, past each `""`.
                let mut from = p + 1;
                loop {
                    let quote = from + memchr(b'"', input.get(from..)?)?;
                    match *input.get(quote + 1)? {
                        b'"' => from = quote + 2,
                        b',' | b'\n' | b'\r' => {
                            cells.push(if from == p + 1 { (p + 1, quote, true) } else { (p, quote + 1, false) });
                            break quote + 1;
                        }
                        // Text after the closing quote: the cell reads on as an unquoted one.
                        _ => {
                            let end = quote + 1 + memchr3(b',', b'\n', b'\r', &input[quote + 1..])?;
                            cells.push((p, end, false));
                            break end;
                        }
                    }
                }
            }
            // A quote inside an unquoted cell is kept as it is.
            b'"' => {
                let end = p + memchr3(b',', b'\n', b'\r', &input[p..])?;
                cells.push((start, end, true));
                end
            }
            _ => {
                cells.push((start, p, true));
                return Some(p + 1);
            }
        };
        if input[end] != b',' {
            return Some(end + 1);
        }
        start = end + 1;
        at = start;
    }
}

/// Ends a cell at each comma in `input[from..to]` (a stretch without quotes or line ends).
fn commas(input: &[u8], from: usize, to: usize, start: &mut usize, cells: &mut Vec<(usize, usize, bool)>) {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut i = from;
    let mut words = input[from..to].chunks_exact(8);
    for word in words.by_ref() {
        // The high bit of each byte that is a comma (exactly: no carries between bytes).
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes")) ^ 0x2c2c_2c2c_2c2c_2c2c;
        let mut hits = !(((x & LOW) + LOW) | x | LOW);
        while hits != 0 {
            let comma = i + (hits.trailing_zeros() / 8) as usize;
            cells.push((*start, comma, true));
            *start = comma + 1;
            hits &= hits - 1;
        }
        i += 8;
    }
    for (k, &b) in words.remainder().iter().enumerate() {
        if b == b',' {
            cells.push((*start, i + k, true));
            *start = i + k + 1;
        }
    }
}

/// One record's cells as read: their bytes one after another, and where each ends. Made to
/// size and filled once (`csv::ByteRecord` took a copy into a reused record, then a clone of it,
/// then a `StringRecord` of that: three allocations and two copies more), and handed on to the
/// job as its raw row by [`Record::into_text`] without another copy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::ingest) struct Record {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Record {
    fn with_capacity(len: usize, cells: usize) -> Self {
        Record { bytes: Vec::with_capacity(len), ends: Vec::with_capacity(cells) }
    }

    fn push(&mut self, cell: &[u8]) {
        self.bytes.extend_from_slice(cell);
        self.ends.push(self.bytes.len());
    }

    /// The number of cells.
    pub(in crate::ingest) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Cell `i`'s bytes.
    pub(in crate::ingest) fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.bytes[start..end])
    }

    /// The cells' bytes, in order.
    pub(in crate::ingest) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The cells as text; `Err(i)` when cell `i` is the first that is not UTF-8.
    pub(in crate::ingest) fn into_text(self) -> Result<Cells, usize> {
        Cells::from_utf8(self.bytes, self.ends)
    }

    /// The record `csv::Reader` read.
    #[cfg(test)]
    pub(in crate::ingest) fn from_byte_record(record: &csv::ByteRecord) -> Record {
        let mut out = Record::default();
        for cell in record {
            out.push(cell);
        }
        out
    }
}

/// Builds records.
struct Builder {
    /// A quoted cell read by [`unquote`].
    unquoted: Vec<u8>,
}

impl Builder {
    fn new() -> Self {
        Builder { unquoted: Vec::new() }
    }

    /// The record of the cells split off `input`.
    fn split(&mut self, input: &[u8], cells: &[(usize, usize, bool)]) -> Record {
        let mut record = Record::with_capacity(cells.iter().map(|&(s, e, _)| e - s).sum(), cells.len());
        for &(start, end, plain) in cells {
            if plain {
                record.push(&input[start..end]);
            } else {
                unquote(&input[start..end], &mut self.unquoted);
                record.push(&self.unquoted);
            }
        }
        record
    }

    /// The record csv-core wrote: the cells' bytes `out`, and where each ends.
    fn core(&mut self, out: &[u8], ends: &[usize]) -> Record {
        let mut record = Record::with_capacity(ends.last().copied().unwrap_or(0), ends.len());
        let mut start = 0;
        for &end in ends {
            record.push(&out[start..end]);
            start = end;
        }
        record
    }
}

/// A quoted cell's bytes (from its opening quote) as csv-core reads them: `""` is one quote,
/// and from the closing quote on the bytes are kept as they are.
fn unquote(cell: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut at = 1;
    while let Some(i) = memchr(b'"', &cell[at..]) {
        out.extend_from_slice(&cell[at..at + i]);
        at += i + 1;
        if cell.get(at) == Some(&b'"') {
            out.push(b'"');
            at += 1;
        } else {
            break;
        }
    }
    out.extend_from_slice(&cell[at..]);
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so a failure can be replayed.
    pub(in super::super) struct Rng(pub u64);

    impl Rng {
        pub fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// A CSV cell, often an awkward one.
    fn cell(rng: &mut Rng, out: &mut Vec<u8>) {
        const BITS: &[&[u8]] =
            &[b"a", b"bc", b" ", b",", b"\"", b"\"\"", b"\r", b"\n", b"\r\n", "é".as_bytes(), b"\xff", b"\xef\xbb\xbf"];
        match rng.below(10) {
            0 => {}
            1..=4 => (0..rng.below(12)).for_each(|_| out.push(b'a' + rng.below(26) as u8)),
            5 => out.extend(std::iter::repeat_n(b'x', [rng.below(400), rng.below(12_000)][rng.below(5) / 4])),
            6 | 7 => {
                out.push(b'"');
                for _ in 0..rng.below(8) {
                    match rng.below(4) {
                        0 => out.extend_from_slice(b"\"\""),
                        _ => out.extend_from_slice(BITS[rng.below(BITS.len())]),
                    }
                }
                if rng.below(20) > 0 {
                    out.push(b'"');
                }
                if rng.below(10) == 0 {
                    out.extend_from_slice(BITS[rng.below(BITS.len())]);
                }
            }
            _ => (0..rng.below(5)).for_each(|_| out.extend_from_slice(BITS[rng.below(BITS.len())])),
        }
    }

    /// A CSV file of `rows` rows under `header`: ragged rows, blank lines, every line ending,
    /// a BOM now and then, unterminated quotes, long cells, and a last line with or without
    /// its end.
    pub(in super::super) fn tricky(rng: &mut Rng, header: &[u8], rows: usize) -> Vec<u8> {
        let mut out = Vec::new();
        if rng.below(4) == 0 {
            out.extend_from_slice(b"\xef\xbb\xbf");
        }
        out.extend_from_slice(header);
        const ENDS: &[&[u8]] = &[b"\n", b"\r\n", b"\r", b"\n\n", b"\r\n\r\n", b"\n\r"];
        for _ in 0..rows {
            out.extend_from_slice(ENDS[rng.below(ENDS.len())]);
            let cells = match rng.below(8) {
                0 => rng.below(8),
                _ => 4,
            };
            for i in 0..cells {
                if i > 0 {
                    out.push(b',');
                }
                cell(rng, &mut out);
            }
        }
        if rng.below(2) == 0 {
            out.extend_from_slice(ENDS[rng.below(ENDS.len())]);
        }
        out
    }

    /// Input handed out in chunks of random sizes (a network stream), so that records fall
    /// across the reader's buffer in every way.
    pub(in super::super) struct Chunked {
        pub data: Vec<u8>,
        pub at: usize,
        pub rng: Rng,
        pub largest: usize,
    }

    impl Read for Chunked {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = out.len().min(self.data.len() - self.at).min(1 + self.rng.below(self.largest));
            out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    impl BufRead for Chunked {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            let n = (self.data.len() - self.at).min(1 + self.rng.below(self.largest));
            Ok(&self.data[self.at..self.at + n])
        }
        fn consume(&mut self, n: usize) {
            self.at += n;
        }
    }

    /// Everything one reader makes of `data` read with `cap`, as `CsvRows` reads it: each
    /// record with its size and whether the cap cut it off; after a cut-off record, the rest
    /// of its line is skipped and a new reader starts.
    fn records(make: fn(Capped<Chunked>) -> Records<Chunked>, data: &[u8], cap: usize, seed: u64) -> Vec<String> {
        let largest = [1, 7, 100, 5000, 1 << 20][(seed % 5) as usize];
        let inner = Chunked { data: data.to_vec(), at: 0, rng: Rng(seed | 1), largest };
        let mut reader = make(Capped { inner, delivered: 0, limit: 0, tripped: false });
        let mut seen = Vec::new();
        loop {
            let start = reader.position();
            reader.capped_mut().arm(cap);
            let read = reader.read();
            let tripped = reader.capped().tripped;
            seen.push(format!("{read:?} {} bytes, tripped {tripped}", reader.position() - start));
            match read {
                Ok(Some(_)) if tripped => {
                    let mut input = reader.into_inner();
                    let rest = &input.inner.data[input.inner.at..];
                    let skip = memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
                    input.inner.at += skip;
                    seen.push(format!("skipped {skip}"));
                    reader = make(input);
                }
                Ok(Some(_)) => {}
                _ => return seen,
            }
        }
    }

    fn same_records(data: &[u8], cap: usize, seed: u64) {
        let split = records(Records::new, data, cap, seed);
        let plain = records(Records::plain, data, cap, seed);
        if split != plain {
            let i = split.iter().zip(&plain).position(|(a, b)| a != b).unwrap_or(split.len().min(plain.len()));
            panic!(
                "cap {cap}, seed {seed}: record {i} differs:\n split: {:?}\n plain: {:?}\ninput: {:?}",
                split.get(i),
                plain.get(i),
                String::from_utf8_lossy(data)
            );
        }
    }

    #[test]
    fn the_fixtures_read_as_csv_reads_them() {
        let files = crate::ingest::fixture_files(&["csv"]);
        assert!(!files.is_empty());
        for (i, file) in files.iter().enumerate() {
            let data = std::fs::read(file).unwrap();
            for (j, cap) in [usize::MAX / 2, 4096, 700, 150].into_iter().enumerate() {
                for seed in 0..5 {
                    same_records(&data, cap, (i * 100 + j * 10 + seed) as u64);
                }
            }
        }
    }

    #[test]
    fn tricky_csv_reads_as_csv_reads_it() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for case in 0..3000u64 {
            let rows = rng.below(40);
            let data = tricky(&mut rng, b"title,url,budget,description", rows);
            let cap = match case % 4 {
                0 => usize::MAX / 2,
                1 => 1000 + rng.below(9000),
                _ => 1 + rng.below(300),
            };
            same_records(&data, cap, case);
        }
    }

    #[test]
    fn split_reads_quoted_cells_as_csv_core() {
        let mut cells = Vec::new();
        let input = b"\r\n\n\"a,\"\"b\"\"\r\nc\",\"d\"e\"f,,\"\",x\"y\r\nnext";
        assert_eq!(split(input, &mut cells), Some(input.len() - 5));
        let record = Builder::new().split(input, &cells);
        let expected: Vec<&[u8]> = vec![b"a,\"b\"\r\nc", b"de\"f", b"", b"", b"x\"y"];
        assert_eq!(record.iter().collect::<Vec<_>>(), expected);
        assert_eq!(split(b"a,\"b", &mut cells), None, "a quote open at the end");
        assert_eq!(split(b"a,\"b\"", &mut cells), None, "the byte after a closing quote is needed");
        assert_eq!(split(b"a,b", &mut cells), None, "the last record of a file goes through csv-core");
        assert_eq!(split(b"\r\n\r\n", &mut cells), None);
    }
}
