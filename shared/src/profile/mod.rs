//! The criteria profile: the freelancer's expertise, the weighted criteria, hard filters,
//! priority thresholds and the alert threshold, from TOML.
//!
//! The default profile (`shared/profiles/default.toml`) is compiled in; `PROFILE_PATH` points at
//! another. A profile's version is a hash of its parsed content, stored with every evaluation.

pub mod filters;
pub mod proposal;
pub mod tune;

use serde::{Deserialize, Serialize};

pub use proposal::{CaseStudy, ProposalProfile, Rates};

/// The compiled-in default profile.
pub const DEFAULT_TOML: &str = include_str!("../../profiles/default.toml");

/// A freelancer's criteria profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    pub summary: String,
    pub expertise: Vec<Expertise>,
    pub criteria: Criteria,
    #[serde(default)]
    pub filters: Filters,
    pub priority: PriorityThresholds,
    pub alerts: Alerts,
    /// What proposal drafts draw on (bio, case studies, rates, tone). It plays no part in
    /// scoring, so it is left out of [`Profile::version`]; drafts are keyed by
    /// [`Profile::proposal_version`], which includes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<ProposalProfile>,
}

/// An area of expertise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expertise {
    pub name: String,
    pub level: Level,
    pub keywords: Vec<String>,
}

/// How deep the expertise goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Expert,
    Advanced,
    Intermediate,
    Beginner,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Expert => "expert",
            Level::Advanced => "advanced",
            Level::Intermediate => "intermediate",
            Level::Beginner => "beginner",
        }
    }
}

/// The five criteria. Their names are fixed (the LLM's answer has exactly these scores).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    pub budget: Criterion,
    pub client: Criterion,
    pub clarity: Criterion,
    pub technical_fit: Criterion,
    pub competition: Criterion,
}

/// The criteria keys, in the order they are shown.
pub const CRITERIA: [CriterionKey; 5] = [
    CriterionKey::Budget,
    CriterionKey::Client,
    CriterionKey::Clarity,
    CriterionKey::TechnicalFit,
    CriterionKey::Competition,
];

/// One of the five criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKey {
    Budget,
    Client,
    Clarity,
    TechnicalFit,
    Competition,
}

impl CriterionKey {
    /// The key as it appears in TOML, JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CriterionKey::Budget => "budget",
            CriterionKey::Client => "client",
            CriterionKey::Clarity => "clarity",
            CriterionKey::TechnicalFit => "technical_fit",
            CriterionKey::Competition => "competition",
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            CriterionKey::Budget => "Budget",
            CriterionKey::Client => "Client",
            CriterionKey::Clarity => "Clarity",
            CriterionKey::TechnicalFit => "Technical fit",
            CriterionKey::Competition => "Competition",
        }
    }
}

impl Criteria {
    pub fn get(&self, key: CriterionKey) -> &Criterion {
        match key {
            CriterionKey::Budget => &self.budget,
            CriterionKey::Client => &self.client,
            CriterionKey::Clarity => &self.clarity,
            CriterionKey::TechnicalFit => &self.technical_fit,
            CriterionKey::Competition => &self.competition,
        }
    }

    pub fn get_mut(&mut self, key: CriterionKey) -> &mut Criterion {
        match key {
            CriterionKey::Budget => &mut self.budget,
            CriterionKey::Client => &mut self.client,
            CriterionKey::Clarity => &mut self.clarity,
            CriterionKey::TechnicalFit => &mut self.technical_fit,
            CriterionKey::Competition => &mut self.competition,
        }
    }
}

/// A criterion's weight (percent) and what it means for this freelancer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub weight: f64,
    pub guidance: String,
}

/// Hard filters: a job failing one is skipped without an LLM call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    pub min_fixed_budget: Option<f64>,
    pub min_hourly_rate: Option<f64>,
    #[serde(default)]
    pub payment_verified_required: bool,
    #[serde(default)]
    pub excluded_client_countries: Vec<String>,
    pub max_proposals: Option<u32>,
}

/// Totals at or above `high` are High priority, at or above `medium` Medium, else Low.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityThresholds {
    pub high: f64,
    pub medium: f64,
}

/// When a new evaluation is worth a Telegram message.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    pub threshold: f64,
    /// Opt-in: the threshold follows the freelancer's decisions
    /// ([`crate::decision::threshold`]) once there are enough of them; `threshold` stays the
    /// starting point and the value used without that evidence.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub follow_decisions: bool,
}

/// A job's priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Priority {
    Low,
    Medium,
    High,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Medium => "Medium",
            Priority::High => "High",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Some(Priority::Low),
            "medium" => Some(Priority::Medium),
            "high" => Some(Priority::High),
            _ => None,
        }
    }
}

/// A profile that failed to load or validate.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read profile {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("profile {origin} is not valid TOML for a profile: {message}")]
    Parse { origin: String, message: String },
    #[error("profile {origin} is inconsistent: {message}")]
    Invalid { origin: String, message: String },
}

/// 16 hex digits of the SHA-256 of a value's JSON.
fn short_hash(value: &impl Serialize) -> String {
    use sha2::{Digest, Sha256};
    let canonical = serde_json::to_vec(value).expect("profile serialises");
    hex::encode(&Sha256::digest(&canonical)[..8])
}

/// A validated profile with its version.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedProfile {
    pub profile: Profile,
    /// Hash of the parsed content (16 hex digits).
    pub version: String,
}

