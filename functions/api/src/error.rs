//! Errors as responses: JSON `{"error": …, "parameter": …}` for the API, a page for the page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use upflow::store::connect::{PgError, PoolError, TimeoutType};

/// A failed request.
#[derive(Debug)]
pub enum ApiError {
    /// A bad query parameter, named.
    BadParameter {
        parameter: &'static str,
        message: String,
    },
    NotFound(String),
    /// The request cannot be served as things are set up (409), such as a draft asked of a
    /// profile without a `[proposal]` section.
    Conflict(String),
    /// A provider behind the request failed (502), or asks for a wait (503, `Retry-After`).
    Upstream {
        message: String,
        retry_after: Option<u64>,
    },
    Unauthorized,
    /// The database cannot be reached now (refused, timed out, restarting): 503, worth retrying.
    Unavailable(String),
    /// Something broke inside; logged, not shown in detail.
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Upstream { retry_after: Some(_), .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Upstream { retry_after: None, .. } => StatusCode::BAD_GATEWAY,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self) -> String {
        match self {
            ApiError::BadParameter { parameter, message } => format!("invalid `{parameter}`: {message}"),
            ApiError::NotFound(what) => format!("{what} not found"),
            ApiError::Conflict(why) => why.clone(),
            ApiError::Upstream { message, .. } => message.clone(),
            ApiError::Unauthorized => "missing or wrong API token".into(),
            ApiError::Unavailable(why) => format!("the database is unavailable ({why}); try again shortly"),
            ApiError::Internal(_) => "internal error".into(),
        }
    }

    fn log(&self) {
        match self {
            ApiError::Internal(e) => tracing::error!(error = %format!("{e:#}"), "request failed"),
            ApiError::Unavailable(why) => tracing::warn!(reason = %why, "request failed: database unavailable"),
            ApiError::Upstream { message, .. } => tracing::warn!(reason = %message, "request failed upstream"),
            _ => {}
        }
    }

    /// Why taking a pooled connection failed, as a response: every way the database can be out
    /// of reach is a 503.
    pub fn from_pool(e: PoolError) -> ApiError {
        let why = match &e {
            PoolError::Timeout(TimeoutType::Wait) => "every connection is busy".to_string(),
            PoolError::Timeout(_) => "connecting timed out".to_string(),
            PoolError::Backend(pg) => unreachable_reason(pg).unwrap_or("cannot connect").to_string(),
            PoolError::Closed | PoolError::NoRuntimeSpecified | PoolError::PostCreateHook(_) => {
                return ApiError::Internal(anyhow::anyhow!("connect to Postgres: {e}"))
            }
        };
        tracing::warn!(error = %e, "cannot take a Postgres connection");
        ApiError::Unavailable(why)
    }
}

/// When `e` says the server is out of reach or going away (the connection closed, refused,
/// the server shutting down or starting up), a short reason.
fn unreachable_reason(e: &PgError) -> Option<&'static str> {
    if e.is_closed() {
        return Some("the connection closed");
    }
    if let Some(code) = e.code() {
        // Class 08: connection exception; class 57P: operator intervention (shutdown, restart).
        let code = code.code();
        return (code.starts_with("08") || code.starts_with("57P")).then_some("the server is restarting or refused");
    }
    let io = std::error::Error::source(e).and_then(|s| s.downcast_ref::<std::io::Error>());
    io.map(|_| "cannot connect")
}

impl From<anyhow::Error> for ApiError {
    /// A query that failed because the connection broke is a 503; anything else is a 500.
    fn from(e: anyhow::Error) -> Self {
        let reason = e.chain().find_map(|c| c.downcast_ref::<PgError>()).and_then(unreachable_reason);
        match reason {
            Some(why) => {
                tracing::warn!(error = %format!("{e:#}"), "query failed: database unavailable");
                ApiError::Unavailable(why.into())
            }
            None => ApiError::Internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let mut body = json!({"error": self.message()});
        if let ApiError::BadParameter { parameter, .. } = &self {
            body["parameter"] = json!(parameter);
        }
        let retry_after = match &self {
            ApiError::Upstream { retry_after: Some(secs), .. } => Some(*secs),
            _ => None,
        };
        let mut response = (self.status(), Json(body)).into_response();
        if let Some(secs) = retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

impl From<upflow::propose::ProposeError> for ApiError {
    fn from(e: upflow::propose::ProposeError) -> Self {
        use upflow::propose::ProposeError as E;
        use upflow::scoring::ScoreError;
        match e {
            E::NotFound(id) => ApiError::NotFound(format!("job {id}")),
            E::NoProposalProfile => ApiError::Conflict(e.to_string()),
            E::Database(e) => ApiError::from(e),
            E::Drafting(ScoreError::MustWait { wait, why }) => ApiError::Upstream {
                message: format!("the model's rate limits need a wait: {why}; try again then"),
                retry_after: Some(wait.as_secs_f64().ceil().max(1.0) as u64),
            },
            E::Drafting(e) => ApiError::Upstream { message: format!("drafting failed: {e}"), retry_after: None },
        }
    }
}

/// The same error, as an HTML page.
pub struct PageError(pub ApiError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log();
        let status = self.0.status();
        let html = upflow::web::page::error_page(status.as_u16(), &self.0.message());
        (status, crate::routes::page::html_headers(), html).into_response()
    }
}
