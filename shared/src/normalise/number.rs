//! Numbers as scrapers print them: plain numbers with thousands separators, percentages,
//! counts ("12 hires") and ratings ("4.9 of 5").
//!
//! Also home of the byte-level decimal scanner the money and proposals parsers build on, so
//! every number in the crate is read by the same rules: an unsigned decimal with optional `,`
//! thousands separators in groups of three (`1,234,567.89`). A comma that does not start a
//! group of exactly three digits ends the number (`12,34` reads as `12`), so European decimal
//! commas are never misread as thousands.

/// Longest number (digits, `.`, and an exponent suffix) the scanner accepts.
const MAX_DIGITS: usize = 60;

/// A decimal number scanned into a stack buffer without its `,` separators.
pub(crate) struct Scanned {
    buf: [u8; MAX_DIGITS + 4],
    len: usize,
    /// Byte index just past the number in the scanned input.
    pub(crate) end: usize,
}

impl Scanned {
    /// Appends a power-of-ten suffix (`e3` for "K") so the scaling is exact.
    pub(crate) fn scale(&mut self, exponent: u8) {
        self.buf[self.len] = b'e';
        self.buf[self.len + 1] = b'0' + exponent;
        self.len += 2;
    }

    /// Appends a fraction read after a decimal comma (`1,5K`); `false` when it does not fit.
    pub(crate) fn push_fraction(&mut self, digits: &[u8]) -> bool {
        if self.len + 1 + digits.len() > MAX_DIGITS || !digits.iter().all(u8::is_ascii_digit) {
            return false;
        }
        self.buf[self.len] = b'.';
        self.buf[self.len + 1..self.len + 1 + digits.len()].copy_from_slice(digits);
        self.len += 1 + digits.len();
        true
    }

    /// The value, if it is finite.
    pub(crate) fn value(&self) -> Option<f64> {
        self.exact_value().or_else(|| self.parsed_value())
    }

    /// The value when its digits fit 2^53 and its power of ten is at most 22 either way: then
    /// the digits and the power are exact doubles and one multiplication or division rounds
    /// correctly, to the double `str::parse` gives (Clinger's fast path, which the standard
    /// parser takes too; a test checks that they agree). `None` for anything else.
    fn exact_value(&self) -> Option<f64> {
        const POW10: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
            1e19, 1e20, 1e21, 1e22,
        ];
        let (mut mantissa, mut digits, mut exponent) = (0u64, 0usize, 0i32);
        let mut fraction = false;
        let mut bytes = self.buf[..self.len].iter();
        while let Some(&c) = bytes.next() {
            match c {
                b'0'..=b'9' => {
                    // Leading zeros do not count towards the 19 digits a u64 holds.
                    if mantissa != 0 || c != b'0' {
                        digits += 1;
                    }
                    if digits > 19 {
                        return None;
                    }
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                    if fraction {
                        exponent -= 1;
                    }
                }
                b'.' => fraction = true,
                // `scale` writes `e` and one digit, last.
                b'e' => exponent += i32::from(bytes.next()?.checked_sub(b'0')?),
                _ => return None,
            }
        }
        if mantissa > 1 << 53 || exponent.unsigned_abs() > 22 {
            return None;
        }
        let power = POW10[exponent.unsigned_abs() as usize];
        Some(if exponent < 0 { mantissa as f64 / power } else { mantissa as f64 * power })
    }

    /// The value through `str::parse`.
    fn parsed_value(&self) -> Option<f64> {
        // Only ASCII digits, '.' and 'e' were written.
        let text = std::str::from_utf8(&self.buf[..self.len]).ok()?;
        text.parse::<f64>().ok().filter(|v| v.is_finite())
    }
}

/// Scans an unsigned decimal (`1,234.5`) starting at `start`, which must be an ASCII digit.
pub(crate) fn scan_decimal(b: &[u8], start: usize) -> Option<Scanned> {
    if !b.get(start)?.is_ascii_digit() {
        return None;
    }
    let mut out = Scanned { buf: [0; MAX_DIGITS + 4], len: 0, end: start };
    let mut i = start;
    let mut group = 0usize;
    let mut grouped = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            if out.len >= MAX_DIGITS {
                return None;
            }
            out.buf[out.len] = c;
            out.len += 1;
            group += 1;
            i += 1;
        } else if c == b','
            && (if grouped { group == 3 } else { group <= 3 })
            && b.len() >= i + 4
            && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
            && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
        {
            grouped = true;
            group = 0;
            i += 1;
        } else {
            break;
        }
    }
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        out.buf[out.len] = b'.';
        out.len += 1;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            if out.len >= MAX_DIGITS {
                return None;
            }
            out.buf[out.len] = b[i];
            out.len += 1;
            i += 1;
        }
    }
    out.end = i;
    Some(out)
}

