//! Records as the mapper sees them: slash-flattened keys with text values.
//!
//! Apify's CSV export flattens nested JSON into `a/b/0/c` columns; JSON records are flattened the
//! same way here, so one alias table serves both. [`unflatten`] goes the other way, to keep a CSV
//! row's original record as nested JSON.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// One step of a flattened key: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Splits a flattened key into its segments; all-digit segments are array indices.
pub fn segments(key: &str) -> Vec<Segment> {
    key.split('/')
        .map(|s| match s.parse::<usize>() {
            Ok(i) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => Segment::Index(i),
            _ => Segment::Key(s.to_string()),
        })
        .collect()
}

/// The first array index in a flattened key (`skills/3/name` -> 3), if any.
pub fn first_index(key: &str) -> Option<u32> {
    let b = key.as_bytes();
    // Most keys hold no digit at all (a scan the compiler vectorises).
    if !b.iter().fold(false, |any, c| any | c.is_ascii_digit()) {
        return None;
    }
    let segment = b.split(|&c| c == b'/').find(|s| !s.is_empty() && s.iter().all(u8::is_ascii_digit))?;
    std::str::from_utf8(segment).ok()?.parse().ok()
}

/// A leaf of a JSON record, borrowed from it.
#[derive(Debug, Clone, Copy)]
pub enum Leaf<'v> {
    Str(&'v str),
    Number(&'v serde_json::Number),
    Bool(bool),
}

impl<'v> Leaf<'v> {
    /// The leaf as text, as [`flatten`] spells it: a string borrowed, a number or a boolean in
    /// its JSON text.
    pub fn text(self) -> Cow<'v, str> {
        match self {
            Leaf::Str(s) => Cow::Borrowed(s),
            Leaf::Number(n) => Cow::Owned(n.to_string()),
            Leaf::Bool(b) => Cow::Owned(b.to_string()),
        }
    }
}

/// Calls `f` with each leaf's flattened key (as [`flatten`] spells it) and the leaf, in the
/// same order and with the same leaves left out (nulls, empty strings), but without copying a
/// key or a value: `key` is one buffer, reused for every leaf.
pub fn for_each_leaf<'v>(value: &'v Value, key: &mut String, f: &mut impl FnMut(&str, Leaf<'v>)) {
    key.clear();
    walk_leaves(value, key, f);
}

fn walk_leaves<'v>(value: &'v Value, key: &mut String, f: &mut impl FnMut(&str, Leaf<'v>)) {
    use std::fmt::Write;
    let len = key.len();
    match value {
        Value::Null => {}
        Value::String(s) if s.is_empty() => {}
        Value::String(s) => f(key, Leaf::Str(s)),
        Value::Bool(b) => f(key, Leaf::Bool(*b)),
        Value::Number(n) => f(key, Leaf::Number(n)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if len > 0 {
                    key.push('/');
                }
                let _ = write!(key, "{i}");
                walk_leaves(item, key, f);
                key.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                if len > 0 {
                    key.push('/');
                }
                key.push_str(k);
                walk_leaves(v, key, f);
                key.truncate(len);
            }
        }
    }
}

/// Flattens a JSON value into `(key, text)` pairs, Apify-style. Nulls and empty strings are
/// skipped; numbers and booleans become their JSON text.
pub fn flatten(value: &Value, out: &mut Vec<(String, String)>) {
    fn walk(prefix: &mut String, value: &Value, out: &mut Vec<(String, String)>) {
        let len = prefix.len();
        match value {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::String(s) => out.push((prefix.clone(), s.clone())),
            Value::Bool(b) => out.push((prefix.clone(), b.to_string())),
            Value::Number(n) => out.push((prefix.clone(), n.to_string())),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    push_segment(prefix, &i.to_string());
                    walk(prefix, item, out);
                    prefix.truncate(len);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    push_segment(prefix, k);
                    walk(prefix, v, out);
                    prefix.truncate(len);
                }
            }
        }
    }
    fn push_segment(prefix: &mut String, segment: &str) {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(segment);
    }
    walk(&mut String::new(), value, out);
}

/// Puts `value` at the flattened path `path` inside `root`, creating objects and arrays on the
/// way. A path that collides with a value already there (`a` = "x" and `a/b` = "y") keeps the
/// first value under the plain key and the second under the full flattened key, so nothing is
/// lost.
pub fn insert_path(root: &mut Map<String, Value>, key: &str, path: &[Segment], value: Value) {
    let Some((Segment::Key(first), rest)) = path.split_first() else {
        root.insert(key.to_string(), value);
        return;
    };
    if rest.is_empty() {
        if root.contains_key(first) {
            root.insert(key.to_string(), value);
        } else {
            root.insert(first.clone(), value);
        }
        return;
    }
    let slot = root.entry(first.clone()).or_insert(Value::Null);
    if !place(slot, rest, value.clone()) {
        root.insert(key.to_string(), value);
    }
}

