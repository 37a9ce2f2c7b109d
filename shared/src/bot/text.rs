//! Small pieces of the bot's messages: escaped and capped text, numbers, money, ages, budgets.
//! Every function that returns MarkdownV2 says so; the others return plain text to escape.

use chrono::{DateTime, Utc};

use crate::profile::filters::money;
use crate::profile::Priority;
use crate::telegram::markdown::{escape, escape_code, escape_link_url, utf16_len};

/// The longest URL (escaped, in UTF-16 units) put in a link; longer ones are left out.
const MAX_URL_UNITS: usize = 1000;

pub use crate::web::format::one_line;

/// MarkdownV2: `text` on one line, escaped, shortened with `…` to at most `max_units` UTF-16
/// units. Never cuts an escape or a character.
pub fn escape_capped(text: &str, max_units: usize) -> String {
    crate::telegram::markdown::escape_capped(&one_line(text), max_units)
}

/// MarkdownV2: `text` as inline code, shortened to `max_chars` characters.
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
        format!("`{}`", escape_code(&shown))
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

/// How long ago `at` was: `5m ago`, `3h ago`, `4d ago`; `just now` for the future.
pub fn age(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes();
    match minutes {
        m if m < 1 => "just now".into(),
        m if m < 60 => format!("{m}m ago"),
        m if m < 48 * 60 => format!("{}h ago", m / 60),
        m => format!("{}d ago", m / (24 * 60)),
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

/// An amount in its currency: `$1,500`, `€1,200`, `£900`, or `1,200 CAD` (never `$` for another
/// currency).
fn amount(x: f64, currency: Option<&str>) -> String {
    crate::web::format::amount_text(x, currency)
}

/// Plain text: `$1,500 fixed`, `$30–$50/h`, `$30/h`, or `budget not stated`. Hourly jobs show
/// their rate first, other jobs their fixed budget first.
pub fn budget(
    hourly: bool,
    fixed: Option<f64>,
    hourly_min: Option<f64>,
    hourly_max: Option<f64>,
    currency: Option<&str>,
) -> String {
    let known = |x: Option<f64>| x.filter(|v| v.is_finite() && *v >= 0.0);
    let show_hourly = || match (known(hourly_min), known(hourly_max)) {
        (Some(lo), Some(hi)) if lo != hi => Some(format!("{}–{}/h", amount(lo, currency), amount(hi, currency))),
        (Some(x), _) | (_, Some(x)) => Some(format!("{}/h", amount(x, currency))),
        (None, None) => None,
    };
    let show_fixed = || known(fixed).map(|b| format!("{} fixed", amount(b, currency)));
    let shown = if hourly { show_hourly().or_else(show_fixed) } else { show_fixed().or_else(show_hourly) };
    shown.unwrap_or_else(|| "budget not stated".into())
}

/// Plain text: `10–15 proposals`, `50+ proposals`, `1 proposal`.
pub fn proposals(min: i64, max: Option<i64>) -> String {
    let figure = match max {
        Some(max) if max != min => format!("{min}–{max}"),
        Some(_) => min.to_string(),
        None => format!("{min}+"),
    };
    let noun = if figure == "1" { "proposal" } else { "proposals" };
    format!("{figure} {noun}")
}

/// What is known of a client.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientSignals {
    pub country: Option<String>,
    pub payment_verified: Option<bool>,
    pub rating: Option<f64>,
    pub total_spent: Option<f64>,
    pub hire_rate: Option<f64>,
}

impl ClientSignals {
    /// MarkdownV2: `payment verified ✓ · rating 4.9/5 · $120,000 spent · hire rate 75% · Country`,
    /// or `no client details`.
    pub fn render(&self) -> String {
        let mut parts = Vec::new();
        match self.payment_verified {
            Some(true) => parts.push("payment verified ✓".to_string()),
            Some(false) => parts.push("payment not verified ✗".to_string()),
            None => {}
        }
        if let Some(r) = self.rating.filter(|r| r.is_finite()) {
            parts.push(format!("rating {r:.1}/5"));
        }
        if let Some(s) = self.total_spent.filter(|s| s.is_finite() && *s >= 0.0) {
            parts.push(format!("{} spent", money(s)));
        }
        if let Some(h) = self.hire_rate.filter(|h| h.is_finite()) {
            parts.push(format!("hire rate {h:.0}%"));
        }
        let mut shown = escape(&parts.join(" · "));
        if let Some(country) = self.country.as_deref().map(one_line).filter(|c| !c.is_empty()) {
            if !shown.is_empty() {
                shown.push_str(" · ");
            }
            shown.push_str(&escape_capped(&country, 60));
        }
        if shown.is_empty() {
            "no client details".into()
        } else {
            shown
        }
    }
}

/// The job's page on Upwork: its URL when it is a plain http(s) one of sensible length, else
/// one built from a `~0…` id; `None` when neither works.
pub fn job_url(url: Option<&str>, job_id: &str) -> Option<String> {
    let usable = |u: &str| {
        (u.starts_with("https://") || u.starts_with("http://"))
            && !u.contains(char::is_whitespace)
            && utf16_len(&escape_link_url(u)) <= MAX_URL_UNITS
    };
    let url = url.map(str::trim).filter(|u| usable(u)).map(str::to_string);
    url.or_else(|| {
        let id = job_id.trim();
        let built = format!("https://www.upwork.com/jobs/{id}");
        (id.starts_with('~') && id.len() > 1 && usable(&built)).then_some(built)
    })
}

/// MarkdownV2: `[escaped text](url)` for text that is already escaped and not empty.
pub fn link_escaped(escaped_text: &str, url: &str) -> String {
    format!("[{escaped_text}]({})", escape_link_url(url))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::markdown::{plain_text, validate};

    #[test]
    fn capped_text_is_escaped_and_shortened_safely() {
        assert_eq!(escape_capped("a.b\n  c", 100), "a\\.b c");
        let long = "x.".repeat(100);
        let capped = escape_capped(&long, 21);
        assert!(utf16_len(&capped) <= 21, "{capped}");
        assert!(capped.ends_with('…') && !capped.ends_with("\\…"), "{capped}");
        assert_eq!(validate(&capped), Ok(()));
        let emoji = escape_capped(&"🔥".repeat(50), 11);
        assert_eq!(emoji, format!("{}…", "🔥".repeat(5)));
        assert_eq!(code_capped("a`b\\c", 10), "`a\\`b\\\\c`");
        assert_eq!(code_capped("abcdef", 4), "`abc…`");
        assert_eq!(code_capped("", 4), "");
    }

    #[test]
    fn figures_read_well() {
        assert_eq!((number(81.0), number(82.46), number(f64::NAN)), ("81".into(), "82.5".into(), "?".into()));
        assert_eq!((count(0), count(1234), count(-1_234_567)), ("0".into(), "1,234".into(), "-1,234,567".into()));
        assert_eq!((dollars(0.0), dollars(0.01234), dollars(12.5)), ("$0".into(), "$0.0123".into(), "$12.50".into()));
        let now = DateTime::from_timestamp(1_000_000_000, 0).unwrap();
        let ago = |mins: i64| age(now - chrono::Duration::minutes(mins), now);
        assert_eq!(
            (ago(-5), ago(0), ago(5), ago(150), ago(60 * 50)),
            ("just now".into(), "just now".into(), "5m ago".into(), "2h ago".into(), "2d ago".into())
        );
        assert_eq!((marker("High"), marker("Medium"), marker("Low"), marker("?")), ("🔥", "⭐", "🔹", "🔹"));
    }

    #[test]
    fn budgets_and_proposals_are_shown_as_known() {
        assert_eq!(budget(false, Some(1500.0), None, None, Some("USD")), "$1,500 fixed");
        assert_eq!(budget(true, None, Some(30.0), Some(50.0), None), "$30–$50/h");
        assert_eq!(budget(true, Some(100.0), Some(30.0), None, None), "$30/h");
        assert_eq!(budget(false, None, None, Some(40.0), Some("EUR")), "€40/h");
        assert_eq!(budget(false, Some(1200.0), None, None, Some("EUR")), "€1,200 fixed");
        assert_eq!(budget(true, None, Some(20.0), Some(30.0), Some("GBP")), "£20–£30/h");
        assert_eq!(budget(false, Some(900.0), None, None, Some("CAD")), "900 CAD fixed");
        assert_eq!(budget(false, Some(f64::NAN), None, None, None), "budget not stated");
        assert_eq!(proposals(10, Some(15)), "10–15 proposals");
        assert_eq!(proposals(50, None), "50+ proposals");
        assert_eq!(proposals(1, Some(1)), "1 proposal");
    }

    #[test]
    fn client_signals_are_escaped() {
        let c = ClientSignals {
            country: Some("United (States).".into()),
            payment_verified: Some(true),
            rating: Some(4.9),
            total_spent: Some(120_000.0),
            hire_rate: Some(75.0),
        };
        let shown = c.render();
        assert_eq!(validate(&shown), Ok(()));
        assert_eq!(
            plain_text(&shown).unwrap(),
            "payment verified ✓ · rating 4.9/5 · $120,000 spent · hire rate 75% · United (States)."
        );
        assert_eq!(ClientSignals::default().render(), "no client details");
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
        let long = format!("https://example.com/{}", ")".repeat(600));
        assert_eq!(job_url(Some(&long), "1"), None);
        let l = link_escaped("a\\.b", "https://e.com/a)b");
        assert_eq!(l, "[a\\.b](https://e.com/a\\)b)");
        assert_eq!(validate(&l), Ok(()));
    }
}
