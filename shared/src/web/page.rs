//! The rankings page (`GET /`) and error pages: complete HTML5 documents rendered on the server.
//!
//! - **No JavaScript.** Filtering is a plain `GET` form, paging a plain link, and each row opens
//!   to its reasons with `<details>`. The one stylesheet is inline; nothing is loaded from
//!   elsewhere, so [`content_security_policy`] can be `default-src 'none'` with the stylesheet's
//!   hash as the only style source.
//! - **Escaping.** Every dynamic text and attribute goes through maud, which escapes `& < > "`
//!   in both; attributes are always double-quoted. Links to a job are made only from `http(s)`
//!   URLs, so a `javascript:` URL in an export is shown as text, never followed.
//! - **URLs** built here (the next page, clearing the filters) percent-encode every value.
//! - **Phones:** under 640px the table becomes one card per job (CSS only).
//! - **Earlier profile:** a job whose latest evaluation was made under an earlier profile carries
//!   an `earlier profile` badge (`span.badge.stale`) until it is scored again.
//! - **Test hooks:** every job is `<tr class="job" data-job-id="…" data-rank="…">`, its score cell
//!   `class="score"`.

use std::sync::OnceLock;

use chrono::SecondsFormat;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

use crate::decision::{Decision, Reason};
use crate::display::{
    self, age as age_text, bid as bid_text, client_parts, one_line, score as score_text, Budget, UNKNOWN,
};
use crate::profile::{Priority, CRITERIA};
use crate::read::{RankingItem, RankingPage};

/// The product's name, in the header and titles.
pub(crate) const PRODUCT: &str = "upflow";

/// Everything but the unreserved characters of RFC 3986 is percent-encoded in a query value.
pub(crate) const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The filters the page was asked for; they are shown in the form and carried by the next-page
/// link. Query parameters: `min_score`, `priority`, `q`, and `relevant=all` for
/// [`show_all`](PageFilters::show_all) (`relevant=false` would mean only the off-profile jobs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageFilters {
    pub min_score: Option<f64>,
    /// `High`, `Medium` or `Low` (any case); anything else counts as no filter.
    pub priority: Option<String>,
    /// Words in the title, skills or description (see [`crate::read::rankings`]).
    pub q: Option<String>,
    /// Include off-profile jobs: all jobs (`relevant=all`).
    pub show_all: bool,
}

impl PageFilters {
    fn min_score(&self) -> Option<f64> {
        self.min_score.filter(|x| x.is_finite())
    }

    fn priority(&self) -> Option<Priority> {
        self.priority.as_deref().map(str::trim).and_then(Priority::parse)
    }

    fn q(&self) -> Option<&str> {
        self.q.as_deref().filter(|q| !q.trim().is_empty())
    }

    /// Whether any filter narrows the default view.
    pub fn is_filtered(&self) -> bool {
        self.min_score().is_some() || self.priority().is_some() || self.q().is_some() || self.show_all
    }

    /// The filters as query parameters, in a fixed order, values not yet encoded.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(min) = self.min_score() {
            pairs.push(("min_score", min.to_string()));
        }
        if let Some(p) = self.priority() {
            pairs.push(("priority", p.as_str().to_string()));
        }
        if let Some(q) = self.q() {
            pairs.push(("q", q.to_string()));
        }
        if self.show_all {
            pairs.push(("relevant", "all".to_string()));
        }
        pairs
    }
}

/// A token that was actually given (an empty one is none).
pub(crate) fn given(token: Option<&str>) -> Option<&str> {
    token.filter(|t| !t.is_empty())
}

/// `/` with the filters, the cursor and the token as an encoded query.
fn page_url(filters: &PageFilters, cursor: Option<&str>, token: Option<&str>) -> String {
    let mut pairs = filters.pairs();
    if let Some(cursor) = cursor {
        pairs.push(("cursor", cursor.to_string()));
    }
    if let Some(token) = given(token) {
        pairs.push(("token", token.to_string()));
    }
    if pairs.is_empty() {
        return "/".into();
    }
    let query: Vec<String> =
        pairs.iter().map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, QUERY_VALUE))).collect();
    format!("/?{}", query.join("&"))
}

/// The URL to link a job's title to: only `http://` and `https://` URLs (any case), without
/// control characters; anything else (`javascript:`, `data:`, relative) is not linked.
pub(crate) fn safe_link(url: Option<&str>) -> Option<&str> {
    let url = url?.trim();
    let has_scheme = |scheme: &str| url.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme));
    let ok = (has_scheme("https://") || has_scheme("http://"))
        && url.len() > "https://".len()
        && !url.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then_some(url)
}

