//! Evaluations: what a scorer says about a job ([`Assessment`]), the JSON schema the LLM must
//! answer in, the prompt, and the total and priority we compute from the scores.

pub mod assessment;
pub mod prompt;
pub mod schema;

pub use assessment::{Assessment, Complexity, CriterionScore, RateType, Scores, SuggestedBid};

use serde::{Deserialize, Serialize};

use crate::profile::{Priority, Profile, CRITERIA};

/// Which scorer produced an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScorerKind {
    /// The offline, deterministic rules scorer.
    Rules,
    /// An LLM on Cerebras.
    Cerebras,
    /// No scorer: a hard filter skipped the job.
    Filter,
}

impl ScorerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScorerKind::Rules => "rules",
            ScorerKind::Cerebras => "cerebras",
            ScorerKind::Filter => "filter",
        }
    }
}

/// The weighted total, 0-100: the sum of weight (percent) x score (0-10) / 10, one decimal.
/// Computed by us from the criterion scores, never taken from the model.
pub fn total(profile: &Profile, scores: &Scores) -> f64 {
    let sum: f64 = CRITERIA.iter().map(|k| profile.criteria.get(*k).weight * scores.get(*k).score).sum();
    (sum / 10.0 * 10.0).round() / 10.0
}

/// Total and priority of an assessment under a profile.
pub fn grade(profile: &Profile, assessment: &Assessment) -> (f64, Priority) {
    let t = total(profile, &assessment.scores);
    (t, profile.priority_of(t))
}

/// Token usage of one scoring.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::LoadedProfile;

    #[test]
    fn total_is_the_weighted_sum_times_ten() {
        let profile = LoadedProfile::default_profile().profile;
        let mut a = Assessment::example();
        a.scores.budget.score = 10.0;
        a.scores.client.score = 8.0;
        a.scores.clarity.score = 6.0;
        a.scores.technical_fit.score = 9.0;
        a.scores.competition.score = 5.0;
        // 0.25*10 + 0.15*8 + 0.20*6 + 0.30*9 + 0.10*5 = 8.1 -> 81
        assert_eq!(grade(&profile, &a), (81.0, Priority::High));
        a.scores.technical_fit.score = 2.0;
        assert_eq!(grade(&profile, &a), (60.0, Priority::Medium));
    }
}