/// Parses a plain number: optional sign, digits with optional `,` thousands separators, an
/// optional fraction, surrounding whitespace. `"1,234.5"` -> 1234.5, `"-3"` -> -3.
/// Anything else (units, `N/A`, `inf`, exponents) is `None`.
pub fn parse_number(s: &str) -> Option<f64> {
    let b = s.trim().as_bytes();
    let (negative, start) = match b.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let n = scan_decimal(b, start)?;
    if n.end != b.len() {
        return None;
    }
    let v = n.value()?;
    Some(if negative { -v } else { v })
}

/// Parses a percentage: `"78%"`, `"78"`, `"78.5 %"`. Values above 100 are kept as they are
/// (real exports have hire rates of 110); fractions are not rescaled (`"1"` is 1 %).
/// Negative values and `N/A` are `None`.
pub fn parse_percent(s: &str) -> Option<f64> {
    let t = s.trim();
    let t = t.strip_suffix('%').map_or(t, str::trim_end);
    parse_number(t).filter(|v| *v >= 0.0)
}

/// Parses a count: `"12"`, `"1,234"`, `"5.0"`, `"1.2K"`, `"12 hires"`, `"12 jobs posted"`,
/// `"50+"` (its lower bound). A fractional count, a negative one, or one that does not fit
/// `u32` is `None`.
pub fn parse_count(s: &str) -> Option<u32> {
    let b = s.trim().as_bytes();
    let mut n = scan_decimal(b, 0)?;
    let mut i = n.end;
    if let Some(e) = b.get(i).and_then(|c| suffix_exponent(*c)) {
        if !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            n.scale(e);
            i += 1;
        }
    }
    if b.get(i) == Some(&b'+') {
        i += 1;
    }
    if i != b.len() && !b[i].is_ascii_whitespace() {
        return None;
    }
    let v = n.value()?;
    let r = v.round();
    if (v - r).abs() > 1e-9 || r > f64::from(u32::MAX) {
        return None;
    }
    Some(r as u32)
}

/// Parses a client rating on Upwork's 0-5 scale from the first number in the text: `"5"`,
/// `"4.45"`, `"4.9 of 5"`, `"4.90/5"`, `"Rating is 4.9 out of 5."`. A value outside 0..=5
/// or a negative sign is `None`.
pub fn parse_rating(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let start = b.iter().position(u8::is_ascii_digit)?;
    if start > 0 && b[start - 1] == b'-' {
        return None;
    }
    let v = scan_decimal(b, start)?.value()?;
    (0.0..=5.0).contains(&v).then_some(v)
}

/// The power of ten for a magnitude suffix letter: `K` thousand, `M` million, `B` billion.
pub(crate) fn suffix_exponent(c: u8) -> Option<u8> {
    match c {
        b'k' | b'K' => Some(3),
        b'm' | b'M' => Some(6),
        b'b' | b'B' => Some(9),
        _ => None,
    }
}

