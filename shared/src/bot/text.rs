//! Small pieces of the bot's messages: escaped and capped text, numbers, money, ages, budgets.
//! Every function that returns Telegram HTML says so; the others return plain text to escape.

use crate::display::{self, Budget};
use crate::job::Client;
use crate::profile::filters::money;
use crate::profile::Priority;
use crate::telegram::html::{escape, escape_attr, utf16_len};

/// The longest URL (escaped, in UTF-16 units) put in a link; longer ones are left out.
const MAX_URL_UNITS: usize = 1000;

pub use crate::display::one_line;

/// The longest client line (escaped, in UTF-16 units).
const CLIENT_UNITS: usize = 200;

/// HTML: `text` on one line, escaped, shortened with `…` to at most `max_units` UTF-16 units.
/// Never cuts an entity (`&amp;`) or a character.
pub fn escape_capped(text: &str, max_units: usize) -> String {
    crate::telegram::html::escape_capped(&one_line(text), max_units)
}

/// HTML: `text` as inline code, shortened to `max_chars` characters.
pub fn code_capped(text: &str, max_chars: usize) -> String {
    let text = one_line(text);
    let shown: String = if text.chars().count() > max_chars {
        text.chars().take(max_chars.saturating_sub(1)).chain(['…']).collect()
    } else {
        text
    };
    if shown.is_empty() {
        String::new()
    } else {
        format!("<code>{}</code>", escape(&shown))
    }
}

/// A number with at most one decimal: `82.5`, `81`; `?` when not finite.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "?".into();
    }
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// A count with thousands separators: `12,345`.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// US dollars, with four decimals under a dollar (token costs are small): `$0.0123`, `$4.50`.
pub fn dollars(x: f64) -> String {
    if !x.is_finite() {
        "?".into()
    } else if x.abs() < 1.0 && x != 0.0 {
        format!("${x:.4}")
    } else {
        money(x)
    }
}

/// The marker shown before a job of this priority (as the alerts use).
pub fn marker(priority: &str) -> &'static str {
    match Priority::parse(priority) {
        Some(Priority::High) => "🔥",
        Some(Priority::Medium) => "⭐",
        _ => "🔹",
    }
}

/// Plain text: the budget ([`display::budget`]), or `budget not stated`.
pub fn budget(b: &Budget) -> String {
    display::budget(b).unwrap_or_else(|| "budget not stated".into())
}

/// HTML: the client's signals ([`display::client_parts`]), escaped and capped, or `no
/// client details`.
pub fn client_line(c: &Client) -> String {
    match display::client(c) {
        Some(text) => escape_capped(&text, CLIENT_UNITS),
        None => "no client details".into(),
    }
}

/// The job's page on Upwork: its URL when it is a plain http(s) one of sensible length, else
/// one built from a `~0…` id; `None` when neither works.
pub fn job_url(url: Option<&str>, job_id: &str) -> Option<String> {
    let usable = |u: &str| {
        (u.starts_with("https://") || u.starts_with("http://"))
            && !u.contains(char::is_whitespace)
            && utf16_len(&escape_attr(u)) <= MAX_URL_UNITS
    };
    let url = url.map(str::trim).filter(|u| usable(u)).map(str::to_string);
    url.or_else(|| {
        let id = job_id.trim();
        let built = format!("https://www.upwork.com/jobs/{id}");
        (id.starts_with('~') && id.len() > 1 && usable(&built)).then_some(built)
    })
}

/// HTML: `<a href="url">escaped text</a>` for text that is already escaped and not empty.
pub fn link_escaped(escaped_text: &str, url: &str) -> String {
    format!("<a href=\"{}\">{escaped_text}</a>", escape_attr(url))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::html::{check as validate, plain_text};

    #[test]
    fn capped_text_is_escaped_and_shortened_safely() {
        assert_eq!(escape_capped("a<b\n  c", 100), "a&lt;b c");
        let long = "x&".repeat(100);
        let capped = escape_capped(&long, 21);
        assert!(utf16_len(&capped) <= 21, "{capped}");
        assert!(capped.ends_with('…') && !capped.contains("&…") && !capped.contains("&am…"), "{capped}");
        assert_eq!(validate(&capped), Ok(()));
        let emoji = escape_capped(&"🔥".repeat(50), 11);
        assert_eq!(emoji, format!("{}…", "🔥".repeat(5)));
        assert_eq!(code_capped("a<b&c", 10), "<code>a&lt;b&amp;c</code>");
        assert_eq!(code_capped("abcdef", 4), "<code>abc…</code>");
        assert_eq!(code_capped("", 4), "");
    }

    #[test]
    fn figures_read_well() {
        assert_eq!((number(81.0), number(82.46), number(f64::NAN)), ("81".into(), "82.5".into(), "?".into()));
        assert_eq!((count(0), count(1234), count(-1_234_567)), ("0".into(), "1,234".into(), "-1,234,567".into()));
        assert_eq!((dollars(0.0), dollars(0.01234), dollars(12.5)), ("$0".into(), "$0.0123".into(), "$12.50".into()));
        assert_eq!((marker("High"), marker("Medium"), marker("Low"), marker("?")), ("🔥", "⭐", "🔹", "🔹"));
    }

    #[test]
    fn budgets_and_clients_read_as_the_display_module_says_and_are_escaped() {
        let b = |hourly, fixed, hourly_min, hourly_max, currency| {
            budget(&Budget { hourly, fixed, hourly_min, hourly_max, currency })
        };
        assert_eq!(b(false, Some(900.0), None, None, Some("CAD")), "900 CAD fixed");
        assert_eq!(b(true, None, Some(20.0), Some(30.0), Some("GBP")), "£20–£30/h");
        assert_eq!(b(false, Some(f64::NAN), None, None, None), "budget not stated");
        let c = Client {
            country: Some("United (States).".into()),
            payment_verified: Some(true),
            rating: Some(4.9),
            total_spent: Some(120_000.0),
            hire_rate: Some(75.0),
            ..Client::default()
        };
        let shown = client_line(&c);
        assert_eq!(validate(&shown), Ok(()));
        assert_eq!(
            plain_text(&shown).unwrap(),
            "✓ payment verified · ★ 4.9 · $120,000 spent · 75% hire rate · United (States)."
        );
        assert_eq!(client_line(&Client::default()), "no client details");
    }

    #[test]
    fn job_urls_are_plain_http_or_built_from_the_id() {
        assert_eq!(
            job_url(Some(" https://www.upwork.com/jobs/~01a "), "1"),
            Some("https://www.upwork.com/jobs/~01a".into())
        );
        assert_eq!(job_url(Some("javascript:alert(1)"), "~01b"), Some("https://www.upwork.com/jobs/~01b".into()));
        assert_eq!(job_url(Some("https://x y"), "123"), None);
        assert_eq!(job_url(None, "~"), None);
        let long = format!("https://example.com/{}", "&".repeat(300));
        assert_eq!(job_url(Some(&long), "1"), None);
        let l = link_escaped("a &amp; b", "https://e.com/?a=1&b=\"2\"");
        assert_eq!(l, "<a href=\"https://e.com/?a=1&amp;b=&quot;2&quot;\">a &amp; b</a>");
        assert_eq!(validate(&l), Ok(()));
    }
}
