//! One JSON record read straight from its text, without building a `serde_json::Value` tree.
//!
//! [`walk_record`] hands out the record's leaves with their flattened keys, exactly as
//! [`super::record::for_each_leaf`] does on the parsed record (same keys, same order, nulls and
//! empty strings left out, numbers spelled as `serde_json` writes them), borrowing every string
//! that holds no escape from the text. On the way it writes the record out as `serde_json`
//! would write the parsed record (`serde_json::to_string`): compact, strings escaped the same
//! way, numbers in the same form. That text is kept as the job's raw record
//! ([`super::raw::Raw::Json`]), so what is stored and sent is byte for byte what it was when
//! the record was a `Value`.
//!
//! The walker reads valid JSON only, and gives up ([`Unhandled`]) on anything else, and on the
//! few records whose parsed form it does not reproduce: a key repeated in one object (the
//! parsed object keeps the last value at the first key's place), a key with an escape in it,
//! nesting deeper than [`MAX_DEPTH`]. The caller then parses the record with `serde_json`, which
//! rejects it with its own error message or reads it the slow way.

use std::borrow::Cow;

use super::aliases::Field;

/// Nesting the walker follows (`serde_json` stops at 128).
pub const MAX_DEPTH: u32 = 100;

/// A leaf of a record's text.
#[derive(Debug, Clone, PartialEq)]
pub enum TextLeaf<'v> {
    /// A non-empty string, unescaped (borrowed when it held no escape).
    Str(Cow<'v, str>),
    /// A number as `serde_json` writes it once parsed (`1e3` is `1000.0`).
    Number(Cow<'v, str>),
    Bool(bool),
}

impl<'v> TextLeaf<'v> {
    /// The leaf as text, as [`super::record::Leaf::text`] spells it.
    pub fn text(self) -> Cow<'v, str> {
        match self {
            TextLeaf::Str(s) | TextLeaf::Number(s) => s,
            TextLeaf::Bool(true) => Cow::Borrowed("true"),
            TextLeaf::Bool(false) => Cow::Borrowed("false"),
        }
    }
}

/// Where a leaf is: its flattened key, and what [`is_job_text`] needs.
#[derive(Debug, Clone, Copy)]
pub struct Spot<'k> {
    /// The flattened key (`jobTile/job/ciphertext`, `skills/0`).
    pub key: &'k str,
    /// Where the leaf's own key (or array index) starts in `key`.
    own: usize,
    /// Arrays around the leaf.
    arrays: u32,
}

impl<'k> Spot<'k> {
    /// The leaf's own key (its object's key for it), or its array index.
    pub fn own(&self) -> &'k str {
        &self.key[self.own..]
    }

    /// Whether the leaf is inside an array (at any depth).
    pub fn in_array(&self) -> bool {
        self.arrays > 0
    }
}

/// The walker gave up on a record: it is not valid JSON, not an object, or one of the records
/// left to `serde_json` (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unhandled;

type Walked<T> = Result<T, Unhandled>;

/// Buffers [`walk_record`] reuses from one record to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The flattened key of the leaf being read.
    key: String,
    /// The keys of the objects open (as byte ranges of the text), innermost last.
    keys: Vec<(usize, usize)>,
}

/// Walks the JSON object `text` (white space around it allowed): calls `f` with each leaf's
/// flattened key (built in one buffer for every leaf) and the leaf, and writes the record as
/// `serde_json` writes its parsed form into `out` (appended). On [`Unhandled`], `f` may have
/// seen some of the leaves and `out` holds part of the record.
pub fn walk_record<'v, F: FnMut(Spot<'_>, TextLeaf<'v>)>(
    text: &'v str,
    scratch: &mut Scratch,
    out: &mut String,
    f: &mut F,
) -> Walked<()> {
    let Scratch { key, keys } = scratch;
    key.clear();
    keys.clear();
    let mut w = Walker { s: text, b: text.as_bytes(), i: 0, key, own: 0, arrays: 0, out, keys, f };
    w.ws();
    if w.peek() != Some(b'{') {
        return Err(Unhandled);
    }
    w.object(1)?;
    w.ws();
    if w.i != w.b.len() {
        return Err(Unhandled);
    }
    Ok(())
}