/// 20,000 decimal texts (`1234`, `56.07`) spread deterministically from `seed` by xorshift:
/// integer parts of fewer than `int_digits` digits, fractions of fewer than `frac_digits`
/// (none at 0), for tests that check a fast path against the general one.
#[cfg(test)]
pub(crate) fn random_decimals(seed: u64, int_digits: u32, frac_digits: usize) -> Vec<String> {
    let mut x = seed;
    (0..20_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let int = x % 10u64.pow((x >> 60) as u32 % int_digits);
            let digits = (x >> 40) as usize % frac_digits;
            let frac = (x >> 8) % 10u64.pow(digits as u32);
            if digits == 0 {
                int.to_string()
            } else {
                format!("{int}.{frac:0digits$}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact fast path gives what `str::parse` gives wherever it answers, and it answers
    /// for the amounts exports write.
    #[test]
    fn exact_value_agrees_with_parse() {
        let mut texts: Vec<String> = [
            "0",
            "1",
            "10.5",
            "1,500.00",
            "0.1",
            "0.3",
            "123456789.123456789",
            "9007199254740993",
            "9007199254740992",
            "99999999999999999999",
            "1234567890123456789",
            "0.0000000000000000000001",
            "0.00000000000000000000001",
            "00000000000000000000001",
            "100000000000000000000000",
            "4.35",
            "2.675",
            "1.005",
            "3,000,000.01",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // A deterministic spread of digit strings and fractions.
        texts.extend(super::random_decimals(0x9E37_79B9_7F4A_7C15, 17, 9));
        let mut answered = 0;
        for t in &texts {
            for scale in [None, Some(3), Some(6), Some(9)] {
                let Some(mut n) = scan_decimal(t.as_bytes(), 0) else { continue };
                if let Some(e) = scale {
                    n.scale(e);
                }
                if let Some(v) = n.exact_value() {
                    answered += 1;
                    assert_eq!(Some(v), n.parsed_value(), "{t} e{scale:?}");
                }
                assert_eq!(n.value(), n.parsed_value(), "{t} e{scale:?}");
            }
        }
        assert!(answered > texts.len() * 3, "{answered}");
        assert!(scan_decimal(b"1,500.00", 0).unwrap().exact_value() == Some(1500.0));
    }

    #[test]
    fn scan_decimal_groups_of_three_only() {
        let n = scan_decimal(b"1,234,567.89 x", 0).unwrap();
        assert_eq!(n.value(), Some(1_234_567.89));
        assert_eq!(n.end, 12);
        // A decimal comma is not a thousands separator: the number stops at it.
        let n = scan_decimal(b"12,34", 0).unwrap();
        assert_eq!((n.value(), n.end), (Some(12.0), 2));
        let n = scan_decimal(b"1234,567", 0).unwrap();
        assert_eq!((n.value(), n.end), (Some(1234.0), 4));
        let n = scan_decimal(b"5,10", 0).unwrap();
        assert_eq!((n.value(), n.end), (Some(5.0), 1));
        let n = scan_decimal(b"1,2345", 0).unwrap();
        assert_eq!((n.value(), n.end), (Some(1.0), 1));
        // A '.' not followed by a digit ends the number ("4.9." at the end of a sentence).
        let n = scan_decimal(b"4.9.", 0).unwrap();
        assert_eq!((n.value(), n.end), (Some(4.9), 3));
        let n = scan_decimal(b"5.", 0).unwrap();
        assert_eq!((n.value(), n.end), (Some(5.0), 1));
        assert!(scan_decimal(b"x1", 0).is_none());
        assert!(scan_decimal(b"", 0).is_none());
        assert!(scan_decimal(&[b'9'; 100], 0).is_none());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("5054"), Some(5054.0));
        assert_eq!(parse_number("24.56877792007422"), Some(24.56877792007422));
        assert_eq!(parse_number("1000.0"), Some(1000.0));
        assert_eq!(parse_number(" 1,234 "), Some(1234.0));
        assert_eq!(parse_number("1,234,567.5"), Some(1_234_567.5));
        assert_eq!(parse_number("-3.5"), Some(-3.5));
        assert_eq!(parse_number("+7"), Some(7.0));
        assert_eq!(parse_number("0"), Some(0.0));
        for bad in ["", " ", "N/A", "-", "1.2.3", "12,34", "1,2345", "inf", "NaN", "1e5", "12 hires", "$5", "--1", ".5"]
        {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn percents() {
        assert_eq!(parse_percent("78%"), Some(78.0));
        assert_eq!(parse_percent("78"), Some(78.0));
        assert_eq!(parse_percent("98"), Some(98.0));
        assert_eq!(parse_percent("110"), Some(110.0));
        assert_eq!(parse_percent("78.5 %"), Some(78.5));
        assert_eq!(parse_percent(" 44% "), Some(44.0));
        assert_eq!(parse_percent("1"), Some(1.0));
        assert_eq!(parse_percent("0"), Some(0.0));
        assert_eq!(parse_percent("N/A"), None);
        assert_eq!(parse_percent(""), None);
        assert_eq!(parse_percent("%"), None);
        assert_eq!(parse_percent("-5%"), None);
        assert_eq!(parse_percent("78 percent"), None);
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("12"), Some(12));
        assert_eq!(parse_count("0"), Some(0));
        assert_eq!(parse_count("1,234"), Some(1234));
        assert_eq!(parse_count("12 hires"), Some(12));
        assert_eq!(parse_count("12 jobs posted"), Some(12));
        assert_eq!(parse_count("5.0"), Some(5));
        assert_eq!(parse_count(" 43 "), Some(43));
        assert_eq!(parse_count("1.2K"), Some(1200));
        assert_eq!(parse_count("3k jobs"), Some(3000));
        assert_eq!(parse_count("50+"), Some(50));
        assert_eq!(parse_count("4294967295"), Some(u32::MAX));
        for bad in ["", "N/A", "-3", "5.5", "12abc", "abc", "4294967296", "12%", "$12", "1.2Kx"] {
            assert_eq!(parse_count(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ratings() {
        assert_eq!(parse_rating("5"), Some(5.0));
        assert_eq!(parse_rating("4.45"), Some(4.45));
        assert_eq!(parse_rating("4.78"), Some(4.78));
        assert_eq!(parse_rating("4.9 of 5"), Some(4.9));
        assert_eq!(parse_rating("4.90/5"), Some(4.9));
        assert_eq!(parse_rating("Rating is 4.9 out of 5."), Some(4.9));
        assert_eq!(parse_rating("0"), Some(0.0));
        assert_eq!(parse_rating("5.01"), None);
        assert_eq!(parse_rating("49"), None);
        assert_eq!(parse_rating("-1"), None);
        assert_eq!(parse_rating("No feedback yet"), None);
        assert_eq!(parse_rating(""), None);
    }
}