/// The badge class of a priority; unknown priorities get the plain badge.
fn priority_class(priority: &str) -> &'static str {
    match Priority::parse(priority.trim()) {
        Some(Priority::High) => "badge high",
        Some(Priority::Medium) => "badge medium",
        Some(Priority::Low) => "badge low",
        None => "badge",
    }
}

/// The page's one stylesheet. No `style` attributes are used anywhere, so the stylesheet's hash
/// is the only style source the CSP allows.
const STYLE: &str = r##"
:root{--bg:#f6f7f9;--fg:#1d2330;--muted:#5d6778;--line:#dde1e7;--card:#fff;--accent:#1f6feb;--high:#1a7f37;--high-bg:#dafbe1;--med:#9a6700;--med-bg:#fff8c5;--low:#57606a;--low-bg:#eaeef2;--bad:#cf222e;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--card:#161b22;--accent:#4493f8;--high:#3fb950;--high-bg:#12361f;--med:#d29922;--med-bg:#3b2e0a;--low:#9198a1;--low-bg:#21262d;--bad:#f85149}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header,main{max-width:1200px;margin:0 auto;padding:12px 16px}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:2px 16px}
h1{font-size:1.4rem;margin:0}
.profile{margin:0;color:var(--muted);overflow-wrap:anywhere}
a{color:var(--accent)}
.filters{display:flex;flex-wrap:wrap;gap:10px 14px;align-items:flex-end;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px;margin:0 0 14px}
.filters label{display:flex;flex-direction:column;gap:3px;font-size:.85rem;color:var(--muted)}
.filters label.check{flex-direction:row;align-items:center;gap:6px;color:var(--fg);font-size:.95rem;min-height:2.4rem}
.filters .grow{flex:1 1 14rem}
input,select,button{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.4rem .55rem;min-height:2.4rem}
input[type=number]{width:7rem}
input[type=checkbox]{min-height:0;width:1.15rem;height:1.15rem;margin:0}
button{background:var(--accent);border-color:var(--accent);color:#fff;cursor:pointer;padding:.4rem 1.2rem}
.reset{line-height:2.4rem}
.count{color:var(--muted);margin:0 0 8px}
.scroll{overflow-x:auto}
table.rankings{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line)}
.rankings th,.rankings td{padding:8px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.rankings th{font-size:.78rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);white-space:nowrap}
td.rank{color:var(--muted)}
td.score{font-weight:700;font-size:1.1rem;font-variant-numeric:tabular-nums}
td.title{min-width:16rem;overflow-wrap:anywhere}
td.title>a,td.title>.t{font-weight:600}
td.budget,td.proposals,td.age{white-space:nowrap}
form.decide{margin:.4rem 0 0;display:flex;flex-wrap:wrap;gap:.3rem}
form.decide button,form.decide select{font:inherit;font-size:.8rem;padding:.15rem .5rem}
a.draft{font-size:.85rem}
details.decided{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:8px 12px;margin:0 0 14px}
details.decided table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
details.decided th,details.decided td{padding:3px 10px;border-bottom:1px solid var(--line);text-align:left}
.proposal{max-width:48rem}
.proposal pre.letter{white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px}
.proposal dl dt{font-weight:600;margin-top:.6rem}
.proposal dl dd{margin:.2rem 0 0}
td.client{font-size:.88rem;color:var(--muted);min-width:12rem}
.sig{white-space:nowrap}
.ok{color:var(--high)}
.bad{color:var(--bad)}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:.8rem;font-weight:600;background:var(--low-bg);color:var(--low);white-space:nowrap}
.badge.high{background:var(--high-bg);color:var(--high)}
.badge.medium{background:var(--med-bg);color:var(--med)}
.badge.off,.badge.stale{background:transparent;border:1px solid var(--line);font-weight:500;margin-left:6px}
.badge.stale{border-style:dashed}
details{margin-top:4px}
summary{cursor:pointer;color:var(--accent);font-size:.88rem}
.why{font-size:.9rem;padding:6px 0 2px}
.why p{margin:.35rem 0}
.criteria{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:.5rem 0}
.criteria dt{font-weight:600;white-space:nowrap}
.criteria dd{margin:0}
.flags{margin:.25rem 0;padding-left:1.2rem;color:var(--bad)}
.muted{color:var(--muted)}
.empty{background:var(--card);border:1px dashed var(--line);border-radius:10px;padding:24px;text-align:center}
.pager{margin:14px 0;text-align:right}
.pager a{display:inline-block;padding:.5rem 1rem;border:1px solid var(--line);border-radius:6px;background:var(--card);text-decoration:none}
.error{max-width:40rem}
@media (max-width:640px){
header,main{padding:10px}
.rankings thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.rankings,.rankings tbody,.rankings tr,.rankings td{display:block}
table.rankings{border:0;background:transparent}
.rankings tr.job{background:var(--card);border:1px solid var(--line);border-radius:10px;margin:0 0 12px;padding:8px 12px}
.rankings td{border:0;padding:3px 0}
.rankings td.rank,.rankings td.score,.rankings td.priority{display:inline-block;margin-right:10px}
.rankings td.rank::before{content:"#"}
.rankings td.budget::before,.rankings td.client::before,.rankings td.proposals::before,.rankings td.age::before{content:attr(data-label) ": ";color:var(--muted);font-size:.8rem}
td.title{min-width:0}
td.client{min-width:0}
.sig{white-space:normal}
.scroll{overflow-x:visible}
.filters .grow{flex-basis:100%}
}
"##;

