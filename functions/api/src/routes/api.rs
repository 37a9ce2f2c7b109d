//! The JSON API: health, rankings, one job, stats.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use upflow::store::connect::PooledClient;

use crate::error::ApiError;
use crate::params::ranking_query;
use crate::state::AppState;

/// A pooled connection, or a 503 when the database cannot be reached (the pool's timeouts bound
/// how long that takes to find out).
pub async fn client(state: &AppState) -> Result<PooledClient, ApiError> {
    state.db.get().await.map_err(ApiError::from_pool)
}

/// How long `/health` waits for the database.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /health`: 200 when the database answers within two seconds, else 503 with the reason.
pub async fn health(State(state): State<AppState>) -> Response {
    let check = async {
        let client = client(&state).await?;
        client.simple_query("SELECT 1").await.map_err(|e| ApiError::from(anyhow::Error::from(e)))?;
        Ok::<_, ApiError>(())
    };
    let failed = match tokio::time::timeout(HEALTH_TIMEOUT, check).await {
        Ok(Ok(())) => {
            return (StatusCode::OK, Json(json!({"status": "ok", "database": "reachable"}))).into_response();
        }
        Ok(Err(e)) => e,
        Err(_) => ApiError::Unavailable(format!("no answer within {} s", HEALTH_TIMEOUT.as_secs())),
    };
    let database = if matches!(failed, ApiError::Unavailable(_)) { "unreachable" } else { "error" };
    tracing::warn!(error = %failed.message(), "health: database not ready");
    let body = json!({"status": "unavailable", "database": database, "error": failed.message()});
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}

/// `GET /rankings`.
pub async fn rankings(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let query = ranking_query(&params, &state.profile)?;
    let client = client(&state).await?;
    let page = upflow::read::rankings(&**client, &query).await?;
    Ok(Json(json!({
        "profile_version": state.profile.version,
        "limit": query.limit,
        "items": page.items,
        "next_cursor": page.next_cursor,
    }))
    .into_response())
}

/// `GET /jobs/{id}`.
pub async fn job(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let client = client(&state).await?;
    match upflow::read::job_detail(&**client, &id).await? {
        Some(detail) => Ok(Json(detail).into_response()),
        None => Err(ApiError::NotFound(format!("job {id}"))),
    }
}

/// `GET /stats`.
pub async fn stats(State(state): State<AppState>) -> Result<Response, ApiError> {
    let client = client(&state).await?;
    let stats = upflow::read::stats(&**client, &state.profile.version, 10).await?;
    let decisions = upflow::read::decision_stats(&**client, state.profile.profile.priority).await?;
    let proposals = upflow::store::proposals::stats(&**client).await?;
    let alert_threshold = upflow::read::alert_threshold(&**client, state.profile.profile.alerts).await?;
    // What the evaluator last scored with is what is in use; the api's own configuration is the
    // fallback (the same settings as the evaluator's, which it drafts proposals with).
    let latest = client
        .query_typed(
            "SELECT scorer, model FROM evaluations WHERE scorer <> 'filter' ORDER BY updated_at DESC LIMIT 1",
            &[],
        )
        .await
        .map_err(|e| ApiError::from(anyhow::Error::from(e)))?;
    let scorer_in_use = match latest.first() {
        Some(row) => crate::state::ScorerInUse { scorer: row.get(0), model: row.get(1) },
        None => state.scorer.clone(),
    };
    Ok(Json(json!({
        "profile": {"name": state.profile.profile.name, "version": state.profile.version},
        "scorer_in_use": scorer_in_use,
        "stats": stats,
        "decisions": decisions,
        "alert_threshold": alert_threshold,
        "proposals": proposals,
    }))
    .into_response())
}