struct Walker<'v, 'a, F> {
    s: &'v str,
    b: &'v [u8],
    i: usize,
    key: &'a mut String,
    /// Where the own key of the value being read starts in `key`.
    own: usize,
    /// Arrays open.
    arrays: u32,
    out: &'a mut String,
    /// The keys of the objects open, innermost last (to find a repeated key).
    keys: &'a mut Vec<(usize, usize)>,
    f: &'a mut F,
}

impl<'v, F: FnMut(Spot<'_>, TextLeaf<'v>)> Walker<'v, '_, F> {
    #[inline]
    fn leaf(&mut self, leaf: TextLeaf<'v>) {
        (self.f)(Spot { key: self.key, own: self.own, arrays: self.arrays }, leaf);
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Skips JSON white space.
    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    /// The byte after white space, consumed.
    #[inline]
    fn next_token(&mut self) -> Walked<u8> {
        self.ws();
        let b = self.peek().ok_or(Unhandled)?;
        self.i += 1;
        Ok(b)
    }

    fn value(&mut self, depth: u32) -> Walked<()> {
        self.ws();
        match self.peek().ok_or(Unhandled)? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => {
                let s = self.string()?;
                if !s.is_empty() {
                    self.leaf(TextLeaf::Str(s));
                }
                Ok(())
            }
            b't' => self.literal("true", Some(true)),
            b'f' => self.literal("false", Some(false)),
            b'n' => self.literal("null", None),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Unhandled),
        }
    }

    fn literal(&mut self, word: &'static str, leaf: Option<bool>) -> Walked<()> {
        if !self.b[self.i..].starts_with(word.as_bytes()) {
            return Err(Unhandled);
        }
        self.i += word.len();
        self.out.push_str(word);
        if let Some(b) = leaf {
            self.leaf(TextLeaf::Bool(b));
        }
        Ok(())
    }

    fn object(&mut self, depth: u32) -> Walked<()> {
        if depth > MAX_DEPTH {
            return Err(Unhandled);
        }
        self.i += 1;
        self.out.push('{');
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            self.out.push('}');
            return Ok(());
        }
        let len = self.key.len();
        let base = self.keys.len();
        // One bit per key (from its length and last byte): a key whose bit is unset is new.
        let mut bloom = 0u64;
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(Unhandled);
            }
            let from = self.i + 1;
            let Cow::Borrowed(k) = self.string()? else { return Err(Unhandled) };
            let bit = 1u64 << ((k.len() as u64 * 7 + k.as_bytes().last().map_or(0, |&b| b as u64)) & 63);
            if bloom & bit != 0 && self.keys[base..].iter().any(|&(a, b)| &self.s[a..b] == k) {
                return Err(Unhandled);
            }
            bloom |= bit;
            self.keys.push((from, from + k.len()));
            if self.next_token()? != b':' {
                return Err(Unhandled);
            }
            self.out.push(':');
            if len > 0 {
                self.key.push('/');
            }
            self.own = self.key.len();
            self.key.push_str(k);
            self.value(depth)?;
            self.key.truncate(len);
            match self.next_token()? {
                b',' => self.out.push(','),
                b'}' => {
                    self.out.push('}');
                    self.keys.truncate(base);
                    return Ok(());
                }
                _ => return Err(Unhandled),
            }
        }
    }

    fn array(&mut self, depth: u32) -> Walked<()> {
        if depth > MAX_DEPTH {
            return Err(Unhandled);
        }
        self.i += 1;
        self.out.push('[');
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            self.out.push(']');
            return Ok(());
        }
        let len = self.key.len();
        let mut index = 0usize;
        self.arrays += 1;
        loop {
            if len > 0 {
                self.key.push('/');
            }
            self.own = self.key.len();
            push_index(self.key, index);
            self.value(depth)?;
            self.key.truncate(len);
            index += 1;
            match self.next_token()? {
                b',' => self.out.push(','),
                b']' => {
                    self.out.push(']');
                    self.arrays -= 1;
                    return Ok(());
                }
                _ => return Err(Unhandled),
            }
        }
    }

    /// Reads the string whose opening quote is at `i`, writes it to `out` as `serde_json` does,
    /// and returns it unescaped.
    fn string(&mut self) -> Walked<Cow<'v, str>> {
        let start = self.i + 1;
        let (s, b) = (self.s, self.b);
        let n = string_stop(&b[start..]);
        let mut at = start + n;
        if !matches!(b.get(at), Some(b'"' | b'\\')) {
            // A control character, or no closing quote.
            return Err(Unhandled);
        }
        // The text is written as it is, quotes included (`self.i` is at the opening one), but
        // for the escapes.
        if b[at] == b'"' {
            self.out.push_str(&s[self.i..=at]);
            self.i = at + 1;
            return Ok(Cow::Borrowed(&s[start..at]));
        }
        self.out.push_str(&s[self.i..at]);
        // Escapes: unescape into a new string, and write each escaped character as
        // `serde_json` would.
        let mut text = String::with_capacity(n + 16);
        text.push_str(&s[start..at]);
        loop {
            // `b[at]` is a backslash.
            let c = match b.get(at + 1).ok_or(Unhandled)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let (c, len) = unicode_escape(&b[at..])?;
                    at += len - 2;
                    c
                }
                _ => return Err(Unhandled),
            };
            at += 2;
            text.push(c);
            escape_char(self.out, c);
            let end = at + string_stop(b.get(at..).ok_or(Unhandled)?);
            if !matches!(b.get(end), Some(b'"' | b'\\')) {
                return Err(Unhandled);
            }
            text.push_str(&s[at..end]);
            if b[end] == b'"' {
                self.out.push_str(&s[at..=end]);
                self.i = end + 1;
                return Ok(Cow::Owned(text));
            }
            self.out.push_str(&s[at..end]);
            at = end;
        }
    }

    /// Reads the number at `i` (JSON's grammar), writes it as `serde_json` writes it once parsed
    /// and hands it out.
    fn number(&mut self) -> Walked<()> {
        let (b, start) = (self.b, self.i);
        let mut i = start + usize::from(b[start] == b'-');
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i += digits(&b[i..]),
            _ => return Err(Unhandled),
        }
        let integer = i;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let n = digits(&b[i..]);
            if n == 0 {
                return Err(Unhandled);
            }
            i += n;
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            let n = digits(&b[i..]);
            if n == 0 {
                return Err(Unhandled);
            }
            i += n;
        }
        self.i = i;
        let text = &self.s[start..i];
        // An integer that fits in a u64 (19 digits) or, negative and not `-0`, in an i64 (18)
        // is written as it is; anything else as serde_json's number prints.
        let plain = i == integer && text.len() <= 19 && text != "-0";
        let text = if plain {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(text.parse::<serde_json::Number>().map_err(|_| Unhandled)?.to_string())
        };
        self.out.push_str(&text);
        self.leaf(TextLeaf::Number(text));
        Ok(())
    }
}

