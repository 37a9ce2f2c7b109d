//! How the freelancer's decisions line up with the scores: per priority band (under the current
//! profile's thresholds), how many jobs there are, how many were applied to (or got further),
//! marked "not for me", got an interview, won, lost; per criterion, the mean score of the jobs
//! applied to against those marked "not for me". A job counts as applied to when any of its
//! decisions is applied, interview, won or lost, and as "not for me" when its latest decision
//! is; each job by its latest scored evaluation.

use anyhow::Context;
use serde::Serialize;
use tokio_postgres::types::Type;
use tokio_postgres::GenericClient;

use crate::profile::{PriorityThresholds, CRITERIA};

/// One priority band's jobs and decisions.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BandDecisions {
    /// `High`, `Medium` or `Low`.
    pub band: String,
    pub jobs: i64,
    pub applied: i64,
    pub not_for_me: i64,
    pub interview: i64,
    pub won: i64,
    pub lost: i64,
}

/// One criterion's mean score (0-10) on the jobs applied to and on those "not for me".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionDecisions {
    pub criterion: &'static str,
    pub label: &'static str,
    pub mean_applied: Option<f64>,
    pub mean_not_for_me: Option<f64>,
}

/// Decisions against scores.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DecisionStats {
    /// High, Medium, Low, each present (zeros when empty).
    pub by_band: Vec<BandDecisions>,
    pub by_criterion: Vec<CriterionDecisions>,
    /// Jobs with any decision.
    pub decided: i64,
}

/// The scored jobs with what was decided on them, by their latest evaluation.
const RANKED: &str = "WITH d AS (
        SELECT job_id,
               bool_or(decision IN ('applied', 'interview', 'won', 'lost')) AS applied,
               bool_or(decision = 'interview') AS interview,
               bool_or(decision = 'won') AS won,
               bool_or(decision = 'lost') AS lost
        FROM decisions GROUP BY job_id),
    r AS (
        SELECT CASE WHEN e.total >= $1 THEN 'High' WHEN e.total >= $2 THEN 'Medium' ELSE 'Low' END AS band,
               e.assessment, d.job_id IS NOT NULL AS decided,
               coalesce(d.applied, false) AS applied, coalesce(d.interview, false) AS interview,
               coalesce(d.won, false) AS won, coalesce(d.lost, false) AS lost,
               coalesce(j.decision = 'not_for_me', false) AS not_for_me
        FROM evaluations e JOIN jobs j ON j.job_id = e.job_id LEFT JOIN d ON d.job_id = e.job_id
        WHERE e.is_latest AND e.status = 'scored')";

/// Decisions against scores under the priority thresholds `t`.
pub async fn decision_stats(client: &impl GenericClient, t: PriorityThresholds) -> anyhow::Result<DecisionStats> {
    let params: [(&(dyn tokio_postgres::types::ToSql + Sync), Type); 2] =
        [(&t.high, Type::FLOAT8), (&t.medium, Type::FLOAT8)];
    let rows = client
        .query_typed(
            &format!(
                "{RANKED} SELECT band, count(*), count(*) FILTER (WHERE applied), count(*) FILTER (WHERE not_for_me),
                        count(*) FILTER (WHERE interview), count(*) FILTER (WHERE won),
                        count(*) FILTER (WHERE lost), count(*) FILTER (WHERE decided)
                 FROM r GROUP BY band"
            ),
            &params,
        )
        .await
        .context("decisions by priority band")?;
    let mut stats = DecisionStats::default();
    for band in ["High", "Medium", "Low"] {
        let mut b = BandDecisions { band: band.into(), ..Default::default() };
        if let Some(r) = rows.iter().find(|r| r.get::<_, String>(0) == band) {
            (b.jobs, b.applied, b.not_for_me, b.interview, b.won, b.lost) =
                (r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6));
            stats.decided += r.get::<_, i64>(7);
        }
        stats.by_band.push(b);
    }
    // The criterion keys are the profile's own constants, never user input.
    let means: Vec<String> = CRITERIA
        .iter()
        .map(|k| {
            let score = format!("(assessment->'scores'->'{}'->>'score')::float8", k.as_str());
            format!("avg({score}) FILTER (WHERE applied), avg({score}) FILTER (WHERE not_for_me)")
        })
        .collect();
    let row = client
        .query_typed(&format!("{RANKED} SELECT {} FROM r", means.join(", ")), &params)
        .await
        .context("criterion scores by decision")?;
    stats.by_criterion = CRITERIA
        .iter()
        .enumerate()
        .map(|(i, k)| CriterionDecisions {
            criterion: k.as_str(),
            label: k.label(),
            mean_applied: row.first().and_then(|r| r.get(2 * i)),
            mean_not_for_me: row.first().and_then(|r| r.get(2 * i + 1)),
        })
        .collect();
    Ok(stats)
}

