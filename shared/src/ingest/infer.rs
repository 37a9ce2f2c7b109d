//! Inference: the field of a CSV column or JSON key whose name the override file and the alias
//! table do not know (a header in another language, a name nobody wrote down), from its values.
//!
//! It runs once per file, on the first [`SAMPLE`] records, for the columns left unmapped, and
//! only for fields no mapped column feeds already. The rules are the table [`RULES`], tried in
//! order for each column; a column takes the first rule that at least [`MIN_SHARE`] of its
//! non-empty sampled values pass (and at least [`MIN_VALUES`] of them, or all of a shorter
//! file). Some rules also need a hint in the column's name. When several columns pass the same
//! rule, the one with the most passing values takes the field; the others stay unused.
//!
//! | field | values must look like | name must hint |
//! |---|---|---|
//! | url | Upwork job URLs (with the job's ciphertext) | — |
//! | posted_at | dates or times (`2026-05-20`, `3 hours ago`), not bare numbers | — |
//! | budget | amounts with a currency (`$500`, `€20 - €40`) | — |
//! | payment_verified | yes/no | `verif`, `payment`, `zahlung`, `pago`, `paiement` |
//! | client_country | ISO country codes or English country names | — |
//! | proposals | counts (`5`, `20 to 50`, `50+`) | `propos`, `applic`, `bewerb`, `angebot`, `candid`, `offert` |
//! | description | text of 120 characters or more | — |
//! | title | text of 2 to 30 words, under 200 characters | — |

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};

use super::aliases::Field;
use crate::normalise::{
    boolean::parse_bool,
    country::{self, normalise_country},
    date::parse_timestamp,
    money::parse_budget,
    proposals::parse_proposals,
    text::job_id_from_url,
};

/// Records sampled per file.
pub const SAMPLE: usize = 50;
/// The share of a column's non-empty sampled values a rule needs.
pub const MIN_SHARE: f64 = 0.8;
/// Non-empty sampled values a column needs (fewer when the file has fewer records).
pub const MIN_VALUES: usize = 2;

/// What a value must look like for a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Looks {
    JobUrl,
    Date,
    Money,
    YesNo,
    Country,
    Count,
    LongText,
    ShortText,
}

/// One inference rule: a field, what its values look like, and the hints its column's name
/// must hold (any of them, case-insensitively; empty: none needed).
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub field: Field,
    pub looks: Looks,
    /// How the explanation names the values (`48/50 looked like Upwork job URLs`).
    pub described: &'static str,
    pub name_hints: &'static [&'static str],
}

/// The rules, in the order they are tried for each column.
pub const RULES: &[Rule] = &[
    Rule { field: Field::Url, looks: Looks::JobUrl, described: "Upwork job URLs", name_hints: &[] },
    Rule { field: Field::PostedAt, looks: Looks::Date, described: "dates", name_hints: &[] },
    Rule { field: Field::Budget, looks: Looks::Money, described: "amounts of money", name_hints: &[] },
    Rule {
        field: Field::PaymentVerified,
        looks: Looks::YesNo,
        described: "yes/no",
        name_hints: &["verif", "payment", "zahlung", "pago", "paiement"],
    },
    Rule { field: Field::ClientCountry, looks: Looks::Country, described: "countries", name_hints: &[] },
    Rule {
        field: Field::Proposals,
        looks: Looks::Count,
        described: "counts",
        name_hints: &["propos", "applic", "bewerb", "angebot", "candid", "offert"],
    },
    Rule { field: Field::Description, looks: Looks::LongText, described: "long text", name_hints: &[] },
    Rule { field: Field::Title, looks: Looks::ShortText, described: "short text", name_hints: &[] },
];

/// A column's inferred field.
#[derive(Debug, Clone, PartialEq)]
pub struct Inferred {
    /// The column's position among the candidates given.
    pub column: usize,
    pub field: Field,
    pub described: &'static str,
    pub matched: u32,
    pub sampled: u32,
}

/// Infers fields for `columns` (each a name and its sampled values, empty ones included),
/// skipping the fields `covered` says are fed already. `rows` is how many records were sampled.
pub fn infer(
    columns: &[(&str, Vec<&str>)],
    rows: usize,
    covered: impl Fn(Field) -> bool,
    reference: DateTime<Utc>,
) -> Vec<Inferred> {
    let need = MIN_VALUES.min(rows).max(1);
    let mut best: Vec<Inferred> = Vec::new();
    for (column, (name, values)) in columns.iter().enumerate() {
        let values: Vec<&str> = values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
        if values.len() < need {
            continue;
        }
        let lower = name.to_lowercase();
        let found = RULES.iter().filter(|r| !covered(r.field)).find_map(|rule| {
            if !rule.name_hints.is_empty() && !rule.name_hints.iter().any(|h| lower.contains(h)) {
                return None;
            }
            let matched = values.iter().filter(|v| looks(rule.looks, v, reference)).count();
            (matched as f64 >= MIN_SHARE * values.len() as f64).then_some((rule, matched))
        });
        let Some((rule, matched)) = found else { continue };
        let candidate = Inferred {
            column,
            field: rule.field,
            described: rule.described,
            matched: matched as u32,
            sampled: values.len() as u32,
        };
        match best.iter_mut().find(|b| b.field == rule.field) {
            Some(b) if b.matched < candidate.matched => *b = candidate,
            Some(_) => {}
            None => best.push(candidate),
        }
    }
    best.sort_by_key(|b| b.column);
    best
}

