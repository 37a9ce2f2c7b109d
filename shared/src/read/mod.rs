//! The read side: what the api, the web page and the Telegram bot show. Every figure comes
//! from the database as stored; nothing is estimated here.

pub mod audit;
pub mod cursor;
pub mod decisions;
pub mod detail;
pub mod rankings;
pub mod stats;

pub use audit::{audit, Audit};
pub use cursor::Cursor;
pub use decisions::{alert_threshold, decision_stats, DecisionStats};
pub use detail::{job_detail, EvaluationView, JobDetail};
pub use rankings::{rankings, RankingItem, RankingPage, RankingQuery};
pub use stats::{stats, Stats};
