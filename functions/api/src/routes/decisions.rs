//! Decisions on a job (issue 11): `POST /jobs/{id}/decisions` records one,
//! `GET /jobs/{id}/decisions` lists them, newest first.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use upflow::decision::{Choice, Decision, Reason, Source};
use upflow::store::decisions;

use super::api::client;
use crate::error::ApiError;
use crate::state::AppState;

fn bad(parameter: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::BadParameter { parameter, message: message.into() }
}

/// The choice in a request body: `{"decision": "not_for_me", "reason": "budget"}`.
fn choice(body: &[u8]) -> Result<Choice, ApiError> {
    let body: Value = serde_json::from_slice(body).map_err(|e| bad("body", format!("not JSON: {e}")))?;
    let names = |all: &[&str]| all.join(", ");
    let decision = body.get("decision").and_then(Value::as_str).ok_or_else(|| bad("decision", "missing"))?;
    let decision = Decision::parse(decision).ok_or_else(|| {
        let all: Vec<&str> = Decision::ALL.iter().map(|d| d.as_str()).collect();
        bad("decision", format!("{decision:?} is not one of {}", names(&all)))
    })?;
    let reason = match body.get("reason") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) => Some(Reason::parse(r).ok_or_else(|| {
            let all: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
            bad("reason", format!("{r:?} is not one of {}", names(&all)))
        })?),
        Some(other) => return Err(bad("reason", format!("{other} is not a string"))),
    };
    Choice::new(decision, reason).map_err(|e| bad("reason", e))
}

/// `POST /jobs/{id}/decisions`: 201 with the recorded decision, 404 for an unknown job.
pub async fn record(State(state): State<AppState>, Path(id): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    let choice = choice(&body)?;
    let client = client(&state).await?;
    match decisions::record(&**client, &id, choice, Source::Api).await? {
        Some(event) => Ok((StatusCode::CREATED, Json(event)).into_response()),
        None => Err(ApiError::NotFound(format!("job {id}"))),
    }
}

/// `GET /jobs/{id}/decisions`: the job's decisions, newest first (404 for an unknown job).
pub async fn list(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let client = client(&state).await?;
    match upflow::read::job_detail(&**client, &id).await? {
        Some(detail) => Ok(Json(json!({"job_id": id, "decisions": detail.decisions})).into_response()),
        None => Err(ApiError::NotFound(format!("job {id}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_names_a_decision_and_maybe_a_reason() {
        let ok = choice(br#"{"decision": "not_for_me", "reason": "budget"}"#).unwrap();
        assert_eq!((ok.decision, ok.reason), (Decision::NotForMe, Some(Reason::Budget)));
        assert_eq!(choice(br#"{"decision": "won"}"#).unwrap().decision, Decision::Won);
        for (body, parameter) in [
            (&br#"{"decision": "maybe"}"#[..], "decision"),
            (br#"{}"#, "decision"),
            (br#"{"decision": "applied", "reason": "budget"}"#, "reason"),
            (br#"{"decision": "not_for_me", "reason": "vibes"}"#, "reason"),
            (br#"{"decision": "not_for_me", "reason": 3}"#, "reason"),
            (b"not json", "body"),
        ] {
            match choice(body) {
                Err(ApiError::BadParameter { parameter: p, .. }) => assert_eq!(p, parameter),
                other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
            }
        }
    }
}
