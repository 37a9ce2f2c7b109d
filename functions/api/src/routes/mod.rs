//! The routes.

pub mod api;
pub mod page;
pub mod webhook;

use axum::middleware;
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// The whole router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(api::health))
        .route("/rankings", get(api::rankings))
        .route("/jobs/{id}", get(api::job))
        .route("/stats", get(api::stats))
        .route("/", get(page::page))
        .route("/telegram/webhook", post(webhook::webhook))
        .layer(middleware::from_fn_with_state(state.clone(), crate::auth::require_token))
        .with_state(state)
}
