//! Keyset pagination cursors: the last item's sort key, opaque to clients.
//!
//! Rankings are ordered by total (desc), then posting time (desc, unknown last), then job id
//! (desc). A cursor holds those three values of the last item shown, so the next page starts
//! right after it however many jobs arrive in between.

use chrono::{DateTime, Utc};

/// The sort key of the last item of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub total: f64,
    /// Posting time in microseconds since the epoch (the epoch itself for unknown times).
    pub posted_micros: i64,
    pub job_id: String,
    /// The last item's rank, so the next page numbers on from it.
    pub rank: u32,
}

impl Cursor {
    pub fn new(total: f64, posted_at: Option<DateTime<Utc>>, job_id: &str, rank: u32) -> Cursor {
        Cursor {
            total,
            posted_micros: posted_at.map(|t| t.timestamp_micros()).unwrap_or(0),
            job_id: job_id.into(),
            rank,
        }
    }

    /// The posting time the cursor stands for.
    pub fn posted_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.posted_micros).unwrap_or_default()
    }

    /// Encodes as URL-safe text: `<total bits hex>.<micros>.<job id hex>.<rank>`.
    pub fn encode(&self) -> String {
        format!(
            "{:x}.{}.{}.{}",
            self.total.to_bits(),
            self.posted_micros,
            hex::encode(self.job_id.as_bytes()),
            self.rank
        )
    }

    /// Decodes; `None` for anything that is not a cursor we made.
    pub fn decode(text: &str) -> Option<Cursor> {
        let mut parts = text.split('.');
        let total = f64::from_bits(u64::from_str_radix(parts.next()?, 16).ok()?);
        let posted_micros = parts.next()?.parse().ok()?;
        let job_id = String::from_utf8(hex::decode(parts.next()?).ok()?).ok()?;
        let rank = parts.next()?.parse().ok()?;
        if parts.next().is_some() || !total.is_finite() || job_id.is_empty() {
            return None;
        }
        Some(Cursor { total, posted_micros, job_id, rank })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_junk() {
        let c = Cursor::new(81.5, DateTime::from_timestamp(1_779_604_437, 5000), "2058436318428575090", 40);
        assert_eq!(Cursor::decode(&c.encode()), Some(c.clone()));
        assert_eq!(Cursor::new(50.0, None, "x", 1).posted_micros, 0);
        for junk in [
            "",
            "abc",
            "1.2",
            "zz.1.41.1",
            "4054400000000000.1.41.9.9",
            "7ff8000000000000.1.41.1",
            "4054400000000000.1.41",
        ] {
            assert_eq!(Cursor::decode(junk), None, "{junk}");
        }
    }
}