/// Whether one value looks like `kind`.
pub fn looks(kind: Looks, v: &str, reference: DateTime<Utc>) -> bool {
    match kind {
        Looks::JobUrl => v.starts_with("http") && job_id_from_url(v).is_some(),
        Looks::Date => {
            v.bytes().any(|b| b.is_ascii_digit())
                && !v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && parse_timestamp(v, reference).is_some()
        }
        Looks::Money => has_currency(v) && parse_budget(v).is_some(),
        Looks::YesNo => parse_bool(v).is_some(),
        Looks::Country => parse_bool(v).is_none() && is_country(v),
        Looks::Count => parse_proposals(v).is_some(),
        Looks::LongText => v.chars().count() >= 120 && v.contains(' '),
        Looks::ShortText => {
            let words = v.split_whitespace().count();
            (2..=30).contains(&words)
                && v.len() < 200
                && !v.contains("://")
                && v.chars().filter(|c| c.is_alphabetic()).count() * 2 > v.chars().count()
        }
    }
}

fn has_currency(v: &str) -> bool {
    v.contains(['$', '€', '£', '¥', '₹'])
        || ["USD", "EUR", "GBP", "CHF", "CAD", "AUD"].iter().any(|c| v.to_ascii_uppercase().contains(c))
}

/// Country names the ISO tables name, lowercased: every code's expansion.
static COUNTRY_NAMES: LazyLock<HashSet<String>> =
    LazyLock::new(|| country::code_names().map(str::to_lowercase).collect());

/// An ISO code, a known spelling, or a name an ISO code expands to.
fn is_country(v: &str) -> bool {
    match normalise_country(v) {
        Some(n) if n != v => true,
        Some(n) => COUNTRY_NAMES.contains(&n.to_lowercase()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn country_names_are_every_code_expansion() {
        // What the set was built from before: every 2- and 3-letter uppercase code tried.
        let mut tried = std::collections::HashSet::new();
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                for code in std::iter::once(vec![a, b]).chain((b'A'..=b'Z').map(|c| vec![a, b, c])) {
                    let code = String::from_utf8(code).expect("ascii");
                    if let Some(n) = super::normalise_country(&code).filter(|n| *n != code) {
                        tried.insert(n.to_lowercase());
                    }
                }
            }
        }
        assert_eq!(*super::COUNTRY_NAMES, tried);
        assert!(tried.contains("united kingdom") && tried.contains("india"));
    }

    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 24, 7, 0, 0).unwrap()
    }

    #[test]
    fn each_rule_recognises_its_values_and_hints_are_required() {
        let cols = vec![
            ("Titel", vec!["Build a Rust parser", "Fix my WordPress site", "Data entry for CRM"]),
            (
                "Verknüpfung",
                vec![
                    "https://www.upwork.com/jobs/~021111111111111111111",
                    "https://www.upwork.com/jobs/Rust_~022222222222222222222/",
                    "",
                ],
            ),
            ("Preis", vec!["$500", "€20 - €40", "$1,000.00"]),
            ("Land", vec!["Germany", "USA", "DE"]),
            ("Veröffentlicht", vec!["2026-05-20", "2026-05-21T10:00:00Z", "3 hours ago"]),
            ("Aktiv", vec!["yes", "no", "yes"]),
            ("Zahlung verifiziert", vec!["yes", "no", "yes"]),
            ("Anzahl", vec!["5", "10", "20"]),
        ];
        let got = infer(&cols, 3, |_| false, at());
        let fields: Vec<_> = got.iter().map(|i| (cols[i.column].0, i.field)).collect();
        assert_eq!(
            fields,
            [
                ("Titel", Field::Title),
                ("Verknüpfung", Field::Url),
                ("Preis", Field::Budget),
                ("Land", Field::ClientCountry),
                ("Veröffentlicht", Field::PostedAt),
                ("Zahlung verifiziert", Field::PaymentVerified),
            ],
            "yes/no and counts without a hint in the name stay unused"
        );
        assert_eq!((got[1].matched, got[1].sampled), (2, 2));
    }

    #[test]
    fn covered_fields_and_mixed_columns_are_left_alone() {
        let cols = vec![("Preis", vec!["$500", "$20", "$7"]), ("Misc", vec!["Germany", "hello", "42", "x"])];
        assert!(infer(&cols, 4, |f| f == Field::Budget, at()).is_empty());
    }
}