/// `'sha256-…'` of [`STYLE`], as a CSP source.
fn style_source() -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(STYLE.as_bytes())))
}

/// The policy the page is written for, for the server's `Content-Security-Policy` header: nothing
/// may load or run but the page's own stylesheet (by hash); forms submit only to this origin; the
/// page may not be framed.
pub fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        format!(
            "default-src 'none'; style-src {}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            style_source()
        )
    })
}

/// The same policy for the page's `<meta>` (where `frame-ancestors` is not allowed): a second
/// line of defence should the header be lost on the way.
fn meta_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        format!("default-src 'none'; style-src {}; form-action 'self'; base-uri 'none'", style_source())
    })
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The document around a page's body.
pub(crate) fn document(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(meta_policy());
                meta name="viewport" content="width=device-width, initial-scale=1";
                // The token may be in the page's URL: never send it on to the links' sites.
                meta name="referrer" content="no-referrer";
                meta name="robots" content="noindex, nofollow";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
    .into_string()
}

/// The rankings page for `page`, shown under `filters`; `token` (the API token the page was
/// opened with, if any) is carried by the filter form and the next-page link so that neither
/// loses access. `profile_name` is shown in the header.
pub fn rankings_page(page: &RankingPage, filters: &PageFilters, token: Option<&str>, profile_name: &str) -> String {
    rankings_page_with(page, filters, token, profile_name, None)
}

/// [`rankings_page`] with the "Your decisions against the scores" section
/// ([`super::decisions`]) under the filters.
pub fn rankings_page_with(
    page: &RankingPage,
    filters: &PageFilters,
    token: Option<&str>,
    profile_name: &str,
    decided: Option<Markup>,
) -> String {
    let token = given(token);
    let decide = Decide::new(filters, token);
    let profile_name = one_line(profile_name);
    let body = html! {
        header {
            h1 { (PRODUCT) }
            p.profile { "Profile: " (profile_name) }
        }
        main {
            (filter_form(filters, token))
            @if let Some(section) = decided {
                (section)
            }
            @if page.items.is_empty() {
                div.empty {
                    @if filters.is_filtered() {
                        p { "No jobs match these filters." }
                        p { a href=(page_url(&PageFilters::default(), None, token)) { "Show all ranked jobs" } }
                    } @else {
                        p { "No scored jobs yet. Upload an export: its jobs appear here once they are scored." }
                    }
                }
            } @else {
                @let (first, last) = (page.items[0].rank, page.items[page.items.len() - 1].rank);
                p.count { "Jobs " (first) "–" (last) ", best first" }
                div.scroll {
                    table.rankings {
                        thead {
                            tr {
                                th scope="col" { "#" }
                                th scope="col" { "Score" }
                                th scope="col" { "Priority" }
                                th scope="col" { "Job" }
                                th scope="col" { "Budget" }
                                th scope="col" { "Client" }
                                th scope="col" { "Proposals" }
                                th scope="col" { "Age" }
                            }
                        }
                        tbody {
                            @for item in &page.items {
                                (job_row(item, &decide))
                            }
                        }
                    }
                }
            }
            @if let Some(cursor) = &page.next_cursor {
                nav.pager aria-label="Pagination" {
                    a.next rel="next" href=(page_url(filters, Some(cursor), token)) { "Next page →" }
                }
            }
        }
    };
    document(&format!("{PRODUCT} · rankings · {profile_name}"), body)
}

