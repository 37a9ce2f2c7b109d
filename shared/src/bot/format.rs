//! The bot's messages, in Telegram's HTML style. Every piece of text from a job, a scorer or an
//! export is escaped (through [`crate::telegram::html`]) and capped in length, and every message is at
//! most [`MAX_MESSAGE`] UTF-16 units: a `/top` page is cut to the jobs that fit one message (it
//! is edited in place when paging), and longer answers are packed into several messages between
//! jobs or sections with [`pack`], never inside an entity.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::command::TopRequest;
use super::text::{
    budget, client_line, code_capped, count, dollars, escape_capped, job_url, link_escaped, marker, number, one_line,
};
use crate::decision::threshold::AlertThreshold;
use crate::display::{ago as age, proposals_phrase, Budget};
use crate::evaluation::Assessment;
use crate::job::{Client, Job, JobType};
use crate::profile::{LoadedProfile, CRITERIA};
use crate::read::{Audit, DecisionStats, EvaluationView, JobDetail, RankingItem, Stats};
use crate::store::proposals::ProposalStats;
use crate::telegram::html::{bold, escape, pack, utf16_len, MAX_MESSAGE};

/// Caps, in UTF-16 units of escaped text.
const TITLE_UNITS: usize = 200;
const COMPACT_TITLE_UNITS: usize = 90;
const SUMMARY_UNITS: usize = 300;
const REPORT_TITLE_UNITS: usize = 400;
const REPORT_SUMMARY_UNITS: usize = 800;
const REASON_UNITS: usize = 500;
const FLAG_UNITS: usize = 400;
const SKILLS_UNITS: usize = 300;
const SHORT_UNITS: usize = 120;
/// Characters of a job id shown in code.
const ID_CHARS: usize = 60;
/// Red flags listed at most in a report.
const MAX_FLAGS: usize = 8;
/// Room kept for a `/top` page's heading.
const HEADING_UNITS: usize = 120;

/// One job as a list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobCard {
    /// 1-based place in the ranking.
    pub rank: u32,
    pub job_id: String,
    pub title: String,
    pub url: Option<String>,
    pub hourly: bool,
    pub fixed_budget: Option<f64>,
    pub hourly_min: Option<f64>,
    pub hourly_max: Option<f64>,
    pub currency: Option<String>,
    pub posted_at: Option<DateTime<Utc>>,
    /// Proposals as a range; `max` `None` for "50+".
    pub proposals: Option<(i64, Option<i64>)>,
    pub client: Client,
    pub total: f64,
    pub priority: String,
    pub summary: String,
    /// Scored under an earlier profile (not scored again yet): the card says so.
    pub stale: bool,
}

/// What a card says of a job scored under an earlier profile.
pub const STALE_MARK: &str = "earlier profile";

impl From<&RankingItem> for JobCard {
    fn from(i: &RankingItem) -> JobCard {
        JobCard {
            rank: i.rank,
            job_id: i.job_id.clone(),
            title: i.title.clone(),
            url: i.url.clone(),
            hourly: i.job_type == "hourly",
            fixed_budget: i.fixed_budget,
            hourly_min: i.hourly_min,
            hourly_max: i.hourly_max,
            currency: i.currency.clone(),
            posted_at: i.posted_at,
            proposals: i.proposals_min.map(|min| (i64::from(min), i.proposals_max.map(i64::from))),
            client: i.client(),
            total: i.total,
            priority: i.priority.clone(),
            summary: i.assessment.summary.clone(),
            stale: i.stale,
        }
    }
}

impl JobCard {
    /// A card for a stored job and its evaluation under the current profile.
    pub fn from_job(rank: u32, job: &Job, total: f64, priority: &str, summary: &str) -> JobCard {
        JobCard {
            rank,
            job_id: job.job_id.clone(),
            title: job.title.clone(),
            url: job.url.clone(),
            hourly: job.job_type == JobType::Hourly,
            fixed_budget: job.fixed_budget,
            hourly_min: job.hourly_min,
            hourly_max: job.hourly_max,
            currency: job.currency.clone(),
            posted_at: job.posted_at,
            proposals: job.proposals.map(|p| (i64::from(p.min), p.max.map(i64::from))),
            client: job.client.clone(),
            total,
            priority: priority.to_string(),
            summary: summary.to_string(),
            stale: false,
        }
    }

    fn budget(&self) -> String {
        budget(&Budget {
            hourly: self.hourly,
            fixed: self.fixed_budget,
            hourly_min: self.hourly_min,
            hourly_max: self.hourly_max,
            currency: self.currency.as_deref(),
        })
    }

    /// The title, escaped and capped, as a link to the job when there is one.
    fn title_link(&self, max_units: usize) -> String {
        let title = one_line(&self.title);
        let title = if title.is_empty() { "(untitled)".to_string() } else { title };
        let escaped = escape_capped(&title, max_units);
        match job_url(self.url.as_deref(), &self.job_id) {
            Some(url) => link_escaped(&escaped, &url),
            None => escaped,
        }
    }

