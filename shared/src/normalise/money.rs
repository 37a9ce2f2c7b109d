//! Money: single amounts (`"$1,500.00"`, `"$50K+"`, `"€200"`) and budgets, which may be a range
//! and may say how the work is paid (`"Hourly: $60.00 - $120.00"`, `"Fixed-price: $500"`,
//! `"$20-$40/hr"`).
//!
//! Amounts use the shared decimal scanner (`,` thousands separators in groups of three) plus
//! an optional magnitude suffix `K`, `M` or `B`, applied exactly (`"$1.2M"` is 1 200 000).
//! Before a suffix a comma with one or two digits is a decimal comma (`"1,5K €"` is 1 500);
//! anywhere else such a comma ends the number, so `"12,34"` is never misread. An open amount
//! such as `"$50K+"` is read as its lower bound.
//!
//! All of it scans bytes into a stack buffer: no parser here allocates.

use super::number::{scan_decimal, suffix_exponent};
use crate::job::JobType;

/// A budget as a scraper prints it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// How the work is paid, when the text says so (`Hourly:`, `Fixed-price`, `/hr`).
    pub kind: Option<JobType>,
    /// The amount, or the low end of a range.
    pub min: f64,
    /// The high end of a range; `None` for a single or open (`"$500+"`) amount.
    pub max: Option<f64>,
    /// ISO 4217 code implied by a symbol or code in the text (`$`/`USD`, `€`/`EUR`, `£`/`GBP`).
    pub currency: Option<&'static str>,
}

/// Currency markers that may stand next to an amount, with the ISO code each implies. Longer
/// markers come first; the other dollars (`CA$`, `A$`, ...) imply no code we can name.
/// [`marker_at`] reads them by their first byte; the table is what it is checked against.
#[cfg(test)]
const MARKERS: [(&[u8], Option<&str>); 12] = [
    (b"US$", Some("USD")),
    (b"AU$", None),
    (b"CA$", None),
    (b"NZ$", None),
    (b"USD", Some("USD")),
    (b"EUR", Some("EUR")),
    (b"GBP", Some("GBP")),
    ("€".as_bytes(), Some("EUR")),
    ("£".as_bytes(), Some("GBP")),
    (b"A$", None),
    (b"C$", None),
    (b"$", Some("USD")),
];

/// Bytes a currency marker may start with: `$`, the first byte of `€` or `£`, or a marker's
/// first letter in either case. Most bytes start none.
const MARKER_FIRST: [bool; 256] = {
    let mut table = [false; 256];
    let firsts = b"$\xE2\xC2uacnegUACNEG";
    let mut k = 0;
    while k < firsts.len() {
        table[firsts[k] as usize] = true;
        k += 1;
    }
    table
};

/// The currency marker at `i`, as (length, implied code): one of `US$`, `AU$`, `CA$`, `NZ$`,
/// `USD`, `EUR`, `GBP`, `€`, `£`, `A$`, `C$`, `$` in any case, longer ones first. Letter markers
/// must stand as a word. Dispatches on the first byte (a test checks it against the marker
/// table it replaced).
#[inline]
fn marker_at(b: &[u8], i: usize) -> Option<(usize, Option<&'static str>)> {
    let c = *b.get(i)?;
    if !MARKER_FIRST[usize::from(c)] {
        return None;
    }
    let c = c.to_ascii_lowercase();
    if i > 0 && b[i - 1].is_ascii_alphabetic() {
        return None;
    }
    let rest = &b[i..];
    let at = |k: usize| rest.get(k).map_or(0, u8::to_ascii_lowercase);
    // A three-letter code stands as a word: no letter right after it.
    let word = || !rest.get(3).is_some_and(u8::is_ascii_alphabetic);
    match (c, at(1), at(2)) {
        (b'$', _, _) => Some((1, Some("USD"))),
        (0xE2, 0x82, 0xAC) => Some((3, Some("EUR"))),
        (0xC2, 0xA3, _) => Some((2, Some("GBP"))),
        (b'u', b's', b'$') => Some((3, Some("USD"))),
        (b'u', b's', b'd') if word() => Some((3, Some("USD"))),
        (b'a', b'u', b'$') | (b'c', b'a', b'$') | (b'n', b'z', b'$') => Some((3, None)),
        (b'a' | b'c', b'$', _) => Some((2, None)),
        (b'e', b'u', b'r') | (b'g', b'b', b'p') if word() => Some((3, Some(if c == b'e' { "EUR" } else { "GBP" }))),
        _ => None,
    }
}

