//! Text cells: placeholders, titles as feeds write them, lists packed into one cell (also as
//! the Python or JSON list literal pandas writes), links in descriptions, and Upwork job ids in
//! their three spellings (numeric `2058436318428575090`, ciphertext `~022058436318428575090` =
//! `~02` + the numeric id, and the older `~01…` hex ciphertext).

use super::html::decode_entities;
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Whether trimmed text is empty or a placeholder: `N/A`, `null`, `None` (any case).
fn is_placeholder(t: &str) -> bool {
    t.is_empty() || t.eq_ignore_ascii_case("n/a") || t.eq_ignore_ascii_case("null") || t.eq_ignore_ascii_case("none")
}

/// Trims; empty text and the placeholders `N/A`, `null` and `None` (any case) are `None`.
pub fn clean(s: &str) -> Option<String> {
    let t = trim(s);
    (!is_placeholder(t)).then(|| t.to_owned())
}

/// What feeds append to a title to name the site: ` - Upwork`, ` | Upwork`, ` – Upwork`,
/// ` — Upwork` (the word in any case).
const TITLE_SEPARATORS: [&str; 4] = ["-", "|", "–", "—"];
const SITE_NAME: &[u8] = b"upwork";

/// The title without a trailing ` - Upwork` (see [`TITLE_SEPARATORS`]); the separator must
/// stand between spaces, so `Fix my site-Upwork` or `Upwork` alone are kept.
fn strip_site_suffix(t: &str) -> &str {
    let b = t.as_bytes();
    let n = SITE_NAME.len();
    if b.len() <= n || !b[b.len() - n..].eq_ignore_ascii_case(SITE_NAME) {
        return t;
    }
    // The last `n` bytes are ASCII, so this is a char boundary.
    let head = &t[..t.len() - n];
    let spaced = head.trim_end();
    if spaced.len() == head.len() {
        return t;
    }
    for sep in TITLE_SEPARATORS {
        if let Some(before) = spaced.strip_suffix(sep) {
            let title = before.trim_end();
            if title.len() < before.len() && !title.is_empty() {
                return title;
            }
        }
    }
    t
}

/// A job title for storing: [`clean`], with character references decoded (`Q&amp;A` ->
/// `Q&A`, `&#39;`) and a trailing ` - Upwork` / ` | Upwork` (any case) dropped, as RSS feeds
/// and page-title scrapers write it. `Data pipeline - Upwork` -> `Data pipeline`; a title that
/// is only a placeholder is `None`.
pub fn clean_title(s: &str) -> Option<String> {
    let decoded = decode_entities(s);
    let t = strip_site_suffix(trim(&decoded));
    (!is_placeholder(t)).then(|| t.to_owned())
}

/// A URL for storing: trimmed, with `%7E` / `%7e` decoded to `~` (feeds escape the tilde of
/// Upwork's `~01…` ids; both spellings name one page). Other escapes are kept. Empty text and
/// placeholders are `None`.
pub fn clean_url(s: &str) -> Option<String> {
    let t = trim(s);
    if is_placeholder(t) {
        return None;
    }
    let b = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    let mut copied = 0;
    for i in memchr::memchr_iter(b'%', b) {
        if i >= copied && b.len() >= i + 3 && b[i + 1..i + 3].eq_ignore_ascii_case(b"7e") {
            out.push_str(&t[copied..i]);
            out.push('~');
            copied = i + 3;
        }
    }
    out.push_str(&t[copied..]);
    Some(out)
}

/// `str::trim`, answered at once when the text starts and ends with a printable ASCII byte
/// (neither is whitespace, so there is nothing to trim), as most cells do; `str::trim`'s
/// Unicode check of each end costs more than the rest of reading a short cell.
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    if b.first().is_some_and(u8::is_ascii_graphic) && b.last().is_some_and(u8::is_ascii_graphic) {
        s
    } else {
        s.trim()
    }
}

/// Adds a trimmed item unless it is empty or already there.
fn push_item(out: &mut Vec<String>, item: &str) {
    let item = trim(item);
    if !item.is_empty() && !out.iter().any(|o| o == item) {
        out.push(item.to_owned());
    }
}

