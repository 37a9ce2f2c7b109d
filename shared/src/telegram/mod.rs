//! Telegram: MarkdownV2 formatting and checking ([`markdown`]), a small Bot API client
//! ([`client`]) and the alert message for a scored job ([`alert`]).

pub mod alert;
pub mod client;
pub mod html;
pub mod markdown;

pub use alert::{format_alert, format_alert_weighted};
pub use client::{TelegramClient, TelegramError, DEFAULT_BASE_URL};
pub use markdown::{escape, escape_code, escape_link_url, pack, validate, MAX_MESSAGE};
