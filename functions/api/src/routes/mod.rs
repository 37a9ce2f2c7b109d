//! The routes.

pub mod api;
pub mod decisions;
pub mod page;
pub mod proposals;
pub mod webhook;

use std::time::Duration;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::error::{ApiError, PageError};
use crate::state::AppState;

/// The whole router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(api::health))
        .route("/rankings", get(api::rankings))
        .route("/jobs/{id}", get(api::job))
        .route("/jobs/{id}/decisions", get(decisions::list).post(decisions::record))
        .route("/jobs/{id}/proposal", get(proposals::get).post(proposals::draft))
        .route("/stats", get(api::stats))
        .route("/", get(page::page))
        .route("/decide", post(page::decide))
        .route("/proposal/{id}", get(page::proposal).post(page::draft_proposal))
        .route("/telegram/webhook", post(webhook::webhook))
        .layer(middleware::from_fn(answer_in_time))
        .layer(middleware::from_fn_with_state(state.clone(), crate::auth::require_token))
        .with_state(state)
}

/// Longest a request of the API or the page may take: below the Function URL's 29 s, so the
/// caller gets a 503 that says why instead of Lambda's bare timeout. The pool's own timeouts
/// answer sooner when the database cannot be reached; this one covers a connection that stops
/// answering mid-query.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Ends a request that has not answered within [`REQUEST_TIMEOUT`] with a 503. The webhook is
/// left alone: it answers Telegram 200 whatever happens inside.
async fn answer_in_time(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path == "/telegram/webhook" {
        return next.run(request).await;
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let error = ApiError::Unavailable(format!("no answer within {} s", REQUEST_TIMEOUT.as_secs()));
            if path == "/" || path.starts_with("/proposal/") {
                PageError(error).into_response()
            } else {
                error.into_response()
            }
        }
    }
}
