//! The proposal count Upwork shows on a job: an exact number (`2`), a bucket (`"10 to 15"`,
//! `"20-50"`), an open bucket (`"50+"`) or `"Less than 5"`.

use super::money::find_ci;
use super::number::scan_decimal;
use crate::job::Proposals;

/// Scans a whole number (`"15"`, `"1,000"`, `"2.0"`) at `start`.
fn scan_whole(b: &[u8], start: usize) -> Option<(u32, usize)> {
    let n = scan_decimal(b, start)?;
    let v = n.value()?;
    if v.fract() != 0.0 || v > f64::from(u32::MAX) {
        return None;
    }
    Some((v as u32, n.end))
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Parses a proposal count: `"2"` -> 2..=2, `"10 to 15"` -> 10..=15, `"20-50"`,
/// `"Proposals: 15 to 20"`, `"50+"` -> 50.., `"Less than 5"` -> 0..=4,
/// `"More than 50"` -> 51... Placeholders (`N/A`, empty) and negative or fractional
/// numbers are `None`.
pub fn parse_proposals(s: &str) -> Option<Proposals> {
    if let Some(n) = plain_count(s.as_bytes()) {
        return Some(Proposals { min: n, max: Some(n) });
    }
    parse_proposals_general(s)
}

/// A cell of one to nine ASCII digits and nothing else (`7`, `15`), as most exports write an
/// exact count: its value, which [`parse_proposals_general`] would read the long way. Nine
/// digits always fit a `u32`; `None` for anything else.
fn plain_count(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    b.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
}

/// [`parse_proposals`] for every shape: buckets, open buckets, words around the number.
fn parse_proposals_general(s: &str) -> Option<Proposals> {
    let b = s.trim().as_bytes();
    let first = b.iter().position(u8::is_ascii_digit)?;
    let prefix = &b[..first];
    if prefix.last() == Some(&b'-') {
        return None;
    }
    let (n, end) = scan_whole(b, first)?;
    let i = skip_ws(b, end);
    if b.get(i) == Some(&b'+') {
        return Some(Proposals { min: n, max: None });
    }
    let sep = match b.get(i..) {
        Some([b'-', ..]) => Some(i + 1),
        Some(rest) if rest.starts_with("–".as_bytes()) => Some(i + 3),
        Some([t, o, rest @ ..])
            if t.eq_ignore_ascii_case(&b't')
                && o.eq_ignore_ascii_case(&b'o')
                && !rest.first().is_some_and(u8::is_ascii_alphabetic) =>
        {
            Some(i + 2)
        }
        _ => None,
    };
    if let Some(k) = sep.map(|k| skip_ws(b, k)) {
        if let Some((m, _)) = scan_whole(b, k) {
            return Some(Proposals { min: n.min(m), max: Some(n.max(m)) });
        }
    }
    let has = |w: &[u8]| find_ci(prefix, w).is_some();
    if has(b"less than") || has(b"fewer than") || has(b"under") {
        let max = n.checked_sub(1)?;
        return Some(Proposals { min: 0, max: Some(max) });
    }
    if has(b"more than") || has(b"over") {
        return Some(Proposals { min: n.checked_add(1)?, max: None });
    }
    Some(Proposals { min: n, max: Some(n) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::samples;

    fn p(min: u32, max: Option<u32>) -> Option<Proposals> {
        Some(Proposals { min, max })
    }

    #[test]
    fn exact_counts_from_real_exports() {
        assert_eq!(parse_proposals("2"), p(2, Some(2)));
        assert_eq!(parse_proposals("7"), p(7, Some(7)));
        assert_eq!(parse_proposals("0"), p(0, Some(0)));
        assert_eq!(parse_proposals("43"), p(43, Some(43)));
        assert_eq!(parse_proposals(" 25 "), p(25, Some(25)));
        assert_eq!(parse_proposals("2.0"), p(2, Some(2)));
        assert_eq!(parse_proposals("12 proposals"), p(12, Some(12)));
    }

    #[test]
    fn buckets() {
        assert_eq!(parse_proposals("10 to 15"), p(10, Some(15)));
        assert_eq!(parse_proposals("5 to 10"), p(5, Some(10)));
        assert_eq!(parse_proposals("20-50"), p(20, Some(50)));
        assert_eq!(parse_proposals("20 - 50"), p(20, Some(50)));
        assert_eq!(parse_proposals("20 – 50"), p(20, Some(50)));
        assert_eq!(parse_proposals("Proposals: 15 to 20"), p(15, Some(20)));
        assert_eq!(parse_proposals("15 TO 20"), p(15, Some(20)));
        assert_eq!(parse_proposals("50 to 20"), p(20, Some(50)));
    }

    #[test]
    fn open_and_bounded() {
        assert_eq!(parse_proposals("50+"), p(50, None));
        assert_eq!(parse_proposals("50 +"), p(50, None));
        assert_eq!(parse_proposals("Proposals: 50+"), p(50, None));
        assert_eq!(parse_proposals("Less than 5"), p(0, Some(4)));
        assert_eq!(parse_proposals("less than 5"), p(0, Some(4)));
        assert_eq!(parse_proposals("Proposals: Less than 5"), p(0, Some(4)));
        assert_eq!(parse_proposals("Fewer than 5"), p(0, Some(4)));
        assert_eq!(parse_proposals("More than 50"), p(51, None));
    }

    /// The plain-count shortcut gives what the general reader gives, on every shape.
    #[test]
    fn plain_counts_agree_with_the_general_reader() {
        let mut texts: Vec<String> = [
            "",
            "0",
            "7",
            "007",
            "15",
            "123456789",
            "999999999",
            "1234567890",
            "4294967295",
            "4294967296",
            " 7",
            "7 ",
            "\t7\n",
            "7+",
            "+7",
            "-7",
            "7.0",
            "7.5",
            "1,000",
            "10 to 15",
            "Less than 5",
            "٣",
            "７",
            "5\u{a0}",
            "N/A",
            "50+",
            "20-50",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        let mut rng = samples::Rng(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let x = rng.next();
            let digits = (x % 12) as u32;
            let n = (x >> 8) % 10u64.pow(digits);
            texts.push(format!("{n:0width$}", width = (x >> 50) as usize % (digits as usize + 2)));
        }
        let alphabet = ["0", "1", "7", "9", " ", "+", "-", ".", ",", "to", "Less than ", "\u{a0}", "x"];
        texts.extend(samples::random_texts(7, &alphabet, 8, 20_000));
        for v in samples::fixture_values() {
            texts.extend(samples::variants(&v));
        }
        for t in &texts {
            assert_eq!(parse_proposals(t), parse_proposals_general(t), "{t:?}");
        }
        assert_eq!(plain_count(b"7"), Some(7));
        assert_eq!(plain_count(b"1234567890"), None);
    }

    #[test]
    fn rejected() {
        for bad in ["", " ", "N/A", "n/a", "null", "-", "-5", "2.5", "Less than 0", "none yet", "99999999999"] {
            assert_eq!(parse_proposals(bad), None, "{bad:?}");
        }
    }
}
