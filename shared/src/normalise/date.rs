//! Timestamps: absolute ones in the shapes exports use (RFC 3339, naive ISO, US dates, month
//! names, epoch seconds or millis), relative ones ("Posted 17 minutes ago") resolved against a
//! reference time, and the export time Apify writes into its file names.
//!
//! Every result is UTC. A time without a zone is taken as UTC; a date without a time is
//! midnight UTC. Absolute dates outside the years 1970..2200 are rejected as placeholders or
//! misreads (`0001-01-01`, a two-digit year read as year 26).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use regex::Regex;
use std::sync::LazyLock;

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;
const MONTH: i64 = 30 * DAY;
const YEAR: i64 = 365 * DAY;

/// Epoch values at or above this are milliseconds, below it seconds.
const MILLIS_FROM: u64 = 100_000_000_000;

/// Strips a leading "Posted", "Posted:" or "Posted on" (any case).
fn strip_posted(t: &str) -> &str {
    let b = t.as_bytes();
    if b.len() > 6 && b[..6].eq_ignore_ascii_case(b"posted") && !b[6].is_ascii_alphabetic() {
        let rest = t[6..].trim_start_matches(|c: char| c == ':' || c.is_whitespace());
        let rb = rest.as_bytes();
        if rb.len() > 3 && rb[..3].eq_ignore_ascii_case(b"on ") {
            return rest[3..].trim_start();
        }
        return rest;
    }
    t
}

/// Keeps plausible dates only.
fn plausible(dt: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (1970..2200).contains(&dt.year()).then_some(dt)
}

fn naive_date(t: &str, formats: &[&str]) -> Option<DateTime<Utc>> {
    formats
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|d| d.and_utc()))
}

fn naive_date_time(t: &str, formats: &[&str]) -> Option<DateTime<Utc>> {
    formats.iter().find_map(|f| NaiveDateTime::parse_from_str(t, f).ok().map(|d| d.and_utc()))
}

/// `2026-05-24…`: RFC 3339, naive date-times (UTC), offsets without a colon, a bare date.
fn parse_iso(t: &str) -> Option<DateTime<Utc>> {
    if t.len() == 10 {
        return naive_date(t, &["%Y-%m-%d"]);
    }
    fast_iso(t.as_bytes()).or_else(|| slow_iso(t))
}

/// [`parse_iso`] through chrono's parsers, for the forms [`fast_iso`] leaves.
fn slow_iso(t: &str) -> Option<DateTime<Utc>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.to_utc());
    }
    let naive = t.strip_suffix("UTC").or_else(|| t.strip_suffix('Z')).unwrap_or(t).trim_end();
    naive_date_time(naive, &["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        .or_else(|| {
            ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f %z"]
                .iter()
                .find_map(|f| DateTime::parse_from_str(t, f).ok())
                .map(|dt| dt.to_utc())
        })
}

/// The common ISO forms without chrono's format parser (which compiles its format string on each
/// call, and is tried with up to seven): `YYYY-MM-DD`, `T` or a space, `HH:MM`, optional `:SS`
/// and a fraction of up to nine digits, then nothing (UTC), `Z`, `UTC` or an offset `±HH:MM` /
/// `±HHMM`, each optionally after a space. `None` for anything else, which [`parse_iso`] then
/// reads the slow way. Where both read a string they agree (a test checks it); this one also
/// reads an offset after the minutes (`…T05:00+05:30`), which chrono's formats do not.
fn fast_iso(b: &[u8]) -> Option<DateTime<Utc>> {
    fn num(b: &[u8]) -> Option<u32> {
        b.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    }
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(&b[..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)?;
    let (hour, minute) = (num(&b[11..13])?, num(&b[14..16])?);
    let mut rest = &b[16..];
    let (mut second, mut nanos) = (0, 0);
    if let [b':', s1, s2, tail @ ..] = rest {
        second = num(&[*s1, *s2])?;
        rest = tail;
        if let [b'.', tail @ ..] = rest {
            let digits = tail.iter().take_while(|c| c.is_ascii_digit()).count();
            if !(1..=9).contains(&digits) {
                return None;
            }
            nanos = num(&tail[..digits])? * 10u32.pow(9 - digits as u32);
            rest = &tail[digits..];
        }
    }
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    let offset_seconds = match rest {
        [] | [b'Z' | b'z'] | [b'U', b'T', b'C'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, tail @ ..] => {
            let minutes = match tail {
                [b':', m1, m2] | [m1, m2] => num(&[*m1, *m2])?,
                _ => return None,
            };
            let (hours, sign) = (num(&[*h1, *h2])?, if *sign == b'-' { -1 } else { 1 });
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 3600 + minutes * 60) as i64
        }
        _ => return None,
    };
    let local = date.and_hms_nano_opt(hour, minute, second, nanos)?.and_utc();
    if offset_seconds == 0 {
        // Most stamps are UTC: no date arithmetic to do.
        return Some(local);
    }
    Some(local - TimeDelta::seconds(offset_seconds))
}

/// Digit-only: `YYYYMMDD`, epoch seconds, or epoch millis (by magnitude).
fn parse_digits(t: &str) -> Option<DateTime<Utc>> {
    match t.len() {
        8 => naive_date(t, &["%Y%m%d"]),
        0..=7 => None,
        _ => {
            let v: u64 = t.parse().ok()?;
            if v >= MILLIS_FROM {
                DateTime::from_timestamp_millis(i64::try_from(v).ok()?)
            } else {
                DateTime::from_timestamp(i64::try_from(v).ok()?, 0)
            }
        }
    }
}

