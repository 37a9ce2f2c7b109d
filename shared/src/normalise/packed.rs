//! Packed job terms: one cell in which a scraper printed the job type, the pay, the experience
//! level, the estimated duration and the weekly workload together, as Upwork's job tile shows
//! them:
//!
//! - `Hourly: $10.00 - $30.00 Expert Est. time: 1 to 3 months, 30+ hrs/week`
//! - `Fixed-price - Intermediate - Est. Budget: $500`
//! - `Hourly - Entry level - Est. time: Less than 1 month, Less than 30 hrs/week`
//! - `Fixed price: $1,200 Expert`
//!
//! Each part is optional and found on its own, so any subset in any order reads.

use super::job_type::parse_job_type;
use super::money::{find_ci, parse_budget};
use crate::job::JobType;

/// What a packed terms cell says; every part it does not state is `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Terms {
    /// `Hourly` or `Fixed` when the cell names it (or pays `/hr`, or has an `Est. Budget`).
    pub job_type: Option<JobType>,
    /// The hourly rate, or the low end of its range.
    pub hourly_min: Option<f64>,
    /// The high end of the hourly range.
    pub hourly_max: Option<f64>,
    /// A fixed price (the low end, if a range is given).
    pub fixed_budget: Option<f64>,
    /// `Entry`, `Intermediate` or `Expert`: the spelling the mapping stores for Upwork's tiers.
    pub experience_level: Option<String>,
    /// The estimated duration as written: `1 to 3 months`, `Less than 1 month`.
    pub duration: Option<String>,
    /// The weekly workload as written: `30+ hrs/week`, `Less than 30 hrs/week`.
    pub workload: Option<String>,
}

/// Upwork's experience tiers as the tiles write them (lowercase, matched as words in any
/// case), and the name stored for each.
const LEVELS: [(&str, &str); 5] = [
    ("entry level", "Entry"),
    ("entry-level", "Entry"),
    ("entry", "Entry"),
    ("intermediate", "Intermediate"),
    ("expert", "Expert"),
];

/// Labels in front of the duration and workload (lowercase).
const TIME_LABELS: [&str; 5] = ["est. time", "estimated time", "est time", "duration", "project length"];

/// Labels in front of a fixed budget (lowercase); one implies a fixed price. Searched for as
/// part of [`LABEL_WORDS`].
#[cfg(test)]
const BUDGET_LABELS: [&str; 3] = ["est. budget", "estimated budget", "budget"];

/// Separators that end the time section (durations never hold them).
const SECTION_ENDS: [&str; 5] = ["|", " - ", " – ", " — ", " · "];

/// Words that make a part of the time section a workload rather than a duration (lowercase).
const WORKLOAD_MARKERS: [&str; 5] = ["/week", "per week", "a week", "hrs", "hours"];

/// Characters trimmed off the ends of a duration or workload.
fn is_filler(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '|' | ',' | ';' | '·' | '•' | '–' | '—')
}

/// Whether the match at `at..at + len` stands as a word.
fn is_word(b: &[u8], at: usize, len: usize) -> bool {
    let before = at == 0 || !b[at - 1].is_ascii_alphanumeric();
    let after = b.get(at + len).is_none_or(|c| !c.is_ascii_alphanumeric());
    before && after
}

/// ASCII letters and digits, by byte.
static ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    table
};

/// For each byte, the bit of its letter in either case (`a` and `A` bit 0, ..., `z` bit 25);
/// 0 for any other byte.
#[cfg(test)]
static LETTER_BIT: [u32; 256] = {
    let mut table = [0; 256];
    let mut c = 0;
    while c < 26 {
        table[b'a' as usize + c] = 1 << c;
        table[b'A' as usize + c] = 1 << c;
        c += 1;
    }
    table
};

