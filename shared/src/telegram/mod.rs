//! Telegram: formatting and checking in Telegram's HTML style ([`html`]), a small Bot API
//! client ([`client`]) and the alert message for a scored job ([`alert`]).

pub mod alert;
pub mod client;
pub mod html;

pub use alert::{format_alert, format_alert_weighted};
pub use client::{TelegramClient, TelegramError, DEFAULT_BASE_URL};
pub use html::{check, escape, escape_attr, pack, MAX_MESSAGE};
