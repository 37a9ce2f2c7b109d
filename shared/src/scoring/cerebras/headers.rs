//! Cerebras's rate-limit headers: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}-{minute,day}`
//! and `retry-after`. Resets come as float seconds (`11.38`) or durations (`2m59.56s`, `250ms`).

use std::time::Duration;

use reqwest::header::HeaderMap;

/// Parses a reset value: `11.382867`, `2m59.56s`, `1h2m`, `1.5s`, `250ms`.
pub fn parse_reset(value: &str) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let mut total = 0.0f64;
    let mut number = String::new();
    let mut chars = v.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let n: f64 = number.parse().ok()?;
        number.clear();
        let unit = match c {
            'h' => 3600.0,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                0.001
            }
            'm' => 60.0,
            's' => 1.0,
            _ => return None,
        };
        total += n * unit;
        any = true;
    }
    if !number.is_empty() || !any {
        return None;
    }
    Some(Duration::from_secs_f64(total))
}

/// How long the server asks us to wait, from a 429's headers: the longest of the
/// per-minute resets for what ran out, or `retry-after`.
pub fn wait_from(headers: &HeaderMap, code: Option<&str>) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(parse_reset);
    let retry_after = get("retry-after");
    let requests = get("x-ratelimit-reset-requests-minute");
    let tokens = get("x-ratelimit-reset-tokens-minute");
    let day_used_up = day_requests(headers).0.is_some_and(|left| left <= 0.0);
    let specific = match code {
        Some("token_quota_exceeded") => tokens,
        // The day's requests are used up: the minute's reset would only bring another 429.
        Some("request_quota_exceeded") if day_used_up => get("x-ratelimit-reset-requests-day"),
        Some("request_quota_exceeded") => requests.or_else(|| get("x-ratelimit-reset-requests-day")),
        _ => None,
    };
    [specific, retry_after].into_iter().flatten().max().or(requests.max(tokens))
}

/// The account's per-minute request and token limits, when the server states them.
pub fn account_limits(headers: &HeaderMap) -> (Option<f64>, Option<f64>) {
    let get = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    (get("x-ratelimit-limit-requests-minute"), get("x-ratelimit-limit-tokens-minute"))
}

/// Requests left today and the time until the day's count resets, when the server says.
pub fn day_requests(headers: &HeaderMap) -> (Option<f64>, Option<Duration>) {
    let text = |name: &str| headers.get(name)?.to_str().ok();
    let remaining = text("x-ratelimit-remaining-requests-day").and_then(|v| v.trim().parse::<f64>().ok());
    (remaining.filter(|v| v.is_finite()), text("x-ratelimit-reset-requests-day").and_then(parse_reset))
}

/// Remaining tokens this minute, when the server says.
pub fn remaining_tokens(headers: &HeaderMap) -> Option<u64> {
    headers.get("x-ratelimit-remaining-tokens-minute")?.to_str().ok()?.trim().parse::<f64>().ok().map(|v| v as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    #[test]
    fn resets_in_both_spellings() {
        assert_eq!(parse_reset("11.5"), Some(Duration::from_millis(11_500)));
        assert_eq!(parse_reset("2m59.56s"), Some(Duration::from_secs_f64(179.56)));
        assert_eq!(parse_reset("1h2m"), Some(Duration::from_secs(3720)));
        assert_eq!(parse_reset("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_reset("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_reset("33011.382867097855").map(|d| d.as_secs()), Some(33011));
        for bad in ["", "soon", "-1", "5x", "m"] {
            assert_eq!(parse_reset(bad), None, "{bad}");
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap()))
            .collect()
    }

    #[test]
    fn the_wait_follows_what_ran_out() {
        let h = headers(&[
            ("x-ratelimit-reset-requests-minute", "0.8"),
            ("x-ratelimit-reset-tokens-minute", "2m1s"),
            ("retry-after", "1"),
        ]);
        assert_eq!(wait_from(&h, Some("token_quota_exceeded")), Some(Duration::from_secs(121)));
        assert_eq!(wait_from(&h, Some("request_quota_exceeded")), Some(Duration::from_secs(1)));
        assert_eq!(wait_from(&headers(&[("retry-after", "7")]), Some("queue_exceeded")), Some(Duration::from_secs(7)));
        assert_eq!(wait_from(&headers(&[]), None), None);
    }

    #[test]
    fn a_used_up_day_waits_for_the_days_reset() {
        let h = headers(&[
            ("x-ratelimit-reset-requests-minute", "0.8"),
            ("x-ratelimit-remaining-requests-day", "0"),
            ("x-ratelimit-reset-requests-day", "33011.5"),
        ]);
        assert_eq!(wait_from(&h, Some("request_quota_exceeded")), Some(Duration::from_secs_f64(33011.5)));
        assert_eq!(day_requests(&h), (Some(0.0), Some(Duration::from_secs_f64(33011.5))));
        let left =
            headers(&[("x-ratelimit-reset-requests-minute", "0.8"), ("x-ratelimit-remaining-requests-day", "9")]);
        assert_eq!(wait_from(&left, Some("request_quota_exceeded")), Some(Duration::from_millis(800)));
    }
}
