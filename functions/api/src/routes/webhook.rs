//! `POST /telegram/webhook`: Telegram's updates. A request without the right
//! `X-Telegram-Bot-Api-Secret-Token` gets 401 and does nothing; any other request gets 200
//! once the update is handled; a failure inside is logged, never answered with a 5xx (which
//! would make Telegram deliver the update again and again).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// The header Telegram sends the webhook secret in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(bot) = &state.bot else {
        return (StatusCode::NOT_FOUND, "the Telegram bot is not configured").into_response();
    };
    let secret = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok());
    if !bot.secret_ok(secret) {
        tracing::warn!("webhook call without the right secret token; ignored");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let update: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(error = %e, "webhook body is not JSON; ignored");
            return StatusCode::OK.into_response();
        }
    };
    if let Err(e) = bot.handle_update(&update).await {
        tracing::error!(error = %e, update_id = update.get("update_id").and_then(|v| v.as_i64()).unwrap_or(-1), "update failed");
    }
    StatusCode::OK.into_response()
}