/// The filter form: a plain `GET /` whose fields carry the current filters.
fn filter_form(filters: &PageFilters, token: Option<&str>) -> Markup {
    let priority = filters.priority();
    html! {
        form.filters method="get" action="/" {
            label {
                span { "Min score" }
                input type="number" name="min_score" min="0" max="100" step="any" inputmode="decimal"
                    value=[filters.min_score().map(|m| m.to_string())];
            }
            label {
                span { "Priority" }
                select name="priority" {
                    option value="" selected[priority.is_none()] { "Any" }
                    @for p in [Priority::High, Priority::Medium, Priority::Low] {
                        option value=(p.as_str()) selected[priority == Some(p)] { (p.as_str()) }
                    }
                }
            }
            label.grow {
                span { "Search" }
                input type="search" name="q" maxlength="200" placeholder="Words in title, skills, description" value=[filters.q()];
            }
            label.check {
                input type="checkbox" name="relevant" value="all" checked[filters.show_all];
                span { "Include off-profile jobs" }
            }
            @if let Some(token) = token {
                input type="hidden" name="token" value=(token);
            }
            button type="submit" { "Filter" }
            @if filters.is_filtered() {
                a.reset href=(page_url(&PageFilters::default(), None, token)) { "Clear" }
            }
        }
    }
}

/// One job: its row, and in its title cell the reasons behind its score.
fn job_row(item: &RankingItem, decide: &Decide) -> Markup {
    let title = one_line(&item.title);
    let title = if title.is_empty() { "(untitled)".to_string() } else { title };
    let total = score_text(item.total);
    html! {
        tr.job data-job-id=(item.job_id) data-rank=(item.rank) {
            td.rank data-label="Rank" { (item.rank) }
            td.score data-label="Score" { (total) }
            td.priority data-label="Priority" { span class=(priority_class(&item.priority)) { (item.priority) } }
            td.title data-label="Job" {
                @if let Some(url) = safe_link(item.url.as_deref()) {
                    a href=(url) rel="noopener noreferrer" target="_blank" { (title) }
                } @else {
                    span.t { (title) }
                }
                @if !item.relevant {
                    span.badge.off { "off-profile" }
                }
                @if item.stale {
                    span.badge.stale title="Scored under an earlier profile; not scored again yet" { "earlier profile" }
                }
                details {
                    summary { "Why " (total) ": scores, red flags, bid" }
                    (reasons(item))
                }
                (decision_form(&item.job_id, decide))
                a.draft href=(crate::web::proposal::page_path(&item.job_id, decide.token.as_deref())) { "✍️ Proposal draft" }
            }
            td.budget data-label="Budget" { (display::budget(&Budget::from(item)).unwrap_or_else(|| UNKNOWN.into())) }
            td.client data-label="Client" {
                @let parts = client_parts(&item.client());
                @if parts.is_empty() {
                    span.muted { "—" }
                }
                @for (n, part) in parts.iter().enumerate() {
                    @if n > 0 {
                        " · "
                    }
                    span.sig.ok[part.starts_with('✓')].bad[part.starts_with('✗')] { (part) }
                }
            }
            td.proposals data-label="Proposals" {
                (display::proposals(item.proposals_min.map(i64::from), item.proposals_max.map(i64::from)).unwrap_or_else(|| UNKNOWN.into()))
            }
            td.age data-label="Age" {
                @if let Some(posted) = item.posted_at {
                    time datetime=(posted.to_rfc3339_opts(SecondsFormat::Secs, true))
                        title=(format!("posted {}", posted.format("%Y-%m-%d %H:%M UTC"))) {
                        (age_text(item.age_hours))
                    }
                } @else {
                    (age_text(item.age_hours))
                }
            }
        }
    }
}

/// Where a row's decision form posts (`/decide`, with the token when the page has one) and
/// the page it returns to.
struct Decide {
    action: String,
    back: String,
    /// The page's token, carried by the links it makes.
    token: Option<String>,
}

impl Decide {
    fn new(filters: &PageFilters, token: Option<&str>) -> Decide {
        let action = match given(token) {
            Some(t) => format!("/decide?token={}", utf8_percent_encode(t, QUERY_VALUE)),
            None => "/decide".into(),
        };
        Decide { action, back: page_url(filters, None, token), token: given(token).map(String::from) }
    }
}

