//! Merging one export's rendering of a job into what is already stored about it.
//!
//! Actors render the same job with different fields, and exports reach us out of order, so an
//! upsert must not simply overwrite. Per field (per client stat too):
//!
//! - an unknown value (`None`, an empty or blank string, an empty list, job type `unknown`)
//!   never replaces a known one;
//! - an unknown stored value is filled from any rendering, however old;
//! - when both are known, the rendering observed later wins (the export's scrape time, see
//!   [`super::observed`]); at the same time, the one processed later wins.
//!
//! Exceptions, each for consistency within the job: a newer rendering whose known job type
//! differs from the stored one brings its budget (`fixed_budget`, `hourly_min`, `hourly_max`)
//! whole, known or not, so a fixed budget does not linger on a job turned hourly;
//! `external_urls` (the links of the description) come with the description they were taken
//! from; `posted_at` keeps the first known value, as before (a re-scrape resolves "2 hours ago"
//! to a slightly different time).
//!
//! `raw` is the newest rendering's record, whole. Whatever the job holds that this record
//! lacks is named in `field_sources` (column name to the ingest that supplied the value), so
//! the origin of every value stays traceable to an export even when no single record holds them
//! all. The content hash is computed over the merged job; when the merged content is the
//! stored content, the stored hash is kept, so a change of the hash's definition (skills are
//! hashed as a set since migration 6) re-queues nothing by itself.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::job::{Client, Job};

/// What the `jobs` table holds about a job.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub job: Job,
    pub content_hash: String,
    /// The newest observation merged in; `None` for jobs stored before observations were kept.
    pub observed_at: Option<DateTime<Utc>>,
    /// The ingest whose record `job.raw` is.
    pub raw_ingest_id: Option<i64>,
    /// Values `job.raw` does not hold: column name to the ingest that supplied it.
    pub field_sources: BTreeMap<String, i64>,
}

/// A rendering of the job from one ingest.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub job: &'a Job,
    pub ingest_id: i64,
    /// When its export was observed (scraped).
    pub observed_at: DateTime<Utc>,
}

/// The job to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub job: Job,
    pub content_hash: String,
    /// New, or its content differs from the stored content.
    pub changed: bool,
    pub observed_at: DateTime<Utc>,
    pub raw_ingest_id: Option<i64>,
    pub field_sources: BTreeMap<String, i64>,
}

