//! How a job's facts read wherever upflow shows them: the rankings page, the bot's cards and
//! reports, and the alerts. One spelling for each: a budget is `$1,500 fixed` or `$30–$50/h`, a
//! client `✓ payment verified · ★ 4.9 (12 reviews) · $120,000 spent · 75% hire rate · Country`,
//! proposals `10–15`, an age `3 h` (`3 h ago`).
//!
//! Pure functions returning plain text: none of them escapes anything, so every caller escapes
//! for its own medium (maud escapes the page's HTML, the bot and the alerts Telegram's). Values
//! that are unknown or not finite are left out (`None`, or [`UNKNOWN`]), never shown as `NaN` or
//! a negative amount.

use chrono::{DateTime, Utc};

use crate::evaluation::{RateType, SuggestedBid};
use crate::job::{Client, Job, JobType};
use crate::profile::filters::money;
use crate::read::RankingItem;

/// What an unknown value is shown as.
pub const UNKNOWN: &str = "—";

/// A finite, non-negative amount.
fn known(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite() && *v >= 0.0)
}

/// An amount in the job's currency: `$1,500`, `€1,200`, `£900`, or `1,200 CAD` for a currency
/// without a symbol ([`crate::normalise::currency::format_amount`]); never `$` for another
/// currency.
pub fn amount(x: f64, currency: Option<&str>) -> String {
    crate::normalise::currency::format_amount(x, currency)
}

/// What a budget is read from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Budget<'a> {
    pub hourly: bool,
    pub fixed: Option<f64>,
    pub hourly_min: Option<f64>,
    pub hourly_max: Option<f64>,
    pub currency: Option<&'a str>,
}

impl<'a> From<&'a Job> for Budget<'a> {
    fn from(j: &'a Job) -> Self {
        Budget {
            hourly: j.job_type == JobType::Hourly,
            fixed: j.fixed_budget,
            hourly_min: j.hourly_min,
            hourly_max: j.hourly_max,
            currency: j.currency.as_deref(),
        }
    }
}

impl<'a> From<&'a RankingItem> for Budget<'a> {
    fn from(i: &'a RankingItem) -> Self {
        Budget {
            hourly: i.job_type.eq_ignore_ascii_case("hourly"),
            fixed: i.fixed_budget,
            hourly_min: i.hourly_min,
            hourly_max: i.hourly_max,
            currency: i.currency.as_deref(),
        }
    }
}

/// The budget: `$1,500 fixed`, `$30–$50/h` or `$30/h`; `None` when unknown. Hourly jobs show
/// their rate first, other jobs their fixed budget first; either falls back on the other when it
/// is all the export knows.
pub fn budget(b: &Budget) -> Option<String> {
    let cur = b.currency;
    let fixed = || known(b.fixed).map(|x| format!("{} fixed", amount(x, cur)));
    let hourly = || match (known(b.hourly_min), known(b.hourly_max)) {
        (Some(lo), Some(hi)) if lo != hi => Some(format!("{}–{}/h", amount(lo, cur), amount(hi, cur))),
        (Some(x), _) | (_, Some(x)) => Some(format!("{}/h", amount(x, cur))),
        (None, None) => None,
    };
    if b.hourly {
        hourly().or_else(fixed)
    } else {
        fixed().or_else(hourly)
    }
}

/// How long ago a job was posted, from its age in hours: `just now`, `25 min`, `3 h`, `2 d`;
/// `—` when unknown. A negative age (a clock ahead of ours) is `just now`.
pub fn age(hours: Option<f64>) -> String {
    let Some(hours) = hours.filter(|h| h.is_finite()) else {
        return UNKNOWN.into();
    };
    let minutes = (hours * 60.0).round();
    if minutes < 1.0 {
        "just now".into()
    } else if minutes < 60.0 {
        format!("{minutes:.0} min")
    } else if minutes < 24.0 * 60.0 {
        format!("{:.0} h", (minutes / 60.0).floor())
    } else {
        format!("{:.0} d", (minutes / (24.0 * 60.0)).floor())
    }
}

/// [`age`] of `at` seen from `now`, as a phrase: `25 min ago`, `3 h ago`, `2 d ago`, `just now`.
pub fn ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let hours = (now - at).num_seconds() as f64 / 3600.0;
    match age(Some(hours)) {
        now if now == "just now" => now,
        shown => format!("{shown} ago"),
    }
}

/// The client's signals, each one short phrase: `✓ payment verified` or `✗ payment not
/// verified`, `★ 4.9` (with `(12 reviews)` when known), `$120,000 spent`, `75% hire rate`, the
/// country. Unknown signals are left out.
pub fn client_parts(c: &Client) -> Vec<String> {
    let mut parts = Vec::new();
    match c.payment_verified {
        Some(true) => parts.push("✓ payment verified".to_string()),
        Some(false) => parts.push("✗ payment not verified".to_string()),
        None => {}
    }
    if let Some(rating) = known(c.rating) {
        let reviews = match c.reviews {
            Some(1) => " (1 review)".to_string(),
            Some(n) => format!(" ({n} reviews)"),
            None => String::new(),
        };
        parts.push(format!("★ {rating:.1}{reviews}"));
    }
    if let Some(spent) = known(c.total_spent) {
        parts.push(format!("{} spent", money(spent)));
    }
    if let Some(rate) = known(c.hire_rate) {
        parts.push(format!("{rate:.0}% hire rate"));
    }
    if let Some(country) = c.country.as_deref().map(one_line).filter(|c| !c.is_empty()) {
        parts.push(country);
    }
    parts
}

