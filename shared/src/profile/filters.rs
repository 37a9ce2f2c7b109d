//! Hard filters: checked before any scoring, so a job that cannot be taken costs no LLM call.

use super::Filters;
use crate::job::Job;

/// The first filter `job` fails, as a sentence naming it ("fixed budget $150 < $500"); `None`
/// when it passes. A value the export does not know never fails a filter.
pub fn failed_filter(job: &Job, filters: &Filters) -> Option<String> {
    if let (Some(min), Some(budget)) = (filters.min_fixed_budget, job.fixed_budget) {
        if budget < min {
            return Some(format!("fixed budget {} < {}", money(budget), money(min)));
        }
    }
    if let Some(min) = filters.min_hourly_rate {
        if let Some(best) = job.hourly_max.or(job.hourly_min) {
            if best < min {
                return Some(format!("hourly rate up to {}/h < {}/h", money(best), money(min)));
            }
        }
    }
    if filters.payment_verified_required && job.client.payment_verified == Some(false) {
        return Some("client payment not verified".into());
    }
    if let Some(country) = &job.client.country {
        if filters.excluded_client_countries.iter().any(|c| c.eq_ignore_ascii_case(country)) {
            return Some(format!("client country {country} is excluded"));
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

/// `$1,500` / `$12.50`.
pub fn money(amount: f64) -> String {
    let whole = amount.trunc() as i64;
    let cents = ((amount - amount.trunc()) * 100.0).round() as i64;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if cents == 0 {
        format!("${grouped}")
    } else {
        format!("${grouped}.{cents:02}")
    }
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
            skills: vec![],
            category: None,
            posted_at: None,
            proposals: None,
            client: Client::default(),
            screening_questions: vec![],
            external_urls: vec![],
            raw: serde_json::Value::Null,
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
    fn money_is_grouped() {
        assert_eq!(money(1500.0), "$1,500");
        assert_eq!(money(1234567.5), "$1,234,567.50");
        assert_eq!(money(0.0), "$0");
    }
}
