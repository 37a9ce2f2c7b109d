//! The record a job came from, as the export held it ([`Job::raw`](crate::job::Job::raw)).
//!
//! A JSON record, or a CSV row whose columns are paths (`client/country`), is kept as a JSON
//! value ([`Raw::Value`]). A row of a flat CSV (every column a plain, distinct name) is kept as
//! the row itself beside the file's header ([`Raw::Row`]), and becomes a JSON object only when
//! it is written out: building that object for every row (a key and a value allocated, hashed
//! and freed per cell) was about a third of the parse time of such files. Either way it
//! serialises to the same JSON: the non-empty cells under their column names, in column order.
//!
//! A JSON record is kept as its text ([`Raw::Json`]), as `serde_json` writes the parsed record
//! (compact, its escapes and numbers in serde_json's form: see [`super::json_text`]), and
//! written out verbatim: parsing each record into a `Value` tree (a map and a string allocated
//! per key, hashed) was about half the parse time of JSON exports. It serialises to the same
//! bytes the `Value` did.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

/// A job's original record.
#[derive(Debug, Clone)]
pub enum Raw {
    Value(Value),
    Row(Row),
    /// A JSON object's text exactly as `serde_json::to_string` writes its parsed form.
    Json(String),
}

/// One row of a flat CSV with the file's column names.
#[derive(Debug, Clone)]
pub struct Row {
    columns: Arc<[String]>,
    cells: Cells,
}

/// A CSV row's cells: their text one after another, and where each ends (one buffer for the
/// row, not a string per cell).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cells {
    text: String,
    ends: Vec<usize>,
}

