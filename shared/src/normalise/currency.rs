//! Currencies: how an amount is written in its own currency (`$1,500`, `€1,200`, `£900`,
//! `1,200 CAD`), and its rough value in US dollars for the profile's thresholds, which are in
//! US dollars (`min_fixed_budget`, `min_hourly_rate`, the rules scorer's bands).
//!
//! A job without a currency is in US dollars: Upwork states budgets in USD, and an export only
//! names a currency when it is another one (or when its amounts carry a symbol).
//!
//! # The rates
//!
//! [`USD_PER_UNIT`] is a fixed table of **approximate** mid-market rates, taken around
//! [`RATES_TAKEN`] and rounded to three significant figures. upflow does not fetch rates: they
//! only decide whether a budget clears a threshold such as $500, for which a few percent do not
//! matter; they are no price for anything. A currency missing from the table has no US dollar
//! value ([`to_usd`] is `None`): the budget filters then let the job through, saying why, and
//! the rules scorer does not rate its budget. Update the table (and the date) by hand when
//! rates move far.

/// When the rates in [`USD_PER_UNIT`] were taken (approximate).
pub const RATES_TAKEN: &str = "June 2025";

/// US dollars for one unit of each currency (ISO 4217 code), approximate (see the module
/// documentation), sorted by code.
pub const USD_PER_UNIT: [(&str, f64); 15] = [
    ("AUD", 0.650),
    ("CAD", 0.730),
    ("CHF", 1.220),
    ("DKK", 0.153),
    ("EUR", 1.140),
    ("GBP", 1.350),
    ("INR", 0.0117),
    ("JPY", 0.00690),
    ("NOK", 0.0990),
    ("NZD", 0.600),
    ("PLN", 0.266),
    ("SEK", 0.104),
    ("SGD", 0.780),
    ("USD", 1.0),
    ("ZAR", 0.0560),
];

/// The symbols written before an amount, for the currencies whose symbol is unambiguous.
/// Other currencies are written with their code after the amount (`1,200 CAD`).
const SYMBOLS: [(&str, &str); 3] = [("USD", "$"), ("EUR", "€"), ("GBP", "£")];

/// The longest currency text shown (a code is 3 letters; anything longer is shortened).
const MAX_CODE_CHARS: usize = 10;

/// The currency as shown and looked up: trimmed, without inner whitespace, at most 10
/// characters, upper case; `None` for no currency (US dollars).
fn code_of(currency: Option<&str>) -> Option<String> {
    let code: String =
        currency?.chars().filter(|c| !c.is_whitespace()).take(MAX_CODE_CHARS).collect::<String>().to_uppercase();
    (!code.is_empty()).then_some(code)
}

/// Whether amounts in `currency` are US dollars (no currency counts as US dollars).
pub fn is_usd(currency: Option<&str>) -> bool {
    code_of(currency).is_none_or(|c| c == "USD")
}

/// US dollars per unit of `currency` (`None` for no currency is 1.0); `None` when the table
/// does not know the currency.
pub fn usd_per_unit(currency: Option<&str>) -> Option<f64> {
    let Some(code) = code_of(currency) else { return Some(1.0) };
    USD_PER_UNIT.binary_search_by(|(c, _)| (*c).cmp(code.as_str())).ok().map(|i| USD_PER_UNIT[i].1)
}

/// `amount` in `currency`, converted to US dollars with [`USD_PER_UNIT`]; `None` when the
/// currency is unknown (or the amount is not finite).
pub fn to_usd(amount: f64, currency: Option<&str>) -> Option<f64> {
    usd_per_unit(currency).map(|rate| amount * rate).filter(|x| x.is_finite())
}

/// A non-negative amount with `,` thousands separators and cents only when there are any:
/// `1,500`, `1,234,567.50`, `0`.
pub fn grouped(amount: f64) -> String {
    let whole = amount.trunc() as i64;
    let mut cents = ((amount - amount.trunc()) * 100.0).round() as i64;
    let whole = if cents == 100 {
        cents = 0;
        whole + 1
    } else {
        whole
    };
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if cents != 0 {
        out.push_str(&format!(".{cents:02}"));
    }
    out
}