fn place(slot: &mut Value, path: &[Segment], value: Value) -> bool {
    let Some((head, rest)) = path.split_first() else {
        if slot.is_null() {
            *slot = value;
            return true;
        }
        return false;
    };
    match head {
        Segment::Key(k) => {
            if slot.is_null() {
                *slot = Value::Object(Map::new());
            }
            match slot {
                Value::Object(map) => place(map.entry(k.clone()).or_insert(Value::Null), rest, value),
                _ => false,
            }
        }
        Segment::Index(i) => {
            if slot.is_null() {
                *slot = Value::Array(Vec::new());
            }
            match slot {
                Value::Array(items) if *i < 10_000 => {
                    if items.len() <= *i {
                        items.resize(*i + 1, Value::Null);
                    }
                    place(&mut items[*i], rest, value)
                }
                _ => false,
            }
        }
    }
}

/// Rebuilds nested JSON from flattened `(key, value)` cells; empty cells are left out.
pub fn unflatten<'a>(cells: impl IntoIterator<Item = (&'a str, &'a [Segment], &'a str)>) -> Value {
    let mut root = Map::new();
    for (key, path, value) in cells {
        if !value.is_empty() {
            insert_path(&mut root, key, path, Value::String(value.to_string()));
        }
    }
    Value::Object(root)
}

/// Writes records as Apify's CSV export does: nested keys joined by `/`, columns in first-seen
/// order, optional UTF-8 BOM, CRLF line ends. For samples, benchmarks and tests.
pub fn write_flat_csv(records: &[Value], bom: bool, out: impl std::io::Write) -> csv::Result<()> {
    let mut columns: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        let mut flat = Vec::new();
        flatten(record, &mut flat);
        for (k, _) in &flat {
            if seen.insert(k.clone()) {
                columns.push(k.clone());
            }
        }
        rows.push(flat.into_iter().collect::<std::collections::HashMap<_, _>>());
    }
    let mut out = out;
    if bom {
        out.write_all(super::format::BOM)?;
    }
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    writer.write_record(&columns)?;
    for row in rows {
        writer.write_record(columns.iter().map(|c| row.get(c).map(String::as_str).unwrap_or("")))?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flatten_matches_apify_csv_columns() {
        let v = json!({"id": "1", "fixed": {"budget": {"amount": "1000.0", "isoCurrencyCode": null}},
                       "tags": ["a", "b"], "questions": [{"question": "Why?", "position": 0}], "ok": true});
        let mut out = Vec::new();
        flatten(&v, &mut out);
        let keys: Vec<_> = out.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            keys,
            [
                "id=1",
                "fixed/budget/amount=1000.0",
                "tags/0=a",
                "tags/1=b",
                "questions/0/question=Why?",
                "questions/0/position=0",
                "ok=true"
            ]
        );
    }

    #[test]
    fn leaves_come_with_the_keys_flatten_gives() {
        let v = json!({"a": {"b": [1, "", null, {"c": "x"}], "t": true}, "s": "y"});
        let mut flat = Vec::new();
        flatten(&v, &mut flat);
        let mut walked = Vec::new();
        for_each_leaf(&v, &mut String::new(), &mut |k, leaf| walked.push((k.to_string(), leaf.text().into_owned())));
        assert_eq!(walked, flat);
        assert_eq!(walked[1], ("a/b/3/c".to_string(), "x".to_string()));
    }

    #[test]
    fn unflatten_restores_nesting_and_skips_empty_cells() {
        let cols = ["id", "fixed/budget/amount", "tags/0", "tags/1", "questions/0/question", "tags/2"];
        let vals = ["1", "1000.0", "a", "b", "Why?", ""];
        let paths: Vec<_> = cols.iter().map(|c| segments(c)).collect();
        let v = unflatten(cols.iter().zip(&paths).zip(vals).map(|((c, p), v)| (*c, p.as_slice(), v)));
        assert_eq!(
            v,
            json!({"id": "1", "fixed": {"budget": {"amount": "1000.0"}}, "tags": ["a", "b"],
                   "questions": [{"question": "Why?"}]})
        );
    }

    #[test]
    fn colliding_paths_keep_both_values() {
        let cols = ["a", "a/b"];
        let paths: Vec<_> = cols.iter().map(|c| segments(c)).collect();
        let v = unflatten(cols.iter().zip(&paths).zip(["x", "y"]).map(|((c, p), v)| (*c, p.as_slice(), v)));
        assert_eq!(v, json!({"a": "x", "a/b": "y"}));
    }

    #[test]
    fn first_index_finds_array_position() {
        assert_eq!(first_index("skills/3/name"), Some(3));
        assert_eq!(first_index("tags/0"), Some(0));
        assert_eq!(first_index("title"), None);
    }
}
