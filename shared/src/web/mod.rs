//! The server-rendered web side: the rankings page (`GET /`) and error pages, plain HTML with
//! one inline stylesheet and no JavaScript. Every dynamic text goes through maud, which escapes
//! it; the display helpers in [`format`] are plain text shared with the Telegram bot.

pub mod format;
pub mod page;

pub use format::{age_text, bid_text, budget_text, client_parts, client_text, proposals_text, score_text};
pub use page::{content_security_policy, error_page, rankings_page, PageFilters};
