//! Hard filters: checked before any scoring, so a job that cannot be taken costs no LLM call.
//!
//! The profile's amounts are US dollars. A budget in another currency is converted with the
//! approximate table of [`crate::normalise::currency`] before it is compared; a budget in a
//! currency the table does not know never fails a filter (it is logged, saying why). Countries
//! match however they are spelled (`USA`, `US`, `United States of America`, `us`), through
//! [`crate::normalise::country::country_key`] on both sides.

use tracing::info;

use super::Filters;
use crate::job::Job;
use crate::normalise::country::country_key;
use crate::normalise::currency::{format_with_usd, grouped, to_usd};

/// The first filter `job` fails, as a sentence naming it ("fixed budget $150 < $500",
/// "fixed budget €300 (about $342) < $500"); `None` when it passes. A value the export does not
/// know never fails a filter, nor does a budget in a currency without a known rate.
pub fn failed_filter(job: &Job, filters: &Filters) -> Option<String> {
    let currency = job.currency.as_deref();
    let in_usd = |amount: f64, filter: &str| {
        let usd = to_usd(amount, currency);
        if usd.is_none() {
            info!(
                job_id = %job.job_id,
                currency = currency.unwrap_or(""),
                filter,
                "no exchange rate known for the job's currency: the budget filter does not apply"
            );
        }
        usd
    };
    if let (Some(min), Some(budget)) = (filters.min_fixed_budget, job.fixed_budget) {
        if in_usd(budget, "min_fixed_budget").is_some_and(|usd| usd < min) {
            return Some(format!("fixed budget {} < {}", format_with_usd(budget, currency, ""), money(min)));
        }
    }
    if let Some(min) = filters.min_hourly_rate {
        if let Some(best) = job.hourly_max.or(job.hourly_min) {
            if in_usd(best, "min_hourly_rate").is_some_and(|usd| usd < min) {
                return Some(format!("hourly rate up to {} < {}/h", format_with_usd(best, currency, "/h"), money(min)));
            }
        }
    }
    if filters.payment_verified_required && job.client.payment_verified == Some(false) {
        return Some("client payment not verified".into());
    }
    if let Some(country) = &job.client.country {
        if let Some(key) = country_key(country) {
            if filters.excluded_client_countries.iter().any(|c| country_key(c).as_ref() == Some(&key)) {
                return Some(format!("client country {country} is excluded"));
            }
        }
    }
    if let (Some(max), Some(p)) = (filters.max_proposals, job.proposals) {
        if p.min > max {
            let shown = match p.max {
                Some(hi) if hi != p.min => format!("{} to {hi}", p.min),
                Some(_) => p.min.to_string(),
                None => format!("{}+", p.min),
            };
            return Some(format!("proposals {shown} > {max}"));
        }
    }
    None
}

