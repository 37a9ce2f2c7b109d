//! The rules scorer: deterministic and offline, from the same profile and in the same shape as
//! the LLM's answer. Technical fit comes from the profile's keywords found in the title, skills
//! and description; budget, client and competition from fixed heuristics; clarity from how much
//! and how structured the description is.

use std::time::Instant;

use crate::evaluation::{Assessment, Complexity, CriterionScore, RateType, Scores, SuggestedBid, Usage};
use crate::job::{Job, JobType};
use crate::normalise::currency::{format_amount, format_with_usd, to_usd};
use crate::profile::filters::money;
use crate::profile::{Level, Profile};

use super::Scored;

/// The rules scorer has no state: the profile comes with each call.
#[derive(Debug, Clone, Default)]
pub struct RulesScorer;

impl RulesScorer {
    pub fn score(&self, job: &Job, profile: &Profile) -> Scored {
        let started = Instant::now();
        let assessment = assess(job, profile, chrono::Utc::now());
        Scored { assessment, usage: Usage::default(), model: None, latency: started.elapsed(), cost_usd: Some(0.0) }
    }
}

/// The assessment of `job` under `profile`, with job ages counted from `now`.
pub fn assess(job: &Job, profile: &Profile, now: chrono::DateTime<chrono::Utc>) -> Assessment {
    let fit = technical_fit(job, profile);
    let budget = budget(job);
    let client = client(job);
    let clarity = clarity(job);
    let competition = competition(job, now);
    let mut red_flags = red_flags(job, profile);
    let relevant = !fit.areas.is_empty();
    if !relevant {
        red_flags.push("no overlap with the profile's expertise".into());
    }
    let project_type = fit.areas.first().cloned().or_else(|| job.category.clone()).unwrap_or_else(|| "General".into());
    let summary = format!("{project_type}: {}", one_line(&job.title, 100));
    let mut tech_stack: Vec<String> = fit.keywords.clone();
    for s in &job.skills {
        if tech_stack.len() >= 10 {
            break;
        }
        if !tech_stack.iter().any(|t| t.eq_ignore_ascii_case(s)) {
            tech_stack.push(s.clone());
        }
    }
    Assessment {
        relevant,
        irrelevant_reason: (!relevant).then(|| "None of the profile's expertise keywords appear in the job.".into()),
        scores: Scores { budget, client, clarity, technical_fit: fit.score, competition },
        tech_stack,
        project_type,
        complexity: complexity(job),
        matched_expertise: fit.areas,
        red_flags,
        summary,
        suggested_bid: suggested_bid(job),
    }
}

fn score(value: f64, reason: String) -> CriterionScore {
    CriterionScore { score: (value.clamp(0.0, 10.0) * 10.0).round() / 10.0, reason }
}

struct Fit {
    score: CriterionScore,
    areas: Vec<String>,
    keywords: Vec<String>,
}

fn technical_fit(job: &Job, profile: &Profile) -> Fit {
    let title = job.title.to_lowercase();
    let skills = job.skills.join(" | ").to_lowercase();
    let description = job.description.as_deref().unwrap_or("").to_lowercase();
    let mut points = 0.0;
    let mut areas = Vec::new();
    let mut keywords = Vec::new();
    for area in &profile.expertise {
        let level = match area.level {
            Level::Expert => 1.0,
            Level::Advanced => 0.85,
            Level::Intermediate => 0.6,
            Level::Beginner => 0.4,
        };
        let mut area_points: f64 = 0.0;
        for keyword in &area.keywords {
            let k = keyword.to_lowercase();
            let hit = if contains_word(&title, &k) {
                2.0
            } else if contains_word(&skills, &k) {
                1.5
            } else if contains_word(&description, &k) {
                1.0
            } else {
                0.0
            };
            if hit > 0.0 {
                area_points += hit;
                keywords.push(keyword.clone());
            }
        }
        if area_points > 0.0 {
            areas.push(area.name.clone());
            points += area_points.min(4.0) * level;
        }
    }
    let value = if areas.is_empty() { 0.5 } else { 3.0 + points * 1.1 };
    let reason = match areas.len() {
        0 => "No keyword of the profile's expertise appears in the job.".to_string(),
        _ => format!(
            "Matches {} ({}).",
            areas.join(", "),
            keywords.iter().take(6).cloned().collect::<Vec<_>>().join(", ")
        ),
    };
    Fit { score: score(value, reason), areas, keywords }
}

