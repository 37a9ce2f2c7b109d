//! The server-rendered web side: the rankings page (`GET /`) and error pages, plain HTML with
//! one inline stylesheet and no JavaScript. Every dynamic text goes through maud, which escapes
//! it; what a job's facts read as comes from [`crate::display`], shared with the bot and alerts.

pub mod decisions;
pub mod page;
pub mod proposal;

pub use page::{content_security_policy, error_page, rankings_page, PageFilters};