/// Epoch seconds with a fraction: `1779604437.153`.
fn parse_epoch_fraction(t: &str) -> Option<DateTime<Utc>> {
    let (secs, frac) = t.split_once('.')?;
    if !(9..=10).contains(&secs.len())
        || frac.is_empty()
        || !secs.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let mut nanos = 0u32;
    for i in 0..9 {
        let d = frac.as_bytes().get(i).map_or(0, |c| u32::from(c - b'0'));
        nanos = nanos * 10 + d;
    }
    DateTime::from_timestamp(secs.parse().ok()?, nanos)
}

/// A clock time after a slashed date: `16:58`, `4:58:07`, `4:58am`, `4:58 PM`, `11:59 p.m.`,
/// optionally followed by `UTC` / `GMT`. With am/pm the hour is 1..=12 (`12:05am` is 00:05);
/// without, 0..=23. Minutes (and seconds) take two digits.
fn parse_clock(s: &str) -> Option<NaiveTime> {
    let mut t = s.trim();
    for zone in ["UTC", "GMT"] {
        let b = t.as_bytes();
        if b.len() > zone.len() && b[b.len() - zone.len()..].eq_ignore_ascii_case(zone.as_bytes()) {
            t = t[..t.len() - zone.len()].trim_end();
            break;
        }
    }
    let b = t.as_bytes();
    let two = |i: usize| -> Option<u32> {
        let d = b.get(i..i + 2)?;
        d.iter().all(u8::is_ascii_digit).then(|| u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0'))
    };
    let hour_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&hour_len) || b.get(hour_len) != Some(&b':') {
        return None;
    }
    let mut hour: u32 = t[..hour_len].parse().ok()?;
    let minute = two(hour_len + 1)?;
    let mut i = hour_len + 3;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = two(i + 1)?;
        i += 3;
    }
    let meridiem = t[i..].trim_start();
    let is = |word: &str| meridiem.eq_ignore_ascii_case(word);
    let pm = if meridiem.is_empty() {
        None
    } else if is("am") || is("a.m.") {
        Some(false)
    } else if is("pm") || is("p.m.") {
        Some(true)
    } else {
        return None;
    };
    if let Some(pm) = pm {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
    }
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// `05/24/2026` (US order, month first; day-first when the first part exceeds 12) or
/// `2026/05/24`; the first two with an optional time after a space or a comma, as RSS-derived
/// CSVs write them: `6/6/2024 4:58am`, `06/06/2024 16:58`, `6/6/2024, 4:58:07 PM` (see
/// [`parse_clock`]). There is no zone in these: the time is taken as UTC.
fn parse_slashed(t: &str) -> Option<DateTime<Utc>> {
    let b = t.as_bytes();
    if b.len() >= 10 && b[4] == b'/' && b[..4].iter().all(u8::is_ascii_digit) {
        return naive_date(t, &["%Y/%m/%d"]);
    }
    let (date, time) = match t.find([' ', ',']) {
        Some(k) => (&t[..k], Some(t[k..].trim_start_matches([' ', ',']))),
        None => (t, None),
    };
    if date.rsplit('/').next().map(str::len) != Some(4) {
        return None;
    }
    let day = ["%m/%d/%Y", "%d/%m/%Y"].iter().find_map(|f| NaiveDate::parse_from_str(date, f).ok())?;
    let time = match time {
        Some(clock) => parse_clock(clock)?,
        None => NaiveTime::MIN,
    };
    Some(day.and_time(time).and_utc())
}

/// `28.05.2024`, `28.05.2024 16:05`, `1.6.2024, 9:40`: dotted numeric dates, day first as
/// everywhere they are written (German, Russian, Turkish... exports), with an optional time;
/// no zone, taken as UTC.
fn parse_dotted(t: &str) -> Option<DateTime<Utc>> {
    let (date, time) = match t.find([' ', ',']) {
        Some(k) => (&t[..k], Some(t[k..].trim_start_matches([' ', ',']))),
        None => (t, None),
    };
    let date = date.strip_suffix('.').unwrap_or(date);
    if date.split('.').count() != 3 || date.rsplit('.').next().map(str::len) != Some(4) {
        return None;
    }
    let day = dotted_day(date).or_else(|| NaiveDate::parse_from_str(date, "%d.%m.%Y").ok())?;
    let time = match time.map(str::trim).filter(|c| !c.is_empty()) {
        Some(clock) => parse_clock(clock.trim_end_matches(" Uhr"))?,
        None => NaiveTime::MIN,
    };
    Some(day.and_time(time).and_utc())
}

/// `DD.MM.YYYY` or `DD.MM.YYYY HH:MM` exactly, as German exports write them, read by position:
/// what [`parse_dotted`] reads from such a string (no epoch with a fraction looks like this), or
/// `None`, when [`parse_absolute`] goes on the general way.
fn fast_dotted(b: &[u8]) -> Option<DateTime<Utc>> {
    let two = |i: usize| -> Option<u32> {
        let (h, l) = (b[i], b[i + 1]);
        (h.is_ascii_digit() && l.is_ascii_digit()).then(|| u32::from(h - b'0') * 10 + u32::from(l - b'0'))
    };
    if !(b.len() == 10 || b.len() == 16) || b[2] != b'.' || b[5] != b'.' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt((two(6)? * 100 + two(8)?) as i32, two(3)?, two(0)?)?;
    let time = if b.len() == 16 {
        if b[10] != b' ' || b[13] != b':' {
            return None;
        }
        NaiveTime::from_hms_opt(two(11)?, two(14)?, 0)?
    } else {
        NaiveTime::MIN
    };
    Some(date.and_time(time).and_utc())
}