    /// The card: rank, bold linked title, score and priority (and [`STALE_MARK`] when stale),
    /// budget, proposals, age, client, summary and the `/job` command for the full report.
    pub fn render(&self, now: DateTime<Utc>) -> String {
        let mut facts = vec![format!("{}/100", number(self.total)), self.priority.clone()];
        if self.stale {
            facts.push(STALE_MARK.into());
        }
        facts.push(self.budget());
        if let Some((min, max)) = self.proposals {
            facts.extend(proposals_phrase(Some(min), max));
        }
        if let Some(posted) = self.posted_at {
            facts.push(age(posted, now));
        }
        let mut lines = vec![
            format!(
                "{} {} <b>{}</b>",
                bold(&format!("{}.", self.rank)),
                marker(&self.priority),
                self.title_link(TITLE_UNITS)
            ),
            escape(&facts.join(" · ")),
            format!("👤 {}", client_line(&self.client)),
        ];
        let summary = one_line(&self.summary);
        if !summary.is_empty() {
            lines.push(format!("<i>{}</i>", escape_capped(&summary, SUMMARY_UNITS)));
        }
        lines.push(code_capped(&format!("/job {}", self.job_id), ID_CHARS));
        lines.join("\n")
    }

    /// A two-line card for long pages: rank, linked title, score ([`STALE_MARK`] when stale),
    /// budget, age, `/job`.
    pub fn render_compact(&self, now: DateTime<Utc>) -> String {
        let mut facts = vec![format!("{}/100", number(self.total))];
        if self.stale {
            facts.push(STALE_MARK.into());
        }
        facts.push(self.budget());
        if let Some(posted) = self.posted_at {
            facts.push(age(posted, now));
        }
        format!(
            "{} {} {}\n{} · {}",
            bold(&format!("{}.", self.rank)),
            marker(&self.priority),
            self.title_link(COMPACT_TITLE_UNITS),
            escape(&facts.join(" · ")),
            code_capped(&format!("/job {}", self.job_id), ID_CHARS)
        )
    }
}

/// `/start` and `/help`: what the bot does and its commands.
pub fn help() -> String {
    let commands = [
        ("/top [n] [min_score]", "the best jobs (5 by default, up to 20), with buttons for the next page"),
        ("/job <id>", "the full report of one job: scores, reasons, red flags, suggested bid, link"),
        ("/new", "jobs scored since your last /new (the last 24 hours the first time)"),
        ("/stats", "jobs stored, evaluated and pending, tokens and cost, recent imports"),
        ("/help", "this message"),
    ];
    let mut lines = vec![
        format!("👋 {}", bold("upflow")),
        escape(
            "I rank the Upwork jobs from your Apify exports against your criteria profile and show you \
             the ones worth bidding on.",
        ),
        String::new(),
    ];
    lines.extend(commands.iter().map(|(c, what)| format!("{} — {}", escape(c), escape(what))));
    lines.join("\n")
}

/// The one answer a chat that is not allowed gets. It shows no data, only the chat's own id
/// (what the owner needs to allow it).
pub fn refusal(chat_id: i64) -> String {
    escape(&format!("Sorry, this bot is private. This chat ({chat_id}) is not allowed to use it."))
}

/// `/job <id>` for an unknown id.
pub fn not_found(job_id: &str) -> String {
    format!("No job with id {}.", code_capped(job_id, ID_CHARS))
}

/// When something failed inside: the user learns it did, not why.
pub fn failure() -> String {
    escape("Sorry, something went wrong. Please try again in a minute.")
}

/// A `/top` page ready to send or edit in.
#[derive(Debug, Clone, PartialEq)]
pub struct TopPage {
    pub text: String,
    /// How many of the given jobs it shows (the rest did not fit one message).
    pub shown: usize,
    /// The inline keyboard (`{"inline_keyboard": …}`), when there is a page to go to.
    pub keyboard: Option<Value>,
}

/// A `/top` page for `request`: `cards` are the jobs from `request.offset`, `more` says whether
/// the ranking goes on after them. As many cards as fit one message are shown, in full when
/// they all fit, else as two-line cards; the buttons page by `request.n` (Next starts after the
/// last job shown).
pub fn top_page(cards: &[JobCard], request: TopRequest, more: bool, now: DateTime<Utc>) -> TopPage {
    let mut blocks: Vec<String> = cards.iter().map(|c| c.render(now)).collect();
    let mut shown = fitting(&blocks);
    if shown < cards.len() {
        blocks = cards.iter().map(|c| c.render_compact(now)).collect();
        shown = fitting(&blocks).max(1).min(cards.len());
    }
    let min = request.min_score.map(|m| format!(" · score ≥ {}", number(m))).unwrap_or_default();
    let text = loop {
        let heading = if shown == 0 {
            match (request.offset, request.min_score) {
                (0, None) => escape("No scored jobs yet."),
                (0, Some(m)) => escape(&format!("No jobs scored {} or more yet.", number(m))),
                _ => escape("No more jobs."),
            }
        } else {
            let first = request.offset + 1;
            let last = request.offset + shown as u32;
            format!("🏆 {}{}", bold(&format!("Top jobs {first}–{last}")), escape(&min))
        };
        let text = std::iter::once(heading).chain(blocks[..shown].iter().cloned()).collect::<Vec<_>>().join("\n\n");
        if utf16_len(&text) <= MAX_MESSAGE || shown <= 1 {
            break text;
        }
        shown -= 1;
    };
    let mut buttons = Vec::new();
    if request.offset > 0 {
        let prev = TopRequest { offset: request.offset.saturating_sub(request.n), ..request };
        buttons.push(json!({"text": "◀ Prev", "callback_data": prev.encode()}));
    }
    let next_offset = request.offset + shown as u32;
    if (more || shown < cards.len()) && shown > 0 && next_offset <= super::command::MAX_OFFSET {
        let next = TopRequest { offset: next_offset, ..request };
        buttons.push(json!({"text": "Next ▶", "callback_data": next.encode()}));
    }
    let keyboard = (!buttons.is_empty()).then(|| json!({ "inline_keyboard": [buttons] }));
    TopPage { text, shown, keyboard }
}