/// For each of `lists`, the first of its words (lowercase, each starting with a letter) found
/// as a word, as (start, word index), earliest first: what [`find_word`] gives for each list, in
/// one pass over `b` rather than one search per word. A byte is a word start when it is a letter
/// after no letter or digit; only starts whose letter begins some list's word are looked at.
/// What [`scan_labels`] was built from; kept to check it against.
#[cfg(test)]
fn find_words<const N: usize>(b: &[u8], lists: [&[&str]; N]) -> [Option<(usize, usize)>; N] {
    let mut found = [None; N];
    let mut left = N;
    // The first letters of each list's words, one bit per letter.
    let firsts = lists.map(|words| words.iter().fold(0, |m, w| m | LETTER_BIT[usize::from(w.as_bytes()[0])]));
    let all = firsts.iter().fold(0, |m, f| m | f);
    let mut i = 0;
    while i < b.len() {
        // Skip to the next run of letters and digits, then past it: its first byte, a letter
        // after no letter or digit, is the only word start in it.
        while i < b.len() && !ALNUM[usize::from(b[i])] {
            i += 1;
        }
        let Some(&c) = b.get(i) else { break };
        let at = i;
        i += 1;
        while i < b.len() && ALNUM[usize::from(b[i])] {
            i += 1;
        }
        let bit = LETTER_BIT[usize::from(c)];
        if all & bit == 0 {
            continue;
        }
        let first = c.to_ascii_lowercase();
        for (list, words) in lists.iter().enumerate() {
            if found[list].is_some() || firsts[list] & bit == 0 {
                continue;
            }
            // The second letter (lowercase in `w`) rules most words out before the comparison.
            let second = b.get(at + 1).map_or(0, u8::to_ascii_lowercase);
            let hit = words.iter().position(|w| {
                let w = w.as_bytes();
                w[0] == first
                    && w.get(1).is_none_or(|&c| c == second)
                    && b[at..].len() >= w.len()
                    && b[at..at + w.len()].eq_ignore_ascii_case(w)
                    && is_word(b, at, w.len())
            });
            if let Some(k) = hit {
                found[list] = Some((at, k));
                left -= 1;
            }
        }
        if left == 0 {
            break;
        }
    }
    found
}

/// The first of `words` (lowercase) found as a word, as (start, word index); earliest wins.
#[cfg(test)]
fn find_word(b: &[u8], words: &[&str]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for (k, w) in words.iter().enumerate() {
        let w = w.as_bytes();
        let mut from = 0;
        while let Some(off) = find_ci(&b[from..], w) {
            let at = from + off;
            if is_word(b, at, w.len()) {
                if best.is_none_or(|(s, _)| at < s) {
                    best = Some((at, k));
                }
                break;
            }
            from = at + 1;
        }
    }
    best
}

/// How the job pays: the cell's start (`Hourly…`, `Fixed-price…`), else the first of
/// `fixed` / `hourly` anywhere in it.
fn job_type(t: &str) -> Option<JobType> {
    parse_job_type(t).or_else(|| match find_word_prefix(t.as_bytes())? {
        0 => Some(JobType::Fixed),
        _ => Some(JobType::Hourly),
    })
}

/// Index in `["fixed", "hourly"]` of the one that starts a word first.
fn find_word_prefix(b: &[u8]) -> Option<usize> {
    let at = |w: &[u8]| {
        let mut from = 0;
        while let Some(off) = find_ci(&b[from..], w) {
            let i = from + off;
            if i == 0 || !b[i - 1].is_ascii_alphanumeric() {
                return Some(i);
            }
            from = i + 1;
        }
        None
    };
    match (at(b"fixed"), at(b"hourly")) {
        (Some(f), Some(h)) => Some(usize::from(h < f)),
        (Some(_), None) => Some(0),
        (None, Some(_)) => Some(1),
        (None, None) => None,
    }
}

/// Where the first of [`SECTION_ENDS`] starts in `b`, in one pass: each starts with `|` or a
/// space, so only those bytes are tried (by a plain loop: the sections are short).
fn section_end(b: &[u8]) -> Option<usize> {
    (0..b.len())
        .find(|&i| matches!(b[i], b'|' | b' ') && SECTION_ENDS.iter().any(|sep| b[i..].starts_with(sep.as_bytes())))
}

/// Whether `hay` is `lower` (lowercase ASCII, or any non-ASCII bytes) in any case: what
/// `hay.eq_ignore_ascii_case(lower)` says, as a loop the compiler inlines.
fn eq_lower(hay: &[u8], lower: &[u8]) -> bool {
    hay.len() == lower.len() && hay.iter().zip(lower).all(|(a, b)| a.to_ascii_lowercase() == *b)
}

