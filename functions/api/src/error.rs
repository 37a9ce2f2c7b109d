//! Errors as responses: JSON `{"error": …, "parameter": …}` for the API, a page for the page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A failed request.
#[derive(Debug)]
pub enum ApiError {
    /// A bad query parameter, named.
    BadParameter {
        parameter: &'static str,
        message: String,
    },
    NotFound(String),
    Unauthorized,
    /// Something broke inside; logged, not shown in detail.
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self) -> String {
        match self {
            ApiError::BadParameter { parameter, message } => format!("invalid `{parameter}`: {message}"),
            ApiError::NotFound(what) => format!("{what} not found"),
            ApiError::Unauthorized => "missing or wrong API token".into(),
            ApiError::Internal(_) => "internal error".into(),
        }
    }

    fn log(&self) {
        if let ApiError::Internal(e) = self {
            tracing::error!(error = %format!("{e:#}"), "request failed");
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let mut body = json!({"error": self.message()});
        if let ApiError::BadParameter { parameter, .. } = &self {
            body["parameter"] = json!(parameter);
        }
        (self.status(), Json(body)).into_response()
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