/// `D.M.YYYY` with one or two digits for the day and month and nothing but digits: what chrono's
/// `%d.%m.%Y` reads from such a string (a test checks it), without compiling the format.
/// `None` for any other form, which is left to chrono.
fn dotted_day(date: &str) -> Option<NaiveDate> {
    let mut parts = date.split('.');
    let mut num = |widths: std::ops::RangeInclusive<usize>| {
        let p = parts.next()?.as_bytes();
        if !widths.contains(&p.len()) || !p.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(p.iter().fold(0u32, |n, &c| n * 10 + u32::from(c - b'0')))
    };
    let (day, month, year) = (num(1..=2)?, num(1..=2)?, num(4..=4)?);
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(year as i32, month, day)
}

/// Whether `b` holds a month's three-letter abbreviation (any case) anywhere: chrono reads
/// every month name (`%b`, `%B`, RFC 2822) from its first three letters, so a string without one
/// is no date for those formats, and "2 hours ago" need not be tried against them.
fn has_month_name(b: &[u8]) -> bool {
    b.windows(3).any(|w| {
        matches!(
            (w[0] | 32, w[1] | 32, w[2] | 32),
            (b'j', b'a', b'n')
                | (b'f', b'e', b'b')
                | (b'm', b'a', b'r')
                | (b'a', b'p', b'r')
                | (b'm', b'a', b'y')
                | (b'j', b'u', b'n')
                | (b'j', b'u', b'l')
                | (b'a', b'u', b'g')
                | (b's', b'e', b'p')
                | (b'o', b'c', b't')
                | (b'n', b'o', b'v')
                | (b'd', b'e', b'c')
        )
    })
}

/// Parses an absolute timestamp to UTC:
/// - RFC 3339: `2026-05-24T06:33:57.153Z`, `2026-05-24T08:33:57+02:00`;
/// - naive ISO taken as UTC: `2026-05-24 06:33:57`, `2026-05-24T06:33:57`, `… UTC`;
/// - a date alone at midnight UTC: `2026-05-24`, `20260524`, `May 24, 2026`, `24 May 2026`,
///   `05/24/2026` (day-first `24/05/2026` when unambiguous), `2026/05/24`;
/// - US dates with a time, month first and without a zone, taken as UTC (RSS-derived CSVs):
///   `6/6/2024 4:58am`, `06/06/2024 16:58`, `05/24/2026 06:33:57`, `6/6/2024, 4:58 PM`;
/// - dotted dates, day first, with an optional time, taken as UTC: `28.05.2024 16:05`;
/// - RFC 2822: `Sun, 24 May 2026 06:33:57 +0000`;
/// - epoch seconds (`1779604437`, also `1779604437.153`) or millis (`1779604437153`): a
///   digit-only string of 9+ digits is millis when it is at least 10^11.
///
/// A leading "Posted" / "Posted on" is ignored. Nonsense, and dates outside 1970..2200, are
/// `None`.
pub fn parse_absolute(s: &str) -> Option<DateTime<Utc>> {
    let t = strip_posted(super::text::trim(s));
    let b = t.as_bytes();
    let first = *b.first()?;
    let dt = if first.is_ascii_digit() {
        if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
            parse_iso(t)
        } else if b.iter().all(u8::is_ascii_digit) {
            parse_digits(t)
        } else if b.contains(&b'/') {
            parse_slashed(t)
        } else if b.contains(&b'.') {
            fast_dotted(b).or_else(|| parse_epoch_fraction(t)).or_else(|| parse_dotted(t))
        } else if has_month_name(b) {
            naive_date(t, &["%d %B %Y", "%d %B, %Y", "%d-%b-%Y"])
        } else {
            None
        }
    } else if first.is_ascii_alphabetic() && has_month_name(b) {
        DateTime::parse_from_rfc2822(t).ok().map(|dt| dt.to_utc()).or_else(|| naive_date(t, &["%B %d, %Y", "%B %d %Y"]))
    } else {
        None
    };
    dt.and_then(plausible)
}

/// Seconds in a unit word (`min`, `hours`, `d`, `wks`, `mo`, `yrs`, ...).
fn unit_seconds(unit: &str) -> Option<i64> {
    Some(match unit {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => MINUTE,
        "h" | "hr" | "hrs" | "hour" | "hours" => HOUR,
        "d" | "day" | "days" => DAY,
        "w" | "wk" | "wks" | "week" | "weeks" => WEEK,
        "mo" | "mos" | "month" | "months" => MONTH,
        "y" | "yr" | "yrs" | "year" | "years" => YEAR,
        _ => return None,
    })
}

/// Seconds before the reference for "<count> <unit>" (the "ago" already removed).
fn ago_seconds(body: &str) -> Option<i64> {
    let mut words = body
        .split_ascii_whitespace()
        .skip_while(|w| matches!(*w, "about" | "around" | "almost" | "nearly" | "over" | "~"));
    let first = words.next()?;
    let (count, glued) = match first {
        "a" | "an" | "one" => match words.next()? {
            "few" => (3, None),
            w => (1, Some(w)),
        },
        "few" | "several" => (3, None),
        _ => {
            let digits = first.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return None;
            }
            let count: i64 = first[..digits].parse().ok()?;
            let rest = first[digits..].trim_start_matches('+');
            (count, (!rest.is_empty()).then_some(rest))
        }
    };
    let unit = match glued {
        Some(u) => u,
        None => words.next()?,
    };
    if words.next().is_some() {
        return None;
    }
    count.checked_mul(unit_seconds(unit)?)
}

