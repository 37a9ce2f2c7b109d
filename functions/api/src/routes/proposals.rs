//! Proposal drafts (issue 11): `POST /jobs/{id}/proposal` drafts one (or hands out the stored
//! one), `GET /jobs/{id}/proposal` reads the stored one.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use upflow::proposal::render::cover_letter;
use upflow::store::proposals::StoredProposal;

use crate::error::ApiError;
use crate::state::AppState;

/// How long a draft may take: inside the router's [`REQUEST_TIMEOUT`](super::REQUEST_TIMEOUT),
/// so a slow model gets the drafter's own error (or a wait) rather than the router's 503.
pub const DRAFT_TIME: std::time::Duration = std::time::Duration::from_secs(17);

/// `?redo=true`.
#[derive(Debug, Default, Deserialize)]
pub struct RedoQuery {
    redo: Option<String>,
}

fn flag(name: &'static str, value: &str) -> Result<bool, ApiError> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(ApiError::BadParameter { parameter: name, message: format!("{other:?} is not true or false") }),
    }
}

/// Whether a request asks for a new draft: `?redo=true` or a body `{"redo": true}`.
fn redo(query: &RedoQuery, body: &[u8]) -> Result<bool, ApiError> {
    let from_query = query.redo.as_deref().map(|v| flag("redo", v)).transpose()?;
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let body: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::BadParameter { parameter: "body", message: format!("not JSON: {e}") })?;
        match body.get("redo") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                return Err(ApiError::BadParameter { parameter: "redo", message: format!("{other} is not a boolean") })
            }
        }
    };
    Ok(from_query.or(from_body).unwrap_or(false))
}

/// The response body: the draft, the cover letter to paste, what drafting cost.
pub fn body(state: &AppState, p: &StoredProposal, reused: bool) -> Value {
    let letter = state.profile.profile.proposal.as_ref().map(|section| cover_letter(&p.draft, section));
    json!({
        "job_id": p.job_id,
        "profile_version": p.profile_version,
        "reused": reused,
        "drafter": p.drafter,
        "model": p.model,
        "draft": p.draft,
        "cover_letter": letter,
        "calls": p.calls,
        "prompt_tokens": p.prompt_tokens,
        "completion_tokens": p.completion_tokens,
        "cost_usd": p.cost_usd,
        "latency_ms": p.latency_ms,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    })
}

/// `POST /jobs/{id}/proposal[?redo=true]`: 201 with a new draft, 200 with the stored one;
/// 404 for an unknown job, 409 without a `[proposal]` profile section, 502 when the model
/// failed, 503 with `Retry-After` when its rate limits need a wait.
pub async fn draft(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<RedoQuery>,
    raw: Bytes,
) -> Result<Response, ApiError> {
    let redo = redo(&query, &raw)?;
    let deadline = tokio::time::Instant::now() + DRAFT_TIME;
    let proposed = state.proposer.propose(&id, redo, deadline).await?;
    let status = if proposed.reused { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(body(&state, &proposed.proposal, proposed.reused))).into_response())
}

/// `GET /jobs/{id}/proposal`: the stored draft; 404 when the job or a draft of it is missing.
pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    match state.proposer.stored(&id).await? {
        None => Err(ApiError::NotFound(format!("job {id}"))),
        Some((_, None)) => Err(ApiError::NotFound(format!("a proposal draft of job {id} (POST to make one)"))),
        Some((_, Some(p))) => Ok(Json(body(&state, &p, true)).into_response()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redo_comes_from_the_query_or_the_body() {
        let q = |v: Option<&str>| RedoQuery { redo: v.map(String::from) };
        assert!(!redo(&q(None), b"").unwrap());
        assert!(!redo(&q(None), b"  \n").unwrap());
        assert!(redo(&q(Some("true")), b"").unwrap());
        assert!(redo(&q(None), br#"{"redo": true}"#).unwrap());
        assert!(!redo(&q(Some("0")), br#"{"redo": true}"#).unwrap(), "the query wins");
        for (query, body, parameter) in
            [(Some("yes"), &b""[..], "redo"), (None, br#"{"redo": "yes"}"#, "redo"), (None, b"nope", "body")]
        {
            match redo(&q(query), body) {
                Err(ApiError::BadParameter { parameter: p, .. }) => assert_eq!(p, parameter),
                other => panic!("{other:?}"),
            }
        }
    }
}