/// [`section_end`] as it was: one search per separator.
#[cfg(test)]
fn section_end_by_search(b: &[u8]) -> Option<usize> {
    SECTION_ENDS.iter().filter_map(|sep| memchr::memmem::find(b, sep.as_bytes())).min()
}

/// For each byte, whether some [`WORKLOAD_MARKERS`] starts with it (in either case).
static WORKLOAD_FIRST: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    while k < WORKLOAD_MARKERS.len() {
        let c = WORKLOAD_MARKERS[k].as_bytes()[0];
        table[c.to_ascii_lowercase() as usize] = true;
        table[c.to_ascii_uppercase() as usize] = true;
        k += 1;
    }
    table
};

/// Whether `part` holds one of [`WORKLOAD_MARKERS`] (any case), in one pass over its bytes
/// rather than one search per marker; only bytes that start a marker are compared.
fn has_workload_marker(part: &[u8]) -> bool {
    (0..part.len()).any(|i| {
        WORKLOAD_FIRST[usize::from(part[i])] && {
            let c = part[i].to_ascii_lowercase();
            WORKLOAD_MARKERS.iter().any(|m| {
                let m = m.as_bytes();
                m[0] == c && part[i..].len() >= m.len() && eq_lower(&part[i..i + m.len()], m)
            })
        }
    })
}

/// The lists of words a terms cell is searched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Level,
    Budget,
    Time,
    Posted,
}

/// Every word of [`LEVELS`], [`BUDGET_LABELS`], [`TIME_LABELS`] and `posted`, each list's in its
/// order, as (word, list, index in the list); a test checks it against those tables.
const LABEL_WORDS: [(&str, List, usize); 14] = [
    ("entry level", List::Level, 0),
    ("entry-level", List::Level, 1),
    ("entry", List::Level, 2),
    ("intermediate", List::Level, 3),
    ("expert", List::Level, 4),
    ("est. budget", List::Budget, 0),
    ("estimated budget", List::Budget, 1),
    ("budget", List::Budget, 2),
    ("est. time", List::Time, 0),
    ("estimated time", List::Time, 1),
    ("est time", List::Time, 2),
    ("duration", List::Time, 3),
    ("project length", List::Time, 4),
    ("posted", List::Posted, 0),
];

/// How many leading bytes of a word [`LABEL_PREFIX`] indexes (every label word is longer).
const PREFIX_LEN: usize = 4;

/// For each of a word's first [`PREFIX_LEN`] positions and each byte, the [`LABEL_WORDS`] (one
/// bit each, in table order) that have that byte there in either case. The words that may start
/// at `at` are the AND of the masks of the bytes there: most word starts have none.
static LABEL_PREFIX: [[u16; 256]; PREFIX_LEN] = {
    let mut masks = [[0u16; 256]; PREFIX_LEN];
    let mut k = 0;
    while k < LABEL_WORDS.len() {
        let w = LABEL_WORDS[k].0.as_bytes();
        let mut p = 0;
        while p < PREFIX_LEN {
            masks[p][w[p].to_ascii_lowercase() as usize] |= 1 << k;
            masks[p][w[p].to_ascii_uppercase() as usize] |= 1 << k;
            p += 1;
        }
        k += 1;
    }
    masks
};

/// The [`LABEL_WORDS`] whose first [`PREFIX_LEN`] bytes are those at `at` in any case, one bit
/// each.
fn label_candidates(b: &[u8], at: usize) -> u16 {
    let mut m = u16::MAX;
    for (p, masks) in LABEL_PREFIX.iter().enumerate() {
        m &= b.get(at + p).map_or(0, |&c| masks[usize::from(c)]);
    }
    m
}

/// The labels of a terms cell, each found as a word.
#[derive(Debug, Default, PartialEq)]
struct Labels {
    /// The first level, as (start, index in [`LEVELS`]).
    level: Option<(usize, usize)>,
    /// Whether a budget label is there.
    budget: bool,
    /// The first time label, as (start, index in [`TIME_LABELS`]).
    time: Option<(usize, usize)>,
    /// Where the first level, budget label or `posted` at or after the start of the time
    /// label's body ([`body_start`]) begins: it ends the time section.
    body_end: Option<usize>,
}