/// Resolves a relative time against `reference` (the scrape or export time), case-insensitively:
/// `Posted 17 minutes ago`, `13 hours ago`, `an hour ago`, `a minute ago`, `2 days ago`,
/// `yesterday`, `just now`, `seconds ago`, `last week`, `2 weeks ago`, `a month ago`,
/// `30+ days ago` (30 days), `5 mins ago`, `2 hrs ago`, `5m ago`. A month is 30 days and a
/// year 365. Anything else, including text longer than 64 bytes, is `None`.
pub fn parse_relative(s: &str, reference: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let t = s.trim();
    let mut buf = [0u8; 64];
    let lower = buf.get_mut(..t.len())?;
    lower.copy_from_slice(t.as_bytes());
    lower.make_ascii_lowercase();
    let lower = std::str::from_utf8(lower).ok()?;
    let phrase = strip_posted(lower.trim_end_matches('.').trim_end());
    let secs = match phrase {
        "just now"
        | "now"
        | "today"
        | "moments ago"
        | "a moment ago"
        | "seconds ago"
        | "a few seconds ago"
        | "few seconds ago"
        | "less than a minute ago" => 0,
        "yesterday" => DAY,
        "last week" => WEEK,
        "last month" => MONTH,
        "last year" => YEAR,
        _ => ago_seconds(phrase.strip_suffix("ago")?)?,
    };
    reference.checked_sub_signed(TimeDelta::try_seconds(secs)?)
}

/// Parses a timestamp that may be absolute or relative: [`parse_absolute`] first, then
/// [`parse_relative`] against `reference`.
#[inline]
pub fn parse_timestamp(s: &str, reference: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if let Some(secs) = simple_ago(s.as_bytes()) {
        return reference.checked_sub_signed(TimeDelta::try_seconds(secs)?);
    }
    parse_absolute(s).or_else(|| parse_relative(s, reference))
}

/// Seconds ago for exactly `<count> <unit> ago` in lowercase (`2 hours ago`, `17 minutes ago`),
/// as job tiles write it, with one to nine digits and a unit from `minute` to `years`: what
/// [`parse_relative`] reads from it (no absolute format reads such text: it has no `-`, `/`,
/// `.` or month name), without its copy, lowercasing and phrase matching. `None` for any other
/// text.
fn simple_ago(b: &[u8]) -> Option<i64> {
    // One comparison turns away every absolute date.
    if b.last() != Some(&b'o') {
        return None;
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=9).contains(&digits) || b.get(digits) != Some(&b' ') {
        return None;
    }
    let unit = b[digits + 1..].strip_suffix(b" ago")?;
    let unit = match unit {
        b"minute" | b"minutes" => "minutes",
        b"hour" | b"hours" => "hours",
        b"day" | b"days" => "days",
        b"week" | b"weeks" => "weeks",
        b"month" | b"months" => "months",
        b"year" | b"years" => "years",
        _ => return None,
    };
    let count = b[..digits].iter().fold(0i64, |n, &c| n * 10 + i64::from(c - b'0'));
    count.checked_mul(unit_seconds(unit)?)
}

/// `YYYY-MM-DD_HH-MM-SS[-mmm]` as Apify writes it into export file names.
static EXPORT_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(\d{4})-(\d{2})-(\d{2})_(\d{2})-(\d{2})-(\d{2})(?:-(\d{3}))?(?:[^0-9]|$)")
        .expect("valid regex")
});