/// [`marker_at`] as it was: the first of [`MARKERS`] at `i`.
#[cfg(test)]
fn marker_at_by_table(b: &[u8], i: usize) -> Option<(usize, Option<&'static str>)> {
    b.get(i)?;
    if i > 0 && b[i - 1].is_ascii_alphabetic() {
        return None;
    }
    let rest = &b[i..];
    MARKERS.iter().find_map(|&(m, code)| {
        let matches = rest.len() >= m.len()
            && rest[..m.len()].eq_ignore_ascii_case(m)
            && !(m[m.len() - 1].is_ascii_alphabetic() && rest.get(m.len()).is_some_and(u8::is_ascii_alphabetic));
        matches.then_some((m.len(), code))
    })
}

/// Skips whitespace and currency markers from `i`.
fn skip_markers(b: &[u8], mut i: usize) -> usize {
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match (i < b.len()).then(|| marker_at(b, i)).flatten() {
            Some((len, _)) => i += len,
            None => return i,
        }
    }
}

/// The magnitude suffix at `i` (`K`, `M`, `B` not starting a word such as `Monthly`).
fn suffix_at(b: &[u8], i: usize) -> Option<u8> {
    let e = suffix_exponent(*b.get(i)?)?;
    (!b.get(i + 1).is_some_and(u8::is_ascii_alphabetic)).then_some(e)
}

/// Scans an amount with an optional `K`/`M`/`B` suffix at `start` (an ASCII digit).
fn scan_amount(b: &[u8], start: usize) -> Option<(f64, usize)> {
    simple_amount(b, start).or_else(|| scan_amount_general(b, start))
}

/// An amount at `start` that is digits with an optional `.` and fraction digits (`800`,
/// `65.00`), at most 15 digits in all, followed by no `,` and by a magnitude suffix only as a
/// suffix (`300K`, not `5 Monthly`): as budgets and spends mostly write them. Its value is what
/// [`scan_amount_general`] gives (the same exact division or multiplication `Scanned::value`
/// does for so few digits and so small a power of ten) without copying it into a buffer; `None`
/// for any other text (a test checks the two agree).
fn simple_amount(b: &[u8], start: usize) -> Option<(f64, usize)> {
    const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    let (mut mantissa, mut digits, mut fraction) = (0u64, 0usize, 0usize);
    let mut i = start;
    while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
        mantissa = mantissa * 10 + u64::from(c - b'0');
        digits += 1;
        i += 1;
        if digits > 15 {
            return None;
        }
    }
    if digits == 0 {
        return None;
    }
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            mantissa = mantissa * 10 + u64::from(c - b'0');
            digits += 1;
            fraction += 1;
            i += 1;
            if digits > 15 {
                return None;
            }
        }
    }
    match b.get(i) {
        Some(b',') => None,
        Some(&c) => match suffix_exponent(c) {
            // `300K`: the power is the suffix's less the fraction's digits, at most 15 either way.
            Some(e) if !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => {
                let power = i32::from(e) - fraction as i32;
                let scale = POW10[power.unsigned_abs() as usize];
                Some((if power < 0 { mantissa as f64 / scale } else { mantissa as f64 * scale }, i + 1))
            }
            Some(_) => None,
            None => Some((mantissa as f64 / POW10[fraction], i)),
        },
        None => Some((mantissa as f64 / POW10[fraction], i)),
    }
}

/// [`scan_amount`] for every shape: thousands separators, decimal commas, suffixes.
fn scan_amount_general(b: &[u8], start: usize) -> Option<(f64, usize)> {
    let mut n = scan_decimal(b, start)?;
    let mut end = n.end;
    // `1,5K`: one or two digits after a comma on a plain integer, then a suffix.
    if b.get(end) == Some(&b',') && b[start..end].iter().all(u8::is_ascii_digit) {
        let digits = b[end + 1..].iter().take(3).take_while(|c| c.is_ascii_digit()).count();
        if (1..=2).contains(&digits) {
            if let Some(e) = suffix_at(b, end + 1 + digits) {
                if n.push_fraction(&b[end + 1..end + 1 + digits]) {
                    n.scale(e);
                    return Some((n.value()?, end + 1 + digits + 1));
                }
            }
        }
    }
    if let Some(e) = b.get(end).and_then(|c| suffix_exponent(*c)) {
        if !b.get(end + 1).is_some_and(u8::is_ascii_alphabetic) {
            n.scale(e);
            end += 1;
        }
    }
    Some((n.value()?, end))
}