/// How many blocks fit one message after a heading.
fn fitting(blocks: &[String]) -> usize {
    let mut used = HEADING_UNITS;
    for (i, block) in blocks.iter().enumerate() {
        used += 2 + utf16_len(block);
        if used > MAX_MESSAGE {
            return i;
        }
    }
    blocks.len()
}

/// `/new`: the jobs scored since `since` (`None`: the last 24 hours), best first, and how many
/// more there are; one message or more.
pub fn new_jobs(cards: &[JobCard], more: i64, since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Vec<String> {
    let when = match since {
        Some(at) => format!("since your last /new ({})", age(at, now)),
        None => "in the last 24 hours".to_string(),
    };
    if cards.is_empty() {
        return vec![escape(&format!("Nothing new {when}."))];
    }
    let total = cards.len() as i64 + more;
    let noun = if total == 1 { "job" } else { "jobs" };
    let mut blocks = vec![format!("🆕 {} {}", bold(&format!("{} new {noun}", count(total))), escape(&when))];
    blocks.extend(cards.iter().map(|c| c.render(now)));
    if more > 0 {
        blocks.push(escape(&format!("…and {} more: see /top.", count(more))));
    }
    pack(&blocks, MAX_MESSAGE)
}

/// `/job <id>`: the job with its evaluation under `profile` (else its newest one): score,
/// summary, facts, every criterion with its reason, red flags, suggested bid and link. One
/// message, or more when the texts are very long.
pub fn job_report(detail: &JobDetail, profile: &LoadedProfile, now: DateTime<Utc>) -> Vec<String> {
    let job = &detail.job;
    let evaluation =
        detail.evaluations.iter().find(|e| e.profile_version == profile.version).or_else(|| detail.evaluations.first());
    let title = one_line(&job.title);
    let title = if title.is_empty() { "(untitled)".to_string() } else { title };
    let priority = evaluation.and_then(|e| e.priority.as_deref()).unwrap_or("");
    let mut head = vec![format!("{} <b>{}</b>", marker(priority), escape_capped(&title, REPORT_TITLE_UNITS))];
    head.extend(status_lines(evaluation, profile, now));
    let assessment = evaluation.and_then(|e| e.assessment.as_ref());
    if let Some(summary) = assessment.map(|a| one_line(&a.summary)).filter(|s| !s.is_empty()) {
        head.push(format!("<i>{}</i>", escape_capped(&summary, REPORT_SUMMARY_UNITS)));
    }
    let mut blocks = vec![head.join("\n"), facts(job, now)];
    if let Some(a) = assessment {
        blocks.push(scores(a, profile));
        if let Some(flags) = red_flags(a) {
            blocks.push(flags);
        }
    }
    let mut end = Vec::new();
    if let Some(a) = assessment {
        end.push(format!("💵 Suggested bid: {}", crate::telegram::alert::suggested_bid(a)));
    }
    if let Some(url) = job_url(job.url.as_deref(), &job.job_id) {
        end.push(link_escaped("Open on Upwork", &url));
    }
    end.push(format!("Job id: {}", code_capped(&job.job_id, ID_CHARS)));
    blocks.push(end.join("\n"));
    pack(&blocks, MAX_MESSAGE)
}

/// The score line, or why there is none.
fn status_lines(evaluation: Option<&EvaluationView>, profile: &LoadedProfile, now: DateTime<Utc>) -> Vec<String> {
    let Some(e) = evaluation else { return vec![escape("Not scored yet.")] };
    let mut lines = Vec::new();
    match (e.status.as_str(), e.total) {
        ("skipped", _) => {
            let reason = e.skip_reason.as_deref().unwrap_or("a hard filter");
            lines.push(format!("Skipped by a filter: {}", escape_capped(reason, SHORT_UNITS * 2)));
        }
        (_, Some(total)) => {
            let priority = e.priority.as_deref().unwrap_or("");
            lines.push(format!("Score {} · {}", bold(&format!("{}/100", number(total))), escape(priority)));
        }
        _ => lines.push(escape("Not scored yet.")),
    }
    if let Some(a) = &e.assessment {
        if !a.relevant {
            let why = a.irrelevant_reason.as_deref().unwrap_or("outside the profile's expertise");
            lines.push(format!("Not relevant: {}", escape_capped(why, SHORT_UNITS * 2)));
        }
    }
    let by = match &e.model {
        Some(m) => format!("{} ({})", e.scorer, one_line(m)),
        None => e.scorer.clone(),
    };
    let mut scored = format!("scored by {by} {}", age(e.evaluated_at, now));
    if e.profile_version != profile.version {
        scored.push_str(&format!(" under an older profile ({})", e.profile_version));
    }
    lines.push(escape_capped(&scored, SHORT_UNITS * 2));
    lines
}

/// Budget, client, proposals, posting time, level, duration and workload, skills.
fn facts(job: &Job, now: DateTime<Utc>) -> String {
    let mut lines =
        vec![format!("💰 {}", escape(&budget(&Budget::from(job)))), format!("👤 {}", client_line(&job.client))];
    if let Some(p) = job.proposals.and_then(|p| proposals_phrase(Some(i64::from(p.min)), p.max.map(i64::from))) {
        lines.push(format!("📨 {}", escape(&p)));
    }
    if let Some(posted) = job.posted_at {
        lines.push(format!("🕒 Posted {}", escape(&age(posted, now))));
    }
    let level: Vec<String> = [&job.experience_level, &job.duration, &job.workload]
        .into_iter()
        .flatten()
        .map(|s| one_line(s))
        .filter(|s| !s.is_empty())
        .collect();
    if !level.is_empty() {
        lines.push(format!("📋 {}", escape_capped(&level.join(" · "), SHORT_UNITS * 2)));
    }
    if !job.skills.is_empty() {
        lines.push(format!("🛠 {}", escape_capped(&job.skills.join(", "), SKILLS_UNITS)));
    }
    lines.join("\n")
}

/// Every criterion: score, weight and reason.
fn scores(a: &Assessment, profile: &LoadedProfile) -> String {
    let mut lines = vec![bold("Scores")];
    for key in CRITERIA {
        let s = a.scores.get(key);
        let weight = profile.profile.criteria.get(key).weight;
        let head = format!("{} {}/10 (weight {}%)", key.label(), number(s.score), number(weight));
        let reason = one_line(&s.reason);
        let mut line = format!("• {}", escape(&head));
        if !reason.is_empty() {
            line.push_str(": ");
            line.push_str(&escape_capped(&reason, REASON_UNITS));
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// The red flags, if any.
fn red_flags(a: &Assessment) -> Option<String> {
    let flags: Vec<String> = a.red_flags.iter().map(|f| one_line(f)).filter(|f| !f.is_empty()).collect();
    if flags.is_empty() {
        return None;
    }
    let mut lines = vec![format!("⚠️ {}", bold("Red flags"))];
    lines.extend(flags.iter().take(MAX_FLAGS).map(|f| format!("• {}", escape_capped(f, FLAG_UNITS))));
    if flags.len() > MAX_FLAGS {
        lines.push(escape(&format!("…and {} more", flags.len() - MAX_FLAGS)));
    }
    Some(lines.join("\n"))
}

/// The audit of every ingest in one line: balanced (with what is in the DLQ or retrying), or
/// its first gap, capped (`upflow audit` names them all).
fn audit_line(a: &Audit) -> String {
    let gaps = a.gaps();
    match gaps.first() {
        None => escape(&format!(
            "Audit: ✓ every row read and job stored accounted for · {} in the DLQ · {} retrying",
            count(a.jobs.dead_lettered),
            count(a.jobs.retrying)
        )),
        Some(first) => {
            let more = if gaps.len() > 1 { "; jobs off too (upflow audit)" } else { "" };
            escape_capped(&format!("Audit: ✗ {first}{more}"), SHORT_UNITS * 3)
        }
    }
}

/// `/stats`: stored, evaluated and pending jobs, priorities, filters, tokens and cost, scorers
/// and recent imports.
pub fn stats(
    s: &Stats,
    decided: &DecisionStats,
    proposals: &ProposalStats,
    threshold: &AlertThreshold,
    now: DateTime<Utc>,
) -> Vec<String> {
    let p = &s.by_priority;
    let mut jobs = vec![
        format!("📊 {} · profile {}", bold("upflow stats"), code_capped(&s.profile_version, ID_CHARS)),
        escape(&format!("Jobs stored: {}", count(s.jobs_stored))),
        escape(&format!("Evaluated: {} · pending {}", count(s.evaluated), count(s.pending))),
        escape(&format!(
            "Scored: {} — 🔥 High {} · ⭐ Medium {} · 🔹 Low {}",
            count(s.scored),
            count(p.high),
            count(p.medium),
            count(p.low)
        )),
        escape(&format!("Skipped by filters: {}", count(s.skipped_by_filter))),
    ];
    if s.stale_in_rankings > 0 {
        jobs.push(escape(&format!(
            "Ranked under an earlier profile: {} (until scored again: upflow rescore)",
            count(s.stale_in_rankings)
        )));
    }
    jobs.extend(
        s.skip_reasons.iter().map(|(reason, n)| format!("• {}: {}", escape_capped(reason, SHORT_UNITS), count(*n))),
    );
    jobs.push(audit_line(&s.audit));
    let tokens = |label: &str, t: &crate::read::stats::Tokens| {
        escape(&format!(
            "{label}: {} prompt + {} completion tokens in {} evaluations · ≈ {}",
            count(t.prompt_tokens),
            count(t.completion_tokens),
            count(t.evaluations),
            dollars(t.estimated_cost_usd)
        ))
    };
    let mut blocks = vec![
        jobs.join("\n"),
        [bold("Tokens"), tokens("Today", &s.tokens_today), tokens("All time", &s.tokens_all_time)].join("\n"),
    ];
    if !s.scorers.is_empty() {
        let mut lines = vec![bold("Scorers")];
        lines.extend(s.scorers.iter().map(|(scorer, model, n)| {
            let name = match model {
                Some(m) => format!("{scorer} ({})", one_line(m)),
                None => scorer.clone(),
            };
            format!("• {}: {}", escape_capped(&name, SHORT_UNITS), count(*n))
        }));
        blocks.push(lines.join("\n"));
    }
    if !s.recent_ingests.is_empty() {
        let mut lines = vec![bold("Recent imports")];
        for i in &s.recent_ingests {
            let figures = format!(
                " — {} · {} rows · {} stored · {} queued · {} rejected · {} duplicates · {}",
                i.status,
                count(i64::from(i.rows_read)),
                count(i64::from(i.jobs_stored)),
                count(i64::from(i.jobs_enqueued)),
                count(i64::from(i.rejected)),
                count(i64::from(i.duplicates)),
                age(i.started_at, now)
            );
            lines.push(format!("• {}{}", escape_capped(&i.key, SHORT_UNITS), escape(&figures)));
            if let Some(error) = i.error.as_deref().map(one_line).filter(|e| !e.is_empty()) {
                lines.push(format!("  {}", escape_capped(&format!("error: {error}"), SHORT_UNITS * 2)));
            }
        }
        blocks.push(lines.join("\n"));
    }
    blocks.push(decisions(decided));
    blocks.push(escape(&format!("🔔 Alert threshold: {}", threshold.describe())));
    blocks.push(proposal_line(proposals));
    pack(&blocks, MAX_MESSAGE)
}

/// Proposal drafts made and what they cost.
fn proposal_line(p: &ProposalStats) -> String {
    let mut line = format!("✍️ Proposals: {} drafts", count(p.drafts));
    if p.drafts > 0 {
        line.push_str(&format!(
            " · {} calls · {} prompt + {} completion tokens · ≈ {} · {} written today",
            count(p.calls),
            count(p.prompt_tokens),
            count(p.completion_tokens),
            dollars(p.estimated_cost_usd),
            count(p.written_today)
        ));
    }
    escape(&line)
}

/// How the decisions line up with the scores: per band the share applied to, won and "not for
/// me"; per criterion the mean score of the jobs applied to against those "not for me".
fn decisions(d: &DecisionStats) -> String {
    if d.decided == 0 {
        return format!(
            "{}\n{}",
            bold("Decisions"),
            escape("None yet: use the buttons under an alert or a /job report.")
        );
    }
    let mut lines = vec![bold(&format!("Decisions ({} jobs)", count(d.decided)))];
    for b in &d.by_band {
        let share = b.applied_share().map(|p| format!(" · {p:.0}% applied")).unwrap_or_default();
        lines.push(escape(&format!(
            "• {}: {} jobs{share} · {} interview · {} won · {} lost · {} not for me",
            b.band,
            count(b.jobs),
            count(b.interview),
            count(b.won),
            count(b.lost),
            count(b.not_for_me)
        )));
    }
    let means: Vec<String> = d
        .by_criterion
        .iter()
        .filter_map(|c| match (c.mean_applied, c.mean_not_for_me) {
            (None, None) => None,
            (a, n) => Some(format!("{} {} vs {}", c.label, a.map_or("—".into(), number), n.map_or("—".into(), number))),
        })
        .collect();
    if !means.is_empty() {
        lines.push(escape(&format!("Mean score, applied vs not for me: {}", means.join(" · "))));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{Client, Proposals};
    use crate::read::stats::{ByPriority, IngestSummary, Tokens};
    use crate::telegram::html::{check as validate, plain_text};

    const HOSTILE: [&str; 7] = [
        "*_[]()~>#+-=|{}.!",
        "<b>not bold</b> & &amp; <a href=\"x\">",
        "<script>alert(1)</script>",
        "back\\slash \\ at the end \\",
        "`code` and ```pre``` ||spoiler|| __u__",
        ">quote\n# heading\n- list",
        "emoji 🏟🔥 é \u{200d}",
    ];

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_779_604_437, 0).unwrap()
    }

    fn card(rank: u32, title: &str) -> JobCard {
        JobCard {
            rank,
            job_id: format!("20584363184285750{rank:02}"),
            title: title.into(),
            url: Some(format!("https://www.upwork.com/jobs/~02{rank}")),
            hourly: false,
            fixed_budget: Some(1500.0),
            hourly_min: None,
            hourly_max: None,
            currency: Some("USD".into()),
            posted_at: Some(now() - chrono::Duration::minutes(190)),
            proposals: Some((10, Some(15))),
            client: Client { country: Some("Vietnam".into()), payment_verified: Some(true), ..Default::default() },
            total: 82.5,
            priority: "High".into(),
            summary: "RAG over contract PDFs.".into(),
            stale: false,
        }
    }

    fn check(message: &str) {
        assert_eq!(validate(message), Ok(()), "{message}");
        assert!(utf16_len(message) <= MAX_MESSAGE, "{} units", utf16_len(message));
    }

    fn job(title: &str) -> Job {
        Job {
            job_id: "2058436318428575090".into(),
            url: Some("https://www.upwork.com/jobs/~022058436318428575090".into()),
            title: title.into(),
            description: None,
            job_type: JobType::Fixed,
            fixed_budget: Some(4000.0),
            hourly_min: None,
            hourly_max: None,
            currency: None,
            experience_level: Some("Expert".into()),
            duration: Some("1 to 3 months".into()),
            workload: None,
            skills: vec!["Python".into(), "pgvector".into()],
            category: None,
            posted_at: Some(now() - chrono::Duration::hours(5)),
            proposals: Some(Proposals { min: 5, max: Some(10) }),
            client: Client { country: Some("Germany".into()), rating: Some(4.8), ..Client::default() },
            screening_questions: vec![],
            external_urls: vec![],
            search_keyword: None,
            raw: Default::default(),
        }
    }

    fn evaluation(version: &str, assessment: Assessment) -> EvaluationView {
        EvaluationView {
            profile_version: version.into(),
            status: "scored".into(),
            skip_reason: None,
            scorer: "rules".into(),
            model: None,
            relevant: Some(assessment.relevant),
            total: Some(82.5),
            priority: Some("High".into()),
            assessment: Some(assessment),
            prompt_tokens: 0,
            completion_tokens: 0,
            latency_ms: None,
            cost_usd: None,
            evaluated_at: now() - chrono::Duration::minutes(30),
        }
    }

    fn detail(job: Job, evaluations: Vec<EvaluationView>) -> JobDetail {
        JobDetail { job, first_seen_at: now(), last_seen_at: now(), evaluations, decisions: vec![] }
    }

    #[test]
    fn fixed_messages_are_valid() {
        for m in [help(), refusal(-1001234), not_found("x`y"), failure()] {
            check(&m);
        }
        let help = plain_text(&help()).unwrap();
        for c in ["/top [n] [min_score]", "/job <id>", "/new", "/stats", "/help"] {
            assert!(help.contains(c), "{c} in {help}");
        }
        assert_eq!(
            plain_text(&refusal(42)).unwrap(),
            "Sorry, this bot is private. This chat (42) is not allowed to use it."
        );
        assert_eq!(plain_text(&not_found("123")).unwrap(), "No job with id 123.");
    }

    #[test]
    fn a_card_shows_the_job() {
        let c = card(1, "Build a RAG pipeline (pgvector)");
        let m = c.render(now());
        check(&m);
        assert!(
            m.starts_with(
                "<b>1.</b> 🔥 <b><a href=\"https://www.upwork.com/jobs/~021\">Build a RAG pipeline (pgvector)</a></b>\n"
            ),
            "{m}"
        );
        let plain = plain_text(&m).unwrap();
        for part in [
            "82.5/100 · High · $1,500 fixed · 10–15 proposals · 3 h ago",
            "👤 ✓ payment verified · Vietnam",
            "RAG over contract PDFs.",
            "/job 2058436318428575001",
        ] {
            assert!(plain.contains(part), "{part:?} in {plain}");
        }
        check(&c.render_compact(now()));
    }

    #[test]
    fn a_card_scored_under_an_earlier_profile_says_so() {
        let mut c = card(1, "Build a RAG pipeline");
        c.stale = true;
        for (m, line) in [
            (c.render(now()), "82.5/100 · High · earlier profile · $1,500 fixed"),
            (c.render_compact(now()), "82.5/100 · earlier profile · $1,500 fixed"),
        ] {
            check(&m);
            assert!(plain_text(&m).unwrap().contains(line), "{line:?} in {m}");
        }
        assert!(!plain_text(&card(1, "Build a RAG pipeline").render(now())).unwrap().contains(STALE_MARK));
    }

    #[test]
    fn hostile_titles_render_validly_everywhere() {
        for hostile in HOSTILE {
            let mut c = card(3, hostile);
            c.summary = hostile.into();
            c.client.country = Some(hostile.into());
            c.currency = Some(hostile.into());
            c.priority = hostile.into();
            c.job_id = hostile.into();
            c.url = Some(format!("https://www.upwork.com/jobs/~01?q={hostile}"));
            for m in [c.render(now()), c.render_compact(now())] {
                check(&m);
                let plain = plain_text(&m).unwrap();
                assert!(plain.contains(&one_line(hostile)), "{plain}");
            }
            let page = top_page(&[c.clone()], TopRequest { offset: 0, n: 5, min_score: None }, false, now());
            check(&page.text);
            for m in new_jobs(&[c], 0, None, now()) {
                check(&m);
            }
        }
    }

    #[test]
    fn a_page_has_buttons_for_the_pages_around_it() {
        let cards: Vec<JobCard> = (1..=5).map(|r| card(r, "Job")).collect();
        let first = top_page(&cards, TopRequest { offset: 0, n: 5, min_score: None }, true, now());
        check(&first.text);
        assert_eq!(first.shown, 5);
        assert!(plain_text(&first.text).unwrap().starts_with("🏆 Top jobs 1–5\n\n1. 🔥 Job"));
        assert_eq!(
            first.keyboard,
            Some(json!({"inline_keyboard": [[{"text": "Next ▶", "callback_data": "top:5:5:"}]]}))
        );
        let second = top_page(&cards, TopRequest { offset: 5, n: 5, min_score: Some(70.0) }, false, now());
        assert!(plain_text(&second.text).unwrap().starts_with("🏆 Top jobs 6–10 · score ≥ 70\n\n"));
        assert_eq!(
            second.keyboard,
            Some(json!({"inline_keyboard": [[{"text": "◀ Prev", "callback_data": "top:0:5:70"}]]}))
        );
        let only = top_page(&cards[..2], TopRequest { offset: 0, n: 5, min_score: None }, false, now());
        assert_eq!((only.shown, only.keyboard), (2, None));
    }

    #[test]
    fn empty_pages_say_so() {
        let r = TopRequest { offset: 0, n: 5, min_score: None };
        assert_eq!(plain_text(&top_page(&[], r, false, now()).text).unwrap(), "No scored jobs yet.");
        let r = TopRequest { min_score: Some(90.0), ..r };
        assert_eq!(plain_text(&top_page(&[], r, false, now()).text).unwrap(), "No jobs scored 90 or more yet.");
        let past_the_end = top_page(&[], TopRequest { offset: 10, ..r }, false, now());
        assert_eq!(plain_text(&past_the_end.text).unwrap(), "No more jobs.");
        assert!(past_the_end.keyboard.unwrap().to_string().contains("top:5:5:90"));
    }

    #[test]
    fn long_pages_are_cut_to_one_message() {
        let long = "A very long title with (reserved) characters. ".repeat(40);
        let mut cards: Vec<JobCard> = (1..=20).map(|r| card(r, &long)).collect();
        for c in &mut cards {
            c.summary = long.clone();
            c.client.country = Some(long.clone());
        }
        let page = top_page(&cards, TopRequest { offset: 0, n: 20, min_score: None }, false, now());
        check(&page.text);
        assert!(page.shown >= 10 && page.shown < 20, "{}", page.shown);
        let plain = plain_text(&page.text).unwrap();
        assert!(plain.contains(&format!("Top jobs 1–{}", page.shown)), "{plain}");
        let next = format!("top:{}:20:", page.shown);
        assert!(page.keyboard.unwrap().to_string().contains(&next), "Next starts after the last job shown");

        let typical: Vec<JobCard> = (1..=20).map(|r| card(r, "Senior Rust engineer for a data pipeline")).collect();
        let page = top_page(&typical, TopRequest { offset: 0, n: 20, min_score: None }, false, now());
        check(&page.text);
        assert_eq!(page.shown, 20);
    }

    #[test]
    fn new_jobs_are_packed_between_jobs() {
        assert_eq!(plain_text(&new_jobs(&[], 0, None, now())[0]).unwrap(), "Nothing new in the last 24 hours.");
        let since = Some(now() - chrono::Duration::minutes(90));
        assert_eq!(
            plain_text(&new_jobs(&[], 0, since, now())[0]).unwrap(),
            "Nothing new since your last /new (1 h ago)."
        );
        let long = "Title (long). ".repeat(15);
        let cards: Vec<JobCard> = (1..=20).map(|r| card(r, &long)).collect();
        let messages = new_jobs(&cards, 7, since, now());
        assert!(messages.len() > 1);
        for m in &messages {
            check(m);
        }
        let all = messages.iter().map(|m| plain_text(m).unwrap()).collect::<Vec<_>>().join("\n\n");
        assert!(all.starts_with("🆕 27 new jobs since your last /new (1 h ago)"), "{all}");
        assert!(all.ends_with("…and 7 more: see /top."), "{all}");
        for r in 1..=20 {
            assert_eq!(all.matches(&format!("/job 20584363184285750{r:02}")).count(), 1, "job {r} once");
        }
    }

    #[test]
    fn a_report_shows_every_score_flag_and_the_bid() {
        let profile = LoadedProfile::default_profile();
        let a = Assessment { red_flags: vec!["Wants a fixed price for open scope.".into()], ..Assessment::example() };
        let messages =
            job_report(&detail(job("Build a RAG pipeline"), vec![evaluation(&profile.version, a)]), &profile, now());
        assert_eq!(messages.len(), 1);
        check(&messages[0]);
        let plain = plain_text(&messages[0]).unwrap();
        for part in [
            "🔥 Build a RAG pipeline\nScore 82.5/100 · High\nscored by rules 30 min ago\n",
            "RAG over contract PDFs with pgvector and a FastAPI service.",
            "💰 $4,000 fixed",
            "👤 ★ 4.8 · Germany",
            "📨 5–10 proposals",
            "🕒 Posted 5 h ago",
            "📋 Expert · 1 to 3 months",
            "🛠 Python, pgvector",
            "Scores\n• Budget 8/10 (weight 25%): A $4,000",
            "• Client 9/10 (weight 15%)",
            "• Clarity 7/10 (weight 20%)",
            "• Technical fit 9/10 (weight 30%)",
            "• Competition 6/10 (weight 10%)",
            "Red flags\n• Wants a fixed price for open scope.",
            "💵 Suggested bid: $4,000 fixed — At the budget: the scope matches it.",
            "Open on Upwork",
            "Job id: 2058436318428575090",
        ] {
            assert!(plain.contains(part), "{part:?} in\n{plain}");
        }
        assert!(
            messages[0].contains(r#"<a href="https://www.upwork.com/jobs/~022058436318428575090">Open on Upwork</a>"#)
        );
    }

    #[test]
    fn reports_of_unscored_skipped_and_older_evaluations() {
        let profile = LoadedProfile::default_profile();
        let none = job_report(&detail(job("T"), vec![]), &profile, now());
        assert!(plain_text(&none[0]).unwrap().contains("Not scored yet."));
        let mut skipped = evaluation(&profile.version, Assessment::example());
        (skipped.status, skipped.skip_reason, skipped.total, skipped.assessment) =
            ("skipped".into(), Some("fixed budget $150 < $500".into()), None, None);
        let m = job_report(&detail(job("T"), vec![skipped]), &profile, now());
        check(&m[0]);
        assert!(plain_text(&m[0]).unwrap().contains("Skipped by a filter: fixed budget $150 < $500"));
        let old = evaluation(
            "0123456789abcdef",
            Assessment { relevant: false, irrelevant_reason: Some("Logo design.".into()), ..Assessment::example() },
        );
        let m = job_report(&detail(job("T"), vec![old]), &profile, now());
        let plain = plain_text(&m[0]).unwrap();
        assert!(
            plain.contains("Not relevant: Logo design.") && plain.contains("under an older profile (0123456789abcdef)"),
            "{plain}"
        );
    }

    #[test]
    fn hostile_and_huge_reports_stay_valid() {
        let profile = LoadedProfile::default_profile();
        for hostile in HOSTILE.iter().map(|h| h.to_string()).chain(["(Reason). ".repeat(2000)]) {
            let mut j = job(&hostile);
            j.skills = vec![hostile.clone(); 3];
            j.client.country = Some(hostile.clone());
            j.experience_level = Some(hostile.clone());
            j.job_id = hostile.chars().take(80).collect();
            j.url = Some(format!("https://www.upwork.com/jobs/~01?q={}", hostile.replace(char::is_whitespace, "")));
            let mut a = Assessment::example();
            a.summary = hostile.clone();
            a.red_flags = vec![hostile.clone(); 12];
            a.scores.budget.reason = hostile.clone();
            a.scores.technical_fit.reason = hostile.clone();
            a.suggested_bid.rationale = hostile.clone();
            let mut e = evaluation(&profile.version, a);
            e.model = Some(hostile.clone());
            let messages = job_report(&detail(j, vec![e]), &profile, now());
            for m in &messages {
                check(m);
            }
            let all = messages.iter().map(|m| plain_text(m).unwrap()).collect::<String>();
            assert!(all.contains("…and 4 more"), "{all}");
            assert!(all.contains("Suggested bid"));
        }
    }

    #[test]
    fn stats_are_valid() {
        let s = Stats {
            profile_version: "abcdef0123456789".into(),
            jobs_stored: 12_345,
            evaluated: 12_000,
            pending: 345,
            scored: 9_000,
            by_priority: ByPriority { high: 12, medium: 3_000, low: 5_988 },
            skipped_by_filter: 3_000,
            stale_in_rankings: 40,
            skip_reasons: vec![("fixed budget $150 < $500 (*_[]).".into(), 120)],
            tokens_today: Tokens {
                evaluations: 3,
                prompt_tokens: 4_000,
                completion_tokens: 900,
                estimated_cost_usd: 0.0021,
            },
            tokens_all_time: Tokens::default(),
            scorers: vec![("rules".into(), None, 9_000), ("cerebras".into(), Some("gpt-oss-120b".into()), 5)],
            recent_ingests: vec![IngestSummary {
                id: 1,
                key: "uploads/apify_[1].csv".into(),
                status: "failed".into(),
                started_at: now() - chrono::Duration::hours(2),
                rows_read: 33,
                jobs_stored: 30,
                jobs_enqueued: 30,
                duplicates: 0,
                rejected: 3,
                error: Some("not an export: columns a, b".into()),
            }],
            audit: audit_of(12_345, 1),
        };
        let none = DecisionStats::default();
        let threshold = crate::decision::threshold::alert_threshold(80.0, false, &[], &[]);
        let text = plain_text(&stats(&s, &none, &ProposalStats::default(), &threshold, now())[0]).unwrap();
        assert!(text.contains("Decisions\nNone yet"), "{text}");
        assert!(text.contains("🔔 Alert threshold: 80 (the profile's;"), "{text}");
        assert!(text.contains("✍️ Proposals: 0 drafts"), "{text}");
        let decided = DecisionStats {
            by_band: vec![crate::read::decisions::BandDecisions {
                band: "High".into(),
                jobs: 12,
                applied: 9,
                not_for_me: 1,
                interview: 3,
                won: 2,
                lost: 1,
            }],
            by_criterion: vec![crate::read::decisions::CriterionDecisions {
                criterion: "budget",
                label: "Budget",
                mean_applied: Some(8.25),
                mean_not_for_me: Some(3.0),
            }],
            decided: 10,
        };
        let threshold = crate::decision::threshold::alert_threshold(80.0, false, &[], &[]);
        let messages = stats(&s, &decided, &ProposalStats::default(), &threshold, now());
        assert_eq!(messages.len(), 1);
        check(&messages[0]);
        let plain = plain_text(&messages[0]).unwrap();
        assert!(
            plain.contains(
                "Decisions (10 jobs)\n• High: 12 jobs · 75% applied · 3 interview · 2 won · 1 lost · 1 not for me"
            ),
            "{plain}"
        );
        assert!(plain.contains("Mean score, applied vs not for me: Budget 8.2 vs 3"), "{plain}");
        for part in [
            "upflow stats · profile abcdef0123456789",
            "Jobs stored: 12,345",
            "Evaluated: 12,000 · pending 345",
            "Scored: 9,000 — 🔥 High 12 · ⭐ Medium 3,000 · 🔹 Low 5,988",
            "Ranked under an earlier profile: 40 (until scored again: upflow rescore)",
            "• fixed budget $150 < $500 (*_[]).: 120",
            "Today: 4,000 prompt + 900 completion tokens in 3 evaluations · ≈ $0.0021",
            "• cerebras (gpt-oss-120b): 5",
            "• uploads/apify_[1].csv — failed · 33 rows · 30 stored · 30 queued · 3 rejected · 0 duplicates · 2 h ago",
            "error: not an export",
            "Audit: ✗ jobs: 12345 stored but 12344 accounted for; 1 job neither evaluated, failing nor queued: \
             j1 (never queued)",
        ] {
            assert!(plain.contains(part), "{part:?} in\n{plain}");
        }
    }

    /// An audit of `stored` jobs, `gap` of them never queued, one in the DLQ, the rest pending.
    fn audit_of(stored: i64, gap: i64) -> crate::read::Audit {
        use crate::read::audit::{GapJob, JobsAudit};
        crate::read::Audit {
            profile_version: "abcdef0123456789".into(),
            ingest: None,
            ingests: 1,
            running: 0,
            rows: Default::default(),
            jobs: JobsAudit {
                stored,
                dead_lettered: 1,
                pending: stored - gap - 1,
                difference: gap,
                unaccounted_count: gap,
                unaccounted: (1..=gap)
                    .map(|i| GapJob { job_id: format!("j{i}"), why: "never queued".into() })
                    .collect(),
                ..Default::default()
            },
            dlq: vec![],
            balanced: gap == 0,
        }
    }

    #[test]
    fn a_balanced_audit_says_so_in_stats() {
        let line = plain_text(&audit_line(&audit_of(30, 0))).unwrap();
        assert_eq!(line, "Audit: ✓ every row read and job stored accounted for · 1 in the DLQ · 0 retrying");
    }
}