impl Cells {
    /// The cells `bytes[..ends[0]]`, `bytes[ends[0]..ends[1]]`, … (`ends` ascending, the last
    /// `bytes.len()`) as text; `Err(i)` when cell `i` is the first that is not UTF-8 on its own,
    /// as `csv::StringRecord` decides it (a character split across two cells is in neither).
    pub fn from_utf8(bytes: Vec<u8>, ends: Vec<usize>) -> Result<Cells, usize> {
        debug_assert_eq!(ends.last().copied().unwrap_or(0), bytes.len());
        let bytes = match String::from_utf8(bytes) {
            Ok(text) if ends.iter().all(|&end| text.is_char_boundary(end)) => return Ok(Cells { text, ends }),
            Ok(text) => text.into_bytes(),
            Err(e) => e.into_bytes(),
        };
        let mut start = 0;
        for (i, &end) in ends.iter().enumerate() {
            if std::str::from_utf8(&bytes[start..end]).is_err() {
                return Err(i);
            }
            start = end;
        }
        // Every cell is valid, so the row is: only bytes past the last cell could be invalid.
        Err(ends.len().saturating_sub(1))
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is no cell.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Cell `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[start..end])
    }

    /// The cells, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

impl<'a> FromIterator<&'a str> for Cells {
    fn from_iter<I: IntoIterator<Item = &'a str>>(cells: I) -> Self {
        let mut out = Cells::default();
        for cell in cells {
            out.text.push_str(cell);
            out.ends.push(out.text.len());
        }
        out
    }
}

impl Row {
    /// A row of a file whose column names are `columns` (distinct, none of them a path); extra
    /// cells past the header are not kept.
    pub fn new(columns: Arc<[String]>, cells: Cells) -> Row {
        Row { columns, cells }
    }

    /// The non-empty cells with their column names, in column order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.columns.iter().map(String::as_str).zip(self.cells.iter()).filter(|(_, v)| !v.is_empty())
    }
}

impl Raw {
    /// The record as a JSON value (a row becomes an object of its non-empty cells).
    pub fn to_value(&self) -> Value {
        match self {
            Raw::Value(v) => v.clone(),
            Raw::Row(row) => {
                Value::Object(row.entries().map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect())
            }
            Raw::Json(text) => serde_json::from_str(text).expect("a kept JSON record is valid JSON"),
        }
    }
}

impl Default for Raw {
    fn default() -> Self {
        Raw::Value(Value::Null)
    }
}

impl From<Value> for Raw {
    fn from(v: Value) -> Self {
        Raw::Value(v)
    }
}

/// Two records are equal when they are the same JSON, however each is kept.
impl PartialEq for Raw {
    fn eq(&self, other: &Raw) -> bool {
        match (self, other) {
            (Raw::Value(a), Raw::Value(b)) => a == b,
            // The same text is the same JSON; keys in another order are too (as for `Value`).
            (Raw::Json(a), Raw::Json(b)) if a == b => true,
            _ => self.to_value() == other.to_value(),
        }
    }
}

impl PartialEq<Value> for Raw {
    fn eq(&self, other: &Value) -> bool {
        match self {
            Raw::Value(v) => v == other,
            Raw::Row(_) | Raw::Json(_) => &self.to_value() == other,
        }
    }
}

impl Serialize for Raw {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Raw::Value(v) => v.serialize(s),
            Raw::Row(row) => s.collect_map(row.entries()),
            // Written as it is into JSON output (checked once more on the way, which is cheaper
            // than the `Value` it replaces was to write).
            Raw::Json(text) => serde_json::from_str::<&RawValue>(text).map_err(serde::ser::Error::custom)?.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(Raw::Value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(columns: &[&str], cells: &[&str]) -> Raw {
        let columns: Arc<[String]> = columns.iter().map(|c| c.to_string()).collect();
        Raw::Row(Row::new(columns, cells.iter().copied().collect()))
    }

    #[test]
    fn a_row_is_written_as_the_object_of_its_non_empty_cells() {
        let r = row(&["", "title", "budget", "skills"], &["0", "Build a bot", "", "['Python']"]);
        let expected = serde_json::json!({"": "0", "title": "Build a bot", "skills": "['Python']"});
        assert_eq!(serde_json::to_value(&r).unwrap(), expected);
        assert_eq!(serde_json::to_string(&r).unwrap(), expected.to_string(), "column order kept");
        assert_eq!(r, expected);
        assert_eq!(r, Raw::Value(expected.clone()));
        assert_ne!(r, row(&["", "title", "budget", "skills"], &["0", "Build a bot", "", "['Go']"]));
        let back: Raw = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn cells_are_text_as_csv_string_record_decides_it() {
        let cases: Vec<Vec<&[u8]>> = vec![
            vec![b"a", b"", b"b c"],
            vec![],
            vec!["é".as_bytes(), "😀x".as_bytes(), b""],
            vec![b"ok", b"\xff", b"\xfe"],
            // A character split across two cells: valid as a row, not as cells.
            vec![b"a", &"é".as_bytes()[..1], &"é".as_bytes()[1..]],
            vec![b"a", b"b\xc3"],
        ];
        for cells in cases {
            let mut record = csv::ByteRecord::new();
            let (mut bytes, mut ends) = (Vec::new(), Vec::new());
            for cell in &cells {
                record.push_field(cell);
                bytes.extend_from_slice(cell);
                ends.push(bytes.len());
            }
            let ours = Cells::from_utf8(bytes, ends);
            match csv::StringRecord::from_byte_record(record) {
                Ok(theirs) => {
                    let ours = ours.unwrap_or_else(|i| panic!("{cells:?}: cell {i} refused"));
                    assert_eq!(ours.iter().collect::<Vec<_>>(), theirs.iter().collect::<Vec<_>>());
                    assert_eq!(ours.len(), theirs.len());
                    assert_eq!(ours.get(theirs.len()), None);
                }
                Err(e) => assert_eq!(ours, Err(e.utf8_error().field()), "{cells:?}"),
            }
        }
    }

    #[test]
    fn a_json_record_is_written_as_its_text_and_compares_as_json() {
        let text = r#"{"title":"Build a bot","n":1.5,"skills":["Rust"],"é":"😀"}"#;
        let r = Raw::Json(text.to_string());
        assert_eq!(serde_json::to_string(&r).unwrap(), text);
        let job = serde_json::json!({"raw": r});
        assert_eq!(job.to_string(), format!(r#"{{"raw":{text}}}"#));
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(r, value);
        assert_eq!(r, Raw::Value(value.clone()));
        assert_eq!(r.to_value(), value);
        let reordered = Raw::Json(r#"{"n":1.5,"title":"Build a bot","skills":["Rust"],"é":"😀"}"#.into());
        assert_eq!(r, reordered);
        assert_ne!(r, Raw::Json(r#"{"title":"Other"}"#.into()));
    }
}
