//! Turns one record's aliased values ("hits") into a canonical [`Job`], or a rejection reason.
//!
//! Resolution rules, the same for every actor:
//! - for a scalar field, the best-ranked alias whose value normalises wins;
//! - for a list field (skills, questions), the best-ranked alias that has any value supplies
//!   the whole list, in array order;
//! - a budget whose kind is not stated by its own text (`30 - 50`) takes it from the job type,
//!   and a range is hourly;
//! - the job id is the Upwork id in the job's URL when it has one, else the id column's
//!   ([`job_id`]);
//! - a packed terms string in a budget column (`Hourly: $10.00 - $30.00 Expert Est. time: 1 to
//!   3 months, 30+ hrs/week`) fills the type, rate, level, duration and workload it states;
//! - a `0` hourly rate on a fixed-price job, or a `0` fixed budget on an hourly one, is no
//!   value (raw marketplace items carry both kinds, zeroed);
//! - a title is cleaned of entities and a trailing ` - Upwork`, a URL of an escaped `~`, and a
//!   description that holds HTML is turned into text;
//! - a yes/no job type (`is_hourly`) is hourly when yes, fixed-price when no.

use chrono::{DateTime, Utc};

use super::aliases::{Field, Target};
use crate::job::{Client, Job, JobType};
use crate::normalise::{
    boolean::parse_bool,
    country::normalise_country,
    date::parse_timestamp,
    html::{html_to_text, looks_like_html},
    job_type::parse_job_type,
    money::{budget_currency, parse_amount, parse_budget},
    number::{parse_count, parse_percent, parse_rating},
    packed::{parse_terms, Terms},
    proposals::parse_proposals,
    text::{
        clean, clean_title, clean_url, extract_urls, job_id_from_url, normalise_job_id, split_list, url_from_job_id,
    },
};

/// One source value that the alias table mapped onto a field.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub target: Target,
    /// Array position for `tags/3`-style keys; `None` for a single cell.
    pub index: Option<u32>,
    pub value: &'a str,
}

impl Hit<'_> {
    /// The order [`build_job`] reads hits in: by field, then by the alias's rank, then by array
    /// position (none first), packed into one number that orders as that triple does (field
    /// and rank take 8 bits each, the position 33), so sorting compares one word.
    pub fn order(&self) -> u64 {
        let index = self.index.map_or(0, |i| u64::from(i) + 1);
        (self.target.field as u64) << 48 | u64::from(self.target.rank) << 40 | index
    }
}

/// Why a record could not become a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    MissingTitle,
    MissingIdAndUrl,
}

