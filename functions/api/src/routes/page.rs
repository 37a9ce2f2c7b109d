//! `GET /`: the rankings page, server-rendered, without JavaScript; `/decide` for its decision
//! forms; `/proposal/{id}` for a job's proposal draft.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use upflow::web::page::{rankings_page_with, PageFilters};
use upflow::web::proposal::{proposal_page, ProposalView};

use super::api::client;
use crate::error::{ApiError, PageError};
use crate::params::ranking_query;
use crate::state::AppState;

/// Headers of every HTML response: no scripts may run, nothing may frame the page.
pub fn html_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // Only the page's own stylesheet (by its hash) may apply; no script may run.
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(upflow::web::content_security_policy()));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let query = ranking_query(&params, &state.profile).map_err(PageError)?;
    let client = client(&state).await.map_err(PageError)?;
    let page = upflow::read::rankings(&**client, &query).await.map_err(|e| PageError(e.into()))?;
    let filters = PageFilters {
        min_score: query.min_score,
        priority: query.priority.map(|p| p.as_str().to_string()),
        q: query.q.clone(),
        show_all: query.relevant.is_none(),
    };
    let decided = upflow::read::decision_stats(&**client, state.profile.profile.priority)
        .await
        .map_err(|e| PageError(e.into()))?;
    let threshold = upflow::read::alert_threshold(&**client, state.profile.profile.alerts)
        .await
        .map_err(|e| PageError(e.into()))?;
    let section = upflow::web::decisions::decisions_section(&decided, &threshold);
    let token = state.api_token.as_ref().and(params.get("token").map(String::as_str));
    let html = rankings_page_with(&page, &filters, token, &state.profile.profile.name, Some(section));
    Ok((html_headers(), html).into_response())
}

/// Where `POST /decide` may send the browser back to: a path on this site (`/…`, never `//…`,
/// which a browser reads as another host), else the page.
fn back_to(back: Option<&String>) -> String {
    match back {
        Some(b) if b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') => b.clone(),
        _ => "/".into(),
    }
}

/// `POST /decide`: a decision from the page's form (`job_id`, `decision`, `reason` for "not for
/// me"), recorded as a page decision; then 303 back to the page it came from.
pub async fn decide(
    State(state): State<AppState>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    use upflow::decision::{Choice, Decision, Reason, Source};
    let bad = |parameter: &'static str, message: String| PageError(ApiError::BadParameter { parameter, message });
    let job_id = form.get("job_id").map(|s| s.trim()).filter(|s| !s.is_empty());
    let job_id = job_id.ok_or_else(|| bad("job_id", "missing".into()))?;
    let decision = form.get("decision").map(String::as_str).unwrap_or("");
    let decision =
        Decision::parse(decision).ok_or_else(|| bad("decision", format!("{decision:?} is not a decision")))?;
    // The form sends its reason select with every button; it counts only for "not for me".
    let reason = match (decision, form.get("reason").map(|r| r.trim()).filter(|r| !r.is_empty())) {
        (Decision::NotForMe, Some(r)) => {
            Some(Reason::parse(r).ok_or_else(|| bad("reason", format!("{r:?} is not a reason")))?)
        }
        _ => None,
    };
    let choice = Choice::new(decision, reason).map_err(|e| bad("reason", e))?;
    let client = client(&state).await.map_err(PageError)?;
    let recorded = upflow::store::decisions::record(&**client, job_id, choice, Source::Page)
        .await
        .map_err(|e| PageError(e.into()))?;
    if recorded.is_none() {
        return Err(PageError(ApiError::NotFound(format!("job {job_id}"))));
    }
    let location = back_to(form.get("back"));
    let mut headers = html_headers();
    headers.insert(header::LOCATION, HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static("/")));
    Ok((axum::http::StatusCode::SEE_OTHER, headers).into_response())
}

/// `GET /proposal/{id}`: the job's stored proposal draft with a button to draft it (or a new
/// one). Opening it never drafts.
pub async fn proposal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let Some((detail, stored)) = state.proposer.stored(&id).await.map_err(|e| PageError(e.into()))? else {
        return Err(PageError(ApiError::NotFound(format!("job {id}"))));
    };
    let token = state.api_token.as_ref().and(params.get("token").map(String::as_str));
    let view = ProposalView {
        job_id: &id,
        title: &detail.job.title,
        url: detail.job.url.as_deref(),
        stored: stored.as_ref(),
        section: state.profile.profile.proposal.as_ref(),
        token,
        now: chrono::Utc::now(),
    };
    Ok((html_headers(), proposal_page(&view)).into_response())
}

/// `POST /proposal/{id}` (the page's button; `redo=true` for a new draft): drafts, then 303
/// back to the draft's page.
pub async fn draft_proposal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let redo = form.get("redo").is_some_and(|v| v == "true");
    let deadline = tokio::time::Instant::now() + super::proposals::DRAFT_TIME;
    state.proposer.propose(&id, redo, deadline).await.map_err(|e| PageError(e.into()))?;
    let token = state.api_token.as_ref().and(params.get("token").map(String::as_str));
    let location = upflow::web::proposal::page_path(&id, token);
    let mut headers = html_headers();
    headers.insert(header::LOCATION, HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static("/")));
    Ok((axum::http::StatusCode::SEE_OTHER, headers).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_only_sends_the_browser_back_to_itself() {
        let back = |s: &str| back_to(Some(&s.to_string()));
        assert_eq!(back("/?priority=High&token=t"), "/?priority=High&token=t");
        assert_eq!(back("//evil.example/"), "/");
        assert_eq!(back("https://evil.example/"), "/");
        assert_eq!(back("/\\evil.example"), "/");
        assert_eq!(back_to(None), "/");
    }
}
