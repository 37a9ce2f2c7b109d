//! The rankings page's "Your decisions against the scores" section: per priority band the jobs,
//! the share applied to, interviews, wins, losses and "not for me"; per criterion the mean
//! score of the jobs applied to against those passed on; and the alert threshold in use. The
//! same figures as `/stats` and the bot's `/stats`.

use maud::{html, Markup};

use crate::decision::threshold::AlertThreshold;
use crate::display::score;
use crate::read::DecisionStats;

fn mean(x: Option<f64>) -> String {
    x.map_or_else(|| crate::display::UNKNOWN.to_string(), score)
}

/// The section, closed by default.
pub fn decisions_section(d: &DecisionStats, threshold: &AlertThreshold) -> Markup {
    html! {
        details.decided {
            summary { "Your decisions against the scores (" (d.decided) " jobs decided)" }
            @if d.decided == 0 {
                p.muted { "None yet: use the buttons on each job, under an alert or a /job report." }
            } @else {
                table.bands {
                    thead { tr {
                        th scope="col" { "Band" } th scope="col" { "Jobs" } th scope="col" { "Applied" }
                        th scope="col" { "Interview" } th scope="col" { "Won" } th scope="col" { "Lost" }
                        th scope="col" { "Not for me" }
                    } }
                    tbody {
                        @for b in &d.by_band {
                            tr data-band=(b.band) {
                                th scope="row" { (b.band) }
                                td { (b.jobs) }
                                td { (b.applied) @if let Some(p) = b.applied_share() { " (" (format!("{p:.0}")) "%)" } }
                                td { (b.interview) } td { (b.won) } td { (b.lost) } td { (b.not_for_me) }
                            }
                        }
                    }
                }
                table.criteria-decided {
                    thead { tr { th scope="col" { "Criterion" } th scope="col" { "Mean score, applied" } th scope="col" { "Mean score, not for me" } } }
                    tbody {
                        @for c in &d.by_criterion {
                            tr { th scope="row" { (c.label) } td { (mean(c.mean_applied)) } td { (mean(c.mean_not_for_me)) } }
                        }
                    }
                }
            }
            p.threshold { "Alert threshold: " (threshold.describe()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::threshold::alert_threshold;
    use crate::read::decisions::{BandDecisions, CriterionDecisions};

    #[test]
    fn the_section_shows_each_band_and_criterion() {
        let d = DecisionStats {
            by_band: vec![BandDecisions { band: "High".into(), jobs: 4, applied: 3, won: 1, ..Default::default() }],
            by_criterion: vec![CriterionDecisions {
                criterion: "budget",
                label: "Budget",
                mean_applied: Some(8.5),
                mean_not_for_me: None,
            }],
            decided: 3,
        };
        let html = decisions_section(&d, &alert_threshold(80.0, false, &[], &[])).into_string();
        assert!(html.contains(r#"<tr data-band="High"><th scope="row">High</th><td>4</td><td>3 (75%)</td>"#), "{html}");
        assert!(html.contains(r#"<th scope="row">Budget</th><td>8.5</td><td>—</td>"#), "{html}");
        assert!(html.contains("Alert threshold: 80 (the profile"));
        let none = decisions_section(&DecisionStats::default(), &alert_threshold(80.0, false, &[], &[])).into_string();
        assert!(none.contains("None yet"));
    }
}
