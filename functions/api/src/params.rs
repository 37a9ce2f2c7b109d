//! Query parameters of `/rankings` and the page, each checked with an error that names it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use upflow::profile::{LoadedProfile, Priority};
use upflow::read::rankings::MAX_LIMIT;
use upflow::read::{Cursor, RankingQuery};

use crate::error::ApiError;

fn bad(parameter: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::BadParameter { parameter, message: message.into() }
}

/// Builds the rankings query from the request's parameters. Empty values count as absent (a
/// plain HTML form sends them).
pub fn ranking_query(params: &HashMap<String, String>, profile: &LoadedProfile) -> Result<RankingQuery, ApiError> {
    let get = |name: &str| params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut query = RankingQuery::new(&profile.version);
    query.thresholds = Some(profile.profile.priority);
    if let Some(v) = get("limit") {
        let limit: u32 = v.parse().map_err(|_| bad("limit", format!("{v:?} is not a whole number")))?;
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(bad("limit", format!("{limit} is outside 1-{MAX_LIMIT}")));
        }
        query.limit = limit;
    }
    if let Some(v) = get("cursor") {
        query.cursor = Some(Cursor::decode(v).ok_or_else(|| bad("cursor", "not a cursor this API returned"))?);
    }
    if let Some(v) = get("min_score") {
        let min: f64 = v.parse().map_err(|_| bad("min_score", format!("{v:?} is not a number")))?;
        if !(0.0..=100.0).contains(&min) {
            return Err(bad("min_score", format!("{min} is outside 0-100")));
        }
        query.min_score = Some(min);
    }
    if let Some(v) = get("priority") {
        if !v.eq_ignore_ascii_case("any") {
            query.priority =
                Some(Priority::parse(v).ok_or_else(|| bad("priority", format!("{v:?} is not High, Medium or Low")))?);
        }
    }
    if let Some(v) = get("since") {
        query.since = Some(
            parse_since(v)
                .ok_or_else(|| bad("since", format!("{v:?} is not a date (2026-05-24) or an RFC 3339 time")))?,
        );
    }
    if let Some(v) = get("q") {
        if v.chars().count() > 200 {
            return Err(bad("q", "longer than 200 characters"));
        }
        query.q = Some(v.to_string());
    }
    if let Some(v) = get("relevant") {
        query.relevant = match v.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            "all" | "any" => None,
            _ => return Err(bad("relevant", format!("{v:?} is not true, false or all"))),
        };
    }
    if let Some(v) = get("not_for_me") {
        query.include_not_for_me = match v.to_ascii_lowercase().as_str() {
            "include" | "true" | "1" | "yes" => true,
            "exclude" | "false" | "0" | "no" => false,
            _ => return Err(bad("not_for_me", format!("{v:?} is not include or exclude"))),
        };
    }
    Ok(query)
}

fn parse_since(v: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&Utc)).ok().or_else(|| {
        NaiveDate::parse_from_str(v, "%Y-%m-%d").ok().map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Result<RankingQuery, ApiError> {
        ranking_query(
            &pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            &LoadedProfile::default_profile(),
        )
    }

    fn parameter(e: ApiError) -> &'static str {
        match e {
            ApiError::BadParameter { parameter, .. } => parameter,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_and_values() {
        let d = q(&[]).unwrap();
        assert_eq!((d.limit, d.relevant, d.min_score), (20, Some(true), None));
        let v = q(&[
            ("limit", "50"),
            ("min_score", "72.5"),
            ("priority", "high"),
            ("since", "2026-05-20"),
            ("q", "rag"),
            ("relevant", "all"),
        ])
        .unwrap();
        assert_eq!((v.limit, v.min_score, v.priority, v.relevant), (50, Some(72.5), Some(Priority::High), None));
        assert_eq!(v.since.unwrap().to_rfc3339(), "2026-05-20T00:00:00+00:00");
        assert_eq!(q(&[("min_score", ""), ("priority", "any")]).unwrap().min_score, None);
    }

    #[test]
    fn each_bad_parameter_is_named() {
        for (pairs, name) in [
            (vec![("limit", "0")], "limit"),
            (vec![("limit", "201")], "limit"),
            (vec![("limit", "ten")], "limit"),
            (vec![("cursor", "nope")], "cursor"),
            (vec![("min_score", "101")], "min_score"),
            (vec![("min_score", "x")], "min_score"),
            (vec![("priority", "urgent")], "priority"),
            (vec![("since", "yesterday")], "since"),
            (vec![("relevant", "maybe")], "relevant"),
        ] {
            assert_eq!(parameter(q(&pairs).unwrap_err()), name);
        }
    }
}