/// Splits one cell holding a list on `,`, `;`, `|` and newlines; trims the items, drops empty
/// ones and exact duplicates, and keeps the order.
///
/// A cell holding a list literal, as pandas writes a list column (`['ETL', 'GIS']`), as a JSON
/// array kept as text (`["Python", "SQL"]`) or as a tuple (`('a', 'b')`), gives its quoted
/// items whole (a `,` inside quotes does not split), with `\'`, `\"`, `\\`, `\n`, `\t`, `\uXXXX`
/// and `\xXX` escapes decoded and `None` / `nan` / `null` items dropped; `[]` is empty. Brackets
/// without quoted items (`(optional)`, `[ETL, GIS]`) are split by the rules above.
pub fn split_list(s: &str) -> Vec<String> {
    if let Some(items) = simple_list_literal(s) {
        return items;
    }
    split_list_general(s)
}

/// [`split_list`] for every shape; [`simple_list_literal`] answers the common one first.
fn split_list_general(s: &str) -> Vec<String> {
    if let Some(items) = list_literal(s) {
        return items;
    }
    let mut out: Vec<String> = Vec::new();
    for item in s.split([',', ';', '|', '\n', '\r']) {
        push_item(&mut out, item);
    }
    out
}

/// The items of a list literal in the shape pandas writes, `['ETL', 'GIS']`: `[` first and `]`
/// last, items in `'` or `"` without escapes, separated by a `,` with ASCII spaces around it,
/// an optional trailing `,`. The same as [`list_literal`] gives for such text, without its
/// rounds of Unicode trimming; `None` for any other text (which may still be a literal).
fn simple_list_literal(s: &str) -> Option<Vec<String>> {
    let b = s.as_bytes();
    let skip_spaces = |mut i: usize| {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        i
    };
    let [b'[', .., b']'] = b else { return None };
    let close = b.len() - 1;
    let mut out = Vec::new();
    let mut i = skip_spaces(1);
    if i == close {
        return Some(out);
    }
    loop {
        let q = *b.get(i).filter(|&&q| q == b'\'' || q == b'"')?;
        let end = i + 1 + memchr::memchr(q, &b[i + 1..close])?;
        if b[i + 1..end].contains(&b'\\') {
            return None;
        }
        // Sliced at two ASCII quotes: char boundaries, so no UTF-8 check is needed.
        push_item(&mut out, &s[i + 1..end]);
        i = skip_spaces(end + 1);
        if i == close {
            return Some(out);
        }
        if b[i] != b',' {
            return None;
        }
        i = skip_spaces(i + 1);
        if i == close {
            return Some(out);
        }
    }
}

/// The items of a Python / JSON list or tuple literal; `None` when the text is none.
fn list_literal(s: &str) -> Option<Vec<String>> {
    let mut t = s.trim();
    // A literal that went through one more round of CSV quoting: `"['a', 'b']"`.
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        let inner = t[1..t.len() - 1].trim();
        if inner.starts_with(['[', '(']) {
            t = inner;
        }
    }
    let close = match t.as_bytes().first()? {
        b'[' => ']',
        b'(' => ')',
        _ => return None,
    };
    let inner = t.get(1..)?.strip_suffix(close)?.trim();
    if inner.is_empty() {
        return Some(Vec::new());
    }
    if !inner.starts_with(['\'', '"']) {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = inner;
    loop {
        rest = rest.trim_start();
        if rest.starts_with(['\'', '"']) {
            let (item, after) = quoted(rest)?;
            push_item(&mut out, &item);
            rest = after.trim_start();
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            let item = rest[..end].trim();
            if !is_placeholder(item) && !item.eq_ignore_ascii_case("nan") {
                push_item(&mut out, item);
            }
            rest = &rest[end..];
        }
        if rest.is_empty() {
            return Some(out);
        }
        rest = rest.strip_prefix(',')?;
        if rest.trim().is_empty() {
            return Some(out);
        }
    }
}

/// The string literal at the start of `s` (which starts with its quote) and the text after
/// it. Borrowed when it has no escapes; `None` when it is not closed.
fn quoted(s: &str) -> Option<(Cow<'_, str>, &str)> {
    let b = s.as_bytes();
    let q = b[0];
    let mut i = 1;
    let mut escaped = false;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                escaped = true;
                i += 2;
                continue;
            }
            c if c == q => break,
            _ => i += 1,
        }
    }
    if i >= b.len() {
        return None;
    }
    let body = &s[1..i];
    let after = &s[i + 1..];
    if !escaped {
        return Some((Cow::Borrowed(body), after));
    }
    Some((Cow::Owned(unescape(body)), after))
}

