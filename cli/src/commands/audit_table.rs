//! `upflow audit`'s report in the terminal: the figures as a small table, the two equations
//! with ✓ or ✗, the gaps named, and the jobs in the DLQ with their last error.

use upflow::read::audit::{Audit, LISTED};

use super::table::cut;

/// The whole report.
pub fn render(a: &Audit) -> String {
    let mut out = match &a.ingest {
        Some(i) => format!(
            "audit of ingest {}: s3://{}/{} ({}, started {}) · profile {}\n",
            i.id,
            i.bucket,
            i.key,
            i.status,
            i.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
            a.profile_version
        ),
        None => {
            format!("audit of every ingest ({}, {} running) · profile {}\n", a.ingests, a.running, a.profile_version)
        }
    };
    if let Some(e) = a.ingest.as_ref().and_then(|i| i.error.as_deref()).filter(|e| !e.is_empty()) {
        out.push_str(&format!("ingest error: {}\n", upflow::display::one_line(e)));
    }
    let r = &a.rows;
    out.push_str("\nrows\n");
    out.push_str(&line("rows read", r.rows_read));
    out.push_str(&line("stored", r.stored));
    out.push_str(&line("+new or changed", r.new_or_changed));
    out.push_str(&line("+unchanged", r.unchanged));
    out.push_str(&line("rejected", r.rejected));
    out.push_str(&line("duplicates", r.duplicates));
    let sum = r.stored + r.rejected + r.duplicates;
    out.push_str(&format!(
        "{} rows read {} {} stored {} + rejected {} + duplicates {}{}\n",
        mark(r.balanced()),
        r.rows_read,
        if r.rows_read == sum { "=" } else { "≠" },
        r.stored,
        r.rejected,
        r.duplicates,
        if r.rows_read == sum { String::new() } else { format!(" = {sum} (off by {})", r.difference) }
    ));

    let j = &a.jobs;
    out.push_str("\njobs\n");
    out.push_str(&line("stored", j.stored));
    out.push_str(&line("scored", j.scored));
    out.push_str(&line("skipped by filter", j.skipped_by_filter));
    out.push_str(&line("pending", j.pending));
    out.push_str(&line("retrying", j.retrying));
    out.push_str(&line("in the DLQ", j.dead_lettered));
    let accounted = j.stored - j.difference;
    out.push_str(&format!(
        "{} stored {} {} scored {} + skipped {} + pending {} + retrying {} + in the DLQ {}{}\n",
        mark(j.balanced()),
        j.stored,
        if j.difference == 0 { "=" } else { "≠" },
        j.scored,
        j.skipped_by_filter,
        j.pending,
        j.retrying,
        j.dead_lettered,
        if j.difference == 0 { String::new() } else { format!(" = {accounted} (off by {})", j.difference) }
    ));

    if !a.dlq.is_empty() {
        out.push_str(&format!("\nin the DLQ ({}{})\n", j.dead_lettered, listed_note(j.dead_lettered)));
        for d in &a.dlq {
            out.push_str(&format!(
                "  {}  {} attempt{}, {}: {}\n",
                d.job_id,
                d.attempts,
                if d.attempts == 1 { "" } else { "s" },
                d.failed_at.format("%Y-%m-%d %H:%M:%S UTC"),
                upflow::display::one_line(&d.last_error)
            ));
        }
    }
    let gaps = a.gaps();
    if !gaps.is_empty() {
        out.push_str("\ngaps\n");
        for g in &gaps {
            out.push_str(&format!("✗ {g}\n"));
        }
    }
    if a.running > 0 {
        out.push_str(&format!(
            "\nnote: {} ingest{} still running: counters are written when an ingest finishes\n",
            a.running,
            if a.running == 1 { " is" } else { "s are" }
        ));
    }
    out.push_str(if a.balanced { "\nbalanced\n" } else { "\nNOT balanced\n" });
    out
}

/// One figure: the label (a leading `+` indents it as a part of the figure above) and the count.
fn line(label: &str, n: i64) -> String {
    match label.strip_prefix('+') {
        Some(part) => format!("    {} {:>9}\n", cut(part, 18), n),
        None => format!("  {} {:>9}\n", cut(label, 20), n),
    }
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗"
    }
}

fn listed_note(n: i64) -> String {
    if n > LISTED {
        format!(", the latest {LISTED} listed")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use upflow::read::audit::{Audit, DeadLettered, JobsAudit, RowsAudit};

    #[test]
    fn the_report_shows_both_equations_and_the_dlq() {
        let a = Audit {
            profile_version: "v1".into(),
            ingest: None,
            ingests: 2,
            running: 0,
            rows: RowsAudit {
                rows_read: 26,
                stored: 19,
                new_or_changed: 18,
                unchanged: 1,
                rejected: 2,
                duplicates: 2,
                difference: 3,
                ingests_off: 0,
                off: vec![],
            },
            jobs: JobsAudit {
                stored: 19,
                scored: 4,
                skipped_by_filter: 3,
                pending: 10,
                retrying: 1,
                dead_lettered: 1,
                ..Default::default()
            },
            dlq: vec![DeadLettered {
                job_id: "j9".into(),
                attempts: 5,
                last_error: "422 unprocessable".into(),
                failed_at: chrono::DateTime::from_timestamp(0, 0).unwrap(),
            }],
            balanced: false,
        };
        let text = super::render(&a);
        for part in [
            "audit of every ingest (2, 0 running) · profile v1",
            "  rows read                   26",
            "✗ rows read 26 ≠ stored 19 + rejected 2 + duplicates 2 = 23 (off by 3)",
            "✓ stored 19 = scored 4 + skipped 3 + pending 10 + retrying 1 + in the DLQ 1",
            "  j9  5 attempts, 1970-01-01 00:00:00 UTC: 422 unprocessable",
            "✗ rows: 26 read but stored 19 + rejected 2 + duplicates 2 = 23: 3 rows unaccounted for",
            "NOT balanced",
        ] {
            assert!(text.contains(part), "{part:?} in\n{text}");
        }
    }
}
