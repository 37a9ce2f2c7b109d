//! The job ids an export has handed out so far, with the row of each, for de-duplication
//! within a file.
//!
//! One entry per job, so for a large export this set is most of the parse's memory (1.1 M
//! pandas rows: 32 MiB of table), and on a virtual machine each new page of it is costly
//! to touch. Upwork's numeric ids (`2058436318428575090`, up to 19 digits) are kept as the
//! number, 16 bytes an entry; any other id (a `~01…` ciphertext, a URL fingerprint) as its
//! text, inline up to 24 bytes. Only a canonical decimal (no sign, no leading zero) is kept as
//! a number, so `0123` and `123` stay two ids.

mod numbers;

use compact_str::CompactString;

/// Job id -> the row it was first seen in.
#[derive(Debug, Default)]
pub struct Seen {
    numeric: numbers::Numbers,
    text: foldhash::HashMap<CompactString, u64>,
}

impl Seen {
    /// The row `id` was first seen in, if it was; else records it as first seen in `row`.
    pub fn first_row_or_insert(&mut self, id: &str, row: u64) -> Option<u64> {
        match as_number(id) {
            Some(n) => self.numeric.first_row_or_insert(n, row),
            None => match self.text.get(id) {
                Some(&first) => Some(first),
                None => {
                    self.text.insert(id.into(), row);
                    None
                }
            },
        }
    }

    /// Starts loading what [`Seen::first_row_or_insert`] will read for `id`, for a call a row
    /// later (see `Export::next_item`).
    pub fn prefetch(&self, id: &str) {
        if let Some(n) = as_number(id) {
            self.numeric.prefetch(n);
        }
    }
}

/// The id as a number when it is a canonical decimal of at most 19 digits (all of which fit a
/// `u64`), so that the number gives the text back.
fn as_number(id: &str) -> Option<u64> {
    let b = id.as_bytes();
    if b.is_empty() || b.len() > 19 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    let mut n = 0u64;
    for &c in b {
        let digit = c.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n * 10 + u64::from(digit);
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_decimals_are_numbers() {
        assert_eq!(as_number("2058436318428575090"), Some(2058436318428575090));
        assert_eq!(as_number("9999999999999999999"), Some(9999999999999999999));
        assert_eq!(as_number("0"), Some(0));
        for text in ["", "0123", "12345678901234567890", "+1", "-1", "1 ", "~0140c7f1b2", "url-abc", "١٢"] {
            assert_eq!(as_number(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_set_agrees_with_a_map_of_the_texts() {
        // Ids that collide when read carelessly as numbers: leading zeros, 19 and 20 digits,
        // ciphertexts holding the same digits.
        let mut ids: Vec<String> = vec![
            "123".into(),
            "0123".into(),
            "00123".into(),
            "~02123".into(),
            "9999999999999999999".into(),
            "99999999999999999999".into(),
            "18446744073709551615".into(),
            "0".into(),
            "00".into(),
        ];
        let mut x = 0x9e3779b97f4a7c15u64;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = x % 100_000;
            ids.push(match x % 4 {
                0 => n.to_string(),
                1 => format!("0{n}"),
                2 => format!("~01{n:x}"),
                _ => format!("url-{n:020}"),
            });
        }
        let mut seen = Seen::default();
        let mut reference = std::collections::HashMap::new();
        for (row, id) in ids.iter().enumerate() {
            let first = *reference.entry(id.as_str()).or_insert(row as u64);
            let expected = (first != row as u64).then_some(first);
            assert_eq!(seen.first_row_or_insert(id, row as u64), expected, "{id}");
        }
        assert!(seen.numeric.len() > 100 && seen.text.len() > 100, "both kinds exercised");
        assert_eq!(seen.numeric.len() + seen.text.len(), reference.len());
    }
}