/// Whether the JSON object `text` is a job record, as `json_rows::is_job_value` says of its
/// parsed form: outside arrays, a non-blank string or a number under a key that maps to the
/// title, or both an id and a URL. `field` looks up an own key's field. `None`: the walker
/// leaves the record to `serde_json`.
pub fn is_job_text(text: &str, scratch: &mut Scratch, field: &mut impl FnMut(&str) -> Option<Field>) -> Option<bool> {
    let mut found = [false; 3];
    let mut out = String::with_capacity(text.len());
    walk_record(text, scratch, &mut out, &mut |spot, leaf| {
        let known = match &leaf {
            TextLeaf::Str(s) => !s.trim().is_empty(),
            TextLeaf::Number(_) => true,
            TextLeaf::Bool(_) => false,
        };
        if known && !spot.in_array() {
            match field(spot.own()) {
                Some(Field::Title) => found[0] = true,
                Some(Field::JobId) => found[1] = true,
                Some(Field::Url) => found[2] = true,
                _ => {}
            }
        }
    })
    .ok()?;
    Some(found[0] || (found[1] && found[2]))
}

/// Reads an envelope's head as `json_rows` reads its parsed form: `text` is what came before a
/// job array, closed with ` 0` in the array's place and a `}` for each object open around it
/// (`{"keyword": "etl", "jobs": 0}`). Gives whether the head is a job record ([`is_job_text`],
/// the ` 0` left out) and its search keyword: the first non-blank string under a key that folds
/// to one of `keyword_keys` in the innermost object holding the array, else in the nearest one
/// around it. `None`: the walker leaves the head to `serde_json`, and so does a head holding a
/// `/` anywhere (a key with a `/` would make the flattened paths ambiguous).
pub fn probe_head(
    text: &str,
    keyword_keys: &[&str],
    scratch: &mut Scratch,
    field: &mut impl FnMut(&str) -> Option<Field>,
) -> Option<(bool, Option<String>)> {
    if memchr::memchr(b'/', text.as_bytes()).is_some() {
        return None;
    }
    let mut found = [0u32; 3];
    // The slot the last leaf counted in: the last leaf is the ` 0` put in the array's place.
    let mut last_slot = None;
    let mut last_key = String::new();
    // Keyword candidates outside arrays: the path of their object (`data/`) and their text.
    let mut keywords: Vec<(String, Cow<str>)> = Vec::new();
    let mut out = String::with_capacity(text.len());
    walk_record(text, scratch, &mut out, &mut |spot, leaf| {
        last_key.clear();
        last_key.push_str(spot.key);
        last_slot = None;
        if spot.in_array() {
            return;
        }
        let known = match &leaf {
            TextLeaf::Str(s) => !s.trim().is_empty(),
            TextLeaf::Number(_) => true,
            TextLeaf::Bool(_) => false,
        };
        if known {
            last_slot = match field(spot.own()) {
                Some(Field::Title) => Some(0),
                Some(Field::JobId) => Some(1),
                Some(Field::Url) => Some(2),
                _ => None,
            };
            if let Some(slot) = last_slot {
                found[slot] += 1;
            }
        }
        if let TextLeaf::Str(s) = leaf {
            if !s.trim().is_empty() && folds_to_one_of(spot.own(), keyword_keys) {
                let path = spot.key[..spot.key.len() - spot.own().len()].to_string();
                keywords.push((path, s));
            }
        }
    })
    .ok()?;
    if let Some(slot) = last_slot {
        found[slot] -= 1;
    }
    let is_job = found[0] > 0 || (found[1] > 0 && found[2] > 0);
    // The objects around the array are those whose path the array's key starts with (no key
    // holds a `/`); the innermost first, the first keyword in it.
    let mut best: Option<(usize, Cow<str>)> = None;
    for (path, text) in keywords {
        if last_key.starts_with(&path) && best.as_ref().is_none_or(|(len, _)| path.len() > *len) {
            best = Some((path.len(), text));
        }
    }
    Some((is_job, best.map(|(_, text)| text.trim().to_string())))
}

