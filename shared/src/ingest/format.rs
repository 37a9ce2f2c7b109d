//! Which kind of export a file is: decided from its first bytes, then its name.

use std::fmt;

/// The export formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Apify's CSV: nested keys flattened with `/`.
    Csv,
    /// A JSON array of records.
    Json,
    /// One JSON record per line.
    JsonLines,
}

impl Format {
    /// Parses a user's `--format` value (any case), one of [`NAMES`].
    pub fn from_name(name: &str) -> Option<Format> {
        NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, f)| *f)
    }

    /// The format a file name's suffix suggests.
    pub fn from_suffix(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
        Format::from_name(ext)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
        })
    }
}

/// The format names and file extensions the reader knows (lower case; matched in any case).
pub const NAMES: [(&str, Format); 5] = [
    ("csv", Format::Csv),
    ("json", Format::Json),
    ("jsonl", Format::JsonLines),
    ("ndjson", Format::JsonLines),
    ("jsonlines", Format::JsonLines),
];

/// The object-name suffixes an upload must end with to trigger the splitter: every extension of
/// [`NAMES`] in lower and in upper case (S3's suffix filters are case-sensitive). template.yaml's
/// S3 notifications must list exactly these (upflow-tests' `template` test checks it).
pub fn trigger_suffixes() -> Vec<String> {
    NAMES.iter().flat_map(|(n, _)| [format!(".{n}"), format!(".{}", n.to_ascii_uppercase())]).collect()
}

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decides the format from the file's first bytes (`head`) and its name. The content wins over
/// the name: a `.json` key holding JSON Lines is read as JSON Lines. Files that cannot be an
/// export (binary data, HTML, a `.json` name over non-JSON text) are refused with the reason.
pub fn detect(name: &str, head: &[u8]) -> Result<Format, String> {
    let body = head.strip_prefix(BOM).unwrap_or(head);
    if body.contains(&0) {
        return Err("binary data (NUL bytes), not a text export".into());
    }
    if let Err(e) = std::str::from_utf8(body) {
        // A multi-byte character cut at the end of the sample is fine.
        if e.error_len().is_some() {
            return Err(format!("not UTF-8 text (invalid byte at offset {})", e.valid_up_to()));
        }
    }
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    let by_name = Format::from_suffix(name);
    match first {
        None => Err("the file is empty".into()),
        Some(b'[') => Ok(Format::Json),
        Some(b'{') => Ok(Format::JsonLines),
        Some(b'<') => Err("looks like HTML or XML, not an export".into()),
        Some(_) if matches!(by_name, Some(Format::Json | Format::JsonLines)) => {
            Err(format!("named like {} but does not start with `[` or `{{`", by_name.unwrap()))
        }
        Some(_) => Ok(Format::Csv),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides() {
        assert_eq!(detect("a.json", b"  [{\"id\":1}]"), Ok(Format::Json));
        assert_eq!(detect("a.json", b"{\"id\":1}\n{\"id\":2}"), Ok(Format::JsonLines));
        assert_eq!(detect("a.csv", b"\xEF\xBB\xBFid,title\n"), Ok(Format::Csv));
        assert_eq!(detect("upload", b"[]"), Ok(Format::Json));
        assert_eq!(detect("x.csv", b"Job ID,Title\r\n1,A\r\n"), Ok(Format::Csv));
    }

    #[test]
    fn non_exports_are_refused_with_a_reason() {
        assert!(detect("a.csv", b"\x89PNG\r\n\x1a\n\0\0").unwrap_err().contains("binary"));
        assert!(detect("a.csv", b"<!DOCTYPE html><html>").unwrap_err().contains("HTML"));
        assert!(detect("a.json", b"id,title").unwrap_err().contains("named like json"));
        assert!(detect("a.csv", b"\xff\xfe\x00i").is_err());
        assert!(detect("a.csv", b"   ").unwrap_err().contains("empty"));
    }

    #[test]
    fn a_cut_multibyte_character_at_the_end_is_fine() {
        let text = "title\n\u{2014}".as_bytes();
        assert_eq!(detect("a.csv", &text[..text.len() - 1]), Ok(Format::Csv));
    }

    #[test]
    fn format_names() {
        assert_eq!(Format::from_name("JSONL"), Some(Format::JsonLines));
        assert_eq!(Format::from_suffix("uploads/a b.CSV"), Some(Format::Csv));
        assert_eq!(Format::from_suffix("noext"), None);
    }
}