/// Where the body of the time label at `start` (index `k` in [`TIME_LABELS`]) starts: after
/// the label and any `:` and whitespace.
fn body_start(t: &str, start: usize, k: usize) -> usize {
    let after = start + TIME_LABELS[k].len();
    t.len() - t[after..].trim_start_matches(|c: char| c == ':' || c.is_whitespace()).len()
}

/// The [`Labels`] of `t`, in one pass over its bytes: what one [`find_words`] over `t` and one
/// over the time label's body found (a test checks they agree). Only the word starts whose first
/// four bytes begin some label word are compared with it ([`label_candidates`]).
fn scan_labels(t: &str) -> Labels {
    let b = t.as_bytes();
    let mut labels = Labels::default();
    // Where the time label's body starts, once there is one.
    let mut body_at = usize::MAX;
    for at in 0..b.len() {
        // A label word starts with one of a few letters, after no letter or digit.
        if LABEL_PREFIX[0][usize::from(b[at])] == 0 || (at > 0 && ALNUM[usize::from(b[at - 1])]) {
            continue;
        }
        let mut candidates = label_candidates(b, at);
        while candidates != 0 {
            let (word, list, k) = LABEL_WORDS[candidates.trailing_zeros() as usize];
            candidates &= candidates - 1;
            let w = word.as_bytes();
            // The first `PREFIX_LEN` bytes are known to match.
            let hit = b.len() - at >= w.len()
                && eq_lower(&b[at + PREFIX_LEN..at + w.len()], &w[PREFIX_LEN..])
                && is_word(b, at, w.len());
            if !hit {
                continue;
            }
            match list {
                List::Level if labels.level.is_none() => labels.level = Some((at, k)),
                List::Budget => labels.budget = true,
                List::Time if labels.time.is_none() => {
                    labels.time = Some((at, k));
                    body_at = body_start(t, at, k);
                }
                _ => {}
            }
            if list != List::Time && at >= body_at && labels.body_end.is_none() {
                labels.body_end = Some(at);
            }
        }
        if labels.level.is_some() && labels.budget && labels.body_end.is_some() {
            break;
        }
    }
    labels
}

/// [`scan_labels`] as it was: [`find_words`] over the cell, then over the time label's body.
#[cfg(test)]
fn labels_by_search(t: &str) -> Labels {
    let b = t.as_bytes();
    let levels = LEVELS.map(|(w, _)| w);
    let [level, budget, time] = find_words(b, [&levels, &BUDGET_LABELS, &TIME_LABELS]);
    let body_end = time.and_then(|(start, k)| {
        let at = body_start(t, start, k);
        let found = find_words(&b[at..], [&levels, &BUDGET_LABELS, &["posted"]]);
        found.into_iter().flatten().map(|(i, _)| at + i).min()
    });
    Labels { level, budget: budget.is_some(), time, body_end }
}

/// The duration and workload after the time label of `labels`, and the byte range of that
/// section.
fn time_section(t: &str, labels: &Labels) -> Option<(Option<String>, Option<String>, usize, usize)> {
    let (start, k) = labels.time?;
    let body_at = body_start(t, start, k);
    let body = &t[body_at..];
    // The section ends where a level or a budget label starts, or at a separator.
    let bb = body.as_bytes();
    let len = labels.body_end.map(|e| e - body_at).into_iter().chain(section_end(bb)).min().unwrap_or(bb.len());
    let mut duration = None;
    let mut workload = None;
    for part in split_parts(&body[..len]) {
        let part = part.trim_matches(is_filler);
        if part.is_empty() {
            continue;
        }
        let lower = part.as_bytes();
        let slot = if has_workload_marker(lower) { &mut workload } else { &mut duration };
        if slot.is_none() {
            *slot = Some(part.to_owned());
        }
    }
    Some((duration, workload, start, body_at + len))
}