/// An amount in its own currency: `$1,500` (US dollars, or no currency), `€1,200`, `£900`, and
/// `1,200 CAD` for a currency without a symbol here. Never `$` for another currency.
pub fn format_amount(amount: f64, currency: Option<&str>) -> String {
    match code_of(currency) {
        None => format!("${}", grouped(amount)),
        Some(code) => match SYMBOLS.iter().find(|(c, _)| *c == code) {
            Some((_, symbol)) => format!("{symbol}{}", grouped(amount)),
            None => format!("{} {code}", grouped(amount)),
        },
    }
}

/// [`format_amount`] and `unit` (`""`, `"/h"`), followed by the US dollar value (in whole
/// dollars) for another currency when the table knows it: `$1,500`, `€1,000 (about $1,140)`,
/// `£25/h (about $34/h)`, `1,000 XYZ`.
pub fn format_with_usd(amount: f64, currency: Option<&str>, unit: &str) -> String {
    let shown = format!("{}{unit}", format_amount(amount, currency));
    match to_usd(amount, currency) {
        Some(usd) if !is_usd(currency) => format!("{shown} (about ${}{unit})", grouped(usd.round())),
        _ => shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_sane() {
        assert!(USD_PER_UNIT.windows(2).all(|w| w[0].0 < w[1].0), "sorted by code for the binary search");
        assert!(USD_PER_UNIT.iter().all(|(c, r)| c.len() == 3 && *r > 0.0));
        assert!(SYMBOLS.iter().all(|(c, _)| usd_per_unit(Some(c)).is_some()));
    }

    #[test]
    fn amounts_are_written_in_their_own_currency() {
        assert_eq!(format_amount(1500.0, None), "$1,500");
        assert_eq!(format_amount(1500.0, Some("usd")), "$1,500");
        assert_eq!(format_amount(1200.0, Some("EUR")), "€1,200");
        assert_eq!(format_amount(12.5, Some(" eur ")), "€12.50");
        assert_eq!(format_amount(900.0, Some("GBP")), "£900");
        assert_eq!(format_amount(1200.0, Some("CAD")), "1,200 CAD");
        assert_eq!(format_amount(1.0, Some("A VERY LONG CURRENCY NAME")), "1 AVERYLONGC");
        assert_eq!(format_amount(1.0, Some("  ")), "$1");
        for code in ["EUR", "GBP", "CAD", "JPY", "XYZ"] {
            assert!(!format_amount(10.0, Some(code)).contains('$'), "{code}");
        }
    }

    #[test]
    fn amounts_convert_to_us_dollars_with_the_table() {
        assert_eq!(to_usd(500.0, None), Some(500.0));
        assert_eq!(to_usd(500.0, Some("USD")), Some(500.0));
        assert_eq!(to_usd(1000.0, Some("eur")), Some(1140.0));
        assert!((to_usd(1000.0, Some("GBP")).unwrap() - 1350.0).abs() < 1e-9);
        assert_eq!(to_usd(1000.0, Some("XYZ")), None);
        assert_eq!(to_usd(f64::INFINITY, Some("EUR")), None);
        assert_eq!(format_with_usd(1000.0, Some("EUR"), ""), "€1,000 (about $1,140)");
        assert_eq!(format_with_usd(25.0, Some("GBP"), "/h"), "£25/h (about $34/h)");
        assert_eq!(format_with_usd(1500.0, None, ""), "$1,500");
        assert_eq!(format_with_usd(30.0, Some("USD"), "/h"), "$30/h");
        assert_eq!(format_with_usd(1000.0, Some("XYZ"), ""), "1,000 XYZ");
    }

    #[test]
    fn grouping() {
        assert_eq!(grouped(1500.0), "1,500");
        assert_eq!(grouped(1234567.5), "1,234,567.50");
        assert_eq!(grouped(0.0), "0");
        assert_eq!(grouped(999.999), "1,000");
        assert_eq!(grouped(100.0), "100");
    }
}