/// The export time Apify writes into a dataset file name, as UTC:
/// `dataset_upwork-job-scraper_2026-05-24_06-55-21-455.json` -> 2026-05-24T06:55:21.455Z.
/// Works on a bare name, a path or an S3 key (only the last path segment is read); the
/// milliseconds are optional. The last such stamp in the name wins. No stamp is `None`.
pub fn export_time_from_name(name: &str) -> Option<DateTime<Utc>> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let caps = EXPORT_TIME.captures_iter(base).last()?;
    let num = |i: usize| -> Option<u32> { caps.get(i)?.as_str().parse().ok() };
    let year = i32::try_from(num(1)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, num(2)?, num(3)?)?;
    let millis = caps.get(7).map_or(Some(0), |m| m.as_str().parse().ok())?;
    let time = date.and_hms_milli_opt(num(4)?, num(5)?, num(6)?, millis)?;
    Some(time.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    fn ms(dt: DateTime<Utc>, millis: i64) -> DateTime<Utc> {
        dt + TimeDelta::milliseconds(millis)
    }

    #[test]
    fn rfc3339_from_real_exports() {
        assert_eq!(parse_absolute("2026-05-24T06:33:57.153Z"), Some(ms(utc(2026, 5, 24, 6, 33, 57), 153)));
        assert_eq!(parse_absolute("2026-02-04T23:15:26.182Z"), Some(ms(utc(2026, 2, 4, 23, 15, 26), 182)));
        assert_eq!(parse_absolute("2014-06-04T17:59:10.123Z"), Some(ms(utc(2014, 6, 4, 17, 59, 10), 123)));
    }

    /// The hand-written dotted reader gives chrono's `%d.%m.%Y` wherever it answers.
    #[test]
    fn the_fast_dotted_reader_agrees_with_the_general_one() {
        use crate::normalise::samples;
        let general = |t: &str| {
            let (b, t) = (t.trim().as_bytes(), t.trim());
            if b.first().is_some_and(u8::is_ascii_digit) && b.contains(&b'.') {
                parse_epoch_fraction(t).or_else(|| parse_dotted(t))
            } else {
                None
            }
        };
        let mut texts: Vec<String> = samples::fixture_values();
        let mut rng = samples::Rng(21);
        for _ in 0..40_000 {
            let x = rng.next();
            let n = |k: u32, m: u64| (x >> k) % m;
            let mut t = format!("{:02}.{:02}.{:04}", n(0, 40), n(8, 15), 1960 + n(16, 260));
            if x >> 60 < 12 {
                t.push_str(&format!(" {:02}:{:02}", n(32, 26), n(40, 62)));
            }
            if x >> 59 & 1 == 1 {
                let k = (n(48, t.len() as u64)) as usize;
                let c = rng.pick(&[".", " ", ":", "x", "1", "٣"]);
                t.replace_range(k..k + 1, c);
            }
            texts.push(t);
        }
        texts.extend(samples::random_texts(22, &["1", "2", "0", "9", ".", " ", ":"], 17, 40_000));
        let mut read = 0;
        for t in &texts {
            let fast = fast_dotted(t.trim().as_bytes());
            if fast.is_some() {
                read += 1;
                assert_eq!(fast, general(t), "{t:?}");
            }
        }
        assert!(read > 10_000, "{read}");
    }

    #[test]
    fn simple_ago_agrees_with_the_general_readers() {
        use crate::normalise::samples;
        let reference = utc(2026, 5, 24, 6, 55, 21);
        let general = |t: &str| parse_absolute(t).or_else(|| parse_relative(t, reference));
        let mut texts: Vec<String> = Vec::new();
        for v in samples::fixture_values() {
            texts.extend(samples::variants(&v));
        }
        let units = [
            "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years",
            "mins", "hrs", "Hours", "seconds", "hourss", "",
        ];
        let mut rng = samples::Rng(61);
        for _ in 0..40_000 {
            let x = rng.next();
            let digits = (x % 12) as u32;
            let n = (x >> 8) % 10u64.pow(digits);
            let count = if digits == 0 { String::new() } else { n.to_string() };
            let sep = rng.pick(&[" ", " ", " ", "  ", "", "\t"]);
            let ago = rng.pick(&[" ago", " ago", " ago", " Ago", " ago.", "ago", " ago "]);
            texts.push(format!("{count}{sep}{}{ago}", rng.pick(&units)));
        }
        let mut simple = 0;
        for t in &texts {
            if simple_ago(t.as_bytes()).is_some() {
                simple += 1;
            }
            assert_eq!(parse_timestamp(t, reference), general(t), "{t:?}");
        }
        assert!(simple > 3_000, "{simple}");
    }

    #[test]
    fn the_dotted_reader_agrees_with_chrono() {
        let mut answered = 0;
        for day in ["0", "00", "1", "01", "9", "09", "28", "29", "30", "31", "32", "99", "001", "", "x", "+1", " 1"] {
            for month in ["0", "00", "1", "01", "2", "02", "4", "12", "13", "001", "", "x"] {
                for year in
                    ["2024", "2023", "2000", "1900", "0000", "9999", "202", "20245", "+2024", "-202", "20x4", ""]
                {
                    let date = format!("{day}.{month}.{year}");
                    let chrono = NaiveDate::parse_from_str(&date, "%d.%m.%Y").ok();
                    if let Some(fast) = dotted_day(&date) {
                        answered += 1;
                        assert_eq!(Some(fast), chrono, "{date}");
                    } else if day.len() <= 2 && month.len() <= 2 && year.len() == 4 {
                        // Only non-digits, or an impossible date, are left to chrono.
                        let digits = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit());
                        assert!(!(digits(day) && digits(month) && digits(year)) || chrono.is_none(), "{date}");
                    }
                }
            }
        }
        assert!(answered > 100, "{answered}");
        for date in ["28.05.2024.", "28.05.2024.1", "28..2024", "1.6.2024"] {
            if let Some(fast) = dotted_day(date) {
                assert_eq!(Some(fast), NaiveDate::parse_from_str(date, "%d.%m.%Y").ok(), "{date}");
            }
        }
    }

    /// Strings without a month abbreviation are never dates for the month-name formats.
    #[test]
    fn month_name_formats_need_a_month_name() {
        let texts = [
            "2 hours ago",
            "30+ days ago",
            "a month ago",
            "yesterday",
            "Posted 17 minutes ago",
            "5m ago",
            "just now",
            "1 week",
            "2 weeks ago",
            "24 May 2026",
            "24 may 2026",
            "May 24, 2026",
            "Sun, 24 May 2026 06:33:57 +0000",
            "24 MAYO 2026",
            "1-jAn-2024",
            "3 September, 2024",
            "Thu, 6 Jun 2024 16:58:00 GMT",
            "Mon 24",
            "Sept 3 2024",
            "12 Xyz 2024",
            "De 12 2024",
            "J an 1 2024",
            "13 Dece 2024",
        ];
        for t in texts {
            let chrono = DateTime::parse_from_rfc2822(t)
                .ok()
                .map(|dt| dt.to_utc())
                .or_else(|| naive_date(t, &["%d %B %Y", "%d %B, %Y", "%d-%b-%Y", "%B %d, %Y", "%B %d %Y"]));
            if !has_month_name(t.as_bytes()) {
                assert_eq!(chrono, None, "{t}");
            }
        }
        assert!(has_month_name(b"24 May 2026") && has_month_name(b"SEPT") && !has_month_name(b"2 hours ago"));
    }

    #[test]
    fn the_fast_iso_reader_agrees_with_chrono() {
        let cases = [
            "2024-06-03 05:00:00",
            "2024-06-03T05:00:00",
            "2024-06-03t05:00:00z",
            "2024-06-03T05:00:00Z",
            "2024-06-03T05:00:00.1Z",
            "2024-06-03T05:00:00.123456789Z",
            "2024-06-03T05:00:00.1234567891Z",
            "2024-06-03 05:00:00 UTC",
            "2024-06-03 05:00:00UTC",
            "2024-06-03T05:00",
            "2024-06-03 05:00",
            "2024-06-03T05:00 UTC",
            "2024-06-03T05:00:00+05:30",
            "2024-06-03T05:00:00-0800",
            "2024-06-03 05:00:00 +0100",
            "2024-06-03 05:00:00.250-03:00",
            "2024-02-29T23:59:59Z",
            "2023-02-29T10:00:00Z",
            "2024-06-03T24:00:00Z",
            "2024-06-03T05:60:00Z",
            "2024-06-03T05:00:61Z",
            "2024-06-03T05:00:00+24:00",
            "2024-06-03T05:00:00+00",
            "2024-06-03T05:00:00 junk",
            "2024-13-03T05:00:00Z",
            "2024-06-03X05:00:00Z",
        ];
        let mut both = 0;
        for t in cases {
            let (fast, slow) = (fast_iso(t.as_bytes()), slow_iso(t));
            if let (Some(f), Some(s)) = (fast, slow) {
                assert_eq!(f, s, "{t}");
                both += 1;
            }
            // The fast reader leaves only fractions of over nine digits to chrono.
            assert!(slow.is_none() || fast.is_some() || t.contains(".1234567891"), "{t}: fast gave up");
        }
        assert_eq!(both, 16, "cases read by both");
        assert_eq!(fast_iso(b"2024-06-03T05:00+05:30"), Some(utc(2024, 6, 2, 23, 30, 0)));
        assert_eq!(fast_iso(b"2024-06-03T05:00:00.1234567891Z"), None);
    }

    #[test]
    fn iso_variants() {
        let t = utc(2026, 5, 24, 6, 33, 57);
        assert_eq!(parse_absolute("2026-05-24T08:33:57+02:00"), Some(t));
        assert_eq!(parse_absolute("2026-05-24T01:33:57-05:00"), Some(t));
        assert_eq!(parse_absolute("2026-05-24T08:33:57+0200"), Some(t));
        assert_eq!(parse_absolute("2026-05-24 06:33:57"), Some(t));
        assert_eq!(parse_absolute("2026-05-24T06:33:57"), Some(t));
        assert_eq!(parse_absolute("2026-05-24 06:33:57 UTC"), Some(t));
        assert_eq!(parse_absolute("2026-05-24 06:33:57Z"), Some(t));
        assert_eq!(parse_absolute(" 2026-05-24T06:33:57Z "), Some(t));
        assert_eq!(parse_absolute("2026-05-24 06:33:57.153"), Some(ms(t, 153)));
        assert_eq!(parse_absolute("2026-05-24T06:33"), Some(utc(2026, 5, 24, 6, 33, 0)));
        assert_eq!(parse_absolute("2026-05-24"), Some(utc(2026, 5, 24, 0, 0, 0)));
    }

    #[test]
    fn human_dates() {
        let d = utc(2026, 5, 24, 0, 0, 0);
        assert_eq!(parse_absolute("May 24, 2026"), Some(d));
        assert_eq!(parse_absolute("May 24 2026"), Some(d));
        assert_eq!(parse_absolute("24 May 2026"), Some(d));
        assert_eq!(parse_absolute("24 May, 2026"), Some(d));
        assert_eq!(parse_absolute("24-May-2026"), Some(d));
        assert_eq!(parse_absolute("September 5, 2025"), Some(utc(2025, 9, 5, 0, 0, 0)));
        assert_eq!(parse_absolute("Sep 5, 2025"), Some(utc(2025, 9, 5, 0, 0, 0)));
        assert_eq!(parse_absolute("05/24/2026"), Some(d));
        assert_eq!(parse_absolute("5/24/2026"), Some(d));
        assert_eq!(parse_absolute("24/05/2026"), Some(d));
        assert_eq!(parse_absolute("2026/05/24"), Some(d));
        assert_eq!(parse_absolute("20260524"), Some(d));
        assert_eq!(parse_absolute("05/24/2026 06:33:57"), Some(utc(2026, 5, 24, 6, 33, 57)));
        assert_eq!(parse_absolute("Posted on May 24, 2026"), Some(d));
        assert_eq!(parse_absolute("Posted: 2026-05-24"), Some(d));
        assert_eq!(parse_absolute("Sun, 24 May 2026 06:33:57 +0000"), Some(utc(2026, 5, 24, 6, 33, 57)));
    }

    #[test]
    fn us_dates_from_rss_csvs() {
        // Month first, no zone: UTC.
        assert_eq!(parse_absolute("6/6/2024 4:58am"), Some(utc(2024, 6, 6, 4, 58, 0)));
        assert_eq!(parse_absolute("6/6/2024 4:58pm"), Some(utc(2024, 6, 6, 16, 58, 0)));
        assert_eq!(parse_absolute("06/06/2024 16:58"), Some(utc(2024, 6, 6, 16, 58, 0)));
        assert_eq!(parse_absolute("6/6/2024"), Some(utc(2024, 6, 6, 0, 0, 0)));
        assert_eq!(parse_absolute("6/7/2024 4:58am"), Some(utc(2024, 6, 7, 4, 58, 0)));
        assert_eq!(parse_absolute("06/6/2024 4:58AM"), Some(utc(2024, 6, 6, 4, 58, 0)));
        assert_eq!(parse_absolute("6/6/2024, 4:58:07 PM"), Some(utc(2024, 6, 6, 16, 58, 7)));
        assert_eq!(parse_absolute("12/31/2024 11:59 p.m."), Some(utc(2024, 12, 31, 23, 59, 0)));
        assert_eq!(parse_absolute("6/6/2024 12:05am"), Some(utc(2024, 6, 6, 0, 5, 0)));
        assert_eq!(parse_absolute("6/6/2024 12:05pm"), Some(utc(2024, 6, 6, 12, 5, 0)));
        assert_eq!(parse_absolute("6/6/2024 0:05"), Some(utc(2024, 6, 6, 0, 5, 0)));
        assert_eq!(parse_absolute("6/6/2024 16:58 UTC"), Some(utc(2024, 6, 6, 16, 58, 0)));
        assert_eq!(parse_absolute("  6/6/2024  4:58am "), Some(utc(2024, 6, 6, 4, 58, 0)));
        // Day first only when the first part cannot be a month.
        assert_eq!(parse_absolute("24/05/2026 4:58pm"), Some(utc(2026, 5, 24, 16, 58, 0)));
        let r = utc(2024, 6, 6, 12, 0, 0);
        assert_eq!(parse_timestamp("6/6/2024 4:58am", r), Some(utc(2024, 6, 6, 4, 58, 0)));
        for bad in [
            "6/6/2024 13:00pm",
            "6/6/2024 0:30am",
            "6/6/2024 4:5am",
            "6/6/2024 4:58xm",
            "6/6/2024 24:00",
            "6/6/2024 4:60",
            "6/6/2024 4:58:60",
            "6/6/2024 4:58 am extra",
            "6/6/2024 4am",
            "6/6/2024 458",
            "6/6/2024 123:00",
            "6/6/2024 4:58 CET",
            "6/6/24 4:58am",
            "13/13/2024 4:58am",
            "2/30/2024 4:58am",
            "6/6/2024,",
        ] {
            assert_eq!(parse_absolute(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dotted_dates_are_day_first() {
        assert_eq!(parse_absolute("28.05.2024 16:05"), Some(utc(2024, 5, 28, 16, 5, 0)));
        assert_eq!(parse_absolute("1.6.2024, 9:40"), Some(utc(2024, 6, 1, 9, 40, 0)));
        assert_eq!(parse_absolute("03.04.2024"), Some(utc(2024, 4, 3, 0, 0, 0)));
        assert_eq!(parse_absolute("03.04.2024 18:30 Uhr"), Some(utc(2024, 4, 3, 18, 30, 0)));
        for bad in ["31.02.2024", "28.05.24", "28.13.2024 10:00", "1779604437.153x", "2.5", "28.05.2024 25:00"] {
            assert_eq!(parse_absolute(bad), None, "{bad}");
        }
        // An epoch with a fraction is still an epoch.
        assert_eq!(parse_absolute("1779604437.153").map(|d| d.timestamp()), Some(1_779_604_437));
    }

    #[test]
    fn epochs() {
        let t = utc(2026, 5, 24, 6, 33, 57);
        assert_eq!(parse_absolute("1779604437"), Some(t));
        assert_eq!(parse_absolute("1779604437153"), Some(ms(t, 153)));
        assert_eq!(parse_absolute("1779604437.153"), Some(ms(t, 153)));
        // 10^11 is the boundary: below it seconds, from it millis.
        assert_eq!(parse_absolute("99999999999"), DateTime::from_timestamp(99_999_999_999, 0).and_then(plausible));
        assert_eq!(parse_absolute("100000000000"), DateTime::from_timestamp_millis(100_000_000_000));
        assert_eq!(parse_absolute("123456789"), DateTime::from_timestamp(123_456_789, 0));
    }

    #[test]
    fn absolute_nonsense() {
        for bad in [
            "",
            " ",
            "N/A",
            "null",
            "yesterday",
            "Posted 17 minutes ago",
            "2026",
            "1234567",
            "0001-01-01T00:00:00Z",
            "2026-13-01",
            "2026-02-30",
            "2026-05-24T25:00:00Z",
            "13/13/2026",
            "5/24/26",
            "24 May 26",
            "May 24",
            "not a date",
            "99999999999999999999999",
            "1779604437.",
        ] {
            assert_eq!(parse_absolute(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn relative_from_real_exports() {
        // The 2026-05-24 export was written at 06:55:21.455; its first job says
        // "Posted 17 minutes ago" and has absoluteDate 06:33:57.153 (the scrape ran earlier).
        let export = export_time_from_name("dataset_upwork-job-scraper_2026-05-24_06-55-21-455.json").unwrap();
        let posted = parse_relative("Posted 17 minutes ago", export).unwrap();
        assert_eq!(posted, export - TimeDelta::minutes(17));
        let absolute = parse_absolute("2026-05-24T06:33:57.153Z").unwrap();
        assert!((posted - absolute).num_minutes().abs() < 10);
        for (s, h) in [("Posted 2 hours ago", 2), ("Posted 3 hours ago", 3), ("Posted 6 hours ago", 6)] {
            assert_eq!(parse_relative(s, export), Some(export - TimeDelta::hours(h)));
        }
    }

    #[test]
    fn relative_forms() {
        let r = utc(2026, 5, 24, 12, 0, 0);
        let ago = |secs: i64| Some(r - TimeDelta::seconds(secs));
        assert_eq!(parse_relative("13 hours ago", r), ago(13 * HOUR));
        assert_eq!(parse_relative("an hour ago", r), ago(HOUR));
        assert_eq!(parse_relative("An Hour Ago", r), ago(HOUR));
        assert_eq!(parse_relative("a minute ago", r), ago(MINUTE));
        assert_eq!(parse_relative("1 day ago", r), ago(DAY));
        assert_eq!(parse_relative("2 days ago", r), ago(2 * DAY));
        assert_eq!(parse_relative("yesterday", r), ago(DAY));
        assert_eq!(parse_relative("Yesterday", r), ago(DAY));
        assert_eq!(parse_relative("just now", r), ago(0));
        assert_eq!(parse_relative("Posted just now", r), ago(0));
        assert_eq!(parse_relative("seconds ago", r), ago(0));
        assert_eq!(parse_relative("last week", r), ago(WEEK));
        assert_eq!(parse_relative("2 weeks ago", r), ago(2 * WEEK));
        assert_eq!(parse_relative("a month ago", r), ago(MONTH));
        assert_eq!(parse_relative("3 months ago", r), ago(3 * MONTH));
        assert_eq!(parse_relative("a year ago", r), ago(YEAR));
        assert_eq!(parse_relative("30+ days ago", r), ago(30 * DAY));
        assert_eq!(parse_relative("5 mins ago", r), ago(5 * MINUTE));
        assert_eq!(parse_relative("2 hrs ago", r), ago(2 * HOUR));
        assert_eq!(parse_relative("5m ago", r), ago(5 * MINUTE));
        assert_eq!(parse_relative("2h ago", r), ago(2 * HOUR));
        assert_eq!(parse_relative("10 seconds ago", r), ago(10));
        assert_eq!(parse_relative("a few minutes ago", r), ago(3 * MINUTE));
        assert_eq!(parse_relative("about an hour ago", r), ago(HOUR));
        assert_eq!(parse_relative("POSTED 17 MINUTES AGO", r), ago(17 * MINUTE));
        assert_eq!(parse_relative("Posted: 2 days ago.", r), ago(2 * DAY));
        assert_eq!(parse_relative("  2 days ago  ", r), ago(2 * DAY));
    }

    #[test]
    fn relative_nonsense() {
        let r = utc(2026, 5, 24, 12, 0, 0);
        for bad in [
            "",
            "ago",
            "N/A",
            "2 days",
            "1 to 3 months",
            "17 parsecs ago",
            "minutes ago",
            "2 days 3 hours ago",
            "-2 days ago",
            "2026-05-24",
            "999999999999 years ago",
            "posted",
            "a ago",
        ] {
            assert_eq!(parse_relative(bad, r), None, "{bad:?}");
        }
        let long = format!("{} ago", "1".repeat(80));
        assert_eq!(parse_relative(&long, r), None);
    }

    #[test]
    fn timestamp_prefers_absolute() {
        let r = utc(2026, 5, 24, 12, 0, 0);
        assert_eq!(parse_timestamp("2026-05-24T06:33:57.153Z", r), Some(ms(utc(2026, 5, 24, 6, 33, 57), 153)));
        assert_eq!(parse_timestamp("Posted 17 minutes ago", r), Some(r - TimeDelta::minutes(17)));
        assert_eq!(parse_timestamp("1779604437", r), Some(utc(2026, 5, 24, 6, 33, 57)));
        assert_eq!(parse_timestamp("whenever", r), None);
    }

    #[test]
    fn export_times() {
        assert_eq!(
            export_time_from_name("dataset_upwork-job-scraper_2026-05-24_06-55-21-455.json"),
            Some(ms(utc(2026, 5, 24, 6, 55, 21), 455))
        );
        assert_eq!(
            export_time_from_name("jobs_dataset_upwork_2026-02-05_04-09-24-623.json"),
            Some(ms(utc(2026, 2, 5, 4, 9, 24), 623))
        );
        assert_eq!(
            export_time_from_name("uploads/my jobs/dataset_x_2026-05-24_06-55-21-455.csv"),
            Some(ms(utc(2026, 5, 24, 6, 55, 21), 455))
        );
        assert_eq!(
            export_time_from_name("s3://bucket/2025-01-01_00-00-00/dataset_x_2026-05-24_06-55-21.csv"),
            Some(utc(2026, 5, 24, 6, 55, 21))
        );
        assert_eq!(export_time_from_name("dataset_x_2026-05-24_06-55-21"), Some(utc(2026, 5, 24, 6, 55, 21)));
        assert_eq!(
            export_time_from_name(r"C:\exports\dataset_x_2026-05-24_06-55-21-455.json"),
            Some(ms(utc(2026, 5, 24, 6, 55, 21), 455))
        );
        for bad in [
            "",
            "dataset.json",
            "dataset_2026-05-24.json",
            "dataset_2026-13-24_06-55-21.json",
            "dataset_2026-05-24_25-55-21.json",
            "dataset_12026-05-24_06-55-21.json",
            "dataset_2026-05-24_06-55-210.json",
            "2026-05-24_06-55-21/dataset.json",
        ] {
            assert_eq!(export_time_from_name(bad), None, "{bad:?}");
        }
    }
}