/// Whether the object key `key` (no `/` in it) folds ([`super::aliases::fold_key`]) to one of
/// `folded` (lower-case ASCII letters), without building the folded key.
fn folds_to_one_of(key: &str, folded: &[&str]) -> bool {
    if key.is_ascii() {
        // The same fold, byte by byte: an ASCII letter lower-cases to one ASCII letter.
        let fold = || key.bytes().filter(|b| !matches!(b, b' ' | b'_' | b'-')).map(|b| b.to_ascii_lowercase());
        return folded.iter().any(|f| fold().eq(f.bytes()));
    }
    let fold = || key.chars().filter(|c| !matches!(c, ' ' | '_' | '-' | '\u{feff}')).flat_map(char::to_lowercase);
    // A key of digits only folds to `*`, which none of `folded` is: its digits are none either.
    folded.iter().any(|f| fold().eq(f.chars()))
}

/// The number of ASCII digits `b` starts with.
#[inline]
fn digits(b: &[u8]) -> usize {
    b.iter().position(|c| !c.is_ascii_digit()).unwrap_or(b.len())
}

/// Whether `b` holds a control character (which JSON strings may not hold unescaped).
#[inline]
fn has_control(b: &[u8]) -> bool {
    // A reduction without an early exit, which the compiler turns into vector code.
    b.iter().fold(false, |found, &c| found | (c < 0x20))
}

