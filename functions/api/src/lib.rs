//! The api function: one axum router for the JSON API, the rankings page and the Telegram
//! webhook. Under Lambda it is served by `lambda_http`; started elsewhere it listens on `PORT`.

pub mod auth;
pub mod error;
pub mod params;
pub mod routes;
pub mod state;

pub use routes::router;
pub use state::AppState;