/// Merges `incoming` into `stored` (a new job when `None`).
pub fn merge(stored: Option<&Stored>, incoming: Incoming<'_>) -> Merged {
    let Some(stored) = stored else {
        return Merged {
            job: incoming.job.clone(),
            content_hash: incoming.job.content_hash(),
            changed: true,
            observed_at: incoming.observed_at,
            raw_ingest_id: Some(incoming.ingest_id),
            field_sources: BTreeMap::new(),
        };
    };
    let newer = stored.observed_at.is_none_or(|at| incoming.observed_at >= at);
    let (old, new) = (&stored.job, incoming.job);
    let mut p = Picker { newer, stored, ingest_id: incoming.ingest_id, sources: Vec::new() };

    let type_switch = newer && known_type(old) && known_type(new) && old.job_type != new.job_type;
    let budget = |p: &mut Picker, name, o: &Option<f64>, n: &Option<f64>| {
        if type_switch {
            p.take(name, *n, n.is_some())
        } else {
            p.pick(name, o, n, Option::is_some)
        }
    };
    let description_from_new = p.takes_new(&old.description, &new.description, text_known);
    let (oc, nc) = (&old.client, &new.client);
    let job = Job {
        job_id: old.job_id.clone(),
        url: p.pick("url", &old.url, &new.url, text_known),
        title: p.pick("title", &old.title, &new.title, |t| !t.trim().is_empty()),
        description: p.pick("description", &old.description, &new.description, text_known),
        job_type: p.pick("job_type", &old.job_type, &new.job_type, |t| *t != crate::job::JobType::Unknown),
        fixed_budget: budget(&mut p, "fixed_budget", &old.fixed_budget, &new.fixed_budget),
        hourly_min: budget(&mut p, "hourly_min", &old.hourly_min, &new.hourly_min),
        hourly_max: budget(&mut p, "hourly_max", &old.hourly_max, &new.hourly_max),
        currency: p.pick("currency", &old.currency, &new.currency, text_known),
        experience_level: p.pick("experience_level", &old.experience_level, &new.experience_level, text_known),
        duration: p.pick("duration", &old.duration, &new.duration, text_known),
        workload: p.pick("workload", &old.workload, &new.workload, text_known),
        skills: p.pick("skills", &old.skills, &new.skills, list_known),
        category: p.pick("category", &old.category, &new.category, text_known),
        posted_at: if old.posted_at.is_some() {
            p.keep("posted_at", old.posted_at, true)
        } else {
            p.take("posted_at", new.posted_at, new.posted_at.is_some())
        },
        proposals: p.pick("proposals", &old.proposals, &new.proposals, Option::is_some),
        client: Client {
            country: p.pick("client_country", &oc.country, &nc.country, text_known),
            payment_verified: p.pick(
                "client_payment_verified",
                &oc.payment_verified,
                &nc.payment_verified,
                Option::is_some,
            ),
            rating: p.pick("client_rating", &oc.rating, &nc.rating, Option::is_some),
            reviews: p.pick("client_reviews", &oc.reviews, &nc.reviews, Option::is_some),
            total_spent: p.pick("client_total_spent", &oc.total_spent, &nc.total_spent, Option::is_some),
            hires: p.pick("client_hires", &oc.hires, &nc.hires, Option::is_some),
            hire_rate: p.pick("client_hire_rate", &oc.hire_rate, &nc.hire_rate, Option::is_some),
            avg_hourly_rate: p.pick(
                "client_avg_hourly_rate",
                &oc.avg_hourly_rate,
                &nc.avg_hourly_rate,
                Option::is_some,
            ),
            jobs_posted: p.pick("client_jobs_posted", &oc.jobs_posted, &nc.jobs_posted, Option::is_some),
        },
        screening_questions: p.pick(
            "screening_questions",
            &old.screening_questions,
            &new.screening_questions,
            list_known,
        ),
        external_urls: if description_from_new {
            p.take("external_urls", new.external_urls.clone(), !new.external_urls.is_empty())
        } else {
            p.keep("external_urls", old.external_urls.clone(), !old.external_urls.is_empty())
        },
        search_keyword: p.pick("search_keyword", &old.search_keyword, &new.search_keyword, text_known),
        raw: if newer { new.raw.clone() } else { old.raw.clone() },
    };

    let raw_ingest_id = if newer { Some(incoming.ingest_id) } else { stored.raw_ingest_id };
    let field_sources = p
        .sources
        .into_iter()
        .filter_map(|(name, source)| source.filter(|s| Some(*s) != raw_ingest_id).map(|s| (name.to_string(), s)))
        .collect();
    let hash = job.content_hash();
    let changed = hash != old.content_hash();
    Merged {
        content_hash: if changed { hash } else { stored.content_hash.clone() },
        job,
        changed,
        observed_at: stored.observed_at.map_or(incoming.observed_at, |at| at.max(incoming.observed_at)),
        raw_ingest_id,
        field_sources,
    }
}

/// Chooses field by field and remembers where each known value came from.
struct Picker<'a> {
    newer: bool,
    stored: &'a Stored,
    ingest_id: i64,
    /// Known values of the merged job: column name and the ingest that supplied it, if known.
    sources: Vec<(&'static str, Option<i64>)>,
}

impl Picker<'_> {
    fn takes_new<T>(&self, old: &T, new: &T, known: impl Fn(&T) -> bool) -> bool {
        known(new) && (self.newer || !known(old))
    }

    fn pick<T: Clone>(&mut self, name: &'static str, old: &T, new: &T, known: impl Fn(&T) -> bool) -> T {
        if self.takes_new(old, new, &known) {
            self.take(name, new.clone(), true)
        } else {
            self.keep(name, old.clone(), known(old))
        }
    }

    /// The incoming value.
    fn take<T>(&mut self, name: &'static str, value: T, known: bool) -> T {
        if known {
            self.sources.push((name, Some(self.ingest_id)));
        }
        value
    }

    /// The stored value.
    fn keep<T>(&mut self, name: &'static str, value: T, known: bool) -> T {
        if known {
            let source = self.stored.field_sources.get(name).copied().or(self.stored.raw_ingest_id);
            self.sources.push((name, source));
        }
        value
    }
}