/// Decodes the escapes of a Python or JSON string literal body; unknown ones stay as written.
fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let decoded = match e {
            '\\' | '\'' | '"' | '/' => Some(e),
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'u' | 'x' => {
                let len = if e == 'u' { 4 } else { 2 };
                let hex: String = chars.clone().take(len).collect();
                let code = (hex.len() == len && hex.bytes().all(|h| h.is_ascii_hexdigit()))
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten();
                match code {
                    Some(code) => {
                        for _ in 0..len {
                            chars.next();
                        }
                        Some(surrogate_pair(code, &mut chars).unwrap_or('\u{FFFD}'))
                    }
                    None => None,
                }
            }
            _ => None,
        };
        match decoded {
            Some(d) => out.push(d),
            None => {
                out.push('\\');
                out.push(e);
            }
        }
    }
    out
}

/// The character for a `\u` code, reading the low half from `chars` (`\uDC00`) when `code` is
/// a high surrogate.
fn surrogate_pair(code: u32, chars: &mut std::str::Chars<'_>) -> Option<char> {
    if !(0xD800..0xDC00).contains(&code) {
        return char::from_u32(code);
    }
    let rest = chars.as_str();
    let low = rest.strip_prefix("\\u").and_then(|r| r.get(..4)).and_then(|h| u32::from_str_radix(h, 16).ok())?;
    if !(0xDC00..0xE000).contains(&low) {
        return None;
    }
    *chars = rest[6..].chars();
    char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
}

/// `http(s)://…` or `www.…` up to whitespace, quotes, angle brackets or typographic quotes.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?-u:\b)(?:https?://|www\.)[^\s<>"`\x{201C}\x{201D}\x{2018}\x{2019}\x{00AB}\x{00BB}\x{2026}]+"#)
        .expect("valid regex")
});

/// Removes trailing punctuation that belongs to the sentence, not the URL. A closing bracket
/// stays when the URL opened it (`…/Rust_(programming_language)`).
fn trim_url(mut u: &str) -> &str {
    loop {
        let Some(last) = u.bytes().last() else {
            return u;
        };
        let strip = match last {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'"' => true,
            b')' => u.matches('(').count() < u.matches(')').count(),
            b']' => u.matches('[').count() < u.matches(']').count(),
            b'}' => u.matches('{').count() < u.matches('}').count(),
            _ => false,
        };
        if !strip {
            return u;
        }
        u = &u[..u.len() - 1];
    }
}

/// The host of a URL found by [`URL`], without scheme, credentials, port or path.
fn host(u: &str) -> &str {
    let rest = match u.find("://") {
        Some(i) => &u[i + 3..],
        None => u,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let host = authority.split(':').next().unwrap_or(authority);
    host.trim_end_matches('.')
}

/// Whether the host is upwork.com or one of its subdomains.
fn is_upwork(host: &str) -> bool {
    const UPWORK: &str = "upwork.com";
    let h = host.as_bytes();
    h.len() >= UPWORK.len()
        && h[h.len() - UPWORK.len()..].eq_ignore_ascii_case(UPWORK.as_bytes())
        && (h.len() == UPWORK.len() || h[h.len() - UPWORK.len() - 1] == b'.')
}

/// Whether [`URL`] can match in `b`: each of its matches holds `://` or `www.` (the letters in
/// any case), so text with neither (most descriptions) need not be searched. Colons and dots
/// are rare enough in text that looking at each is cheaper than starting the regex.
fn may_hold_url(b: &[u8]) -> bool {
    memchr::memchr_iter(b':', b).any(|i| b[i + 1..].starts_with(b"//"))
        || memchr::memchr_iter(b'.', b).any(|i| i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"www"))
}

/// The links in a description: `http(s)://` URLs and bare `www.` links (kept as written),
/// with sentence punctuation after them removed, deduplicated in order of appearance, and
/// without upwork.com's own links (any subdomain).
pub fn extract_urls(text: &str) -> Vec<String> {
    if !may_hold_url(text.as_bytes()) {
        return Vec::new();
    }
    urls_in(text)
}

/// [`extract_urls`] without its pre-check: every match of the URL pattern.
fn urls_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in URL.find_iter(text) {
        let u = trim_url(m.as_str());
        let h = host(u);
        let named = h.len() > 4 && h.contains('.') && !h.eq_ignore_ascii_case("www");
        if named && !is_upwork(h) && !out.iter().any(|o| o == u) {
            out.push(u.to_owned());
        }
    }
    out
}