/// Strings up to this long are scanned by [`stop_in_word`] alone.
const SHORT_STRING: usize = 32;

/// Where the first byte that stops a string's plain run is in `b`: a `"`, a `\` or a control
/// character (`b.len()` if there is none). Most strings (keys, short values) end within
/// [`SHORT_STRING`] bytes, read eight at a time; past that, `memchr2` finds the quote or
/// backslash and a control character before it is looked for. Inlined into
/// [`Walker::string`], which calls it for every string.
#[inline(always)]
fn string_stop(b: &[u8]) -> usize {
    let short = b.len().min(SHORT_STRING);
    let mut i = 0;
    while i + 8 <= short {
        let word = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        if let Some(at) = stop_in_word(word) {
            return i + at;
        }
        i += 8;
    }
    if b.len() <= SHORT_STRING {
        // The last bytes, padded with a byte that stops nothing.
        let mut last = [b'a'; 8];
        last[..b.len() - i].copy_from_slice(&b[i..]);
        return stop_in_word(u64::from_le_bytes(last)).map_or(b.len(), |at| i + at);
    }
    let end = memchr::memchr2(b'"', b'\\', &b[i..]).map_or(b.len(), |n| i + n);
    if has_control(&b[i..end]) {
        return i + b[i..end].iter().position(|&c| c < 0x20).expect("a control character");
    }
    end
}

/// Where the first `"` or backslash is in `b`, as `memchr::memchr2` says; the first
/// [`SHORT_STRING`] bytes (where most strings end) read eight at a time, past them `memchr2`.
#[inline]
pub fn quote_or_backslash(b: &[u8]) -> Option<usize> {
    let short = b.len().min(SHORT_STRING);
    let mut i = 0;
    while i + 8 <= short {
        let word = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        let flags = bytes_below(word ^ (ONES * u64::from(b'"')), 1) | bytes_below(word ^ (ONES * u64::from(b'\\')), 1);
        if flags != 0 {
            return Some(i + first_flag(flags));
        }
        i += 8;
    }
    memchr::memchr2(b'"', b'\\', &b[i..]).map(|n| i + n)
}

/// Eight ones, one in each byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of `word` that is below `n` (at most 0x80), and maybe of bytes
/// above such a byte (a borrow), never below it: the classic "a zero byte in a word" test, so
/// the lowest flag ([`first_flag`]) is exact.
#[inline]
fn bytes_below(word: u64, n: u8) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH
}

/// The byte index (little-endian: the lowest byte first) of the lowest flag of `flags`.
#[inline]
fn first_flag(flags: u64) -> usize {
    (flags.trailing_zeros() / 8) as usize
}

/// The index of the first byte of `word` (little-endian: its lowest byte first) that is a `"`,
/// a backslash or below 0x20.
#[inline]
fn stop_in_word(word: u64) -> Option<usize> {
    let flags = bytes_below(word ^ (ONES * u64::from(b'"')), 1)
        | bytes_below(word ^ (ONES * u64::from(b'\\')), 1)
        | bytes_below(word, 0x20);
    (flags != 0).then(|| first_flag(flags))
}

