//! When an export was observed: the moment its jobs were scraped, by which renderings of one job
//! from different exports are ordered (see [`super::merge`]).
//!
//! Apify names its exports after the run's time (`dataset_..._2026-11-20_08-30-00-000.csv`,
//! UTC); that time is taken first, because it survives a later re-upload or copy of the file,
//! which is exactly when an old export would otherwise pass for a new one. Without it, the S3
//! object's `LastModified` (the upload, close to the scrape for a scheduled export; the S3
//! event's time is the same moment), and as a last resort the time the ingest ran. This is also
//! the reference time for relative dates in the export ("Posted 2 hours ago").

use chrono::{DateTime, Utc};

use crate::normalise::date::export_time_from_name;

/// The observation time of the export at `key`, last modified at `last_modified`.
pub fn observed_at(key: &str, last_modified: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
    export_time_from_name(key).or(last_modified).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_name_beats_the_upload_time_which_beats_now() {
        let uploaded = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap();
        let named = "uploads/apify-upwork-jobs_2026-11-20_08-30-00-000.csv";
        let scraped = Utc.with_ymd_and_hms(2026, 11, 20, 8, 30, 0).unwrap();
        assert_eq!(observed_at(named, Some(uploaded), now), scraped);
        assert_eq!(observed_at("uploads/jobs.csv", Some(uploaded), now), uploaded);
        assert_eq!(observed_at("uploads/jobs.csv", None, now), now);
    }
}