impl LoadedProfile {
    /// The compiled-in default.
    pub fn default_profile() -> LoadedProfile {
        Self::from_toml(DEFAULT_TOML, "default").expect("the default profile is valid")
    }

    /// `PROFILE_PATH` if set, else the default.
    pub fn from_env() -> Result<LoadedProfile, ProfileError> {
        match crate::config::optional("PROFILE_PATH") {
            Some(path) => Self::from_path(&path),
            None => Ok(Self::default_profile()),
        }
    }

    pub fn from_path(path: &str) -> Result<LoadedProfile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read { path: path.into(), source })?;
        Self::from_toml(&text, path)
    }

    /// Parses and validates a profile; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<LoadedProfile, ProfileError> {
        let profile: Profile =
            toml::from_str(text).map_err(|e| ProfileError::Parse { origin: origin.into(), message: e.to_string() })?;
        profile.validate().map_err(|message| ProfileError::Invalid { origin: origin.into(), message })?;
        let version = profile.version();
        Ok(LoadedProfile { profile, version })
    }
}

impl Profile {
    /// A hash of the parsed content: comments, layout, the [`proposal`](Profile::proposal)
    /// section and `alerts.follow_decisions` do not change it, since none of them changes a
    /// score (turning them on rescores nothing).
    pub fn version(&self) -> String {
        let alerts = Alerts { follow_decisions: false, ..self.alerts };
        let scoring = Profile { proposal: None, alerts, ..self.clone() };
        short_hash(&scoring)
    }

    /// The version proposal drafts are stored under: the scoring version and the proposal
    /// section together, so a new bio or case study makes new drafts and a new criterion does too.
    pub fn proposal_version(&self) -> String {
        short_hash(&(self.version(), &self.proposal))
    }

    fn validate(&self) -> Result<(), String> {
        let total: f64 = CRITERIA.iter().map(|k| self.criteria.get(*k).weight).sum();
        if (total - 100.0).abs() > 1e-6 {
            return Err(format!("criteria weights add up to {total}, not 100"));
        }
        if let Some(k) = CRITERIA.iter().find(|k| self.criteria.get(**k).weight < 0.0) {
            return Err(format!("criterion {} has a negative weight", k.as_str()));
        }
        let p = self.priority;
        if !(0.0..=100.0).contains(&p.medium) || !(0.0..=100.0).contains(&p.high) || p.medium > p.high {
            return Err(format!(
                "priority thresholds must satisfy 0 <= medium ({}) <= high ({}) <= 100",
                p.medium, p.high
            ));
        }
        if !(0.0..=100.0).contains(&self.alerts.threshold) {
            return Err(format!("alert threshold {} is outside 0-100", self.alerts.threshold));
        }
        if self.expertise.is_empty() {
            return Err("no expertise areas".into());
        }
        if let Some(e) = self.expertise.iter().find(|e| e.keywords.is_empty()) {
            return Err(format!("expertise area {:?} has no keywords", e.name));
        }
        if let Some(p) = &self.proposal {
            p.validate()?;
        }
        Ok(())
    }

    /// The priority of a total.
    pub fn priority_of(&self, total: f64) -> Priority {
        if total >= self.priority.high {
            Priority::High
        } else if total >= self.priority.medium {
            Priority::Medium
        } else {
            Priority::Low
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_profile_is_the_original_one() {
        let p = LoadedProfile::default_profile().profile;
        assert_eq!(p.expertise.len(), 8);
        assert_eq!(p.expertise[0].name, "AI agent architecture");
        assert_eq!(p.expertise[0].level, Level::Expert);
        assert!(p.expertise[1].keywords.contains(&"vector database".to_string()));
        let weights: Vec<f64> = CRITERIA.iter().map(|k| p.criteria.get(*k).weight).collect();
        assert_eq!(weights, [25.0, 15.0, 20.0, 30.0, 10.0]);
        assert_eq!((p.priority.high, p.priority.medium), (80.0, 50.0));
        assert_eq!(p.filters.min_fixed_budget, Some(500.0));
        assert_eq!(p.priority_of(80.0), Priority::High);
        assert_eq!(p.priority_of(79.9), Priority::Medium);
        assert_eq!(p.priority_of(49.0), Priority::Low);
    }

    #[test]
    fn the_version_follows_content_not_layout() {
        let a = LoadedProfile::from_toml(DEFAULT_TOML, "a").unwrap();
        let commented = format!("# a new comment\n\n{DEFAULT_TOML}");
        assert_eq!(LoadedProfile::from_toml(&commented, "b").unwrap().version, a.version);
        let changed = DEFAULT_TOML.replace("min_fixed_budget = 500", "min_fixed_budget = 800");
        assert_ne!(LoadedProfile::from_toml(&changed, "c").unwrap().version, a.version);
    }

    #[test]
    fn bad_profiles_are_refused_with_the_reason() {
        let bad_weights = DEFAULT_TOML.replace("weight = 25", "weight = 35");
        let e = LoadedProfile::from_toml(&bad_weights, "mine.toml").unwrap_err().to_string();
        assert!(e.contains("mine.toml") && e.contains("add up to 110"), "{e}");
        let typo = DEFAULT_TOML.replace("min_fixed_budget", "min_fixed_budgt");
        assert!(LoadedProfile::from_toml(&typo, "t").unwrap_err().to_string().contains("min_fixed_budgt"));
        let thresholds = DEFAULT_TOML.replace("high = 80", "high = 40");
        assert!(LoadedProfile::from_toml(&thresholds, "t")
            .unwrap_err()
            .to_string()
            .contains("medium (50) <= high (40)"));
    }
}
