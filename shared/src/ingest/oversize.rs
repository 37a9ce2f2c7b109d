//! The cap on one record (a CSV row, a JSON array element, a JSON Lines line), so that memory is
//! bounded by the cap on malformed files too: an unterminated quote, a 200 MB value, a "line"
//! that never ends. A record over the cap is skipped without being buffered and rejected with
//! its row number, its size and its first bytes; reading goes on with the next record.

/// The largest record read, in bytes: 10 MB (MiB). Real Upwork jobs are a few kB (the longest
/// description in the fixtures is 12.5k characters), so anything near this is a broken file.
pub const MAX_RECORD_BYTES: usize = 10 * 1024 * 1024;

/// How many bytes of an oversized record are kept to show what it was.
pub const PREVIEW_BYTES: usize = 160;

/// Limits on what one export may make the reader hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one record; a longer record is rejected and skipped ([`MAX_RECORD_BYTES`]).
    pub max_record_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_record_bytes: MAX_RECORD_BYTES }
    }
}

/// A size as people read it: `10 MB`, `4 KB`, `1500 bytes` (binary units).
pub fn human_size(bytes: usize) -> String {
    const KB: usize = 1024;
    const MB: usize = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else if bytes >= KB && bytes.is_multiple_of(KB) {
        format!("{} KB", bytes / KB)
    } else {
        format!("{bytes} bytes")
    }
}

/// The first bytes of a record as text, at most [`PREVIEW_BYTES`], without a cut character at
/// the end, white space runs shown as one space.
pub fn preview(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(PREVIEW_BYTES)];
    let text = match std::str::from_utf8(head) {
        Ok(s) => s.to_owned(),
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(&head[..e.valid_up_to()]).into_owned(),
        Err(_) => String::from_utf8_lossy(head).into_owned(),
    };
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The rejection reason for a record over `cap`: `seen` bytes were read (the whole record when
/// `ended`, else as far as the reader went before giving up on it), starting with `head`.
pub fn reason(cap: usize, seen: u64, ended: bool, head: &[u8], note: &str) -> String {
    let extent = if ended { "bytes" } else { "bytes read before giving up on it" };
    let note = if note.is_empty() { String::new() } else { format!("; {note}") };
    format!("record is over {} ({seen} {extent}; it starts `{}…`){note}", human_size(cap), preview(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(MAX_RECORD_BYTES), "10 MB");
        assert_eq!(human_size(4096), "4 KB");
        assert_eq!(human_size(1500), "1500 bytes");
    }

    #[test]
    fn previews_are_short_and_whole_characters() {
        assert_eq!(preview(b"{\"id\":\n  \"1\"}"), "{\"id\": \"1\"}");
        let long = "é".repeat(200);
        let p = preview(long.as_bytes());
        assert!(p.len() <= PREVIEW_BYTES && p.chars().all(|c| c == 'é'), "{p}");
        assert_eq!(
            reason(1024, 5000, true, b"{\"id\":\"2\"", ""),
            "record is over 1 KB (5000 bytes; it starts `{\"id\":\"2\"…`)"
        );
    }
}
