//! The Telegram alert for one scored job: a single HTML-style message with the title, score and
//! priority, budget, client signals, proposals, the strongest reasons, red flags, the suggested
//! bid and the link to the job.
//!
//! Every piece of text from the job or the scorer is escaped, and each is capped in length; the
//! message always fits [`MAX_MESSAGE`]. The lines that must be there (title, score, budget,
//! client, proposals, bid, link) are reserved first; the reasons, then the red flags, then the
//! summary get what is left, shortened with `…` or left out. Entities are only ever built
//! around text that has already been shortened, so no entity is cut.

use std::sync::OnceLock;

use super::html::{bold, escape, escape_attr, escape_capped, link, utf16_len, MAX_MESSAGE};
use crate::display::{self, one_line, Budget};
use crate::evaluation::Assessment;
use crate::job::{Job, Proposals};
use crate::profile::{Criteria, LoadedProfile, Priority, CRITERIA};

/// Caps, in UTF-16 units of escaped text.
const TITLE_UNITS: usize = 300;
const SUMMARY_UNITS: usize = 600;
const REASON_UNITS: usize = 600;
const FLAG_UNITS: usize = 400;
const RATIONALE_UNITS: usize = 500;
const SHORT_UNITS: usize = 100;
/// The client line (escaped).
const CLIENT_UNITS: usize = 200;
const URL_UNITS: usize = 1500;
/// How many red flags are listed at most.
const MAX_FLAGS: usize = 5;
/// How many reasons are listed.
const REASONS: usize = 3;
/// Kept free for the section headings, blank lines and the "more flags" line.
const LAYOUT_UNITS: usize = 80;
/// A reason, flag or summary is left out rather than shortened below this.
const MIN_TEXT_UNITS: usize = 24;

/// [`format_alert_weighted`] with the weights of the compiled-in default profile. Prefer the
/// weighted form with the profile the job was scored under.
pub fn format_alert(job: &Job, assessment: &Assessment, total: f64, priority: Priority) -> String {
    static DEFAULT: OnceLock<Criteria> = OnceLock::new();
    let criteria = DEFAULT.get_or_init(|| LoadedProfile::default_profile().profile.criteria);
    format_alert_weighted(job, assessment, total, priority, criteria)
}

/// The alert for `job`, scored `total` (0-100) with `priority`; the reasons shown are the three
/// criteria with the highest weight × score under `criteria`.
pub fn format_alert_weighted(
    job: &Job,
    assessment: &Assessment,
    total: f64,
    priority: Priority,
    criteria: &Criteria,
) -> String {
    let title = one_line(&job.title);
    let title = if title.is_empty() { "(untitled)".to_string() } else { title };
    let header = format!("{} {}", marker(priority), wrap_bold(&escape_capped(&title, TITLE_UNITS)));
    let score = format!("Score {} · {}", bold(&format!("{}/100", number(total))), escape(priority.as_str()));
    let mut facts = vec![format!("💰 Budget: {}", escape(&budget(job))), format!("👤 Client: {}", client(job))];
    if let Some(p) = job.proposals {
        facts.push(format!("📨 Proposals: {}", escape(&proposals(p))));
    }
    let bid = format!("💵 Suggested bid: {}", suggested_bid(assessment));
    let open = job_link(job);

    let essentials =
        [&header, &score, &bid, &open].into_iter().chain(&facts).map(|line| utf16_len(line) + 1).sum::<usize>();
    let mut left = MAX_MESSAGE.saturating_sub(essentials + LAYOUT_UNITS);

    let reasons: Vec<String> = top_criteria(assessment, criteria)
        .into_iter()
        .filter_map(|key| {
            let s = assessment.scores.get(key);
            let prefix = format!("• {} {}: ", bold(key.label()), escape(&format!("{}/10", number(s.score))));
            fit(&mut left, prefix, &one_line(&s.reason), REASON_UNITS)
        })
        .collect();
    let all_flags: Vec<String> = assessment.red_flags.iter().map(|f| one_line(f)).filter(|f| !f.is_empty()).collect();
    let mut flags = Vec::new();
    for flag in all_flags.iter().take(MAX_FLAGS) {
        match fit(&mut left, "• ".into(), flag, FLAG_UNITS) {
            Some(line) => flags.push(line),
            None => break,
        }
    }
    let unlisted = all_flags.len() - flags.len();
    if unlisted > 0 {
        flags.push(escape(&format!("…and {unlisted} more")));
    }
    let summary = one_line(&assessment.summary);
    let summary = if summary.is_empty() {
        None
    } else {
        fit(&mut left, String::new(), &summary, SUMMARY_UNITS).map(|s| wrap_italic(&s))
    };

    let mut sections = vec![vec![header, score]];
    if let Some(summary) = summary {
        sections[0].push(summary);
    }
    sections.push(facts);
    if !reasons.is_empty() {
        sections.push([vec![bold("Why")], reasons].concat());
    }
    if !flags.is_empty() {
        sections.push([vec![format!("⚠️ {}", bold("Red flags"))], flags].concat());
    }
    sections.push(vec![bid, open]);
    let message = sections.iter().map(|lines| lines.join("\n")).collect::<Vec<_>>().join("\n\n");
    debug_assert!(utf16_len(&message) <= MAX_MESSAGE);
    message
}