/// Reads the `\uXXXX` escape `b` starts with (and the low surrogate after a high one): the
/// character and the escape's length in bytes. A lone surrogate is [`Unhandled`] (serde_json
/// rejects it).
fn unicode_escape(b: &[u8]) -> Walked<(char, usize)> {
    let hex = |at: usize| -> Walked<u32> {
        let digits = b.get(at..at + 4).ok_or(Unhandled)?;
        let mut n = 0;
        for &d in digits {
            n = n * 16 + (d as char).to_digit(16).ok_or(Unhandled)?;
        }
        Ok(n)
    };
    let first = hex(2)?;
    match first {
        0xD800..=0xDBFF => {
            if b.get(6..8) != Some(b"\\u") {
                return Err(Unhandled);
            }
            let low = hex(8)?;
            if !(0xDC00..=0xDFFF).contains(&low) {
                return Err(Unhandled);
            }
            let c = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
            Ok((char::from_u32(c).ok_or(Unhandled)?, 12))
        }
        0xDC00..=0xDFFF => Err(Unhandled),
        _ => Ok((char::from_u32(first).ok_or(Unhandled)?, 6)),
    }
}

/// Writes `c` inside a JSON string as `serde_json` does: `"` and `\` and control characters
/// escaped (the short forms where JSON has one, else `\u00xx`), everything else as it is.
fn escape_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x20 => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let n = c as usize;
            out.push_str("\\u00");
            out.push(HEX[n >> 4] as char);
            out.push(HEX[n & 15] as char);
        }
        c => out.push(c),
    }
}

