//! The audit's gaps in words: which figure is off, by how much, and what is in the gap. The
//! command line prints them; the bot's `/stats` gives the first.

use super::Audit;

impl Audit {
    /// One sentence per gap (empty when both equations balance), each naming the figure that is
    /// off, by how much, and the ingests or jobs in the gap (as many as the audit listed).
    pub fn gaps(&self) -> Vec<String> {
        let mut out = Vec::new();
        let r = &self.rows;
        if !r.balanced() {
            let mut s = format!(
                "rows: {} read but stored {} + rejected {} + duplicates {} = {}: {}",
                r.rows_read,
                r.stored,
                r.rejected,
                r.duplicates,
                r.stored + r.rejected + r.duplicates,
                unaccounted(r.difference, "row")
            );
            if r.ingests_off > 0 {
                let named: Vec<String> = r
                    .off
                    .iter()
                    .map(|i| {
                        let mut t = format!(
                            "ingest {} ({}, {}): {} read, {} accounted for, {}",
                            i.id,
                            i.key,
                            i.status,
                            i.rows_read,
                            i.accounted,
                            unaccounted(i.difference, "row")
                        );
                        if let Some(e) = i.error.as_deref().filter(|e| !e.is_empty()) {
                            t.push_str(&format!(" (error: {e})"));
                        }
                        t
                    })
                    .collect();
                s.push_str(&format!("; {} off: {}", plural(r.ingests_off, "ingest"), named.join("; ")));
                if r.ingests_off > r.off.len() as i64 {
                    s.push_str(&format!("; and {} more", r.ingests_off - r.off.len() as i64));
                }
            }
            out.push(s);
        }
        let j = &self.jobs;
        if !j.balanced() {
            let accounted = j.stored - j.difference;
            let mut s = format!("jobs: {} stored but {} accounted for", j.stored, accounted);
            if j.not_recorded != 0 {
                s.push_str(&format!(
                    "; the ingest counted {} and recorded {} as its own ({})",
                    j.stored,
                    j.stored - j.not_recorded,
                    if j.not_recorded > 0 {
                        format!("{} not recorded", plural(j.not_recorded, "job"))
                    } else {
                        format!("{} more recorded than counted", plural(-j.not_recorded, "job"))
                    }
                ));
            }
            if j.unaccounted_count > 0 {
                let named: Vec<String> = j.unaccounted.iter().map(|g| format!("{} ({})", g.job_id, g.why)).collect();
                s.push_str(&format!(
                    "; {} neither evaluated, failing nor queued: {}",
                    plural(j.unaccounted_count, "job"),
                    named.join(", ")
                ));
                if j.unaccounted_count > j.unaccounted.len() as i64 {
                    s.push_str(&format!(" and {} more", j.unaccounted_count - j.unaccounted.len() as i64));
                }
            }
            out.push(s);
        }
        out
    }
}

/// "3 rows unaccounted for", or "2 rows more accounted for than read".
fn unaccounted(difference: i64, unit: &str) -> String {
    if difference >= 0 {
        format!("{} unaccounted for", plural(difference, unit))
    } else {
        format!("{} more accounted for than read", plural(-difference, unit))
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use crate::read::audit::{Audit, GapJob, IngestGap, JobsAudit, RowsAudit};

    fn balanced() -> Audit {
        Audit {
            profile_version: "v".into(),
            ingest: None,
            ingests: 1,
            running: 0,
            rows: RowsAudit {
                rows_read: 23,
                stored: 19,
                new_or_changed: 19,
                rejected: 2,
                duplicates: 2,
                ..Default::default()
            },
            jobs: JobsAudit { stored: 19, scored: 4, skipped_by_filter: 3, pending: 12, ..Default::default() },
            dlq: vec![],
            balanced: true,
        }
    }

    #[test]
    fn a_balanced_audit_has_no_gaps() {
        assert!(balanced().gaps().is_empty());
    }

    #[test]
    fn each_gap_names_the_figure_the_amount_and_what_is_in_it() {
        let mut a = balanced();
        a.rows.rows_read = 26;
        a.rows.difference = 3;
        a.rows.ingests_off = 1;
        a.rows.off = vec![IngestGap {
            id: 7,
            bucket: "b".into(),
            key: "uploads/a.json".into(),
            status: "succeeded".into(),
            started_at: chrono::Utc::now(),
            rows_read: 26,
            accounted: 23,
            difference: 3,
            error: None,
        }];
        a.jobs.pending = 10;
        a.jobs.difference = 2;
        a.jobs.unaccounted_count = 2;
        a.jobs.unaccounted = vec![
            GapJob { job_id: "j1".into(), why: "never queued".into() },
            GapJob { job_id: "j2".into(), why: "no longer in jobs".into() },
        ];
        let gaps = a.gaps();
        assert_eq!(
            gaps,
            vec![
                "rows: 26 read but stored 19 + rejected 2 + duplicates 2 = 23: 3 rows unaccounted for; 1 ingest off: \
                 ingest 7 (uploads/a.json, succeeded): 26 read, 23 accounted for, 3 rows unaccounted for"
                    .to_string(),
                "jobs: 19 stored but 17 accounted for; 2 jobs neither evaluated, failing nor queued: \
                 j1 (never queued), j2 (no longer in jobs)"
                    .to_string(),
            ]
        );
    }
}