/// Normalises an Upwork job id: trims; `~02` + digits (the ciphertext of a numeric id) becomes
/// the numeric id (`~022058436318428575090` -> `2058436318428575090`); `~01…` ciphertexts,
/// plain digits and any other text are kept trimmed. Empty is `None`.
pub fn normalise_job_id(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(digits) = t.strip_prefix("~02") {
        if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
            return Some(digits.to_owned());
        }
    }
    Some(t.to_owned())
}

/// Finds the `~01…` / `~02…` ciphertext in an Upwork job URL (also as `%7E`) and returns it
/// through [`normalise_job_id`]: `https://www.upwork.com/jobs/Title_~022058436318428575090/?…`
/// -> `2058436318428575090`; `…/apply/Some-Title_~0140c7f1b2e3d4a5b6/` -> `~0140c7f1b2e3d4a5b6`.
pub fn job_id_from_url(url: &str) -> Option<String> {
    let b = url.as_bytes();
    // Upwork's own links put the id right after `/jobs/`: read it there without a search.
    const JOBS: &[u8] = b"https://www.upwork.com/jobs/~";
    if b.starts_with(JOBS) {
        if let Some(id) = id_at(url, JOBS.len()) {
            return Some(id);
        }
    }
    for i in memchr::memchr2_iter(b'~', b'%', b) {
        let after = if b[i] == b'~' {
            i + 1
        } else if b.len() >= i + 3 && b[i + 1..i + 3].eq_ignore_ascii_case(b"7e") {
            i + 3
        } else {
            continue;
        };
        if let Some(id) = id_at(url, after) {
            return Some(id);
        }
    }
    None
}

/// The id whose `01` / `02` starts at `after` (just past a `~`), through [`normalise_job_id`]:
/// the ASCII letters and digits after the kind, `None` when there are none or the kind is
/// another.
fn id_at(url: &str, after: usize) -> Option<String> {
    let b = url.as_bytes();
    let kind = b.get(after..after + 2)?;
    if kind != b"01" && kind != b"02" {
        return None;
    }
    let body = &b[after + 2..];
    // One pass for the length and whether it is all digits.
    let mut len = 0;
    let mut digits = true;
    for &c in body {
        if !c.is_ascii_alphanumeric() {
            break;
        }
        digits &= c.is_ascii_digit();
        len += 1;
    }
    if len == 0 {
        return None;
    }
    // Ends next to ASCII bytes (or the end): char boundaries, so no UTF-8 check is needed.
    let body = &url[after + 2..after + 2 + len];
    // As normalise_job_id(`~0N{body}`) without building that string first.
    if kind == b"02" && digits {
        return Some(body.to_owned());
    }
    let kind = if kind == b"01" { "~01" } else { "~02" };
    // Built by hand: `format!` costs more than the rest of this function.
    let mut id = String::with_capacity(kind.len() + body.len());
    id.push_str(kind);
    id.push_str(body);
    Some(id)
}

/// The Upwork URL for a job id: a numeric id -> `https://www.upwork.com/jobs/~02{id}`; a
/// `~01…` (or `~02…`) ciphertext -> `https://www.upwork.com/jobs/{id}`. Anything else is `None`.
pub fn url_from_job_id(id: &str) -> Option<String> {
    let t = id.trim();
    if !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit()) {
        return Some(format!("https://www.upwork.com/jobs/~02{t}"));
    }
    let body = t.strip_prefix("~01").or_else(|| t.strip_prefix("~02"))?;
    (!body.is_empty() && body.bytes().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("https://www.upwork.com/jobs/{t}"))
}

