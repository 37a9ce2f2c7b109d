//! A job's proposal draft page (`GET /proposal/{id}`): the cover letter to paste, the bid, the
//! screening answers and what drafting cost, with one form, no script, that drafts it (or a new
//! one) by `POST /proposal/{id}`. Opening the page never drafts: only the button does.

use chrono::{DateTime, Utc};
use maud::html;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::page::{document, given, safe_link, PRODUCT, QUERY_VALUE};
use crate::display::{ago, bid as bid_text, one_line};
use crate::profile::ProposalProfile;
use crate::proposal::render::cover_letter;
use crate::store::proposals::StoredProposal;

/// A job id as one path segment: everything but the unreserved characters percent-encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `/proposal/<id>`, with `?token=` when the page has one.
pub fn page_path(job_id: &str, token: Option<&str>) -> String {
    let path = format!("/proposal/{}", utf8_percent_encode(job_id, PATH_SEGMENT));
    match given(token) {
        Some(t) => format!("{path}?token={}", utf8_percent_encode(t, QUERY_VALUE)),
        None => path,
    }
}

/// What the page shows.
pub struct ProposalView<'a> {
    pub job_id: &'a str,
    pub title: &'a str,
    pub url: Option<&'a str>,
    pub stored: Option<&'a StoredProposal>,
    /// The profile's `[proposal]` section; without one nothing can be drafted.
    pub section: Option<&'a ProposalProfile>,
    pub token: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// The page.
pub fn proposal_page(v: &ProposalView) -> String {
    let title = one_line(v.title);
    let title = if title.is_empty() { "(untitled)".to_string() } else { title };
    let action = page_path(v.job_id, v.token);
    let back = match given(v.token) {
        Some(t) => format!("/?token={}", utf8_percent_encode(t, QUERY_VALUE)),
        None => "/".into(),
    };
    let body = html! {
        header { h1 { (PRODUCT) } p.profile { a href=(back) { "← Rankings" } } }
        main.proposal data-job-id=(v.job_id) {
            h2 {
                "Proposal draft · "
                @if let Some(url) = safe_link(v.url) {
                    a href=(url) rel="noopener noreferrer" target="_blank" { (title) }
                } @else {
                    (title)
                }
            }
            @match (v.section, v.stored) {
                (None, _) => {
                    p.empty { "The profile has no [proposal] section (bio, tone, rates, case studies), so there is nothing to draft from." }
                }
                (Some(_), None) => {
                    p.muted { "No draft of this job yet." }
                    form method="post" action=(action) {
                        button type="submit" { "Draft proposal" }
                    }
                }
                (Some(section), Some(p)) => {
                    p.muted.meta {
                        (drafter(p)) " · " (ago(p.updated_at, v.now))
                        " · " (p.calls) (if p.calls == 1 { " call" } else { " calls" })
                        " · " (p.prompt_tokens + p.completion_tokens) " tokens"
                        @if let Some(cost) = p.cost_usd {
                            " · $" (format!("{cost:.4}"))
                        }
                    }
                    h3 { "Cover letter" }
                    pre.letter { (cover_letter(&p.draft, section)) }
                    dl {
                        dt { "Bid" }
                        dd.bid { (bid_text(&p.draft.bid)) " — " (one_line(&p.draft.bid.rationale)) }
                        @for a in &p.draft.screening_answers {
                            dt.question { (one_line(&a.question)) }
                            dd.answer { (a.answer.trim()) }
                        }
                    }
                    form method="post" action=(action) {
                        input type="hidden" name="redo" value="true";
                        button type="submit" { "New draft" }
                    }
                }
            }
        }
    };
    document(&format!("{PRODUCT} · proposal · {title}"), body)
}

/// [`StoredProposal::drafted_by`], capitalised to open a line.
fn drafter(p: &StoredProposal) -> String {
    let by = p.drafted_by();
    let mut chars = by.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Assessment;
    use crate::job::Job;
    use crate::profile::LoadedProfile;
    use crate::proposal::offline;

    fn stored(job: &Job, section: &ProposalProfile) -> StoredProposal {
        StoredProposal {
            job_id: job.job_id.clone(),
            profile_version: "v".into(),
            content_hash: job.content_hash(),
            draft: offline::draft(job, &Assessment::example(), section),
            drafter: "rules".into(),
            model: None,
            calls: 2,
            prompt_tokens: 0,
            completion_tokens: 0,
            cost_usd: Some(0.0),
            latency_ms: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn the_page_shows_the_letter_and_answers_escaped_and_posts_back_to_itself() {
        let section = LoadedProfile::default_profile().profile.proposal.unwrap();
        let mut job = Job::example();
        job.job_id = "~01 a/b".into();
        job.screening_questions = vec!["<script>alert(1)</script> Describe similar work?".into()];
        let p = stored(&job, &section);
        let view = ProposalView {
            job_id: &job.job_id,
            title: "Tom & Jerry",
            url: Some("javascript:alert(1)"),
            stored: Some(&p),
            section: Some(&section),
            token: Some("t&k"),
            now: Utc::now(),
        };
        let html = proposal_page(&view);
        assert!(html.contains(r#"<form method="post" action="/proposal/~01%20a%2Fb?token=t%26k">"#), "{html}");
        assert!(html.contains(r#"name="redo" value="true""#));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Describe similar work?"));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("javascript:"), "an unsafe job URL is not linked");
        assert!(html.contains("Tom &amp; Jerry"));
        assert!(html.contains("Relevant work: Support agent for a B2B SaaS"));
        assert!(html.contains("2 calls"));
        let fresh = ProposalView { stored: None, ..view };
        let html = proposal_page(&fresh);
        assert!(html.contains("No draft of this job yet.") && !html.contains("name=\"redo\""));
        let without = ProposalView { section: None, ..fresh };
        assert!(proposal_page(&without).contains("no [proposal] section"));
    }
}