/// US dollars: `$1,500` / `$12.50`.
pub fn money(amount: f64) -> String {
    format!("${}", grouped(amount))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{Client, JobType, Proposals};

    fn job() -> Job {
        Job {
            job_id: "1".into(),
            url: None,
            title: "t".into(),
            description: None,
            job_type: JobType::Fixed,
            fixed_budget: None,
            hourly_min: None,
            hourly_max: None,
            currency: None,
            experience_level: None,
            duration: None,
            workload: None,
            skills: vec![],
            category: None,
            posted_at: None,
            proposals: None,
            client: Client::default(),
            screening_questions: vec![],
            external_urls: vec![],
            search_keyword: None,
            raw: Default::default(),
        }
    }

    #[test]
    fn each_filter_names_itself() {
        let filters = Filters {
            min_fixed_budget: Some(500.0),
            min_hourly_rate: Some(40.0),
            payment_verified_required: true,
            excluded_client_countries: vec!["Russia".into()],
            max_proposals: Some(20),
        };
        let mut j = job();
        assert_eq!(failed_filter(&j, &filters), None, "unknown values pass");
        j.fixed_budget = Some(150.0);
        assert_eq!(failed_filter(&j, &filters).unwrap(), "fixed budget $150 < $500");
        j.fixed_budget = Some(1500.0);
        j.hourly_min = Some(15.0);
        j.hourly_max = Some(25.5);
        assert_eq!(failed_filter(&j, &filters).unwrap(), "hourly rate up to $25.50/h < $40/h");
        j.hourly_max = Some(60.0);
        j.client.payment_verified = Some(false);
        assert_eq!(failed_filter(&j, &filters).unwrap(), "client payment not verified");
        j.client.payment_verified = Some(true);
        j.client.country = Some("russia".into());
        assert_eq!(failed_filter(&j, &filters).unwrap(), "client country russia is excluded");
        j.client.country = Some("Germany".into());
        j.proposals = Some(Proposals { min: 50, max: None });
        assert_eq!(failed_filter(&j, &filters).unwrap(), "proposals 50+ > 20");
        j.proposals = Some(Proposals { min: 10, max: Some(15) });
        assert_eq!(failed_filter(&j, &filters), None);
        assert_eq!(failed_filter(&j, &Filters::default()), None);
    }

    #[test]
    fn excluded_countries_match_every_spelling() {
        for excluded in ["USA", "US", "us", "United States", "United States of America", "united states"] {
            let filters = Filters { excluded_client_countries: vec![excluded.into()], ..Filters::default() };
            for country in ["United States", "USA", "US", "United States of America", "us", "U.S."] {
                let mut j = job();
                j.client.country = Some(country.into());
                assert_eq!(
                    failed_filter(&j, &filters),
                    Some(format!("client country {country} is excluded")),
                    "{excluded:?} excludes {country:?}"
                );
            }
            let mut j = job();
            j.client.country = Some("United Kingdom".into());
            assert_eq!(failed_filter(&j, &filters), None, "{excluded:?} leaves the UK");
        }
        let filters = Filters { excluded_client_countries: vec!["UK".into(), "IND".into()], ..Filters::default() };
        for country in ["GB", "GBR", "United Kingdom", "Great Britain", "uk", "India", "IN", "ind"] {
            let mut j = job();
            j.client.country = Some(country.into());
            assert!(failed_filter(&j, &filters).is_some(), "{country:?}");
        }
        for country in ["Indonesia", "Ukraine", "", "N/A"] {
            let mut j = job();
            j.client.country = Some(country.into());
            assert_eq!(failed_filter(&j, &filters), None, "{country:?}");
        }
    }

    #[test]
    fn budgets_in_another_currency_are_compared_in_us_dollars() {
        let filters = Filters { min_fixed_budget: Some(500.0), min_hourly_rate: Some(40.0), ..Filters::default() };
        let mut j = job();
        // €460 is about $524: over the $500 minimum, though 460 < 500.
        j.fixed_budget = Some(460.0);
        j.currency = Some("EUR".into());
        assert_eq!(failed_filter(&j, &filters), None);
        // ¥50,000 is about $345: under it, though 50,000 > 500.
        j.fixed_budget = Some(50_000.0);
        j.currency = Some("JPY".into());
        assert_eq!(failed_filter(&j, &filters).unwrap(), "fixed budget 50,000 JPY (about $345) < $500");
        j.fixed_budget = Some(400.0);
        j.currency = Some("EUR".into());
        assert_eq!(failed_filter(&j, &filters).unwrap(), "fixed budget €400 (about $456) < $500");
        j.currency = Some("USD".into());
        assert_eq!(failed_filter(&j, &filters).unwrap(), "fixed budget $400 < $500");
        // A currency without a known rate never fails the budget filters.
        j.currency = Some("XYZ".into());
        assert_eq!(failed_filter(&j, &filters), None);
        j.fixed_budget = None;
        j.hourly_max = Some(3.0);
        assert_eq!(failed_filter(&j, &filters), None);
        j.currency = Some("GBP".into());
        j.hourly_max = Some(25.0);
        assert_eq!(failed_filter(&j, &filters).unwrap(), "hourly rate up to £25/h (about $34/h) < $40/h");
        j.hourly_max = Some(32.0);
        assert_eq!(failed_filter(&j, &filters), None, "£32 is about $43");
    }

    #[test]
    fn money_is_grouped() {
        assert_eq!(money(1500.0), "$1,500");
        assert_eq!(money(1234567.5), "$1,234,567.50");
        assert_eq!(money(0.0), "$0");
    }
}
