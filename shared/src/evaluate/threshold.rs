//! The alert threshold the evaluator uses: the profile's, or, when the profile follows
//! decisions, the one they suggest ([`crate::decision::threshold`]), read again at most once
//! every [`THRESHOLD_TTL`] so that scoring a batch costs no query per job.

use std::time::{Duration, Instant};

use tracing::warn;

use crate::profile::Alerts;
use crate::store::Db;

/// How long a threshold read from the decisions is used before it is read again.
pub const THRESHOLD_TTL: Duration = Duration::from_secs(60);

/// The last threshold read, and when.
#[derive(Debug, Default)]
pub struct ThresholdCache(tokio::sync::Mutex<Option<(Instant, f64)>>);

impl ThresholdCache {
    /// The threshold in use. When the decisions cannot be read, the configured threshold (for
    /// this call only; the next one tries again).
    pub async fn get(&self, db: &Db, alerts: Alerts) -> f64 {
        if !alerts.follow_decisions {
            return alerts.threshold;
        }
        let mut cached = self.0.lock().await;
        if let Some((at, value)) = *cached {
            if at.elapsed() < THRESHOLD_TTL {
                return value;
            }
        }
        let read = async {
            let client = db.get().await.map_err(anyhow::Error::from)?;
            crate::read::alert_threshold(&**client, alerts).await
        };
        match read.await {
            Ok(t) => {
                tracing::debug!(value = t.value, learned = ?t.learned, went_for = t.went_for, not_for_me = t.not_for_me, "alert threshold");
                *cached = Some((Instant::now(), t.value));
                t.value
            }
            Err(e) => {
                warn!(error = %format!("{e:#}"), "cannot read the decisions; alerting at the configured threshold");
                alerts.threshold
            }
        }
    }
}