fn marker(priority: Priority) -> &'static str {
    match priority {
        Priority::High => "🔥",
        Priority::Medium => "⭐",
        Priority::Low => "🔹",
    }
}

/// A number with at most one decimal: `82.5`, `81`.
fn number(x: f64) -> String {
    if !x.is_finite() {
        return "?".into();
    }
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// `prefix` and `text` (escaped, shortened to `cap` and to what is `left`) as one line, which
/// is then taken from `left`; `None` when too little is left.
fn fit(left: &mut usize, prefix: String, text: &str, cap: usize) -> Option<String> {
    let room = left.checked_sub(utf16_len(&prefix) + 1)?.min(cap);
    if room < MIN_TEXT_UNITS.min(utf16_len(&escape(text))) || room == 0 {
        return None;
    }
    let line = prefix + &escape_capped(text, room);
    *left -= utf16_len(&line) + 1;
    Some(line)
}

/// `<b>escaped</b>` (the text is already escaped).
fn wrap_bold(escaped: &str) -> String {
    format!("<b>{escaped}</b>")
}

/// `<i>escaped</i>` (the text is already escaped).
fn wrap_italic(escaped: &str) -> String {
    format!("<i>{escaped}</i>")
}

/// `$1,500 fixed`, `$30–$50/h`, `$30/h` ([`display::budget`]), or `not stated`.
fn budget(job: &Job) -> String {
    display::budget(&Budget::from(job)).unwrap_or_else(|| "not stated".into())
}

/// The client's signals ([`display::client`]), escaped and capped, or `no details`.
fn client(job: &Job) -> String {
    match display::client(&job.client) {
        Some(text) => escape_capped(&text, CLIENT_UNITS),
        None => "no details".into(),
    }
}

/// `5`, `10–15`, `50+` ([`display::proposals`]).
fn proposals(p: Proposals) -> String {
    display::proposals(Some(i64::from(p.min)), p.max.map(i64::from)).unwrap_or_else(|| display::UNKNOWN.into())
}

/// The criteria with the highest weight × score, best first (ties in the profile's order).
fn top_criteria(a: &Assessment, criteria: &Criteria) -> Vec<crate::profile::CriterionKey> {
    let mut keys: Vec<_> = CRITERIA.into_iter().filter(|k| criteria.get(*k).weight > 0.0).collect();
    let weighted = |k| criteria.get(k).weight * a.scores.get(k).score;
    keys.sort_by(|x, y| weighted(*y).total_cmp(&weighted(*x)));
    keys.truncate(REASONS);
    keys
}

/// `[Open on Upwork](url)`, or the job id when there is no usable URL.
fn job_link(job: &Job) -> String {
    let url = job
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_string)
        .or_else(|| {
            let id = job.job_id.trim();
            id.starts_with('~').then(|| format!("https://www.upwork.com/jobs/{id}"))
        })
        .filter(|u| utf16_len(&escape_attr(u)) <= URL_UNITS && !u.contains(char::is_whitespace));
    match url {
        Some(url) => link("Open on Upwork", &url),
        None => format!("Job id: {}", escape_capped(&one_line(&job.job_id), SHORT_UNITS)),
    }
}