/// Parses one amount: `"$1,500.00"`, `"1000.0"`, `"5054"`, `"$50K+"` (50000, the lower
/// bound), `"$1.2M"`, `"1,5K €"` (1500), `"€200"`, `"USD 300"`, `"300 USD"`, and words after
/// the amount on the same or the next line: `"$50K+ total spent"`, `"$300K+\nspent"`.
/// `"0"` is 0 (whether that means "no value" is the caller's call; see
/// [`parse_amount_nonzero`]). Placeholders (`N/A`, `-`, `null`, `Not specified`, empty),
/// negative or non-finite values, ranges and rates (`"$25/hr"`) are `None`; use
/// [`parse_budget`] for those.
pub fn parse_amount(s: &str) -> Option<f64> {
    plain_amount(s.as_bytes()).or_else(|| scanned_amount(s))
}

/// [`parse_amount`] by the general scan.
fn scanned_amount(s: &str) -> Option<f64> {
    let b = s.trim().as_bytes();
    let (v, mut i) = scan_amount(b, skip_markers(b, 0))?;
    if b.get(i) == Some(&b'+') {
        i += 1;
    }
    let j = skip_markers(b, i);
    let tail_ok = j == b.len()
        || (b[i].is_ascii_whitespace() && b[j..].iter().all(|c| c.is_ascii_alphabetic() || c.is_ascii_whitespace()));
    tail_ok.then_some(v)
}

/// A plain decimal such as pandas writes (`1200.0`, `30`): digits with at most one `.` between
/// digits, nothing else, at most 15 digits, so the value is exact before one rounding (see
/// `Scanned::value`). What [`parse_amount`] reads from it, without its general scan; `None` for
/// any other text (a test checks that the two agree).
fn plain_amount(b: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    if b.is_empty() || b.len() > 16 || !b[0].is_ascii_digit() || !b[b.len() - 1].is_ascii_digit() {
        return None;
    }
    let (mut mantissa, mut point) = (0u64, None);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(c - b'0'),
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    let digits = b.len() - usize::from(point.is_some());
    if digits > 15 {
        return None;
    }
    let fraction = point.map_or(0, |p| b.len() - p - 1);
    Some(mantissa as f64 / POW10[fraction])
}

/// [`parse_amount`], with 0 read as "no value": for fields where exports write `0` / `0.0` /
/// `$0` as a placeholder (a client who has spent nothing yet, an unset budget).
pub fn parse_amount_nonzero(s: &str) -> Option<f64> {
    parse_amount(s).filter(|v| *v != 0.0)
}

/// Position of the first case-insensitive occurrence of `needle` (lowercase ASCII) in `hay`.
pub(crate) fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    memchr::memchr2_iter(lower, upper, hay)
        .find(|&i| hay.len() - i >= needle.len() && hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest))
}

/// How the budget is paid, from the first of "fixed" or an hourly marker (`hour`, `/hr`,
/// `/ hr`, `per hr`, or `/h` at the end) in the text, found in one pass.
fn detect_kind(b: &[u8]) -> Option<JobType> {
    let has = |i: usize, m: &[u8]| b.len() - i >= m.len() && b[i..i + m.len()].eq_ignore_ascii_case(m);
    for (i, &c) in b.iter().enumerate() {
        match c.to_ascii_lowercase() {
            b'f' if has(i, b"fixed") => return Some(JobType::Fixed),
            b'h' if has(i, b"hour") => return Some(JobType::Hourly),
            b'/' if has(i, b"/hr") || has(i, b"/ hr") => return Some(JobType::Hourly),
            b'p' if has(i, b"per hr") => return Some(JobType::Hourly),
            _ => {}
        }
    }
    (b.len() >= 2 && b[b.len() - 2..].eq_ignore_ascii_case(b"/h")).then_some(JobType::Hourly)
}