/// A row's decision controls: Applied, Not for me (with an optional reason), Interview, Won,
/// Lost, as one form without script; `POST /decide` records the decision and sends the browser
/// back to the page.
fn decision_form(job_id: &str, decide: &Decide) -> Markup {
    html! {
        form.decide method="post" action=(decide.action) {
            input type="hidden" name="job_id" value=(job_id);
            input type="hidden" name="back" value=(decide.back);
            button type="submit" name="decision" value="applied" { "Applied" }
            select name="reason" aria-label="Why not for me" {
                option value="" { "(no reason)" }
                @for r in Reason::ALL {
                    option value=(r.as_str()) { (r.label()) }
                }
            }
            button type="submit" name="decision" value="not_for_me" { "Not for me" }
            @for d in [Decision::Interview, Decision::Won, Decision::Lost] {
                button type="submit" name="decision" value=(d.as_str()) { (d.label()) }
            }
        }
    }
}

/// The five criterion scores with their reasons, the summary, the red flags and the bid.
fn reasons(item: &RankingItem) -> Markup {
    let a = &item.assessment;
    let rationale = one_line(&a.suggested_bid.rationale);
    html! {
        div.why {
            @if !item.relevant {
                p.bad {
                    "Off-profile: "
                    (a.irrelevant_reason.as_deref().map(one_line).filter(|r| !r.is_empty())
                        .unwrap_or_else(|| "no reason given".into()))
                }
            }
            p.summary { (a.summary) }
            dl.criteria {
                @for key in CRITERIA {
                    @let s = a.scores.get(key);
                    dt { (key.label()) " " (score_text(s.score)) "/10" }
                    dd { (s.reason) }
                }
            }
            @if a.red_flags.is_empty() {
                p.muted { "No red flags." }
            } @else {
                p { strong { "Red flags" } }
                ul.flags {
                    @for flag in &a.red_flags {
                        li { (flag) }
                    }
                }
            }
            p.bid {
                strong { "Suggested bid: " }
                (bid_text(&a.suggested_bid))
                @if !rationale.is_empty() {
                    " — " (rationale)
                }
            }
            @if !item.skills.is_empty() {
                p.muted { "Skills: " (item.skills.join(", ")) }
            }
            p.muted {
                "Scored by " (item.scorer)
                @if let Some(model) = &item.model {
                    " (" (model) ")"
                }
                @if item.stale {
                    " under an earlier profile (" (item.profile_version) ")"
                }
            }
        }
    }
}

/// The reason phrase of the statuses the api answers with.
fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ if (400..500).contains(&status) => "Client Error",
        _ if (500..600).contains(&status) => "Server Error",
        _ => "Error",
    }
}