fn text_known(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

// `&Vec` because it is passed where a `fn(&T) -> bool` with `T = Vec<String>` is expected.
#[allow(clippy::ptr_arg)]
fn list_known(v: &Vec<String>) -> bool {
    !v.is_empty()
}

fn known_type(job: &Job) -> bool {
    job.job_type != crate::job::JobType::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{JobType, Proposals};
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0).unwrap()
    }

    fn job() -> Job {
        Job {
            job_id: "42".into(),
            url: Some("https://www.upwork.com/jobs/~0142".into()),
            title: "Scrape Upwork jobs".into(),
            description: Some("Build a scraper. See https://example.com/spec".into()),
            job_type: JobType::Fixed,
            fixed_budget: Some(800.0),
            hourly_min: None,
            hourly_max: None,
            currency: Some("USD".into()),
            experience_level: Some("Expert".into()),
            duration: None,
            workload: None,
            skills: vec!["Rust".into(), "Web Scraping".into()],
            category: None,
            posted_at: Some(at(6)),
            proposals: Some(Proposals { min: 5, max: Some(10) }),
            client: Client { country: Some("Germany".into()), rating: Some(4.9), ..Client::default() },
            screening_questions: Vec::new(),
            external_urls: vec!["https://example.com/spec".into()],
            search_keyword: None,
            raw: serde_json::json!({"actor": "a"}).into(),
        }
    }

    fn stored(job: Job, observed: DateTime<Utc>, ingest: i64) -> Stored {
        into_stored(merge(None, Incoming { job: &job, ingest_id: ingest, observed_at: observed }))
    }

    fn into_stored(m: Merged) -> Stored {
        Stored {
            job: m.job,
            content_hash: m.content_hash,
            observed_at: Some(m.observed_at),
            raw_ingest_id: m.raw_ingest_id,
            field_sources: m.field_sources,
        }
    }

    #[test]
    fn unknown_values_never_overwrite_known_ones() {
        let s = stored(job(), at(8), 1);
        let mut sparse = job();
        sparse.fixed_budget = None;
        sparse.description = Some("  ".into());
        sparse.skills.clear();
        sparse.client = Client::default();
        sparse.job_type = JobType::Unknown;
        sparse.raw = serde_json::json!({"actor": "b"}).into();
        let m = merge(Some(&s), Incoming { job: &sparse, ingest_id: 2, observed_at: at(9) });
        assert_eq!(m.job.fixed_budget, Some(800.0));
        assert_eq!(m.job.description, job().description);
        assert_eq!(m.job.skills, job().skills);
        assert_eq!(m.job.client, job().client);
        assert_eq!(m.job.job_type, JobType::Fixed);
        assert!(!m.changed);
        assert_eq!(m.content_hash, s.content_hash);
        // The newest record is kept whole; what it lacks is traced to the ingest that had it.
        assert_eq!((m.job.raw.to_value()["actor"].as_str(), m.raw_ingest_id), (Some("b"), Some(2)));
        assert_eq!(m.field_sources.get("fixed_budget"), Some(&1));
        assert_eq!(m.field_sources.get("client_country"), Some(&1));
        assert_eq!(m.field_sources.get("title"), None, "the title is in the kept record");
        assert_eq!(m.observed_at, at(9));
    }

    #[test]
    fn an_older_rendering_fills_gaps_but_replaces_nothing() {
        let mut newest = job();
        newest.title = "Scrape Upwork jobs (edited)".into();
        newest.duration = None;
        let s = stored(newest.clone(), at(9), 1);
        let mut older = job();
        older.duration = Some("1 to 3 months".into());
        older.client.rating = Some(4.2);
        let m = merge(Some(&s), Incoming { job: &older, ingest_id: 2, observed_at: at(8) });
        assert_eq!(m.job.title, newest.title);
        assert_eq!(m.job.client.rating, Some(4.9));
        assert_eq!(m.job.duration.as_deref(), Some("1 to 3 months"), "a gap is filled");
        assert!(m.changed, "the filled duration is content");
        assert_eq!((m.job.raw.clone(), m.raw_ingest_id, m.observed_at), (newest.raw, Some(1), at(9)));
        assert_eq!(m.field_sources.get("duration"), Some(&2));

        // The same older rendering again: nothing changes.
        let again = merge(Some(&into_stored(m.clone())), Incoming { job: &older, ingest_id: 3, observed_at: at(8) });
        assert!(!again.changed);
        assert_eq!(again.job, m.job);
    }

    #[test]
    fn a_newer_rendering_wins_where_both_know() {
        let s = stored(job(), at(8), 1);
        let mut newer = job();
        newer.fixed_budget = Some(1000.0);
        newer.proposals = Some(Proposals { min: 20, max: None });
        let m = merge(Some(&s), Incoming { job: &newer, ingest_id: 2, observed_at: at(9) });
        assert_eq!((m.job.fixed_budget, m.job.proposals), (Some(1000.0), newer.proposals));
        assert!(m.changed);
        assert_ne!(m.content_hash, s.content_hash);
        // Only the first posting time is kept from the earlier rendering.
        assert_eq!(m.field_sources.keys().collect::<Vec<_>>(), ["posted_at"]);
    }

    #[test]
    fn a_job_turned_hourly_drops_its_fixed_budget() {
        let s = stored(job(), at(8), 1);
        let mut hourly = job();
        hourly.job_type = JobType::Hourly;
        hourly.fixed_budget = None;
        hourly.hourly_min = Some(30.0);
        let m = merge(Some(&s), Incoming { job: &hourly, ingest_id: 2, observed_at: at(9) });
        assert_eq!((m.job.job_type, m.job.fixed_budget, m.job.hourly_min), (JobType::Hourly, None, Some(30.0)));
    }

    #[test]
    fn links_follow_their_description_and_the_first_posting_time_stays() {
        let s = stored(job(), at(9), 1);
        let mut older = job();
        older.description = Some("Old text, https://old.example.com".into());
        older.external_urls = vec!["https://old.example.com".into()];
        older.posted_at = Some(at(5));
        let m = merge(Some(&s), Incoming { job: &older, ingest_id: 2, observed_at: at(8) });
        assert_eq!(m.job.external_urls, job().external_urls);
        assert_eq!(m.job.posted_at, Some(at(6)));
    }

    #[test]
    fn two_actors_alternating_settle_on_one_hash() {
        let mut with_skills = job();
        with_skills.client = Client::default();
        let mut with_client = job();
        with_client.skills.clear();
        with_client.client.hires = Some(12);
        let mut s = stored(with_skills.clone(), at(8), 1);
        let hash = s.content_hash.clone();
        for (n, rendering) in [&with_client, &with_skills, &with_client, &with_skills].into_iter().enumerate() {
            let m =
                merge(Some(&s), Incoming { job: rendering, ingest_id: n as i64 + 2, observed_at: at(9 + n as u32) });
            assert!(!m.changed, "rendering {n}");
            assert_eq!(m.content_hash, hash);
            assert_eq!((m.job.skills.len(), m.job.client.hires), (2, Some(12)));
            s = into_stored(m);
        }
    }

    #[test]
    fn legacy_rows_take_any_rendering_as_newer_and_keep_their_hash() {
        let mut s = stored(job(), at(8), 1);
        s.observed_at = None;
        s.raw_ingest_id = None;
        s.content_hash = "hash-of-the-old-definition".into();
        let mut reordered = job();
        reordered.skills.reverse();
        let m = merge(Some(&s), Incoming { job: &reordered, ingest_id: 2, observed_at: at(7) });
        assert_eq!(m.job.skills, reordered.skills);
        assert!(!m.changed);
        assert_eq!(m.content_hash, "hash-of-the-old-definition");
    }
}