impl BandDecisions {
    /// The share of the band's jobs applied to, in percent; `None` for an empty band.
    pub fn applied_share(&self) -> Option<f64> {
        (self.jobs > 0).then(|| 100.0 * self.applied as f64 / self.jobs as f64)
    }
}

/// A scored job as the tuning sees it: its five criterion scores (in [`CRITERIA`] order, 0-10)
/// under its latest evaluation, and what was decided on it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredJob {
    pub job_id: String,
    pub scores: [f64; 5],
    /// Any decision of applied, interview, won or lost.
    pub went_for: bool,
    /// The latest decision is "not for me".
    pub not_for_me: bool,
}

/// Every job with a scored latest evaluation, with its scores and decisions.
pub async fn scored_jobs(client: &impl GenericClient) -> anyhow::Result<Vec<ScoredJob>> {
    let scores: Vec<String> = CRITERIA
        .iter()
        .map(|k| format!("coalesce((e.assessment->'scores'->'{}'->>'score')::float8, 0)", k.as_str()))
        .collect();
    let rows = client
        .query_typed(
            &format!(
                "SELECT e.job_id, {}, coalesce(d.went_for, false), coalesce(j.decision = 'not_for_me', false)
                 FROM evaluations e JOIN jobs j ON j.job_id = e.job_id
                 LEFT JOIN (SELECT job_id, bool_or(decision <> 'not_for_me') AS went_for
                            FROM decisions GROUP BY job_id) d ON d.job_id = e.job_id
                 WHERE e.is_latest AND e.status = 'scored'",
                scores.join(", ")
            ),
            &[],
        )
        .await
        .context("scored jobs with their decisions")?;
    Ok(rows
        .iter()
        .map(|r| ScoredJob {
            job_id: r.get(0),
            scores: std::array::from_fn(|i| r.get(1 + i)),
            went_for: r.get(6),
            not_for_me: r.get(7),
        })
        .collect())
}

/// The alert threshold in use under `alerts` ([`crate::decision::threshold`]): the decided
/// jobs' latest totals, labelled as tune labels them (gone for, else "not for me"), read only
/// when the profile follows decisions.
pub async fn alert_threshold(
    client: &impl GenericClient,
    alerts: crate::profile::Alerts,
) -> anyhow::Result<crate::decision::threshold::AlertThreshold> {
    use crate::decision::threshold::alert_threshold;
    if !alerts.follow_decisions {
        return Ok(alert_threshold(alerts.threshold, false, &[], &[]));
    }
    let rows = client
        .query_typed(
            "SELECT e.total, d.went_for
             FROM (SELECT job_id, bool_or(decision <> 'not_for_me') AS went_for FROM decisions GROUP BY job_id) d
             JOIN jobs j ON j.job_id = d.job_id
             JOIN evaluations e ON e.job_id = d.job_id AND e.is_latest AND e.status = 'scored'
             WHERE d.went_for OR j.decision = 'not_for_me'",
            &[],
        )
        .await
        .context("decided jobs' totals")?;
    let (mut went, mut passed) = (Vec::new(), Vec::new());
    for r in &rows {
        let total: Option<f64> = r.get(0);
        let Some(total) = total else { continue };
        if r.get::<_, bool>(1) {
            went.push(total);
        } else {
            passed.push(total);
        }
    }
    Ok(alert_threshold(alerts.threshold, true, &went, &passed))
}