/// An error page: the status, its reason phrase and `message`, escaped.
pub fn error_page(status: u16, message: &str) -> String {
    let reason = reason_phrase(status);
    let body = html! {
        header { h1 { (PRODUCT) } }
        main.error {
            h2 { (status) " " (reason) }
            p { (message) }
            p { a href="/" { "Back to the rankings" } }
        }
    };
    document(&format!("{status} {reason} · {PRODUCT}"), body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::display::tests::item;

    const SCRIPT: &str = "<script>alert(1)</script>";
    const IMG: &str = r#""><img src=x onerror=alert(1)>"#;
    const QUOTED_URL: &str = r#"https://www.upwork.com/jobs/~01"onmouseover=alert(1)"#;

    /// Tags and attributes the page may contain: anything else is markup that came from data.
    const TAGS: &str =
        "html head meta title style body header h1 h2 p main form label span input select option button \
                        a div table thead tbody tr th td details summary dl dt dd ul li strong nav time";
    const ATTRIBUTES: &str = "lang charset http-equiv content name class method action type min max step \
                              inputmode value selected maxlength placeholder checked href rel target scope \
                              data-job-id data-rank data-label datetime title aria-label";

    /// Walks the document as a browser's tokenizer would and checks that every tag and attribute
    /// is one the template writes, that text holds no raw `<`/`>`, and that attribute values are
    /// double-quoted without a raw `<` or `"` inside. Returns the attributes seen, `(tag, name, value)`.
    fn check_markup(html: &str) -> Vec<(String, String, String)> {
        let mut seen = Vec::new();
        let doctype = "<!DOCTYPE html>";
        assert!(html.starts_with(doctype), "{html}");
        let mut rest = &html[doctype.len()..];
        while !rest.is_empty() {
            let Some(lt) = rest.find('<') else {
                assert!(!rest.contains('>'), "raw > in text: {rest}");
                break;
            };
            assert!(!rest[..lt].contains('>'), "raw > in text: {}", &rest[..lt]);
            rest = &rest[lt + 1..];
            let closing = rest.starts_with('/');
            if closing {
                rest = &rest[1..];
            }
            let end = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap();
            let tag = rest[..end].to_string();
            assert!(TAGS.split_whitespace().any(|t| t == tag), "unexpected tag <{tag}> in {html}");
            rest = &rest[end..];
            if closing {
                assert!(rest.starts_with('>'), "{rest}");
                rest = &rest[1..];
                continue;
            }
            loop {
                rest = rest.trim_start();
                if let Some(r) = rest.strip_prefix('>') {
                    rest = r;
                    break;
                }
                let end = rest.find(|c: char| c == '=' || c == '>' || c.is_whitespace()).unwrap();
                let name = rest[..end].to_string();
                assert!(
                    ATTRIBUTES.split_whitespace().any(|a| a == name),
                    "unexpected attribute {name} on <{tag}> in {html}"
                );
                rest = &rest[end..];
                let mut value = String::new();
                if let Some(r) = rest.strip_prefix('=') {
                    let r = r.strip_prefix('"').expect("attribute values are double-quoted");
                    let close = r.find('"').unwrap();
                    value = r[..close].to_string();
                    assert!(!value.contains('<'), "raw < in attribute {name}: {value}");
                    rest = &r[close + 1..];
                }
                seen.push((tag.clone(), name, value));
            }
            if tag == "style" {
                let close = rest.find("</style>").unwrap();
                rest = &rest[close..];
            }
        }
        seen
    }

    fn page_of(items: Vec<RankingItem>, next: Option<&str>) -> RankingPage {
        RankingPage { items, next_cursor: next.map(str::to_string) }
    }

    fn hostile_item() -> RankingItem {
        let mut i = item();
        i.job_id = IMG.into();
        i.title = SCRIPT.into();
        i.url = Some(QUOTED_URL.into());
        i.priority = IMG.into();
        i.currency = Some("<b>".into());
        i.client_country = Some(SCRIPT.into());
        i.skills = vec![SCRIPT.into(), "R&D".into()];
        i.scorer = IMG.into();
        i.model = Some(SCRIPT.into());
        i.relevant = false;
        let a = &mut i.assessment;
        a.irrelevant_reason = Some(IMG.into());
        a.summary = format!("Tom & Jerry {SCRIPT}");
        a.scores.budget.reason = IMG.into();
        a.scores.technical_fit.reason = "</td></tr></table><script>x()</script>".into();
        a.red_flags = vec![SCRIPT.into(), IMG.into(), "'single' & \"double\"".into()];
        a.suggested_bid.rationale = SCRIPT.into();
        i
    }

    #[test]
    fn hostile_text_appears_only_escaped() {
        let filters =
            PageFilters { min_score: Some(10.0), priority: Some(IMG.into()), q: Some(SCRIPT.into()), show_all: true };
        let html = rankings_page(&page_of(vec![hostile_item()], Some(IMG)), &filters, Some(IMG), SCRIPT);
        let attributes = check_markup(&html);
        assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
        assert!(!html.contains("<img"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("Tom &amp; Jerry"));
        assert!(html.contains("R&amp;D"));
        assert!(html.contains("'single' &amp; &quot;double&quot;"));
        assert!(!attributes.iter().any(|(_, name, _)| name.starts_with("on")));
        // The quote in the URL stays inside the href.
        let hrefs: Vec<&str> =
            attributes.iter().filter(|(t, n, _)| t == "a" && n == "href").map(|(_, _, v)| v.as_str()).collect();
        assert!(hrefs.contains(&"https://www.upwork.com/jobs/~01&quot;onmouseover=alert(1)"), "{hrefs:?}");
        assert!(!html.contains(r#"~01"onmouseover"#));
        // The job id is escaped in its hook, and the priority's class comes from a fixed list.
        assert!(html
            .contains(r#"<tr class="job" data-job-id="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" data-rank="1">"#));
        assert!(html.contains(r#"<span class="badge">&quot;&gt;&lt;img"#));
    }

    #[test]
    fn only_http_urls_are_linked() {
        let urls = [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "//evil.example/x",
            "/jobs/1",
            "ftp://www.upwork.com/x",
            "https://",
            "https://www.upwork.com/jobs/~01\nx",
        ];
        for url in urls {
            let mut i = item();
            i.url = Some(url.into());
            i.title = "Plain title".into();
            let html = rankings_page(&page_of(vec![i], None), &PageFilters::default(), None, "p");
            check_markup(&html);
            assert!(!html.contains("target=\"_blank\""), "{url} was linked");
            assert!(html.contains(r#"<span class="t">Plain title</span>"#), "{url}");
            assert!(!html.to_ascii_lowercase().contains("javascript:"), "{url}");
        }
        let mut i = item();
        i.url = Some(" HTTPS://www.upwork.com/jobs/~012 ".into());
        let html = rankings_page(&page_of(vec![i], None), &PageFilters::default(), None, "p");
        assert!(html.contains(
            r#"<a href="HTTPS://www.upwork.com/jobs/~012" rel="noopener noreferrer" target="_blank">RAG pipeline"#
        ));
    }

    #[test]
    fn the_next_link_encodes_the_cursor_filters_and_token() {
        let filters = PageFilters {
            min_score: Some(72.5),
            priority: Some("high".into()),
            q: Some("C++ & \"Rust\"/é".into()),
            show_all: true,
        };
        let html = rankings_page(&page_of(vec![item()], Some("4054.1779604437.41+/=")), &filters, Some("t&k=1 ü"), "p");
        check_markup(&html);
        let href = "/?min_score=72.5&amp;priority=High&amp;q=C%2B%2B%20%26%20%22Rust%22%2F%C3%A9&amp;relevant=all\
                    &amp;cursor=4054.1779604437.41%2B%2F%3D&amp;token=t%26k%3D1%20%C3%BC";
        assert!(html.contains(&format!(r#"<a class="next" rel="next" href="{href}">"#)), "{html}");

        // Without filters or token the link carries only the cursor; without a cursor there is none.
        let html = rankings_page(&page_of(vec![item()], Some("abc.1.41")), &PageFilters::default(), None, "p");
        assert!(html.contains(r#"href="/?cursor=abc.1.41""#));
        let html = rankings_page(&page_of(vec![item()], None), &PageFilters::default(), None, "p");
        assert!(!html.contains("rel=\"next\""));
        // Unusable filters are left out rather than carried.
        let odd = PageFilters {
            min_score: Some(f64::NAN),
            priority: Some("urgent".into()),
            q: Some("  ".into()),
            show_all: false,
        };
        assert_eq!(page_url(&odd, Some("c"), Some("")), "/?cursor=c");
    }

    #[test]
    fn the_token_is_carried_only_when_given() {
        let page = page_of(vec![item()], None);
        let with = rankings_page(&page, &PageFilters::default(), Some("s3cr\"et"), "p");
        assert!(with.contains(r#"<input type="hidden" name="token" value="s3cr&quot;et">"#), "{with}");
        for token in [None, Some("")] {
            let without = rankings_page(&page, &PageFilters::default(), token, "p");
            assert!(!without.contains("name=\"token\""));
            assert!(!without.contains("token="));
        }
    }

    #[test]
    fn the_form_shows_the_current_filters() {
        let filters = PageFilters {
            min_score: Some(60.0),
            priority: Some("Medium".into()),
            q: Some("rust".into()),
            show_all: true,
        };
        let html = rankings_page(&page_of(vec![item()], None), &filters, Some("tok"), "p");
        assert!(html.contains(r#"<form class="filters" method="get" action="/">"#));
        assert!(html.contains(r#"name="min_score" min="0" max="100" step="any" inputmode="decimal" value="60">"#));
        assert!(html.contains(r#"<option value="Medium" selected>Medium</option>"#));
        assert!(html.contains(r#"<option value="">Any</option>"#));
        assert!(html.contains(r#"placeholder="Words in title, skills, description" value="rust">"#));
        assert!(html.contains(r#"<input type="checkbox" name="relevant" value="all" checked>"#));
        assert!(html.contains(r#"<a class="reset" href="/?token=tok">Clear</a>"#));

        let html = rankings_page(&page_of(vec![item()], None), &PageFilters::default(), None, "p");
        assert!(html.contains(r#"<option value="" selected>Any</option>"#));
        assert!(html.contains(r#"<input type="checkbox" name="relevant" value="all">"#));
        assert!(!html.contains("class=\"reset\""));
    }

    #[test]
    fn a_row_shows_the_job_and_its_reasons() {
        let mut second = item();
        second.rank = 2;
        second.job_id = "2".into();
        second.total = 64.0;
        second.priority = "Medium".into();
        second.posted_at = None;
        second.age_hours = None;
        let html = rankings_page(&page_of(vec![item(), second], None), &PageFilters::default(), None, "Alex's AI work");
        check_markup(&html);
        assert!(html.to_ascii_lowercase().starts_with("<!doctype html>"));
        assert!(html.contains(r#"<meta charset="utf-8">"#));
        assert!(html.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#));
        assert!(html.contains("Profile: Alex's AI work"));
        assert!(html.contains(r#"<tr class="job" data-job-id="2058436318428575090" data-rank="1">"#));
        assert!(html.contains(r#"<td class="score" data-label="Score">81.5</td>"#));
        assert!(html.contains(r#"<span class="badge high">High</span>"#));
        assert!(html.contains(r#"<span class="badge medium">Medium</span>"#));
        assert!(html.contains(r#"<td class="budget" data-label="Budget">$1,500 fixed</td>"#));
        assert!(html.contains(r#"<span class="sig ok">✓ payment verified</span> · <span class="sig">★ 4.9</span>"#));
        assert!(html.contains(r#"<td class="proposals" data-label="Proposals">10–15</td>"#));
        assert!(
            html.contains(r#"<time datetime="2026-11-20T05:30:00Z" title="posted 2026-11-20 05:30 UTC">3 h</time>"#)
        );
        assert!(html.contains(r#"<td class="age" data-label="Age">—</td>"#));
        assert!(html.contains("<details><summary>Why 81.5: scores, red flags, bid</summary>"));
        assert!(html
            .contains("<dt>Technical fit 9/10</dt><dd>A RAG system over PDFs with pgvector is core expertise.</dd>"));
        assert!(html.contains("RAG over contract PDFs with pgvector and a FastAPI service."));
        assert!(html.contains("No red flags."));
        assert!(html.contains("<strong>Suggested bid: </strong>$4,000 fixed — At the budget: the scope matches it."));
        assert!(html.contains("Jobs 1–2, best first"));
        assert!(!html.contains("off-profile</span>"));
        // Rows keep the page's order.
        assert!(html.find(r#"data-rank="1""#) < html.find(r#"data-rank="2""#));
    }

    #[test]
    fn a_row_scored_under_an_earlier_profile_says_so() {
        let mut stale = item();
        (stale.stale, stale.profile_version) = (true, "<b>0123</b>".into());
        let html = rankings_page(&page_of(vec![stale, item()], None), &PageFilters::default(), None, "p");
        check_markup(&html);
        let badge = r#"<span class="badge stale" title="Scored under an earlier profile; not scored again yet">earlier profile</span>"#;
        assert_eq!(html.matches(badge).count(), 1, "{html}");
        assert!(html.contains("Scored by rules under an earlier profile (&lt;b&gt;0123&lt;/b&gt;)"));
        let html = rankings_page(&page_of(vec![item()], None), &PageFilters::default(), None, "p");
        assert!(!html.contains("earlier profile"));
    }

    #[test]
    fn an_empty_page_says_so() {
        let empty = page_of(vec![], None);
        let html = rankings_page(&empty, &PageFilters::default(), None, "p");
        check_markup(&html);
        assert!(html.contains("No scored jobs yet."));
        assert!(!html.contains("<table"));
        let filtered = PageFilters { q: Some("cobol".into()), ..PageFilters::default() };
        let html = rankings_page(&empty, &filtered, Some("t"), "p");
        assert!(html.contains("No jobs match these filters."));
        assert!(html.contains(r#"<a href="/?token=t">Show all ranked jobs</a>"#));
    }

    #[test]
    fn the_page_has_no_script_and_its_style_matches_the_policy() {
        let html = rankings_page(&page_of(vec![hostile_item(), item()], Some("c")), &PageFilters::default(), None, "p");
        assert!(!html.to_ascii_lowercase().contains("<script"));
        assert!(!html.contains(" style=\""));
        assert!(!html.contains("<link"));
        assert!(!STYLE.contains("url(") && !STYLE.contains("@import") && !STYLE.contains('<'));
        let start = html.find("<style>").unwrap() + "<style>".len();
        let end = html.find("</style>").unwrap();
        let hash = format!("'sha256-{}'", base64(&Sha256::digest(&html.as_bytes()[start..end])));
        let policy = content_security_policy();
        assert!(policy.starts_with("default-src 'none'; "), "{policy}");
        assert!(policy.contains(&format!("style-src {hash};")), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(html.contains(&format!(
            r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src {hash};"#
        )));
        assert!(html.contains(r#"<meta name="referrer" content="no-referrer">"#));
    }

    #[test]
    fn error_pages_are_escaped() {
        let html = error_page(400, &format!("bad min_score {IMG}"));
        check_markup(&html);
        assert!(html.contains("<h2>400 Bad Request</h2>"));
        assert!(html.contains("bad min_score &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!html.contains("<img"));
        assert!(error_page(404, "no such job").contains("<title>404 Not Found · upflow</title>"));
        assert!(error_page(418, SCRIPT).contains("418 Client Error"));
        assert!(!error_page(503, SCRIPT).contains("<script"));
    }

    #[test]
    fn base64_matches_the_standard() {
        for (input, expected) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(base64(input.as_bytes()), expected);
        }
        assert_eq!(base64(&Sha256::digest(b"")), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }
}
