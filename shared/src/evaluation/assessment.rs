//! The shape of a scorer's answer, the same for the LLM and the rules scorer.

use serde::{Deserialize, Serialize};

use crate::profile::CriterionKey;

/// What a scorer says about one job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// Is this job within the freelancer's field at all?
    pub relevant: bool,
    /// Why not, when it is not relevant.
    pub irrelevant_reason: Option<String>,
    pub scores: Scores,
    pub tech_stack: Vec<String>,
    pub project_type: String,
    pub complexity: Complexity,
    /// Names of the profile's expertise areas the job calls for.
    pub matched_expertise: Vec<String>,
    pub red_flags: Vec<String>,
    /// One line.
    pub summary: String,
    pub suggested_bid: SuggestedBid,
}

/// The five criterion scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scores {
    pub budget: CriterionScore,
    pub client: CriterionScore,
    pub clarity: CriterionScore,
    pub technical_fit: CriterionScore,
    pub competition: CriterionScore,
}

impl Scores {
    pub fn get(&self, key: CriterionKey) -> &CriterionScore {
        match key {
            CriterionKey::Budget => &self.budget,
            CriterionKey::Client => &self.client,
            CriterionKey::Clarity => &self.clarity,
            CriterionKey::TechnicalFit => &self.technical_fit,
            CriterionKey::Competition => &self.competition,
        }
    }
}

/// A 0-10 score with its one-sentence reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionScore {
    pub score: f64,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Complexity {
    Low,
    Medium,
    High,
}

/// What to bid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestedBid {
    /// In US dollars: the fixed price, or the hourly rate. `None` when no figure is sensible.
    pub amount: Option<f64>,
    pub rate_type: RateType,
    pub rationale: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RateType {
    Fixed,
    Hourly,
}

impl Assessment {
    /// Checks the ranges the schema cannot express; returns what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        for key in crate::profile::CRITERIA {
            let s = self.scores.get(key);
            if !(0.0..=10.0).contains(&s.score) || !s.score.is_finite() {
                return Err(format!("score {} = {} is outside 0-10", key.as_str(), s.score));
            }
            if s.reason.trim().is_empty() {
                return Err(format!("score {} has no reason", key.as_str()));
            }
        }
        if let Some(amount) = self.suggested_bid.amount {
            if !amount.is_finite() || amount < 0.0 {
                return Err(format!("suggested bid {amount} is not a positive amount"));
            }
        }
        if self.summary.trim().is_empty() {
            return Err("summary is empty".into());
        }
        if !self.relevant && self.irrelevant_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err("not relevant, but no reason given".into());
        }
        Ok(())
    }

    /// A valid example, for tests and documentation.
    pub fn example() -> Assessment {
        let s = |score: f64, reason: &str| CriterionScore { score, reason: reason.into() };
        Assessment {
            relevant: true,
            irrelevant_reason: None,
            scores: Scores {
                budget: s(8.0, "A $4,000 fixed budget fits a two-week build."),
                client: s(9.0, "Verified payment, 4.9 rating and $120K spent."),
                clarity: s(7.0, "Deliverables are listed; acceptance criteria are thin."),
                technical_fit: s(9.0, "A RAG system over PDFs with pgvector is core expertise."),
                competition: s(6.0, "12 proposals in the first hour."),
            },
            tech_stack: vec!["Python".into(), "FastAPI".into(), "pgvector".into()],
            project_type: "RAG system".into(),
            complexity: Complexity::Medium,
            matched_expertise: vec!["RAG systems".into(), "Backend systems".into()],
            red_flags: vec![],
            summary: "RAG over contract PDFs with pgvector and a FastAPI service.".into(),
            suggested_bid: SuggestedBid {
                amount: Some(4000.0),
                rate_type: RateType::Fixed,
                rationale: "At the budget: the scope matches it.".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_after_parsing() {
        assert_eq!(Assessment::example().validate(), Ok(()));
        let mut a = Assessment::example();
        a.scores.clarity.score = 11.0;
        assert!(a.validate().unwrap_err().contains("clarity = 11"));
        let mut a = Assessment::example();
        a.relevant = false;
        assert!(a.validate().unwrap_err().contains("no reason"));
        let mut a = Assessment::example();
        a.scores.budget.reason = " ".into();
        assert!(a.validate().is_err());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let mut v = serde_json::to_value(Assessment::example()).unwrap();
        v["total"] = 99.into();
        assert!(serde_json::from_value::<Assessment>(v).is_err());
    }
}