impl Rejection {
    /// The reason as a rejected row states it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Rejection::MissingTitle => "missing title",
            Rejection::MissingIdAndUrl => "missing both job id and url",
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Builds a job from a record's hits. `hits` is sorted in place (by [`Hit::order`]; a CSV
/// row's come in that order already); `reference` resolves relative dates such as "Posted 17
/// minutes ago". The job's [`Job::raw`] is left `Null` for the caller to fill: the hits usually
/// borrow from the raw record, so it can only move in afterwards.
pub fn build_job(hits: &mut [Hit<'_>], reference: DateTime<Utc>) -> Result<Box<Job>, Rejection> {
    if !hits.is_sorted_by_key(Hit::order) {
        hits.sort_by_key(Hit::order);
    }
    let fields = Fields::new(hits);

    let Some(title) = fields.first(Field::Title, clean_title) else {
        return Err(Rejection::MissingTitle);
    };
    let mut url = fields.first(Field::Url, clean_url);
    let Some(job_id) = job_id(fields.first(Field::JobId, normalise_job_id), url.as_deref()) else {
        return Err(Rejection::MissingIdAndUrl);
    };
    if url.is_none() {
        url = url_from_job_id(&job_id);
    }

    let description = fields.first(Field::Description, description);
    let mut job_type = fields.first(Field::JobType, job_type_of).unwrap_or_default();
    let mut fixed_budget = fields.first(Field::FixedBudget, parse_amount);
    let mut hourly_min = fields.first(Field::HourlyMin, parse_amount);
    let mut hourly_max = fields.first(Field::HourlyMax, parse_amount);
    let mut experience = fields.first(Field::ExperienceLevel, experience_level);
    let mut duration = fields.first(Field::Duration, clean);
    let mut workload = fields.first(Field::Workload, clean);
    let mut symbol_currency = None;
    // A packed terms cell ("Hourly: $10.00 - $30.00 Expert Est. time: 1 to 3 months, 30+
    // hrs/week") in a budget or job type column fills what the record's own columns do not.
    let mut packed = fields.first(Field::Budget, packed_terms).or_else(|| fields.first(Field::JobType, packed_terms));
    if let Some((terms, currency)) = &mut packed {
        symbol_currency = *currency;
        if job_type == JobType::Unknown {
            job_type = terms.job_type.unwrap_or_default();
        }
        hourly_min = hourly_min.or(terms.hourly_min);
        hourly_max = hourly_max.or(terms.hourly_max);
        fixed_budget = fixed_budget.or(terms.fixed_budget);
        experience = experience.or_else(|| terms.experience_level.take());
        duration = duration.or_else(|| terms.duration.take());
        workload = workload.or_else(|| terms.workload.take());
    }
    // A budget in the job type's own text ("Hourly: $60.00 - $120.00") or in a budget column.
    let budget = match packed {
        Some(_) => None,
        None => fields
            .first(Field::JobType, |s| parse_budget(s).filter(|b| b.kind.is_some()))
            .or_else(|| fields.first(Field::Budget, parse_budget)),
    };
    if let Some(b) = budget {
        symbol_currency = b.currency;
        let kind = b.kind.unwrap_or(match (job_type, b.max) {
            (JobType::Unknown, Some(_)) => JobType::Hourly,
            (JobType::Unknown, None) => JobType::Unknown,
            (known, _) => known,
        });
        match kind {
            JobType::Hourly => {
                hourly_min = hourly_min.or(Some(b.min));
                hourly_max = hourly_max.or(b.max.or(Some(b.min)));
            }
            JobType::Fixed => fixed_budget = fixed_budget.or(Some(b.max.unwrap_or(b.min))),
            JobType::Unknown => fixed_budget = fixed_budget.or(Some(b.min)),
        }
        if job_type == JobType::Unknown {
            job_type = kind;
        }
    }
    if job_type == JobType::Unknown {
        let nonzero = |v: Option<f64>| v.is_some_and(|x| x != 0.0);
        job_type = if nonzero(hourly_min) || nonzero(hourly_max) {
            JobType::Hourly
        } else if nonzero(fixed_budget) {
            JobType::Fixed
        } else if hourly_min.is_some() || hourly_max.is_some() {
            JobType::Hourly
        } else if fixed_budget.is_some() {
            JobType::Fixed
        } else {
            JobType::Unknown
        };
    }
    // The other kind's zero is no value: a fixed job with hourly min 0.
    match job_type {
        JobType::Fixed => {
            hourly_min = hourly_min.filter(|v| *v != 0.0);
            hourly_max = hourly_max.filter(|v| *v != 0.0);
        }
        JobType::Hourly => fixed_budget = fixed_budget.filter(|v| *v != 0.0),
        JobType::Unknown => {}
    }
    let currency = fields
        .first(Field::Currency, |s| {
            let s = s.trim();
            (s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic())).then(|| s.to_ascii_uppercase())
        })
        .or_else(|| symbol_currency.map(str::to_string));

    let external_urls = description.as_deref().map(extract_urls).unwrap_or_default();
    // Built in its box: a `Job` is several hundred bytes, and the caller boxes it anyway.
    Ok(Box::new(Job {
        job_id,
        url,
        title,
        description,
        job_type,
        fixed_budget,
        hourly_min,
        hourly_max,
        currency,
        experience_level: experience,
        duration,
        workload,
        skills: fields.list(Field::Skills, true),
        category: fields.first(Field::Category, clean),
        posted_at: fields.first(Field::PostedAt, |s| parse_timestamp(s, reference)),
        proposals: fields.first(Field::Proposals, parse_proposals),
        client: Client {
            country: fields.first(Field::ClientCountry, normalise_country),
            payment_verified: fields.first(Field::PaymentVerified, parse_bool),
            rating: fields.first(Field::ClientRating, parse_rating),
            reviews: fields.first(Field::ClientReviews, parse_count),
            total_spent: fields.first(Field::ClientTotalSpent, parse_amount),
            hires: fields.first(Field::ClientHires, parse_count),
            hire_rate: fields.first(Field::ClientHireRate, parse_percent),
            avg_hourly_rate: fields
                .first(Field::ClientAvgHourlyRate, |s| parse_amount(s).or_else(|| parse_budget(s).map(|b| b.min))),
            jobs_posted: fields.first(Field::ClientJobsPosted, parse_count),
        },
        screening_questions: fields.list(Field::Questions, false),
        external_urls,
        search_keyword: None,
        raw: Default::default(),
    }))
}

/// The job's id, from the record's id column (`column`, normalised) and its URL.
///
/// Upwork's job id is the one in the job's URL (`…_~022058436318428575090` ->
/// `2058436318428575090`, or a `~01…` ciphertext), so when the URL carries one, it wins over an
/// `id` column that says something else: a scraper's own `id` is often its dataset row number
/// or a UUID, and taking it would store the same Upwork job under a different id in each
/// dataset (so it would be scored and alerted again) and break links by id. An id column
/// holding the Upwork id itself (`2058436318428575090`, `~022058436318428575090`, the `~01…`
/// ciphertext) agrees with the URL and changes nothing. Without an Upwork id in the URL, the id
/// column is taken as it is; with neither, the URL's fingerprint ([`url_fingerprint`]).
fn job_id(column: Option<String>, url: Option<&str>) -> Option<String> {
    url.and_then(job_id_from_url).or(column).or_else(|| url.map(url_fingerprint))
}

/// A stable id for a job known only by a URL without Upwork's ciphertext.
fn url_fingerprint(url: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(url.trim().as_bytes());
    format!("url-{}", hex::encode(&digest[..10]))
}

/// A packed terms cell, when it states more than a type and a budget (a level, a duration or a
/// workload), with the currency its symbol implies.
fn packed_terms(s: &str) -> Option<(Terms, Option<&'static str>)> {
    // `$100.00`, `30 - 50`: too short to hold a level or a duration besides the pay.
    if s.len() < 12 || !s.contains(' ') {
        return None;
    }
    let terms = parse_terms(s);
    let packed = terms.experience_level.is_some() || terms.duration.is_some() || terms.workload.is_some();
    packed.then(|| (terms, budget_currency(s)))
}

/// A job type as text (`Hourly`, `FIXED`), or as a yes/no "is hourly" flag (`True`, `no`; a
/// digit is a type code some APIs use, never read as yes/no).
fn job_type_of(s: &str) -> Option<JobType> {
    parse_job_type(s).or_else(|| {
        let flag = parse_bool(s).filter(|_| !s.bytes().any(|b| b.is_ascii_digit()))?;
        Some(if flag { JobType::Hourly } else { JobType::Fixed })
    })
}

/// A description as text: HTML (`<p>…</p>`, `&amp;`) turned into text first.
fn description(s: &str) -> Option<String> {
    if looks_like_html(s) {
        clean(&html_to_text(s))
    } else {
        clean(s)
    }
}

/// Upwork's three tiers under one spelling; anything else is kept as written.
fn experience_level(s: &str) -> Option<String> {
    let cleaned = clean(s)?;
    let lower = cleaned.to_ascii_lowercase();
    let level = if lower.contains("entry") || lower == "1" {
        "Entry"
    } else if lower.contains("intermediate") || lower == "2" {
        "Intermediate"
    } else if lower.contains("expert") || lower == "3" {
        "Expert"
    } else {
        return Some(cleaned);
    };
    Some(level.to_string())
}

/// The hits of one record, sorted by (field, rank, index), with where each field's run starts.
struct Fields<'h, 'a> {
    hits: &'h [Hit<'a>],
    /// `hits[starts[f]..starts[f + 1]]` are field `f`'s hits: found in one pass, so that each
    /// of the ~30 lookups of a record is an index, not two binary searches.
    starts: [u32; Field::COUNT + 1],
}