/// [`client_parts`] joined with ` · `; `None` when nothing is known.
pub fn client(c: &Client) -> Option<String> {
    let parts = client_parts(c);
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The proposals so far: `5`, `10–15`, `50+`, `≤ 5`; `None` when unknown.
pub fn proposals(min: Option<i64>, max: Option<i64>) -> Option<String> {
    match (min.filter(|n| *n >= 0), max.filter(|n| *n >= 0)) {
        (Some(lo), Some(hi)) if hi > lo => Some(format!("{lo}–{hi}")),
        (Some(lo), Some(_)) => Some(lo.to_string()),
        (Some(lo), None) => Some(format!("{lo}+")),
        (None, Some(hi)) => Some(format!("≤ {hi}")),
        (None, None) => None,
    }
}

/// [`proposals`] with its noun: `10–15 proposals`, `1 proposal`.
pub fn proposals_phrase(min: Option<i64>, max: Option<i64>) -> Option<String> {
    let figure = proposals(min, max)?;
    let noun = if figure == "1" { "proposal" } else { "proposals" };
    Some(format!("{figure} {noun}"))
}

/// A score with at most one decimal: `82.5`, `81`; `—` when not finite.
pub fn score(x: f64) -> String {
    if !x.is_finite() {
        return UNKNOWN.into();
    }
    let s = format!("{x:.1}");
    match s.strip_suffix(".0") {
        Some("-0") => "0".into(),
        Some(whole) => whole.into(),
        None => s,
    }
}

/// The suggested bid's figure: `$4,000 fixed`, `$55/h`, or `no figure` (in US dollars, as the
/// scorers state it).
pub fn bid(bid: &SuggestedBid) -> String {
    match known(bid.amount) {
        Some(x) => match bid.rate_type {
            RateType::Fixed => format!("{} fixed", money(x)),
            RateType::Hourly => format!("{}/h", money(x)),
        },
        None => "no figure".into(),
    }
}

/// Whitespace runs (newlines included) collapsed to single spaces, trimmed.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::evaluation::Assessment;
    use chrono::{TimeZone, Utc};

    /// A fixed-price job with every signal known.
    pub(crate) fn item() -> RankingItem {
        RankingItem {
            rank: 1,
            job_id: "2058436318428575090".into(),
            title: "RAG pipeline over contract PDFs".into(),
            url: Some("https://www.upwork.com/jobs/~012058436318428575090".into()),
            job_type: "fixed".into(),
            fixed_budget: Some(1500.0),
            hourly_min: None,
            hourly_max: None,
            currency: Some("USD".into()),
            posted_at: Some(Utc.with_ymd_and_hms(2026, 11, 20, 5, 30, 0).unwrap()),
            age_hours: Some(3.0),
            proposals_min: Some(10),
            proposals_max: Some(15),
            client_country: Some("United States".into()),
            client_payment_verified: Some(true),
            client_rating: Some(4.93),
            client_total_spent: Some(120_000.0),
            client_hire_rate: Some(75.0),
            skills: vec!["Python".into(), "pgvector".into()],
            total: 81.5,
            priority: "High".into(),
            relevant: true,
            scorer: "rules".into(),
            model: None,
            assessment: Assessment::example(),
            evaluated_at: Utc.with_ymd_and_hms(2026, 11, 20, 8, 31, 0).unwrap(),
            profile_version: "0123456789abcdef".into(),
            stale: false,
        }
    }

    fn budget_text(i: &RankingItem) -> String {
        budget(&Budget::from(i)).unwrap_or_else(|| UNKNOWN.into())
    }

    fn client_text(i: &RankingItem) -> String {
        client(&i.client()).unwrap_or_else(|| UNKNOWN.into())
    }

    fn proposals_text(i: &RankingItem) -> String {
        proposals(i.proposals_min.map(i64::from), i.proposals_max.map(i64::from)).unwrap_or_else(|| UNKNOWN.into())
    }

    #[test]
    fn budgets() {
        let mut i = item();
        assert_eq!(budget_text(&i), "$1,500 fixed");
        i.fixed_budget = Some(2250.5);
        assert_eq!(budget_text(&i), "$2,250.50 fixed");
        i.job_type = "hourly".into();
        i.fixed_budget = None;
        i.hourly_min = Some(30.0);
        i.hourly_max = Some(50.0);
        assert_eq!(budget_text(&i), "$30–$50/h");
        i.hourly_max = Some(30.0);
        assert_eq!(budget_text(&i), "$30/h");
        i.hourly_min = None;
        assert_eq!(budget_text(&i), "$30/h");
        i.currency = Some("EUR".into());
        assert_eq!(budget_text(&i), "€30/h");
        i.hourly_min = Some(25.0);
        assert_eq!(budget_text(&i), "€25–€30/h");
        i.hourly_min = None;
        i.hourly_max = Some(f64::NAN);
        assert_eq!(budget_text(&i), "—");
        // An hourly job that only states a fixed figure still shows it, and vice versa.
        i.fixed_budget = Some(800.0);
        i.currency = None;
        assert_eq!(budget_text(&i), "$800 fixed");
        i.job_type = "unknown".into();
        i.fixed_budget = Some(-5.0);
        i.hourly_min = Some(40.0);
        assert_eq!(budget_text(&i), "$40/h");
    }

    #[test]
    fn a_budget_in_euros_shows_euros_not_dollars() {
        let mut i = item();
        i.currency = Some("EUR".into());
        i.fixed_budget = Some(1200.0);
        assert_eq!(budget_text(&i), "€1,200 fixed");
        assert!(!budget_text(&i).contains('$'));
    }

    #[test]
    fn ages() {
        assert_eq!(age(None), "—");
        assert_eq!(age(Some(f64::INFINITY)), "—");
        assert_eq!(age(Some(-0.5)), "just now");
        assert_eq!(age(Some(0.0)), "just now");
        assert_eq!(age(Some(0.4)), "24 min");
        assert_eq!(age(Some(0.999)), "1 h");
        assert_eq!(age(Some(3.0)), "3 h");
        assert_eq!(age(Some(23.9)), "23 h");
        assert_eq!(age(Some(24.0)), "1 d");
        assert_eq!(age(Some(50.0)), "2 d");
        assert_eq!(age(Some(24.0 * 40.0)), "40 d");
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
        assert_eq!(ago(now - chrono::Duration::minutes(25), now), "25 min ago");
        assert_eq!(ago(now - chrono::Duration::hours(47), now), "1 d ago");
        assert_eq!(ago(now + chrono::Duration::hours(2), now), "just now");
    }

    #[test]
    fn client_signals() {
        let mut i = item();
        assert_eq!(client_text(&i), "✓ payment verified · ★ 4.9 · $120,000 spent · 75% hire rate · United States");
        i.client_payment_verified = Some(false);
        i.client_rating = None;
        i.client_total_spent = Some(f64::NAN);
        i.client_hire_rate = Some(133.3);
        i.client_country = Some("  New\nZealand ".into());
        assert_eq!(client_text(&i), "✗ payment not verified · 133% hire rate · New Zealand");
        i.client_payment_verified = None;
        i.client_hire_rate = None;
        i.client_country = Some("  ".into());
        assert_eq!(client_parts(&i.client()), Vec::<String>::new());
        assert_eq!(client_text(&i), "—");
        let reviewed = Client { rating: Some(4.93), reviews: Some(12), ..Client::default() };
        assert_eq!(client(&reviewed).as_deref(), Some("★ 4.9 (12 reviews)"));
        let one = Client { rating: Some(5.0), reviews: Some(1), ..Client::default() };
        assert_eq!(client(&one).as_deref(), Some("★ 5.0 (1 review)"));
    }

    #[test]
    fn proposals_scores_and_bids() {
        let mut i = item();
        assert_eq!(proposals_text(&i), "10–15");
        i.proposals_max = Some(10);
        assert_eq!(proposals_text(&i), "10");
        i.proposals_max = None;
        i.proposals_min = Some(50);
        assert_eq!(proposals_text(&i), "50+");
        assert_eq!(proposals_phrase(Some(50), None).as_deref(), Some("50+ proposals"));
        assert_eq!(proposals_phrase(Some(1), Some(1)).as_deref(), Some("1 proposal"));
        i.proposals_min = None;
        assert_eq!(proposals_text(&i), "—");
        i.proposals_max = Some(5);
        assert_eq!(proposals_text(&i), "≤ 5");

        assert_eq!(score(81.5), "81.5");
        assert_eq!(score(81.0), "81");
        assert_eq!(score(79.96), "80");
        assert_eq!(score(-0.01), "0");
        assert_eq!(score(f64::NAN), "—");

        let mut b = Assessment::example().suggested_bid;
        assert_eq!(bid(&b), "$4,000 fixed");
        b.rate_type = RateType::Hourly;
        b.amount = Some(55.0);
        assert_eq!(bid(&b), "$55/h");
        b.amount = None;
        assert_eq!(bid(&b), "no figure");
    }

    #[test]
    fn currencies() {
        assert_eq!(amount(1500.0, None), "$1,500");
        assert_eq!(amount(1500.0, Some("usd")), "$1,500");
        assert_eq!(amount(1500.0, Some(" GBP ")), "£1,500");
        assert_eq!(amount(1200.0, Some("EUR")), "€1,200");
        assert_eq!(amount(1200.0, Some("CAD")), "1,200 CAD");
        assert_eq!(amount(1.0, Some("A VERY LONG CURRENCY NAME")), "1 AVERYLONGC");
    }
}
