//! `GET /`: the rankings page, server-rendered, without JavaScript.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use upflow::web::page::{rankings_page, PageFilters};

use super::api::client;
use crate::error::PageError;
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
    let token = state.api_token.as_ref().and(params.get("token").map(String::as_str));
    let html = rankings_page(&page, &filters, token, &state.profile.profile.name);
    Ok((html_headers(), html).into_response())
}
