//! How a job pays, from the many ways exports spell it: `Fixed`, `FIXED`, `fixed-price`,
//! `Fixed price`, `Fixed-price: $500`, `Hourly`, `HOURLY`, `hourly_rate`,
//! `Hourly: $60.00 - $120.00`.

use crate::job::JobType;

/// Whether `b` starts with the lowercase ASCII `word`, in any case.
fn starts_with_ci(b: &[u8], word: &[u8]) -> bool {
    b.len() >= word.len() && b[..word.len()].eq_ignore_ascii_case(word)
}

/// Parses a job type: text starting with "fixed" is [`JobType::Fixed`], text starting with
/// "hourly" (or just "hour") is [`JobType::Hourly`], in any case and with anything after it
/// (`fixed-price`, `FIXED_PRICE`, `hourly_rate`, `Hourly: $60.00 - $120.00`). Anything else,
/// including numeric codes and `unknown`, is `None`.
pub fn parse_job_type(s: &str) -> Option<JobType> {
    let b = s.trim().as_bytes();
    if starts_with_ci(b, b"fixed") {
        Some(JobType::Fixed)
    } else if starts_with_ci(b, b"hourly") || b.eq_ignore_ascii_case(b"hour") {
        Some(JobType::Hourly)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed() {
        for s in [
            "Fixed",
            "FIXED",
            "fixed",
            "fixed-price",
            "Fixed price",
            "Fixed-price: $500",
            "FIXED_PRICE",
            "FixedPrice",
            " Fixed ",
        ] {
            assert_eq!(parse_job_type(s), Some(JobType::Fixed), "{s:?}");
        }
    }

    #[test]
    fn hourly() {
        for s in [
            "Hourly",
            "HOURLY",
            "hourly",
            "Hourly: $60.00 - $120.00",
            "hourly_rate",
            "Hourly rate",
            "hour",
            "\tHourly\n",
        ] {
            assert_eq!(parse_job_type(s), Some(JobType::Hourly), "{s:?}");
        }
    }

    #[test]
    fn packed_terms_start_with_the_type() {
        assert_eq!(parse_job_type("Fixed-price - Intermediate - Est. Budget: $500"), Some(JobType::Fixed));
        assert_eq!(parse_job_type("Fixed price: $1,200 Expert"), Some(JobType::Fixed));
        assert_eq!(
            parse_job_type("Hourly: $10.00 - $30.00 Expert Est. time: 1 to 3 months, 30+ hrs/week"),
            Some(JobType::Hourly)
        );
        assert_eq!(parse_job_type("Hourly - Entry level - Est. time: Less than 1 month"), Some(JobType::Hourly));
        // The type must come first: a tile led by the level is for packed::parse_terms.
        assert_eq!(parse_job_type("Expert - Hourly"), None);
    }

    #[test]
    fn unknown() {
        for s in [
            "",
            " ",
            "1",
            "2",
            "unknown",
            "Unknown",
            "N/A",
            "null",
            "$500",
            "Est. budget: $500",
            "per hour",
            "hours",
            "fix",
            "hourl",
        ] {
            assert_eq!(parse_job_type(s), None, "{s:?}");
        }
    }
}
