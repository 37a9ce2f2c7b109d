//! `API_TOKEN`: when set, every route but `/health` and the Telegram webhook needs it, as
//! `Authorization: Bearer <token>` or a `token` query parameter (for the page in a browser).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::state::AppState;

/// Paths that never need the token.
const OPEN: [&str; 2] = ["/health", "/telegram/webhook"];

/// Compares in constant time (for equal lengths; the length itself is not secret).
pub fn token_matches(given: &str, expected: &str) -> bool {
    given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// The token a request presents, if any.
pub fn presented_token(request: &Request) -> Option<String> {
    if let Some(value) = request.headers().get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        if let Some(token) = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")) {
            return Some(token.trim().to_string());
        }
    }
    let query = request.uri().query()?;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "token")
            .then(|| percent_encoding::percent_decode_str(&v.replace('+', " ")).decode_utf8_lossy().into_owned())
    })
}

/// The middleware.
pub async fn require_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(expected) = state.api_token.as_deref() else { return next.run(request).await };
    if OPEN.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    match presented_token(&request) {
        Some(given) if token_matches(&given, expected) => next.run(request).await,
        _ => {
            let error = ApiError::Unauthorized;
            if request.uri().path() == "/" {
                crate::error::PageError(error).into_response()
            } else {
                error.into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_exactly() {
        assert!(token_matches("abc", "abc"));
        assert!(!token_matches("abd", "abc"));
        assert!(!token_matches("ab", "abc"));
        assert!(!token_matches("", "abc"));
    }
}
