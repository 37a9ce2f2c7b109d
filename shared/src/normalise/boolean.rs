//! Booleans as exports print them: JSON `true`/`false` flattened to text, `yes`/`no`, `1`/`0`,
//! and Upwork's own wording for payment verification.

/// Words read as `true` (compared case-insensitively after trimming).
const TRUE: [&str; 9] = ["true", "yes", "y", "1", "t", "on", "verified", "payment verified", "payment method verified"];

/// Words read as `false` (compared case-insensitively after trimming).
const FALSE: [&str; 12] = [
    "false",
    "no",
    "n",
    "0",
    "f",
    "off",
    "unverified",
    "not verified",
    "payment unverified",
    "payment not verified",
    "payment method unverified",
    "payment method not verified",
];

/// Parses a boolean, case-insensitively: `true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0`,
/// `t`/`f`, `on`/`off`, `verified`/`unverified`/`not verified`, `Payment verified` /
/// `Payment unverified` / `Payment not verified`. Anything else is `None`.
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.is_empty() || t.len() > 27 {
        return None;
    }
    if TRUE.iter().any(|w| w.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|w| w.eq_ignore_ascii_case(t)) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_word_fits_the_length_cut() {
        let longest = TRUE.iter().chain(FALSE.iter()).map(|w| w.len()).max();
        assert_eq!(longest, Some(27));
    }

    #[test]
    fn truthy() {
        for s in [
            "true",
            "True",
            "TRUE",
            " true ",
            "yes",
            "Yes",
            "Y",
            "y",
            "1",
            "t",
            "T",
            "on",
            "ON",
            "verified",
            "Verified",
            "Payment verified",
            "PAYMENT VERIFIED",
            "Payment method verified",
        ] {
            assert_eq!(parse_bool(s), Some(true), "{s:?}");
        }
    }

    #[test]
    fn falsy() {
        for s in [
            "false",
            "False",
            "FALSE",
            "no",
            "No",
            "N",
            "n",
            "0",
            "f",
            "off",
            "Off",
            "unverified",
            "Unverified",
            "not verified",
            "Payment unverified",
            "Payment not verified",
            "payment NOT verified",
            "Payment method not verified",
        ] {
            assert_eq!(parse_bool(s), Some(false), "{s:?}");
        }
    }

    #[test]
    fn unknown() {
        for s in [
            "",
            " ",
            "N/A",
            "null",
            "maybe",
            "2",
            "-1",
            "1.0",
            "yess",
            "verifiedx",
            "truex",
            "payment",
            "Payment verified!",
        ] {
            assert_eq!(parse_bool(s), None, "{s:?}");
        }
    }
}
