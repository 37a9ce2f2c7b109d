//! An alert threshold that follows the freelancer's decisions (opt-in: `[alerts]
//! follow_decisions = true`).
//!
//! The evidence is the decided jobs' totals (their latest evaluation): those the freelancer went
//! for (applied, interview, won or lost) and those marked "not for me", labelled as `upflow
//! profile tune` labels them. The learned threshold is the one that misjudges the fewest of
//! them: a job gone for below it (an alert missed) or a "not for me" job at or above it (an
//! alert not wanted); of the thresholds that tie, the one nearest the configured threshold.
//! It is blended with the configured one by how much evidence there is, `n / (n + PRIOR)` of
//! the learned value, as tune blends weights, and it needs [`MIN_EACH`] decisions of each kind:
//! with fewer, the configured threshold stays.

use serde::Serialize;

pub use crate::profile::tune::{MIN_EACH, PRIOR};

/// The threshold in use, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertThreshold {
    /// The threshold alerts use now.
    pub value: f64,
    /// The profile's `[alerts] threshold`.
    pub configured: f64,
    /// Whether the profile opted in.
    pub follow_decisions: bool,
    /// Decided jobs gone for, and marked "not for me".
    pub went_for: usize,
    pub not_for_me: usize,
    /// The threshold that best separates them, before the blend; `None` without enough evidence.
    pub learned: Option<f64>,
    /// Of the decided jobs, how many the learned threshold misjudges.
    pub misjudged: Option<usize>,
}

impl AlertThreshold {
    /// One line: the value and where it comes from.
    pub fn describe(&self) -> String {
        let v = crate::display::score(self.value);
        let configured = crate::display::score(self.configured);
        match (self.follow_decisions, self.learned) {
            (false, _) => format!("{v} (the profile's; set follow_decisions to let your decisions move it)"),
            (true, None) => format!(
                "{v} (follows your decisions once there are {MIN_EACH} of each kind: {} gone for, {} not for me so far)",
                self.went_for, self.not_for_me
            ),
            (true, Some(learned)) => format!(
                "{v} (follows your decisions: {configured} configured, {} separates {} gone for from {} not for me \
                 with {} misjudged)",
                crate::display::score(learned),
                self.went_for,
                self.not_for_me,
                self.misjudged.unwrap_or(0)
            ),
        }
    }
}

/// The threshold under `configured` and the decided jobs' totals.
pub fn alert_threshold(
    configured: f64,
    follow_decisions: bool,
    went_for: &[f64],
    not_for_me: &[f64],
) -> AlertThreshold {
    let mut out = AlertThreshold {
        value: configured,
        configured,
        follow_decisions,
        went_for: went_for.len(),
        not_for_me: not_for_me.len(),
        learned: None,
        misjudged: None,
    };
    if !follow_decisions || went_for.len() < MIN_EACH || not_for_me.len() < MIN_EACH {
        return out;
    }
    let cost = |t: f64| went_for.iter().filter(|x| **x < t).count() + not_for_me.iter().filter(|x| **x >= t).count();
    // The cost only changes at a total: each total and the configured value are candidates.
    let mut best: Option<(usize, f64)> = None;
    for t in went_for.iter().chain(not_for_me).copied().chain([configured]).filter(|t| t.is_finite()) {
        let t = t.clamp(0.0, 100.0);
        let c = cost(t);
        let better = match best {
            None => true,
            Some((bc, bt)) => c < bc || (c == bc && (t - configured).abs() < (bt - configured).abs()),
        };
        if better {
            best = Some((c, t));
        }
    }
    let Some((misjudged, learned)) = best else { return out };
    let n = (went_for.len() + not_for_me.len()) as f64;
    let share = n / (n + PRIOR);
    out.value = ((configured + (learned - configured) * share) * 10.0).round() / 10.0;
    out.learned = Some(learned);
    out.misjudged = Some(misjudged);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_opting_in_or_enough_evidence_the_configured_threshold_stays() {
        let went = [90.0, 85.0, 70.0, 66.0, 64.0];
        let nope = [40.0, 45.0, 50.0, 55.0, 58.0];
        assert_eq!(alert_threshold(80.0, false, &went, &nope).value, 80.0);
        let few = alert_threshold(80.0, true, &went, &nope[..4]);
        assert_eq!((few.value, few.learned), (80.0, None));
    }

    #[test]
    fn the_threshold_moves_toward_the_gap_between_the_two_kinds_by_the_evidence() {
        // Gone for from 64 up, passed on up to 58: any threshold in (58, 64] separates them
        // all; the nearest to 80 is 64.
        let went = [90.0, 85.0, 70.0, 66.0, 64.0];
        let nope = [40.0, 45.0, 50.0, 55.0, 58.0];
        let t = alert_threshold(80.0, true, &went, &nope);
        assert_eq!((t.learned, t.misjudged), (Some(64.0), Some(0)));
        // 10 decisions against a prior of 50: a sixth of the way from 80 to 64.
        assert_eq!(t.value, 77.3);
        // Ten times the evidence moves it most of the way.
        let many_went: Vec<f64> = went.iter().cycle().take(50).copied().collect();
        let many_nope: Vec<f64> = nope.iter().cycle().take(50).copied().collect();
        assert_eq!(alert_threshold(80.0, true, &many_went, &many_nope).value, 69.3);
        assert_eq!(
            t.describe(),
            "77.3 (follows your decisions: 80 configured, 64 separates 5 gone for from 5 not for me with 0 misjudged)"
        );
    }

    #[test]
    fn when_the_kinds_overlap_the_fewest_misjudged_wins() {
        // Passing on 82 and 88 while going for 60-75: raising the threshold would miss the
        // jobs gone for; 60 misjudges only the two high "not for me" jobs.
        let went = [60.0, 62.0, 70.0, 72.0, 75.0];
        let nope = [30.0, 35.0, 40.0, 82.0, 88.0];
        let t = alert_threshold(80.0, true, &went, &nope);
        assert_eq!((t.learned, t.misjudged), (Some(60.0), Some(2)));
        assert!(t.value < 80.0 && t.value > 60.0);
    }
}