impl<'h, 'a> Fields<'h, 'a> {
    fn new(hits: &'h [Hit<'a>]) -> Self {
        // Each field's run starts at its first hit, or where the next field's does.
        let mut starts = [hits.len() as u32; Field::COUNT + 1];
        let mut next = 0;
        for (i, hit) in hits.iter().enumerate() {
            let f = hit.target.field as usize;
            if f >= next {
                starts[next..=f].fill(i as u32);
                next = f + 1;
            }
        }
        Fields { hits, starts }
    }

    fn of(&self, field: Field) -> &'h [Hit<'a>] {
        let f = field as usize;
        &self.hits[self.starts[f] as usize..self.starts[f + 1] as usize]
    }

    /// The first value, in alias order, that `parse` accepts.
    fn first<T>(&self, field: Field, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        self.of(field).iter().find_map(|h| parse(h.value))
    }

    /// The list from the best alias that has any value. Single cells are split into items when
    /// `split_cells` is set (a "Skills" column holding "Python, Django").
    fn list(&self, field: Field, split_cells: bool) -> Vec<String> {
        let hits = self.of(field);
        let Some(best) = hits.first().map(|h| h.target.rank) else {
            return Vec::new();
        };
        let mut items: Vec<String> = Vec::new();
        for hit in hits.iter().take_while(|h| h.target.rank == best) {
            let new = match (hit.index, split_cells) {
                (None, true) => split_list(hit.value),
                _ => {
                    // One item: no vector for it.
                    if let Some(item) = clean(hit.value) {
                        if !items.contains(&item) {
                            items.push(item);
                        }
                    }
                    continue;
                }
            };
            // A split cell's items are already free of duplicates.
            if items.is_empty() {
                items = new;
                continue;
            }
            for item in new {
                if !items.contains(&item) {
                    items.push(item);
                }
            }
        }
        items
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hits_order_as_field_rank_and_position() {
        use super::{Field, Hit, Target};
        let mut hits = Vec::new();
        for (field, _) in Field::NAMES {
            for rank in [0, 1, 7, u8::MAX] {
                for index in [None, Some(0), Some(1), Some(41), Some(u32::MAX)] {
                    hits.push(Hit { target: Target { field, rank }, index, value: "" });
                }
            }
        }
        for a in &hits {
            for b in &hits {
                let triple = |h: &Hit| (h.target.field, h.target.rank, h.index);
                assert_eq!(a.order().cmp(&b.order()), triple(a).cmp(&triple(b)));
            }
        }
        // Each field's run, as found by a search for it.
        hits.sort_by_key(Hit::order);
        for pick in [1usize, 3, 7] {
            let some: Vec<Hit> = hits.iter().step_by(pick * 13).copied().collect();
            let fields = super::Fields::new(&some);
            for (field, _) in Field::NAMES {
                let expected: Vec<u64> = some.iter().filter(|h| h.target.field == field).map(Hit::order).collect();
                assert_eq!(fields.of(field).iter().map(Hit::order).collect::<Vec<_>>(), expected, "{field:?}");
            }
        }
    }
}