/// `needle` in `haystack` at word boundaries (so "ci" does not match "special").
fn contains_word(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let bytes = haystack.as_bytes();
    let mut from = 0;
    while let Some(pos) = haystack[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let after = end == bytes.len() || !bytes[end].is_ascii_alphanumeric() || bytes[end] == b's';
        if before && after {
            return true;
        }
        from = start + needle.len().max(1);
        while from < haystack.len() && !haystack.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// The budget criterion, banded in US dollars (a budget in another currency is converted with
/// [`crate::normalise::currency`]'s approximate table; one in an unknown currency is not rated).
fn budget(job: &Job) -> CriterionScore {
    let cur = job.currency.as_deref();
    let unrated = |x: f64| {
        score(4.0, format!("Budget {}: no exchange rate is known for it, so it is not rated.", format_amount(x, cur)))
    };
    match job.job_type {
        JobType::Fixed | JobType::Unknown if job.fixed_budget.is_some() => {
            let b = job.fixed_budget.unwrap_or_default();
            let Some(usd) = to_usd(b, cur) else { return unrated(b) };
            let v = match usd {
                b if b < 250.0 => 1.0,
                b if b < 500.0 => 2.5,
                b if b < 1000.0 => 4.5,
                b if b < 2000.0 => 6.0,
                b if b < 3000.0 => 7.0,
                b if b < 5000.0 => 8.0,
                b if b < 10_000.0 => 9.0,
                _ => 10.0,
            };
            score(v, format!("Fixed budget {}.", format_with_usd(b, cur, "")))
        }
        JobType::Hourly if job.hourly_max.or(job.hourly_min).is_some() => {
            let top = job.hourly_max.or(job.hourly_min).unwrap_or_default();
            let Some(top_usd) = to_usd(top, cur) else { return unrated(top) };
            let v = match top_usd {
                r if r < 20.0 => 1.5,
                r if r < 30.0 => 3.0,
                r if r < 40.0 => 4.5,
                r if r < 60.0 => 6.0,
                r if r < 80.0 => 7.5,
                r if r < 100.0 => 8.5,
                _ => 9.5,
            };
            let range = match (job.hourly_min, job.hourly_max) {
                (Some(lo), Some(hi)) if lo != hi => {
                    format!("{}-{}", format_amount(lo, cur), format_with_usd(hi, cur, "/h"))
                }
                _ => format_with_usd(top, cur, "/h"),
            };
            score(v, format!("Hourly rate {range}."))
        }
        _ => score(4.0, "The budget is not stated.".into()),
    }
}

fn client(job: &Job) -> CriterionScore {
    let c = &job.client;
    let mut v: f64 = 5.0;
    let mut notes = Vec::new();
    match c.payment_verified {
        Some(true) => {
            v += 1.5;
            notes.push("payment verified".to_string());
        }
        Some(false) => {
            v -= 3.0;
            notes.push("payment not verified".to_string());
        }
        None => {}
    }
    match c.rating {
        Some(r) if r >= 4.8 => v += 1.5,
        Some(r) if r >= 4.5 => v += 1.0,
        Some(r) if r < 4.0 => v -= 1.5,
        Some(_) => {}
        None => v -= 0.5,
    }
    if let Some(r) = c.rating {
        notes.push(format!("rating {r:.1}"));
    }
    match c.total_spent {
        Some(t) if t >= 50_000.0 => v += 1.5,
        Some(t) if t >= 10_000.0 => v += 1.0,
        Some(t) if t >= 1_000.0 => v += 0.5,
        Some(_) => v -= 1.0,
        None => {}
    }
    if let Some(t) = c.total_spent {
        notes.push(format!("{} spent", money(t)));
    }
    match c.hire_rate {
        Some(h) if h >= 70.0 => v += 0.5,
        Some(h) if h < 30.0 => v -= 1.0,
        _ => {}
    }
    if let Some(h) = c.hire_rate {
        notes.push(format!("{h:.0}% hire rate"));
    }
    let reason = if notes.is_empty() {
        "Nothing is known about the client.".to_string()
    } else {
        capitalise(&notes.join(", ")) + "."
    };
    score(v, reason)
}

fn clarity(job: &Job) -> CriterionScore {
    let d = job.description.as_deref().unwrap_or("");
    let chars = d.chars().count();
    let mut v: f64 = match chars {
        0..=149 => 2.0,
        150..=499 => 4.5,
        500..=1499 => 6.5,
        1500..=4999 => 7.5,
        _ => 8.0,
    };
    let structured = d.lines().filter(|l| {
        let t = l.trim_start();
        t.starts_with(['-', '•', '*', '·'])
            || t.split_once(['.', ')'])
                .is_some_and(|(n, _)| !n.is_empty() && n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit()))
    });
    let bullets = structured.count();
    if bullets >= 3 {
        v += 1.0;
    }
    if !job.skills.is_empty() {
        v += 0.5;
    }
    let lower = d.to_lowercase();
    let vague = ["asap", "simple task", "easy job", "quick job", "details in chat", "will discuss"];
    if vague.iter().any(|w| lower.contains(w)) {
        v -= 1.5;
    }
    let reason = format!(
        "{chars} characters of description{}{}.",
        if bullets >= 3 { format!(", {bullets} listed points") } else { String::new() },
        if job.skills.is_empty() { "" } else { ", skills listed" }
    );
    score(v, reason)
}

fn competition(job: &Job, now: chrono::DateTime<chrono::Utc>) -> CriterionScore {
    let (mut v, mut reason) = match job.proposals {
        Some(p) => {
            let v = match p.min {
                0..=4 => 9.0,
                5..=9 => 7.5,
                10..=14 => 6.0,
                15..=19 => 5.0,
                20..=49 => 3.0,
                _ => 1.5,
            };
            let shown = match p.max {
                Some(hi) if hi != p.min => format!("{} to {hi}", p.min),
                Some(_) => p.min.to_string(),
                None => format!("{}+", p.min),
            };
            (v, format!("{shown} proposals"))
        }
        None => (5.0, "Proposals unknown".to_string()),
    };
    if let Some(posted) = job.posted_at {
        let hours = (now - posted).num_minutes() as f64 / 60.0;
        if hours < 0.0 {
        } else if hours < 3.0 {
            v += 1.0;
            reason.push_str(&format!(", posted {hours:.0} h ago"));
        } else if hours > 72.0 {
            v -= 2.0;
            reason.push_str(&format!(", posted {:.0} days ago", hours / 24.0));
        } else {
            reason.push_str(&format!(", posted {hours:.0} h ago"));
        }
    }
    score(v, reason + ".")
}

fn red_flags(job: &Job, profile: &Profile) -> Vec<String> {
    let mut flags = Vec::new();
    if job.client.payment_verified == Some(false) {
        flags.push("client payment not verified".to_string());
    }
    if let (Some(min), Some(b)) = (profile.filters.min_fixed_budget, job.fixed_budget) {
        if to_usd(b, job.currency.as_deref()).is_some_and(|usd| usd < min) {
            flags.push(format!(
                "fixed budget {} under {}",
                format_with_usd(b, job.currency.as_deref(), ""),
                money(min)
            ));
        }
    }
    if job.proposals.is_some_and(|p| p.min >= 50) {
        flags.push("50+ proposals already".into());
    }
    if job.client.total_spent == Some(0.0) && job.client.rating.is_none() {
        flags.push("client without any Upwork history".into());
    }
    let d = job.description.as_deref().unwrap_or("").to_lowercase();
    if ["whatsapp", "telegram me", "skype", "outside upwork", "outside of upwork"].iter().any(|w| d.contains(w)) {
        flags.push("asks to talk off-platform".into());
    }
    if ["free test", "unpaid test", "test task for free", "unpaid trial"].iter().any(|w| d.contains(w)) {
        flags.push("asks for unpaid test work".into());
    }
    flags
}

fn complexity(job: &Job) -> Complexity {
    let chars = job.description.as_deref().map(|d| d.chars().count()).unwrap_or(0);
    let usd = |x: Option<f64>| x.and_then(|v| to_usd(v, job.currency.as_deref()));
    let big = usd(job.fixed_budget).is_some_and(|b| b >= 5000.0)
        || usd(job.hourly_max).is_some_and(|r| r >= 80.0)
        || chars > 3000;
    let small = usd(job.fixed_budget).is_some_and(|b| b < 500.0) || chars < 300;
    if big {
        Complexity::High
    } else if small {
        Complexity::Low
    } else {
        Complexity::Medium
    }
}

/// The bid, in US dollars as every suggested bid is (converted from the job's currency; no
/// figure when its rate is unknown).
fn suggested_bid(job: &Job) -> SuggestedBid {
    let cur = job.currency.as_deref();
    match job.job_type {
        JobType::Hourly => match (job.hourly_min, job.hourly_max) {
            (lo, Some(hi)) => SuggestedBid {
                amount: to_usd(hi, cur),
                rate_type: RateType::Hourly,
                rationale: format!(
                    "The top of the client's range{}.",
                    lo.map(|l| format!(" ({}-{}/h)", format_amount(l, cur), format_amount(hi, cur)))
                        .unwrap_or_default()
                ),
            },
            (Some(lo), None) => SuggestedBid {
                amount: to_usd(lo, cur),
                rate_type: RateType::Hourly,
                rationale: "The client's stated rate.".into(),
            },
            (None, None) => SuggestedBid {
                amount: None,
                rate_type: RateType::Hourly,
                rationale: "No rate stated: quote after a call.".into(),
            },
        },
        _ => match job.fixed_budget {
            Some(b) => SuggestedBid {
                amount: to_usd(b, cur),
                rate_type: RateType::Fixed,
                rationale: "At the client's budget.".into(),
            },
            None => SuggestedBid {
                amount: None,
                rate_type: RateType::Fixed,
                rationale: "No budget stated: quote after scoping.".into(),
            },
        },
    }
}

fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        flat.chars().take(max - 1).collect::<String>() + "…"
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::grade;
    use crate::job::{Client, Proposals};
    use crate::profile::{LoadedProfile, Priority};

    fn job(title: &str, description: &str) -> Job {
        Job {
            job_id: "1".into(),
            url: None,
            title: title.into(),
            description: Some(description.into()),
            job_type: JobType::Fixed,
            fixed_budget: Some(4000.0),
            hourly_min: None,
            hourly_max: None,
            currency: None,
            experience_level: None,
            duration: None,
            workload: None,
            skills: vec!["Python".into(), "LangChain".into()],
            category: None,
            posted_at: None,
            proposals: Some(Proposals { min: 3, max: Some(3) }),
            client: Client {
                payment_verified: Some(true),
                rating: Some(4.9),
                total_spent: Some(80_000.0),
                hire_rate: Some(80.0),
                ..Client::default()
            },
            screening_questions: vec![],
            external_urls: vec![],
            search_keyword: None,
            raw: Default::default(),
        }
    }

    #[test]
    fn a_strong_fit_ranks_high_and_an_unrelated_job_low() {
        let profile = LoadedProfile::default_profile().profile;
        let now = chrono::Utc::now();
        let good = job(
            "Build a multi-agent RAG system with LangChain and pgvector",
            "We need an autonomous agent over our documents.\n- FastAPI backend\n- PostgreSQL with pgvector\n- Docker deployment\nEmbeddings and semantic search over 40k PDFs.",
        );
        let a = assess(&good, &profile, now);
        assert!(a.relevant);
        assert!(a.matched_expertise.contains(&"RAG systems".to_string()), "{:?}", a.matched_expertise);
        assert_eq!(a.validate(), Ok(()));
        let (total, priority) = grade(&profile, &a);
        assert_eq!(priority, Priority::High, "total {total}: {a:#?}");

        let mut logo = job("Logo design for a bakery", "Need a cute logo, simple task, ASAP.");
        logo.skills = vec!["Logo Design".into()];
        logo.fixed_budget = Some(50.0);
        logo.client = Client { payment_verified: Some(false), total_spent: Some(0.0), ..Client::default() };
        logo.proposals = Some(Proposals { min: 50, max: None });
        let b = assess(&logo, &profile, now);
        assert!(!b.relevant && b.irrelevant_reason.is_some());
        assert_eq!(b.validate(), Ok(()));
        let (low, p) = grade(&profile, &b);
        assert_eq!(p, Priority::Low, "{low}");
        assert!(b.red_flags.len() >= 3, "{:?}", b.red_flags);
    }

    #[test]
    fn a_budget_in_another_currency_is_banded_in_us_dollars() {
        let profile = LoadedProfile::default_profile().profile;
        let now = chrono::Utc::now();
        let mut j = job("FastAPI backend", "Python async REST API with PostgreSQL.");
        // €2,700 is about $3,078: the $3,000-$5,000 band, where 2,700 alone would be lower.
        j.fixed_budget = Some(2700.0);
        j.currency = Some("EUR".into());
        let a = assess(&j, &profile, now);
        assert_eq!(a.scores.budget.score, 8.0, "{:?}", a.scores.budget);
        assert_eq!(a.scores.budget.reason, "Fixed budget €2,700 (about $3,078).");
        assert_eq!(a.suggested_bid.amount, Some(2700.0 * 1.14), "the bid is in US dollars");
        // ¥60,000 is about $414: under the profile's $500 minimum.
        j.fixed_budget = Some(60_000.0);
        j.currency = Some("JPY".into());
        let a = assess(&j, &profile, now);
        assert_eq!(a.scores.budget.score, 2.5, "{:?}", a.scores.budget);
        assert!(
            a.red_flags.contains(&"fixed budget 60,000 JPY (about $414) under $500".to_string()),
            "{:?}",
            a.red_flags
        );
        // An unknown currency is not rated, and no bid figure is made up.
        j.currency = Some("XYZ".into());
        let a = assess(&j, &profile, now);
        assert_eq!(a.scores.budget.score, 4.0);
        assert!(a.scores.budget.reason.contains("60,000 XYZ") && a.scores.budget.reason.contains("not rated"));
        assert_eq!(a.suggested_bid.amount, None);
        assert!(!a.red_flags.iter().any(|f| f.contains("fixed budget")), "{:?}", a.red_flags);
    }

    #[test]
    fn it_is_deterministic() {
        let profile = LoadedProfile::default_profile().profile;
        let now = chrono::Utc::now();
        let j = job("FastAPI backend", "Python async REST API with PostgreSQL.");
        assert_eq!(assess(&j, &profile, now), assess(&j, &profile, now));
    }

    #[test]
    fn words_match_at_boundaries() {
        assert!(contains_word("we use ci/cd daily", "ci/cd"));
        assert!(contains_word("set up ci for us", "ci"));
        assert!(!contains_word("a special request", "ci"));
        assert!(contains_word("ai agents wanted", "agent"));
        assert!(!contains_word("reagents", "agent"));
        assert!(contains_word("über rag", "rag"));
    }
}