/// [`detect_kind`] as it was: one search per marker.
#[cfg(test)]
fn detect_kind_by_search(b: &[u8]) -> Option<JobType> {
    let fixed = find_ci(b, b"fixed");
    let hourly = [&b"hour"[..], b"/hr", b"/ hr", b"per hr"]
        .iter()
        .filter_map(|m| find_ci(b, m))
        .min()
        .or_else(|| (b.len() >= 2 && b[b.len() - 2..].eq_ignore_ascii_case(b"/h")).then_some(b.len()));
    match (fixed, hourly) {
        (Some(f), Some(h)) if h < f => Some(JobType::Hourly),
        (Some(_), _) => Some(JobType::Fixed),
        (None, Some(_)) => Some(JobType::Hourly),
        (None, None) => None,
    }
}

/// The ISO code of the first currency marker in the text. Bytes that start no marker, and
/// letters after a letter (a letter marker stands as a word), are passed over without a call of
/// [`marker_at`], which says `None` for both.
fn detect_currency(b: &[u8]) -> Option<&'static str> {
    let mut i = 0;
    while i < b.len() {
        if !MARKER_FIRST[usize::from(b[i])] || (i > 0 && b[i - 1].is_ascii_alphabetic()) {
            i += 1;
        } else if let Some((len, code)) = marker_at(b, i) {
            if code.is_some() {
                return code;
            }
            // A dollar we cannot name (CA$, A$, ...): do not let its `$` read as USD.
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// [`detect_currency`] as it was: [`marker_at`] at every byte that may start a marker.
#[cfg(test)]
fn detect_currency_by_marker(b: &[u8]) -> Option<&'static str> {
    let mut i = 0;
    while i < b.len() {
        if !MARKER_FIRST[usize::from(b[i])] {
            i += 1;
        } else if let Some((len, code)) = marker_at(b, i) {
            if code.is_some() {
                return code;
            }
            // A dollar we cannot name (CA$, A$, ...): do not let its `$` read as USD.
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// Where a range separator (`-`, `–`, `—`, `to`) at `i` ends.
fn range_separator(b: &[u8], i: usize) -> Option<usize> {
    let rest = b.get(i..)?;
    if rest.first() == Some(&b'-') {
        Some(i + 1)
    } else if rest.starts_with("–".as_bytes()) || rest.starts_with("—".as_bytes()) {
        Some(i + 3)
    } else if rest.len() >= 2
        && rest[..2].eq_ignore_ascii_case(b"to")
        && !rest.get(2).is_some_and(u8::is_ascii_alphabetic)
    {
        Some(i + 2)
    } else {
        None
    }
}

/// The first amount of a budget and where it ends; `None` when there is none or it is negative.
fn first_amount(b: &[u8]) -> Option<(f64, usize)> {
    let first = b.iter().position(u8::is_ascii_digit)?;
    let lead = skip_markers(b, 0);
    if b.get(lead) == Some(&b'-') && skip_markers(b, lead + 1) == first {
        return None;
    }
    scan_amount(b, first)
}

/// `parse_budget(s).and_then(|b| b.currency)` without reading the range and the kind.
pub fn budget_currency(s: &str) -> Option<&'static str> {
    let b = s.trim().as_bytes();
    first_amount(b)?;
    detect_currency(b)
}

/// Parses a budget: a single amount or a range, with an optional kind and currency.
///
/// `"$100.00"` -> 100..None; `"30 - 50"`, `"$15.00-$35.00"`, `"$15.00 – $35.00"`,
/// `"10 to 20"` -> ranges; `"Hourly: $60.00 - $120.00"`, `"$25/hr"`, `"$25 /hour"`,
/// `"$20-$40/hr"` -> kind Hourly; `"Fixed-price: $500"`, `"Fixed price - $500"`,
/// `"Fixed: $1,000"` -> kind Fixed; `"Est. budget: $500"` -> 500; `"$500+"` -> 500..None.
/// A reversed range is swapped. Text without a number (`N/A`, `Hourly`) or a negative amount
/// is `None`.
pub fn parse_budget(s: &str) -> Option<Budget> {
    let b = s.trim().as_bytes();
    let (mut min, end) = first_amount(b)?;
    let mut i = end;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let mut max = None;
    if let Some(k) = range_separator(b, i) {
        let k = skip_markers(b, k);
        if b.get(k).is_some_and(u8::is_ascii_digit) {
            max = scan_amount(b, k).map(|(v, _)| v);
        }
    }
    if let Some(m) = max.as_mut() {
        if *m < min {
            std::mem::swap(m, &mut min);
        }
    }
    Some(Budget { kind: detect_kind(b), min, max, currency: detect_currency(b) })
}

#[cfg(test)]
mod tests {
    /// The simple-amount shortcut reads what the general scan reads, at every digit of every
    /// fixture value (in odd spellings) and of random texts.
    #[test]
    fn simple_amounts_agree_with_the_general_scan() {
        use crate::normalise::samples;
        let mut texts: Vec<String> = Vec::new();
        for v in samples::fixture_values() {
            texts.extend(samples::variants(&v));
        }
        let pieces = ["0", "1", "5", "9", "00", "123", ".", ",", "k", "M", "B", "x", " ", "$", "-", "e", "é"];
        texts.extend(samples::random_texts(51, &pieces, 14, 40_000));
        texts.extend(super::super::number::random_decimals(0x5851_F42D_4C95_7F2D, 17, 9));
        let (mut simple, mut suffixed) = (0, 0);
        for t in &texts {
            let b = t.as_bytes();
            for start in (0..b.len()).filter(|&i| b[i].is_ascii_digit()) {
                let fast = super::simple_amount(b, start);
                if let Some((_, end)) = fast {
                    simple += 1;
                    suffixed += usize::from(super::suffix_exponent(b[end - 1]).is_some());
                    assert_eq!(fast, super::scan_amount_general(b, start), "{t:?} at {start}");
                }
            }
        }
        assert!(simple > 50_000 && suffixed > 5_000, "{simple} {suffixed}");
    }

    /// The first-byte filter of `marker_at` lets through every marker's first byte, in either
    /// case.
    #[test]
    fn every_marker_passes_the_first_byte_filter() {
        for (m, _) in super::MARKERS {
            for text in [m.to_vec(), m.to_ascii_lowercase(), m.to_ascii_uppercase()] {
                assert_eq!(super::marker_at(&text, 0).map(|(len, _)| len), Some(m.len()), "{text:?}");
            }
        }
    }

    use super::*;

    /// Texts around markers: every marker in three cases, at the start, after a letter, a digit
    /// or a space, followed by a letter, a digit, `$` or nothing; and every two- and three-byte
    /// string over the bytes markers are made of.
    fn marker_texts() -> Vec<Vec<u8>> {
        let mut texts = Vec::new();
        for (m, _) in MARKERS {
            for m in [m.to_vec(), m.to_ascii_lowercase(), m.to_ascii_uppercase()] {
                for before in [&b""[..], b"x", b"1", b" "] {
                    for after in [&b""[..], b"x", b"1", b"$", b" "] {
                        texts.push([before, &m, after].concat());
                    }
                }
            }
        }
        let alphabet: Vec<u8> =
            b"$usdaeurgbpcnzUSDAERGBPCNZx1 ".iter().copied().chain([0xE2, 0x82, 0xAC, 0xC2, 0xA3]).collect();
        for &a in &alphabet {
            for &b in &alphabet {
                texts.push(vec![a, b]);
                for &c in &alphabet {
                    texts.push(vec![a, b, c]);
                    texts.push(vec![a, b, c, b'x']);
                }
            }
        }
        texts
    }

    #[test]
    fn marker_dispatch_agrees_with_the_marker_table() {
        for text in marker_texts() {
            for i in 0..=text.len() {
                assert_eq!(marker_at(&text, i), marker_at_by_table(&text, i), "{text:?} at {i}");
            }
        }
    }

    /// Skipping letters after letters finds the currency a call at every marker byte found.
    #[test]
    fn detect_currency_agrees_with_a_call_per_marker_byte() {
        use crate::normalise::samples;
        let mut texts: Vec<Vec<u8>> = marker_texts();
        for v in samples::fixture_values() {
            texts.extend(samples::variants(&v).into_iter().map(String::into_bytes));
        }
        let pieces = ["$", "US$", "usd", "EUR", "eur", "gbp", "€", "£", "CA$", "A$", "c", "a", "x", " ", "1", "é"];
        texts.extend(samples::random_texts(41, &pieces, 8, 30_000).into_iter().map(String::into_bytes));
        let mut found = 0;
        for t in &texts {
            let code = detect_currency(t);
            assert_eq!(code, detect_currency_by_marker(t), "{:?}", String::from_utf8_lossy(t));
            found += usize::from(code.is_some());
        }
        assert!(found > 20_000, "{found}");
    }

    #[test]
    fn budget_currency_is_the_budgets_currency() {
        let texts = [
            "Hourly: $10.00 - $30.00 Expert Est. time: 1 to 3 months, 30+ hrs/week",
            "Fixed-price Intermediate Est. budget: €600.00",
            "Fixed-price - Intermediate - Est. Budget: $500",
            "Hourly - Entry level - Est. time: Less than 1 month",
            "-$500",
            "- 500 USD",
            "CA$ 300",
            "GBP",
            "£1,200 Expert",
            "Budget: 500 eur",
            "",
        ];
        for t in texts {
            assert_eq!(budget_currency(t), parse_budget(t).and_then(|b| b.currency), "{t}");
        }
        for text in marker_texts() {
            for tail in ["", " 12", "-3", " 1,000.5K"] {
                let t = String::from_utf8_lossy(&text).into_owned() + tail;
                assert_eq!(budget_currency(&t), parse_budget(&t).and_then(|b| b.currency), "{t}");
            }
        }
    }

    /// The plain-decimal path gives what the general scan gives.
    #[test]
    fn plain_amounts_agree_with_the_general_scan() {
        let mut texts: Vec<String> = [
            "0",
            "0.0",
            "30.0",
            "1200.0",
            "1.",
            ".5",
            "1.2.3",
            "007",
            "0.1",
            "0.3",
            "2.675",
            "999999999999999",
            "9999999999999999",
            "123456789012.345",
            "1234567890123.456",
            "1,200.0",
            "1e5",
            "12K",
            " 30.0",
            "30.0 ",
            "",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        texts.extend(super::super::number::random_decimals(0x2545_F491_4F6C_DD1D, 13, 6));
        let mut answered = 0;
        for t in &texts {
            if let Some(v) = plain_amount(t.as_bytes()) {
                answered += 1;
                assert_eq!(Some(v), scanned_amount(t), "{t}");
            }
        }
        assert!(answered > 15_000, "{answered}");
    }

    #[test]
    fn one_pass_kind_agrees_with_one_search_per_marker() {
        let texts = [
            "Hourly: $60.00 - $120.00",
            "Fixed-price: $500",
            "$20-$40/hr",
            "$25 /hour",
            "$25 / hr fixed",
            "fixed per hr",
            "per hr then fixed",
            "30/h",
            "30/H fixed",
            "fixe hou /h",
            "FIXED HOURLY",
            "hourly fixed",
            "",
            "/",
            "per h",
            "$100.00",
        ];
        for t in texts {
            assert_eq!(detect_kind(t.as_bytes()), detect_kind_by_search(t.as_bytes()), "{t}");
        }
        for text in marker_texts() {
            assert_eq!(detect_kind(&text), detect_kind_by_search(&text), "{text:?}");
        }
    }

    fn budget(kind: Option<JobType>, min: f64, max: Option<f64>, currency: Option<&'static str>) -> Option<Budget> {
        Some(Budget { kind, min, max, currency })
    }

    #[test]
    fn amounts_from_real_exports() {
        assert_eq!(parse_amount("$100.00"), Some(100.0));
        assert_eq!(parse_amount("$5,000.00"), Some(5000.0));
        assert_eq!(parse_amount("$2,000.00"), Some(2000.0));
        assert_eq!(parse_amount("1000.0"), Some(1000.0));
        assert_eq!(parse_amount("10000.0"), Some(10000.0));
        assert_eq!(parse_amount("5054"), Some(5054.0));
        assert_eq!(parse_amount("0"), Some(0.0));
        assert_eq!(parse_amount("24.56877792007422"), Some(24.56877792007422));
        assert_eq!(parse_amount("$50K+"), Some(50_000.0));
    }

    #[test]
    fn amounts_with_suffixes_and_currencies() {
        assert_eq!(parse_amount("$1,500.00"), Some(1500.0));
        assert_eq!(parse_amount("$1.2M"), Some(1_200_000.0));
        assert_eq!(parse_amount("$1.2m+"), Some(1_200_000.0));
        assert_eq!(parse_amount("$10k"), Some(10_000.0));
        assert_eq!(parse_amount("$2B"), Some(2_000_000_000.0));
        assert_eq!(parse_amount("$500+"), Some(500.0));
        assert_eq!(parse_amount("€200"), Some(200.0));
        assert_eq!(parse_amount("£75.50"), Some(75.5));
        assert_eq!(parse_amount("USD 300"), Some(300.0));
        assert_eq!(parse_amount("usd300"), Some(300.0));
        assert_eq!(parse_amount("300 USD"), Some(300.0));
        assert_eq!(parse_amount("300USD"), Some(300.0));
        assert_eq!(parse_amount("US$ 300"), Some(300.0));
        assert_eq!(parse_amount("CA$300"), Some(300.0));
        assert_eq!(parse_amount("  $ 1,500  "), Some(1500.0));
        assert_eq!(parse_amount("$50K+ total spent"), Some(50_000.0));
    }

    #[test]
    fn amounts_rejected() {
        for bad in [
            "",
            "   ",
            "N/A",
            "n/a",
            "-",
            "null",
            "none",
            "None",
            "Not specified",
            "-5",
            "$-5",
            "USD -5",
            "5 - 10",
            "$25/hr",
            "5054abc",
            "$",
            "K",
            "1e999",
            "12,34",
        ] {
            assert_eq!(parse_amount(bad), None, "{bad:?}");
        }
        let huge = "9".repeat(400);
        assert_eq!(parse_amount(&huge), None);
    }

    #[test]
    fn amounts_as_any_export_writes_them() {
        assert_eq!(parse_amount("$300K+\nspent"), Some(300_000.0));
        assert_eq!(parse_amount("$300K+\r\n  spent"), Some(300_000.0));
        assert_eq!(parse_amount("$300k+ spent"), Some(300_000.0));
        assert_eq!(parse_amount("$1.2M"), Some(1_200_000.0));
        assert_eq!(parse_amount("$1.2M+\ttotal spent"), Some(1_200_000.0));
        assert_eq!(parse_amount("1,5K €"), Some(1500.0));
        assert_eq!(parse_amount("€1,5k"), Some(1500.0));
        assert_eq!(parse_amount("2,25M"), Some(2_250_000.0));
        assert_eq!(parse_amount("$1,234K+"), Some(1_234_000.0));
        assert_eq!(parse_amount("0.0"), Some(0.0));
        // A decimal comma without a suffix stays unread; so does junk after the suffix.
        for bad in [
            "1,5 €",
            "1,5",
            "12,34 USD",
            "1,5Kx",
            "1,5.5K",
            "1,234,5K",
            "1,555 spent 5",
            "$300K+\nspent 5",
            "$300K+ spent!",
        ] {
            assert_eq!(parse_amount(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn nonzero_amounts() {
        for zero in ["0", "0.0", "$0", "$0.00", "$0 spent", "0 USD"] {
            assert_eq!(parse_amount(zero), Some(0.0), "{zero:?}");
            assert_eq!(parse_amount_nonzero(zero), None, "{zero:?}");
        }
        assert_eq!(parse_amount_nonzero("$300K+\nspent"), Some(300_000.0));
        assert_eq!(parse_amount_nonzero("0.5"), Some(0.5));
        assert_eq!(parse_amount_nonzero("N/A"), None);
        assert_eq!(parse_amount_nonzero("-5"), None);
    }

    #[test]
    fn budgets_with_decimal_comma_suffixes() {
        assert_eq!(parse_budget("1,5K - 2,5K €"), budget(None, 1500.0, Some(2500.0), Some("EUR")));
    }

    #[test]
    fn case_insensitive_find() {
        assert_eq!(find_ci(b"Fixed-price - Est. BUDGET: $5", b"budget"), Some(19));
        assert_eq!(find_ci(b"$25/HR", b"/hr"), Some(3));
        assert_eq!(find_ci(b"hou", b"hour"), None);
        assert_eq!(find_ci(b"", b"x"), None);
        assert_eq!(find_ci(b"abc", b""), Some(0));
    }

    #[test]
    fn budgets_from_real_exports() {
        let usd = Some("USD");
        assert_eq!(parse_budget("$100.00"), budget(None, 100.0, None, usd));
        assert_eq!(parse_budget("$5,000.00"), budget(None, 5000.0, None, usd));
        assert_eq!(parse_budget("30 - 50"), budget(None, 30.0, Some(50.0), None));
        assert_eq!(parse_budget("140 - 220"), budget(None, 140.0, Some(220.0), None));
        assert_eq!(parse_budget("8 - 25"), budget(None, 8.0, Some(25.0), None));
        assert_eq!(parse_budget("1000.0"), budget(None, 1000.0, None, None));
        assert_eq!(parse_budget("N/A"), None);
    }

    #[test]
    fn budget_ranges() {
        let usd = Some("USD");
        assert_eq!(parse_budget("$15.00-$35.00"), budget(None, 15.0, Some(35.0), usd));
        assert_eq!(parse_budget("$15.00 – $35.00"), budget(None, 15.0, Some(35.0), usd));
        assert_eq!(parse_budget("$15.00 — $35.00"), budget(None, 15.0, Some(35.0), usd));
        assert_eq!(parse_budget("10 to 20"), budget(None, 10.0, Some(20.0), None));
        assert_eq!(parse_budget("$10K-$20K"), budget(None, 10_000.0, Some(20_000.0), usd));
        assert_eq!(parse_budget("50 - 30"), budget(None, 30.0, Some(50.0), None));
        assert_eq!(parse_budget("$500+"), budget(None, 500.0, None, usd));
        assert_eq!(parse_budget("$50K+"), budget(None, 50_000.0, None, usd));
        // A dash not followed by an amount is no range.
        assert_eq!(parse_budget("30 - N/A"), budget(None, 30.0, None, None));
    }

    #[test]
    fn budget_kinds() {
        let usd = Some("USD");
        let hourly = Some(JobType::Hourly);
        let fixed = Some(JobType::Fixed);
        assert_eq!(parse_budget("Hourly: $60.00 - $120.00"), budget(hourly, 60.0, Some(120.0), usd));
        assert_eq!(parse_budget("Fixed-price: $500"), budget(fixed, 500.0, None, usd));
        assert_eq!(parse_budget("Fixed price - $500"), budget(fixed, 500.0, None, usd));
        assert_eq!(parse_budget("Fixed: $1,000"), budget(fixed, 1000.0, None, usd));
        assert_eq!(parse_budget("$25/hr"), budget(hourly, 25.0, None, usd));
        assert_eq!(parse_budget("$25 /hour"), budget(hourly, 25.0, None, usd));
        assert_eq!(parse_budget("$25 per hour"), budget(hourly, 25.0, None, usd));
        assert_eq!(parse_budget("$25/h"), budget(hourly, 25.0, None, usd));
        assert_eq!(parse_budget("$20-$40/hr"), budget(hourly, 20.0, Some(40.0), usd));
        assert_eq!(parse_budget("Est. budget: $500"), budget(None, 500.0, None, usd));
        assert_eq!(parse_budget("Hourly"), None);
        assert_eq!(parse_budget("Fixed price"), None);
    }

    #[test]
    fn budget_currencies() {
        assert_eq!(parse_budget("€200").unwrap().currency, Some("EUR"));
        assert_eq!(parse_budget("200 EUR").unwrap().currency, Some("EUR"));
        assert_eq!(parse_budget("£40 - £60").unwrap().currency, Some("GBP"));
        assert_eq!(parse_budget("GBP 40").unwrap().currency, Some("GBP"));
        assert_eq!(parse_budget("USD 300").unwrap().currency, Some("USD"));
        assert_eq!(parse_budget("usd 300").unwrap().currency, Some("USD"));
        assert_eq!(parse_budget("CA$300").unwrap().currency, None);
        assert_eq!(parse_budget("A$300").unwrap().currency, None);
        assert_eq!(parse_budget("30 - 50").unwrap().currency, None);
        // "eur" inside a word is no currency.
        assert_eq!(parse_budget("Europe 300").unwrap().currency, None);
    }

    #[test]
    fn budgets_rejected() {
        for bad in ["", "N/A", "n/a", "-", "null", "Hourly", "Not specified", "-5", "$-5"] {
            assert_eq!(parse_budget(bad), None, "{bad:?}");
        }
    }
}