/// Appends `index` in decimal.
#[inline]
fn push_index(key: &mut String, index: usize) {
    if index < 10 {
        key.push((b'0' + index as u8) as char);
    } else {
        let mut buf = [0u8; 20];
        let mut at = buf.len();
        let mut n = index;
        while n > 0 {
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        key.extend(buf[at..].iter().map(|&d| d as char));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::record::for_each_leaf;
    use super::*;

    /// The leaves and the written text of `text`.
    fn walk(text: &str) -> Walked<(Vec<(String, String)>, String)> {
        let mut leaves = Vec::new();
        let mut out = String::new();
        walk_record(text, &mut Scratch::default(), &mut out, &mut |spot, leaf| {
            leaves.push((spot.key.to_string(), leaf.text().into_owned()))
        })?;
        Ok((leaves, out))
    }

    /// What the `Value` route gives for `text`: the leaves and `serde_json::to_string`.
    fn parsed(text: &str) -> (Vec<(String, String)>, String) {
        let value: Value = serde_json::from_str(text).unwrap();
        let mut leaves = Vec::new();
        for_each_leaf(&value, &mut String::new(), &mut |k, leaf| {
            leaves.push((k.to_string(), leaf.text().into_owned()))
        });
        (leaves, serde_json::to_string(&value).unwrap())
    }

    /// The walker agrees with the `Value` route on `text`.
    #[track_caller]
    fn agrees(text: &str) {
        assert_eq!(walk(text).expect(text), parsed(text), "{text}");
    }

    #[test]
    fn leaves_and_text_agree_with_the_parsed_record() {
        agrees(
            r#"{"id": "1", "fixed": {"budget": {"amount": "1000.0", "isoCurrencyCode": null}},
                   "tags": ["a", "b", "", null], "questions": [{"question": "Why?", "position": 0}], "ok": true,
                   "no": false, "empty": {}, "none": [], "nested": [[1, [2, {"x": [3]}]], []]}"#,
        );
        agrees("{}");
        agrees(" \r\n\t{ \"a\" : \"b\" } \n");
        agrees(r#"{"": "top", "a": {"": "inner"}}"#);
        let many: Vec<String> = (0..25).map(|i| format!("{i}")).collect();
        agrees(&format!(r#"{{"items": {}}}"#, serde_json::to_string(&many).unwrap()));
    }

    #[test]
    fn strings_are_unescaped_and_written_as_serde_json_writes_them() {
        agrees(r#"{"q": "say \"hi\" \\ now", "path": "a\/b", "ctl": "\b\f\n\r\t\u0001\u001F\u007f"}"#);
        agrees(r#"{"e": "caf\u00e9 \u00E9", "emoji": "\ud83d\ude00 \uD83E\uDD80", "raw": "café 😀 \u2028"}"#);
        agrees(r#"{"only": "\n", "start": "\"x", "end": "x\\"}"#);
        let (leaves, _) = walk(r#"{"a": "plain", "b": "x\ny"}"#).unwrap();
        assert_eq!(leaves, [("a".to_string(), "plain".to_string()), ("b".into(), "x\ny".into())]);
        // Unescaped strings are borrowed from the text.
        let text = r#"{"a": "plain"}"#;
        walk_record(text, &mut Scratch::default(), &mut String::new(), &mut |_, leaf| {
            assert!(matches!(leaf, TextLeaf::Str(Cow::Borrowed(_))))
        })
        .unwrap();
    }

    /// `string_stop` finds what a byte-by-byte search finds, and `quote_or_backslash` what
    /// `memchr2` finds, at every length and position,
    /// among bytes on either side of each boundary its word tests draw.
    #[test]
    fn string_stops_are_found_as_a_plain_search_finds_them() {
        let plain = |b: &[u8]| b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).unwrap_or(b.len());
        let quote = |b: &[u8]| {
            assert_eq!(quote_or_backslash(b), memchr::memchr2(b'"', b'\\', b), "{b:?}");
            plain(b)
        };
        let fillers = [b'a', b' ', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xa2, 0xdc, 0xff];
        let stops = [b'"', b'\\', 0x00, 0x01, 0x1f];
        for len in 0..80 {
            for &filler in &fillers {
                let base = vec![filler; len];
                assert_eq!(string_stop(&base), quote(&base));
                for at in 0..len {
                    for &stop in &stops {
                        let mut b = base.clone();
                        b[at] = stop;
                        assert_eq!(string_stop(&b), quote(&b), "{b:?}");
                        // A second stop after the first, and a byte just past a boundary.
                        for &other in &[b'"', 0x02, 0x21, 0x5d, 0x23] {
                            for later in at + 1..len.min(at + 10) {
                                let mut c = b.clone();
                                c[later] = other;
                                assert_eq!(string_stop(&c), quote(&c), "{c:?}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn numbers_are_spelled_as_serde_json_spells_them() {
        agrees(r#"{"a": 0, "b": -12, "c": 1.50, "d": 1e3, "e": -0, "f": 2.5E-3, "g": 0.1, "h": 1E+2}"#);
        agrees(r#"{"u": 18446744073709551615, "big": 18446744073709551616, "i": -9223372036854775808}"#);
        agrees(r#"{"n19": 9999999999999999999, "m18": -999999999999999999, "m19": -9999999999999999999}"#);
        agrees(r#"{"f": 4.93, "x": 184250.0, "tiny": 1e-320, "huge": 1e300}"#);
    }

    #[test]
    fn what_it_does_not_reproduce_is_left_to_serde_json() {
        for text in [
            r#"{"a": 1, "a": 2}"#,
            r#"{"k\u0065y": 1}"#,
            &format!("{{\"a\": {}1{}}}", "[".repeat(MAX_DEPTH as usize), "]".repeat(MAX_DEPTH as usize)),
        ] {
            assert_eq!(walk(text), Err(Unhandled), "{text}");
            assert!(serde_json::from_str::<Value>(text).is_ok(), "{text}");
        }
        // A repeated key among many keys that share a bloom bit.
        let keys: Vec<String> = (0..70).map(|i| format!("\"k{i}\": {i}")).collect();
        assert!(walk(&format!("{{{}}}", keys.join(","))).is_ok());
        assert_eq!(walk(&format!("{{{}, \"k33\": 0}}", keys.join(","))), Err(Unhandled));
    }

    #[test]
    fn invalid_json_and_non_objects_are_unhandled() {
        for text in [
            "",
            "[1]",
            "\"s\"",
            "{",
            "{\"a\"}",
            "{\"a\": }",
            "{\"a\": 1,}",
            "{\"a\": [1,]}",
            "{\"a\": 01}",
            "{\"a\": 1.}",
            "{\"a\": .5}",
            "{\"a\": 1e}",
            "{\"a\": -}",
            "{\"a\": +1}",
            "{\"a\": tru}",
            "{\"a\": nul}",
            "{\"a\": \"x\ty\"}",
            "{\"a\": \"\\x\"}",
            "{\"a\": \"\\u12\"}",
            "{\"a\": \"\\ud800\"}",
            "{\"a\": \"\\udc00\"}",
            "{\"a\": \"open}",
            "{\"a\": 1} x",
            "{\"a\": 1}{}",
            "{'a': 1}",
            "{\"a\": 1 \"b\": 2}",
            "{\"a\" 1}",
            "{\"a\": [1 2]}",
            "{\"a\": 1\u{a0}}",
        ] {
            assert_eq!(walk(text), Err(Unhandled), "{text:?}");
            assert!(serde_json::from_str::<Value>(text).map_or(true, |v| !v.is_object()), "{text:?}");
        }
    }

    /// Every record of every JSON fixture (and of each JSON Lines one): the walker's leaves and
    /// text are those of the parsed record.
    /// `folds_to_one_of` says what comparing `fold_key`'s result says.
    #[test]
    fn keys_fold_to_the_keyword_keys_as_fold_key_folds_them() {
        use super::super::aliases::fold_key;
        use super::super::json_rows::KEYWORD_KEYS;
        let keys = [
            "keyword",
            "Keyword",
            "KEYWORD",
            "key_word",
            "Search Term",
            "search-query",
            "\u{feff}query",
            "q u e r y",
            "\u{212a}eyword",
            "keywordx",
            "keywor",
            "",
            "0",
            "123",
            "term ",
            "TERM",
            "İterm",
            "searchKeyword",
            "ké",
            "keyword\u{301}",
            "SEARCH_KEYWORD",
            "titel",
            "Search-Term",
            "search__query",
            "k-e-y-w-o-r-d",
            "KeyWords",
            "-",
            " ",
            "query1",
            "q",
            "search+query",
        ];
        for key in keys {
            let folded = fold_key(key);
            assert_eq!(super::folds_to_one_of(key, KEYWORD_KEYS), KEYWORD_KEYS.contains(&folded.as_str()), "{key:?}");
        }
        assert!(super::folds_to_one_of("\u{212a}eyword", KEYWORD_KEYS));
    }

    #[test]
    fn every_fixture_record_agrees() {
        let mut records = 0;
        for path in super::super::fixture_files(&["json", "jsonl", "ndjson"]) {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            let text = std::fs::read_to_string(&path).unwrap();
            let values: Vec<Value> = match ext.as_str() {
                "json" => vec![serde_json::from_str(&text).unwrap()],
                _ => text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect(),
            };
            // Every object in the file, at any depth (records, envelopes, nested objects),
            // in the file's own spelling where it is a top-level line or element.
            let mut objects: Vec<String> = Vec::new();
            let mut todo: Vec<&Value> = values.iter().collect();
            while let Some(v) = todo.pop() {
                match v {
                    Value::Object(map) => {
                        objects.push(serde_json::to_string_pretty(v).unwrap());
                        objects.push(serde_json::to_string(v).unwrap());
                        todo.extend(map.values());
                    }
                    Value::Array(items) => todo.extend(items),
                    _ => {}
                }
            }
            if ext != "json" {
                objects.extend(text.lines().filter(|l| l.trim_start().starts_with('{')).map(String::from));
            }
            for object in &objects {
                agrees(object);
                records += 1;
            }
        }
        assert!(records > 50, "{records} objects");
    }
}