/// `$4,000 fixed — rationale`, escaped (the alert and the bot's `/job`).
pub fn suggested_bid(a: &Assessment) -> String {
    let figure = display::bid(&a.suggested_bid);
    let rationale = one_line(&a.suggested_bid.rationale);
    if rationale.is_empty() {
        escape(&figure)
    } else {
        format!("{} — {}", escape(&figure), escape_capped(&rationale, RATIONALE_UNITS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{Client, JobType};
    use crate::telegram::html::{check as validate, plain_text};

    fn job() -> Job {
        Job {
            job_id: "~01abc".into(),
            url: Some("https://www.upwork.com/jobs/~01abc?source=rss".into()),
            title: "Build a RAG pipeline (pgvector) for contracts".into(),
            description: None,
            job_type: JobType::Fixed,
            fixed_budget: Some(1500.0),
            hourly_min: None,
            hourly_max: None,
            currency: Some("USD".into()),
            experience_level: None,
            duration: None,
            workload: None,
            skills: vec![],
            category: None,
            posted_at: None,
            proposals: Some(Proposals { min: 10, max: Some(15) }),
            client: Client {
                country: Some("United States".into()),
                payment_verified: Some(true),
                rating: Some(4.9),
                reviews: Some(23),
                total_spent: Some(120_000.0),
                hire_rate: Some(75.0),
                ..Client::default()
            },
            screening_questions: vec![],
            external_urls: vec![],
            search_keyword: None,
            raw: Default::default(),
        }
    }

    fn check(message: &str) {
        assert_eq!(validate(message), Ok(()), "{message}");
        assert!(utf16_len(message) <= MAX_MESSAGE, "{}", utf16_len(message));
        assert!(message.contains("Open on Upwork") || message.contains("Job id"));
    }

    #[test]
    fn the_alert_shows_everything_that_matters() {
        let a = Assessment { red_flags: vec!["Wants a fixed price for open scope.".into()], ..Assessment::example() };
        let m = format_alert(&job(), &a, 82.5, Priority::High);
        check(&m);
        let plain = plain_text(&m).unwrap();
        for expected in [
            "🔥 Build a RAG pipeline (pgvector) for contracts\n",
            "Score 82.5/100 · High",
            "Budget: $1,500 fixed",
            "✓ payment verified · ★ 4.9 (23 reviews) · $120,000 spent · 75% hire rate · United States",
            "Proposals: 10–15",
            // Weights 25/15/20/30/10: technical fit 270, budget 200, clarity 140, client 135.
            "Why\n• Technical fit 9/10: A RAG system over PDFs with pgvector is core expertise.\n• Budget 8/10: A $4,000",
            "• Clarity 7/10: Deliverables are listed",
            "Red flags\n• Wants a fixed price for open scope.",
            "Suggested bid: $4,000 fixed — At the budget: the scope matches it.",
            "Open on Upwork",
        ] {
            assert!(plain.contains(expected), "{expected:?} missing from\n{plain}");
        }
        assert!(!plain.contains("• Client") && !plain.contains("• Competition"), "three reasons");
        assert!(m.contains(r#"<a href="https://www.upwork.com/jobs/~01abc?source=rss">Open on Upwork</a>"#));
        assert!(m.starts_with("🔥 <b>Build a RAG pipeline (pgvector) for contracts</b>\n"));
    }

    #[test]
    fn budgets_and_signals_are_shown_as_known() {
        let mut j = job();
        j.job_type = JobType::Hourly;
        j.fixed_budget = None;
        (j.hourly_min, j.hourly_max) = (Some(30.0), Some(50.0));
        assert_eq!(budget(&j), "$30–$50/h");
        j.hourly_max = None;
        assert_eq!(budget(&j), "$30/h");
        j.currency = Some("EUR".into());
        assert_eq!(budget(&j), "€30/h");
        j.hourly_min = None;
        assert_eq!(budget(&j), "not stated");
        j.client = Client::default();
        assert_eq!(client(&j), "no details");
        j.client.payment_verified = Some(false);
        assert_eq!(client(&j), "✗ payment not verified");
        assert_eq!(proposals(Proposals { min: 50, max: None }), "50+");
        assert_eq!(proposals(Proposals { min: 5, max: Some(5) }), "5");
        assert_eq!((number(81.0), number(82.46)), ("81".into(), "82.5".into()));
        j.url = None;
        j.job_id = "123".into();
        let m = format_alert(&j, &Assessment::example(), 40.0, Priority::Low);
        check(&m);
        assert!(m.starts_with("🔹 ") && m.contains("Job id: 123"), "{m}");
        j.job_id = "~02xyz".into();
        assert!(job_link(&j).contains(r#"href="https://www.upwork.com/jobs/~02xyz""#));
    }

    #[test]
    fn a_euro_budget_is_shown_in_euros() {
        let mut j = job();
        j.currency = Some("EUR".into());
        j.fixed_budget = Some(1200.0);
        let m = format_alert(&j, &Assessment::example(), 82.5, Priority::High);
        check(&m);
        let plain = plain_text(&m).unwrap();
        assert!(plain.contains("Budget: €1,200 fixed"), "{plain}");
        assert!(!plain.contains("$1,200"), "{plain}");
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        for hostile in [
            "*_[]()~>#+-=|{}.!",
            "<b>not bold</b> & &amp; <a href=\"x\">",
            "<script>alert(1)</script>",
            "back\\slash \\ at the end \\",
            "`code` and ```pre```",
            "[link](https://evil.example) ||spoiler|| __u__",
            ">quote\n>more\n- list\n# heading",
            "emoji 🏟🔥 and é and \u{200d}",
            "",
        ] {
            let mut j = job();
            j.title = hostile.into();
            j.client.country = Some(hostile.into());
            j.url = Some(format!("https://www.upwork.com/jobs/~01x?q={hostile}"));
            let mut a = Assessment::example();
            a.summary = hostile.into();
            a.red_flags = vec![hostile.into(); 3];
            a.scores.technical_fit.reason = hostile.into();
            a.suggested_bid.rationale = hostile.into();
            let m = format_alert(&j, &a, 55.0, Priority::Medium);
            check(&m);
            assert!(m.starts_with("⭐ "), "{m}");
            if !hostile.is_empty() && !hostile.contains('\n') {
                assert!(plain_text(&m).unwrap().contains(hostile.trim()), "{m}");
            }
        }
    }

    #[test]
    fn pathological_jobs_still_fit_one_message() {
        let mut j = job();
        j.title = "A very long title. ".repeat(530); // about 10,000 characters
        assert!(j.title.len() >= 10_000);
        j.client.country = Some("(".repeat(5000));
        j.url = Some(format!("https://www.upwork.com/jobs/~01?{}", "&".repeat(280)));
        let mut a = Assessment::example();
        let long = "Reason with reserved characters: (a) b.c! ".repeat(200);
        for key in CRITERIA {
            match key {
                crate::profile::CriterionKey::Budget => a.scores.budget.reason = long.clone(),
                crate::profile::CriterionKey::Client => a.scores.client.reason = long.clone(),
                crate::profile::CriterionKey::Clarity => a.scores.clarity.reason = long.clone(),
                crate::profile::CriterionKey::TechnicalFit => a.scores.technical_fit.reason = long.clone(),
                crate::profile::CriterionKey::Competition => a.scores.competition.reason = long.clone(),
            }
        }
        a.red_flags = vec![long.clone(); 40];
        a.summary = long.clone();
        a.suggested_bid.rationale = long;
        let m = format_alert(&j, &a, 99.0, Priority::High);
        check(&m);
        assert!(m.contains(r#"<a href="https://www.upwork.com/jobs/~01?&amp;&amp;"#));
        let plain = plain_text(&m).unwrap();
        assert!(plain.contains("A very long title. A very long title."));
        assert!(plain.contains("…"), "long texts are shortened");
        assert!(plain.contains("Technical fit 9/10"), "the best reason survives");
    }
}