/// The functions this module sped up, as they were, for tests to compare with.
#[cfg(test)]
mod reference {
    pub(super) fn job_id_from_url(url: &str) -> Option<String> {
        let b = url.as_bytes();
        for i in memchr::memchr2_iter(b'~', b'%', b) {
            let after = if b[i] == b'~' {
                i + 1
            } else if b.len() >= i + 3 && b[i + 1..i + 3].eq_ignore_ascii_case(b"7e") {
                i + 3
            } else {
                continue;
            };
            let Some(kind) = b.get(after..after + 2) else {
                continue;
            };
            if kind != b"01" && kind != b"02" {
                continue;
            }
            let body = &b[after + 2..];
            let len = body.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
            if len > 0 {
                // ASCII only, so the slice is valid UTF-8.
                let body = std::str::from_utf8(&body[..len]).ok()?;
                // As normalise_job_id(`~0N{body}`) without building that string first.
                if kind == b"02" && body.bytes().all(|c| c.is_ascii_digit()) {
                    return Some(body.to_owned());
                }
                let kind = if kind == b"01" { "~01" } else { "~02" };
                // Built by hand: `format!` costs more than the rest of this function.
                let mut id = String::with_capacity(kind.len() + body.len());
                id.push_str(kind);
                id.push_str(body);
                return Some(id);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::samples;

    /// Inputs for the fast-path checks: fixture values in odd spellings, and random text built
    /// from the pieces the fast paths look at.
    fn inputs(pieces: &[&str], seed: u64) -> Vec<String> {
        let mut texts: Vec<String> = Vec::new();
        for v in samples::fixture_values() {
            texts.extend(samples::variants(&v));
        }
        texts.extend(samples::random_texts(seed, pieces, 12, 30_000));
        texts
    }

    #[test]
    fn job_ids_from_urls_agree_with_the_reference() {
        let pieces = [
            "https://www.upwork.com/jobs/~",
            "https://www.upwork.com/jobs/",
            "~",
            "%7E",
            "%7e",
            "%",
            "01",
            "02",
            "03",
            "0",
            "123",
            "abc",
            "_",
            "/",
            "?x=1",
            "é",
        ];
        let mut hits = 0;
        for t in inputs(&pieces, 11) {
            let got = job_id_from_url(&t);
            assert_eq!(got, reference::job_id_from_url(&t), "{t:?}");
            hits += usize::from(got.is_some());
        }
        assert!(hits > 5_000, "{hits}");
    }

    #[test]
    fn urls_agree_with_the_reference() {
        let pieces = [
            "http", "https", "HTTP", "://", ":", "/", "//", "www", "WwW", ".", "www.", "example", "com", "upwork", " ",
            "\n", "(", ")", "é", "“", "a", "-", ",",
        ];
        let mut found = 0;
        for t in inputs(&pieces, 12) {
            let got = extract_urls(&t);
            assert_eq!(got, urls_in(&t), "{t:?}");
            found += got.len();
        }
        assert!(found > 1_000, "{found}");
    }

    #[test]
    fn lists_agree_with_the_general_reader() {
        let pieces = [
            "[", "]", "(", ")", "'", "\"", ",", ", ", " ", "  ", "\\", "\\'", "ETL", "GIS", "a b", "é", "None", "nan",
            "\u{a0}", "\t", ";", "|",
        ];
        let mut texts = inputs(&pieces, 13);
        let items = [
            "'ETL'",
            "'GIS'",
            "\"SQL\"",
            "'Data Entry, Excel'",
            "'ETL'",
            "' a '",
            "''",
            "'é'",
            r"'C:\\path'",
            r"'it\'s'",
        ];
        let mut rng = samples::Rng(14);
        for _ in 0..20_000 {
            let n = rng.next() % 5;
            let seps = [", ", ",", " , ", ",  "];
            let mut t = String::from(rng.pick(&["[", "[ ", "["]));
            for k in 0..n {
                if k > 0 {
                    t.push_str(rng.pick(&seps));
                }
                t.push_str(rng.pick(&items));
            }
            t.push_str(rng.pick(&["]", " ]", ",]", ", ]", "]", ")"]));
            texts.push(t);
        }
        let mut simple = 0;
        for t in &texts {
            assert_eq!(split_list(t), split_list_general(t), "{t:?}");
            simple += usize::from(simple_list_literal(t).is_some());
        }
        assert!(simple > 8_000, "{simple}");
    }

    #[test]
    fn clean_placeholders() {
        assert_eq!(clean("  Intermediate "), Some("Intermediate".to_owned()));
        assert_eq!(clean("Expert"), Some("Expert".to_owned()));
        assert_eq!(clean("Less than 1 month"), Some("Less than 1 month".to_owned()));
        assert_eq!(clean("Nonet"), Some("Nonet".to_owned()));
        for bad in ["", "   ", "\t\n", "N/A", "n/a", " N/A ", "null", "NULL", "None", "none"] {
            assert_eq!(clean(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for t in [
            "",
            " ",
            "a",
            " a",
            "a ",
            " a b ",
            "\u{a0}x",
            "x\u{a0}",
            "\u{2003}x\u{3000}",
            "\u{feff}x",
            "é",
            " é ",
            "x\t",
            "\nx",
            "~",
            "a\u{85}",
            "\u{1680}",
        ] {
            assert_eq!(trim(t), t.trim(), "{t:?}");
        }
    }

    #[test]
    fn split_lists() {
        assert_eq!(split_list("Microsoft Excel, Data Mining"), vec!["Microsoft Excel", "Data Mining"]);
        assert_eq!(
            split_list("WordPress; Web Development | PHP\nJavaScript\r\nCSS"),
            vec!["WordPress", "Web Development", "PHP", "JavaScript", "CSS"]
        );
        assert_eq!(
            split_list("Writing, Creative Writing, Writing,  ,Content Writing,"),
            vec!["Writing", "Creative Writing", "Content Writing"]
        );
        // Exact duplicates only.
        assert_eq!(split_list("HTML, html, HTML"), vec!["HTML", "html"]);
        assert_eq!(split_list("SEO Setup & Configuration"), vec!["SEO Setup & Configuration"]);
        assert!(split_list("").is_empty());
        assert!(split_list(" , ;| \n").is_empty());
    }

    #[test]
    fn titles() {
        let t = |s: &str| clean_title(s);
        assert_eq!(t("Data pipeline - Upwork").as_deref(), Some("Data pipeline"));
        assert_eq!(t("  Data pipeline | Upwork ").as_deref(), Some("Data pipeline"));
        assert_eq!(t("Data pipeline - UPWORK").as_deref(), Some("Data pipeline"));
        assert_eq!(t("Data pipeline  –  upwork").as_deref(), Some("Data pipeline"));
        assert_eq!(t("Q&amp;A bot for our docs &#8211; RAG - Upwork").as_deref(), Some("Q&A bot for our docs – RAG"));
        assert_eq!(t("Writer&#39;s assistant").as_deref(), Some("Writer's assistant"));
        assert_eq!(t("Build a &lt;div&gt; layout").as_deref(), Some("Build a <div> layout"));
        // Only a trailing site name between spaces goes.
        assert_eq!(t("Upwork profile optimisation").as_deref(), Some("Upwork profile optimisation"));
        assert_eq!(t("Help me with Upwork").as_deref(), Some("Help me with Upwork"));
        assert_eq!(t("Fix my site-Upwork").as_deref(), Some("Fix my site-Upwork"));
        assert_eq!(t("Zapier - Upwork integration").as_deref(), Some("Zapier - Upwork integration"));
        assert_eq!(t("Upwork").as_deref(), Some("Upwork"));
        assert_eq!(t("Expert needed").as_deref(), Some("Expert needed"));
        for bad in ["", "  ", "N/A", "null", "None", "&nbsp;"] {
            assert_eq!(t(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn urls_for_storing() {
        assert_eq!(
            clean_url(" https://www.upwork.com/jobs/Data-pipeline_%7E01abc123?source=rss\n").as_deref(),
            Some("https://www.upwork.com/jobs/Data-pipeline_~01abc123?source=rss")
        );
        assert_eq!(
            clean_url("https://www.upwork.com/jobs/X_%7e022058436318428575090%7E").as_deref(),
            Some("https://www.upwork.com/jobs/X_~022058436318428575090~")
        );
        // Other escapes and a lone `%` are kept.
        assert_eq!(
            clean_url("https://www.upwork.com/jobs/a%20b_~01ab?q=100%").as_deref(),
            Some("https://www.upwork.com/jobs/a%20b_~01ab?q=100%")
        );
        assert_eq!(clean_url("https://example.com/%7").as_deref(), Some("https://example.com/%7"));
        for bad in ["", "  ", "N/A", "null"] {
            assert_eq!(clean_url(bad), None, "{bad:?}");
        }
        // The stored URL gives the same id as the escaped one.
        let rss = "https://www.upwork.com/jobs/Data-pipeline_%7E01abc123?source=rss";
        assert_eq!(job_id_from_url(rss).as_deref(), Some("~01abc123"));
        assert_eq!(job_id_from_url(&clean_url(rss).unwrap()).as_deref(), Some("~01abc123"));
        assert_eq!(
            job_id_from_url("https://www.upwork.com/jobs/Data-pipeline_%7e01abc123").as_deref(),
            Some("~01abc123")
        );
    }

    #[test]
    fn list_literals_from_pandas_and_json() {
        assert_eq!(split_list("['ETL', 'GIS']"), vec!["ETL", "GIS"]);
        assert_eq!(split_list("\"['ETL', 'GIS']\""), vec!["ETL", "GIS"]);
        assert_eq!(split_list(r#"["Python", "SQL"]"#), vec!["Python", "SQL"]);
        assert_eq!(split_list("('a', 'b')"), vec!["a", "b"]);
        assert_eq!(split_list("('Python',)"), vec!["Python"]);
        assert_eq!(split_list("  [ 'ETL' ,'GIS','ETL' ]  "), vec!["ETL", "GIS"]);
        // Items stay whole: separators inside quotes do not split.
        assert_eq!(
            split_list(r#"["Data Entry, Excel", "SEO | SEM", "Writer's Block"]"#),
            vec!["Data Entry, Excel", "SEO | SEM", "Writer's Block"]
        );
        assert_eq!(split_list(r"['Writer\'s Block', 'C:\\path']"), vec!["Writer's Block", r"C:\path"]);
        assert_eq!(split_list(r#"["Caf\u00e9", "\ud83e\udd80 Rust", "na\xefve"]"#), vec!["Café", "🦀 Rust", "naïve"]);
        assert_eq!(split_list("['ETL', None, nan, '', 'GIS']"), vec!["ETL", "GIS"]);
        assert!(split_list("[]").is_empty());
        assert!(split_list("()").is_empty());
        assert!(split_list("\"[]\"").is_empty());
    }

    #[test]
    fn brackets_that_are_no_literal_split_as_before() {
        assert_eq!(split_list("(optional)"), vec!["(optional)"]);
        assert_eq!(split_list("[ETL, GIS]"), vec!["[ETL", "GIS]"]);
        assert_eq!(split_list("[Remote] Data entry, Excel"), vec!["[Remote] Data entry", "Excel"]);
        assert_eq!(split_list("C++ (Qt), Rust"), vec!["C++ (Qt)", "Rust"]);
        // Not closed, or junk between items: not a literal.
        assert_eq!(split_list("['ETL', 'GIS"), vec!["['ETL'", "'GIS"]);
        assert_eq!(split_list("['ETL' 'GIS']"), vec!["['ETL' 'GIS']"]);
        assert_eq!(split_list("['ETL', 'GIS')"), vec!["['ETL'", "'GIS')"]);
    }

    #[test]
    fn urls_from_real_descriptions() {
        let text = "Repo:\nhttps://github.com/ryanhugh/coding-challenge-3\n\n\nPerformance Optim\n\
            voice agent demo):\nhttps://www.youtube.com/watch?v=PFoHsmcF7A8\n\nThe video should\n\
            exactly like:\n\n👉 https://resolve.ai/integrations\n\nThis is not about\n\
            Domain connected: https://smokepitbarbecue.com\n\nPhone number\n\
            We need a similar platform like https://aiapply.co/ for the first agent";
        assert_eq!(
            extract_urls(text),
            vec![
                "https://github.com/ryanhugh/coding-challenge-3",
                "https://www.youtube.com/watch?v=PFoHsmcF7A8",
                "https://resolve.ai/integrations",
                "https://smokepitbarbecue.com",
                "https://aiapply.co/",
            ]
        );
    }

    #[test]
    fn urls_trailing_punctuation_and_brackets() {
        assert_eq!(
            extract_urls("See https://example.com/a. Then (https://example.com/b), ok?"),
            vec!["https://example.com/a", "https://example.com/b"]
        );
        assert_eq!(
            extract_urls("Read https://en.wikipedia.org/wiki/Rust_(programming_language)."),
            vec!["https://en.wikipedia.org/wiki/Rust_(programming_language)"]
        );
        assert_eq!(
            extract_urls("[site](https://example.com/x) and 'https://example.org/y'!"),
            vec!["https://example.com/x", "https://example.org/y"]
        );
        assert_eq!(
            extract_urls("“https://example.com/quoted” and <https://example.net>"),
            vec!["https://example.com/quoted", "https://example.net"]
        );
        assert_eq!(extract_urls("Questions?: https://example.com/faq?!"), vec!["https://example.com/faq"]);
    }

    #[test]
    fn urls_www_dedup_and_case() {
        assert_eq!(
            extract_urls("Visit www.example.com, or WWW.Example.org; https://example.com/a https://example.com/a"),
            vec!["www.example.com", "WWW.Example.org", "https://example.com/a"]
        );
        assert_eq!(extract_urls("HTTP://EXAMPLE.COM/X"), vec!["HTTP://EXAMPLE.COM/X"]);
        // Not a link: no host, or "www" inside a word.
        assert!(extract_urls("https:// and www. and awww.example.com and http://.").is_empty());
        assert!(extract_urls("").is_empty());
        assert!(extract_urls("no links here, just text.").is_empty());
    }

    #[test]
    fn urls_exclude_upwork() {
        let text = "Apply at https://www.upwork.com/jobs/~022058436318428575090 or \
            https://upwork.com/freelancers/~01abc, https://support.upwork.com/hc, \
            www.upwork.com/x, https://UPWORK.COM/y, https://user@www.upwork.com:443/z. \
            Keep https://notupwork.com/a and https://upwork.com.evil.example/b and \
            https://example.com/?ref=upwork.com";
        assert_eq!(
            extract_urls(text),
            vec!["https://notupwork.com/a", "https://upwork.com.evil.example/b", "https://example.com/?ref=upwork.com",]
        );
    }

    #[test]
    fn job_ids() {
        let id = Some("2058436318428575090".to_owned());
        assert_eq!(normalise_job_id("~022058436318428575090"), id);
        assert_eq!(normalise_job_id(" ~022058436318428575090 "), id);
        assert_eq!(normalise_job_id("2058436318428575090"), id);
        assert_eq!(normalise_job_id("~01abcdef0123456789"), Some("~01abcdef0123456789".to_owned()));
        assert_eq!(normalise_job_id("~02"), Some("~02".to_owned()));
        assert_eq!(normalise_job_id("~02abc"), Some("~02abc".to_owned()));
        assert_eq!(normalise_job_id(" job-42 "), Some("job-42".to_owned()));
        assert_eq!(normalise_job_id(""), None);
        assert_eq!(normalise_job_id("   "), None);
    }

    #[test]
    fn job_ids_from_urls() {
        assert_eq!(
            job_id_from_url("https://www.upwork.com/jobs/Engineer-Build-Construction-Estimating-Agent-LLM-Document-Intelligence-Vector-PDF-Takeoff_~022058436318428575090/?referrer_url_path=/nx/search/jobs/"),
            Some("2058436318428575090".to_owned())
        );
        assert_eq!(
            job_id_from_url("https://www.upwork.com/jobs/~022019187901781624803"),
            Some("2019187901781624803".to_owned())
        );
        assert_eq!(
            job_id_from_url("https://www.upwork.com/freelance-jobs/apply/Some-Title_~0140c7f1b2e3d4a5b6/"),
            Some("~0140c7f1b2e3d4a5b6".to_owned())
        );
        assert_eq!(
            job_id_from_url("https://www.upwork.com/jobs/Title_%7E022058436318428575090?x=1"),
            Some("2058436318428575090".to_owned())
        );
        assert_eq!(
            job_id_from_url("https://www.upwork.com/~user/jobs/%20x_~022058436318428575090"),
            Some("2058436318428575090".to_owned())
        );
        for bad in [
            "",
            "https://www.upwork.com/jobs/",
            "https://www.upwork.com/jobs/~03123",
            "https://www.upwork.com/jobs/~02",
            "https://www.upwork.com/jobs/~02/",
            "https://example.com/%7",
            "~",
        ] {
            assert_eq!(job_id_from_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn urls_from_job_ids() {
        assert_eq!(
            url_from_job_id("2058436318428575090").as_deref(),
            Some("https://www.upwork.com/jobs/~022058436318428575090")
        );
        assert_eq!(
            url_from_job_id("~0140c7f1b2e3d4a5b6").as_deref(),
            Some("https://www.upwork.com/jobs/~0140c7f1b2e3d4a5b6")
        );
        assert_eq!(
            url_from_job_id("~022019187901781624803").as_deref(),
            Some("https://www.upwork.com/jobs/~022019187901781624803")
        );
        for bad in ["", "~01", "~03123", "job-42", "12a", "~01ab/cd"] {
            assert_eq!(url_from_job_id(bad), None, "{bad:?}");
        }
        // Round trip through the URL.
        let url = url_from_job_id("2058436318428575090").unwrap();
        assert_eq!(job_id_from_url(&url).as_deref(), Some("2058436318428575090"));
    }
}