/// The parts of `s` between `,` and `;`: what `s.split([',', ';'])` gives, found by byte.
fn split_parts(s: &str) -> impl Iterator<Item = &str> {
    let mut from = 0;
    let seps = s.bytes().enumerate().filter_map(|(i, c)| matches!(c, b',' | b';').then_some(i));
    let ends = seps.chain([s.len()]);
    ends.map(move |end| {
        let part = &s[from..end];
        from = end + 1;
        part
    })
}

/// Reads a packed terms cell; see the module docs for the shapes. Text that states nothing is
/// [`Terms::default`]. A number counts as pay only with a currency marker (`$`, `€`, `USD`, ...)
/// or right after a label's `:` (`Budget: 500`), so `1 to 3 months` is never a rate. An amount
/// is hourly when the cell is (`Hourly`, `/hr`), else fixed when the cell is fixed or has an
/// `Est. Budget`; with neither it is not assigned.
pub fn parse_terms(s: &str) -> Terms {
    let t = s.trim();
    let mut terms = Terms { job_type: job_type(t), ..Terms::default() };
    let labels = scan_labels(t);
    if let Some((_, k)) = labels.level {
        terms.experience_level = Some(LEVELS[k].1.to_owned());
    }
    // The pay is read from the text outside the time section.
    let (before, after) = match time_section(t, &labels) {
        Some((duration, workload, start, end)) => {
            terms.duration = duration;
            terms.workload = workload;
            (&t[..start], &t[end..])
        }
        None => (t, ""),
    };
    let budget = [before, after].into_iter().find_map(|part| parse_budget(part).filter(|_| is_pay(part)));
    let budget_label = labels.budget;
    if let Some(budget) = budget {
        let kind = terms.job_type.or(budget.kind).or(budget_label.then_some(JobType::Fixed));
        match kind {
            Some(JobType::Hourly) => {
                terms.hourly_min = Some(budget.min);
                terms.hourly_max = budget.max;
            }
            Some(JobType::Fixed) => terms.fixed_budget = Some(budget.min),
            _ => {}
        }
        terms.job_type = terms.job_type.or(kind);
    } else if terms.job_type.is_none() && budget_label {
        terms.job_type = Some(JobType::Fixed);
    }
    terms
}

/// Whether the first number in `part` is pay: a currency marker or a `:` right before it.
fn is_pay(part: &str) -> bool {
    let b = part.as_bytes();
    let Some(first) = b.iter().position(u8::is_ascii_digit) else {
        return false;
    };
    let lead = part[..first].trim_end();
    let symbol = ["$", "€", "£", "usd", "eur", "gbp"].iter().any(|m| {
        let (l, m) = (lead.as_bytes(), m.as_bytes());
        l.len() >= m.len() && eq_lower(&l[l.len() - m.len()..], m)
    });
    let trailing = part[first..].trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.').trim_start();
    let code_after = ["usd", "eur", "gbp", "€"].iter().any(|m| {
        let (t, m) = (trailing.as_bytes(), m.as_bytes());
        t.len() >= m.len() && eq_lower(&t[..m.len()], m)
    });
    symbol || code_after || lead.ends_with(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    /// One pass for several lists finds what one search per word found.
    #[test]
    fn find_words_agrees_with_find_word() {
        let levels = LEVELS.map(|(w, _)| w);
        let texts = [
            "Hourly: $10.00 - $30.00 Expert Est. time: 1 to 3 months, 30+ hrs/week",
            "Fixed-price - Intermediate - Est. Budget: $500",
            "Hourly - Entry level - Est. time: Less than 1 month, Less than 30 hrs/week",
            "ENTRY-LEVEL entry budgetary Budget estimated time Estimated Budget",
            "xexpert expertise 3expert expert9 é Expert, duration: 2 weeks | project length Posted",
            "est time est. timeline est. time:",
            "",
            "e",
            "Entr",
            "entry",
        ];
        let mut texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        for v in crate::normalise::samples::fixture_values() {
            texts.extend(crate::normalise::samples::variants(&v));
        }
        let pieces = [
            "entry",
            "Entry",
            "level",
            "-",
            " ",
            "intermediate",
            "EXPERT",
            "expert",
            "budget",
            "est.",
            "Est",
            "time",
            "estimated",
            "duration",
            "project",
            "length",
            "posted",
            "e",
            "x",
            "3",
            ":",
            "é",
            "$",
            "|",
        ];
        texts.extend(crate::normalise::samples::random_texts(31, &pieces, 10, 30_000));
        let mut hits = 0;
        for t in &texts {
            let b = t.as_bytes();
            let found = find_words(b, [&levels, &BUDGET_LABELS, &TIME_LABELS, &["posted"]]);
            let one_by_one = [
                find_word(b, &levels),
                find_word(b, &BUDGET_LABELS),
                find_word(b, &TIME_LABELS),
                find_word(b, &["posted"]),
            ];
            assert_eq!(found, one_by_one, "{t}");
            hits += found.iter().flatten().count();
        }
        assert!(hits > 8_000, "{hits}");
    }

    /// The label table holds each list's words in its order.
    #[test]
    fn label_words_are_the_lists() {
        let of = |list: List| -> Vec<(&str, usize)> {
            LABEL_WORDS.iter().filter(|w| w.1 == list).map(|&(w, _, k)| (w, k)).collect()
        };
        let numbered = |words: &[&'static str]| -> Vec<(&'static str, usize)> {
            words.iter().enumerate().map(|(k, &w)| (w, k)).collect()
        };
        assert_eq!(of(List::Level), numbered(&LEVELS.map(|(w, _)| w)));
        assert_eq!(of(List::Budget), numbered(&BUDGET_LABELS));
        assert_eq!(of(List::Time), numbered(&TIME_LABELS));
        assert_eq!(of(List::Posted), numbered(&["posted"]));
    }

    /// One pass over a cell finds the labels that a search of the cell and then of the time
    /// label's body found.
    #[test]
    fn scan_labels_agrees_with_two_searches() {
        use crate::normalise::samples;
        let mut texts: Vec<String> = [
            "Hourly: $10.00 - $30.00 Expert Est. time: 1 to 3 months, 30+ hrs/week",
            "Est. time: Expert",
            "Est. time:Expert budget",
            "est time:\u{a0} posted entry",
            "Expert Est. time: 1 month Entry level, Posted 2 days ago",
            "duration: 3 months - Est. Budget: $5 expert",
            "Est. time Est. time: x intermediate",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        for v in samples::fixture_values() {
            texts.extend(samples::variants(&v));
        }
        let pieces = [
            "entry",
            "Entry",
            "level",
            "-",
            " ",
            ":",
            ": ",
            "\u{a0}",
            "intermediate",
            "EXPERT",
            "expert",
            "budget",
            "est.",
            "Est",
            "time",
            "estimated",
            "duration",
            "project",
            "length",
            "posted",
            "POSTED",
            "e",
            "x",
            "3",
            "é",
            "$",
            "|",
            ",",
            "Est. time",
            "est time: ",
            "Duration:",
            "Est. Budget",
            "Entry level",
            "Posted",
        ];
        texts.extend(samples::random_texts(97, &pieces, 12, 40_000));
        let (mut ends, mut times) = (0, 0);
        for t in &texts {
            let labels = scan_labels(t);
            assert_eq!(labels, labels_by_search(t), "{t:?}");
            ends += usize::from(labels.body_end.is_some());
            times += usize::from(labels.time.is_some());
        }
        assert!(ends > 1_500 && times > 6_000, "{ends} {times}");
    }

    /// Splitting by byte gives the parts splitting by character gave.
    #[test]
    fn split_parts_agrees_with_str_split() {
        use crate::normalise::samples;
        let mut texts = vec![String::new(), ",".into(), ";;".into(), "a,".into(), ",b".into(), "é,;ü".into()];
        for v in samples::fixture_values() {
            texts.extend(samples::variants(&v));
        }
        texts.extend(samples::random_texts(5, &[",", ";", " ", "a", "é", "30+ hrs"], 8, 10_000));
        for t in &texts {
            assert_eq!(split_parts(t).collect::<Vec<_>>(), t.split([',', ';']).collect::<Vec<_>>(), "{t:?}");
        }
    }

    /// One pass finds a workload marker where one search per marker finds one.
    #[test]
    fn workload_markers_agree_with_one_search_per_marker() {
        use crate::normalise::samples;
        let mut texts: Vec<String> = Vec::new();
        for v in samples::fixture_values() {
            texts.extend(samples::variants(&v));
        }
        let pieces = ["/week", "/", "week", "per", " ", "a", "A WEEK", "hrs", "Hours", "h", "r", "s", "30+", "é", "p"];
        texts.extend(samples::random_texts(71, &pieces, 8, 30_000));
        let mut found = 0;
        for t in &texts {
            let b = t.as_bytes();
            let by_search = WORKLOAD_MARKERS.iter().any(|m| find_ci(b, m.as_bytes()).is_some());
            assert_eq!(has_workload_marker(b), by_search, "{t:?}");
            found += usize::from(by_search);
        }
        assert!(found > 10_000, "{found}");
    }

    /// One pass finds the separator one search per separator found.
    #[test]
    fn section_end_agrees_with_one_search_per_separator() {
        let texts = [
            "1 to 3 months, 30+ hrs/week",
            "1 to 3 months | 30+ hrs/week",
            "1 to 3 months - Expert",
            "Less than 1 month · Less than 30 hrs/week",
            "3 months – 6 months — x",
            "a -b - c",
            "x|",
            "|",
            " ",
            " -",
            " - ",
            "",
            "a —b — c | d",
            "5 · 6|7 – 8",
        ];
        let mut texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        for v in crate::normalise::samples::fixture_values() {
            texts.extend(crate::normalise::samples::variants(&v));
        }
        let pieces = [" ", "-", "|", "–", "—", "·", "a", "3", "é", " - "];
        texts.extend(crate::normalise::samples::random_texts(23, &pieces, 8, 20_000));
        let mut found = 0;
        for t in &texts {
            let end = section_end(t.as_bytes());
            assert_eq!(end, section_end_by_search(t.as_bytes()), "{t:?}");
            found += usize::from(end.is_some());
        }
        assert!(found > 10_000, "{found}");
    }

    /// The inlined comparison says what `eq_ignore_ascii_case` says for lowercase patterns.
    #[test]
    fn eq_lower_agrees_with_eq_ignore_ascii_case() {
        let mut rng = crate::normalise::samples::Rng(3);
        let alphabet = b"aAbBzZ@[`{/$ \xE2\x82\xAC\xC2\xA3";
        let patterns: Vec<&[u8]> =
            vec![b"usd", b"eur", "\u{20ac}".as_bytes(), "\u{a3}".as_bytes(), b"/week", b"a", b"", b"est. time"];
        let mut equal = 0;
        for _ in 0..50_000 {
            let p = patterns[(rng.next() % patterns.len() as u64) as usize];
            let hay: Vec<u8> = if rng.next().is_multiple_of(3) {
                p.iter().map(|&c| if rng.next().is_multiple_of(2) { c.to_ascii_uppercase() } else { c }).collect()
            } else {
                (0..p.len()).map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize]).collect()
            };
            assert_eq!(eq_lower(&hay, p), hay.eq_ignore_ascii_case(p), "{hay:?} {p:?}");
            equal += usize::from(eq_lower(&hay, p));
            assert_eq!(eq_lower(&hay[..hay.len() / 2], p), hay[..hay.len() / 2].eq_ignore_ascii_case(p));
        }
        assert!(equal > 10_000, "{equal}");
    }

    #[test]
    fn hourly_tile() {
        assert_eq!(
            parse_terms("Hourly: $10.00 - $30.00 Expert Est. time: 1 to 3 months, 30+ hrs/week"),
            Terms {
                job_type: Some(JobType::Hourly),
                hourly_min: Some(10.0),
                hourly_max: Some(30.0),
                fixed_budget: None,
                experience_level: s("Expert"),
                duration: s("1 to 3 months"),
                workload: s("30+ hrs/week"),
            }
        );
    }

    #[test]
    fn fixed_tiles() {
        assert_eq!(
            parse_terms("Fixed-price - Intermediate - Est. Budget: $500"),
            Terms {
                job_type: Some(JobType::Fixed),
                fixed_budget: Some(500.0),
                experience_level: s("Intermediate"),
                ..Terms::default()
            }
        );
        assert_eq!(
            parse_terms("Fixed price: $1,200 Expert"),
            Terms {
                job_type: Some(JobType::Fixed),
                fixed_budget: Some(1200.0),
                experience_level: s("Expert"),
                ..Terms::default()
            }
        );
        // An Est. Budget alone means a fixed price.
        assert_eq!(
            parse_terms("Entry level · Est. Budget: $1.5K"),
            Terms {
                job_type: Some(JobType::Fixed),
                fixed_budget: Some(1500.0),
                experience_level: s("Entry"),
                ..Terms::default()
            }
        );
    }

    #[test]
    fn hourly_without_a_rate() {
        assert_eq!(
            parse_terms("Hourly - Entry level - Est. time: Less than 1 month, Less than 30 hrs/week"),
            Terms {
                job_type: Some(JobType::Hourly),
                experience_level: s("Entry"),
                duration: s("Less than 1 month"),
                workload: s("Less than 30 hrs/week"),
                ..Terms::default()
            }
        );
    }

    #[test]
    fn parts_in_any_order_and_case() {
        assert_eq!(
            parse_terms("EXPERT | est. time: More than 6 months, Hours to be determined | Hourly: $40-$80"),
            Terms {
                job_type: Some(JobType::Hourly),
                hourly_min: Some(40.0),
                hourly_max: Some(80.0),
                experience_level: s("Expert"),
                duration: s("More than 6 months"),
                workload: s("Hours to be determined"),
                ..Terms::default()
            }
        );
        assert_eq!(
            parse_terms("Est. time: 3 to 6 months - Intermediate"),
            Terms { experience_level: s("Intermediate"), duration: s("3 to 6 months"), ..Terms::default() }
        );
        assert_eq!(
            parse_terms("$25/hr Expert"),
            Terms {
                job_type: Some(JobType::Hourly),
                hourly_min: Some(25.0),
                experience_level: s("Expert"),
                ..Terms::default()
            }
        );
        assert_eq!(
            parse_terms("Budget: 750"),
            Terms { job_type: Some(JobType::Fixed), fixed_budget: Some(750.0), ..Terms::default() }
        );
    }

    #[test]
    fn time_section_stops_at_the_next_part() {
        assert_eq!(
            parse_terms(
                "Hourly: $15.00-$25.00 - Intermediate - Est. Time: 1 to 3 months, Less than 30 hrs/week - Posted 2 hours ago"
            ),
            Terms {
                job_type: Some(JobType::Hourly),
                hourly_min: Some(15.0),
                hourly_max: Some(25.0),
                experience_level: s("Intermediate"),
                duration: s("1 to 3 months"),
                workload: s("Less than 30 hrs/week"),
                ..Terms::default()
            }
        );
        assert_eq!(
            parse_terms("Est. time: More than 6 months · Expert · Est. Budget: $2,000"),
            Terms {
                job_type: Some(JobType::Fixed),
                fixed_budget: Some(2000.0),
                experience_level: s("Expert"),
                duration: s("More than 6 months"),
                ..Terms::default()
            }
        );
    }

    #[test]
    fn numbers_that_are_no_pay() {
        // Durations and workloads without a label are not rates.
        assert_eq!(
            parse_terms("Hourly Expert 1 to 3 months"),
            Terms { job_type: Some(JobType::Hourly), experience_level: s("Expert"), ..Terms::default() }
        );
        assert_eq!(parse_terms("Hourly - 30+ hrs/week").hourly_min, None);
        // An amount with no way to tell how it is paid is not assigned.
        assert_eq!(parse_terms("$500 Expert"), Terms { experience_level: s("Expert"), ..Terms::default() });
    }

    #[test]
    fn words_that_are_no_level_or_type() {
        for t in ["", "  ", "N/A", "null", "Expertise in Rust", "Entrylevel", "Reentry", "Unfixed", "Intermediates"] {
            let terms = parse_terms(t);
            assert_eq!(terms.experience_level, None, "{t:?}");
            assert_eq!(terms.job_type, None, "{t:?}");
        }
        assert_eq!(parse_terms(""), Terms::default());
        assert_eq!(parse_terms("Hourly"), Terms { job_type: Some(JobType::Hourly), ..Terms::default() });
    }
}
