//! The profile's `[proposal]` section: what a proposal draft draws on. A short bio, a few case
//! studies (title, outcome, stack, link), rates, and the tone to write in.

use serde::{Deserialize, Serialize};

/// What proposal drafts draw on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalProfile {
    /// Two or three sentences in the first person.
    pub bio: String,
    /// How drafts should sound: `"direct and warm, no buzzwords"`.
    pub tone: String,
    #[serde(default)]
    pub rates: Rates,
    #[serde(default)]
    pub case_studies: Vec<CaseStudy>,
}

/// The freelancer's rates, in USD.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    /// The usual hourly rate.
    pub hourly: Option<f64>,
    /// The least fixed-price project worth taking.
    pub min_fixed: Option<f64>,
}

/// One piece of past work a proposal can point at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseStudy {
    pub title: String,
    /// What it achieved, with a number where there is one.
    pub outcome: String,
    /// Technologies, matched against a job's skills and stack.
    #[serde(default)]
    pub stack: Vec<String>,
    pub link: Option<String>,
}

/// The most case studies a profile may list (each goes into every proposal prompt).
pub const MAX_CASE_STUDIES: usize = 12;

impl ProposalProfile {
    pub(super) fn validate(&self) -> Result<(), String> {
        if self.bio.trim().is_empty() {
            return Err("proposal.bio is empty".into());
        }
        if self.tone.trim().is_empty() {
            return Err("proposal.tone is empty".into());
        }
        for (name, rate) in
            [("proposal.rates.hourly", self.rates.hourly), ("proposal.rates.min_fixed", self.rates.min_fixed)]
        {
            if rate.is_some_and(|r| !r.is_finite() || r <= 0.0) {
                return Err(format!("{name} must be a positive amount"));
            }
        }
        if self.case_studies.len() > MAX_CASE_STUDIES {
            return Err(format!(
                "proposal.case_studies lists {}, at most {MAX_CASE_STUDIES} (each goes into every prompt)",
                self.case_studies.len()
            ));
        }
        for c in &self.case_studies {
            if c.title.trim().is_empty() || c.outcome.trim().is_empty() {
                return Err("every proposal.case_studies entry needs a title and an outcome".into());
            }
            if let Some(link) = &c.link {
                if !(link.starts_with("https://") || link.starts_with("http://")) {
                    return Err(format!("case study {:?}: link {link:?} is not an http(s) URL", c.title));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::profile::{LoadedProfile, DEFAULT_TOML};

    #[test]
    fn the_default_profile_has_a_proposal_section_that_leaves_the_scoring_version_alone() {
        let loaded = LoadedProfile::default_profile();
        let proposal = loaded.profile.proposal.as_ref().expect("the default profile can draft");
        assert!(proposal.case_studies.len() >= 3);
        assert!(proposal.rates.hourly.is_some());
        // Removing the section (as a profile without one) keeps the scoring version...
        let start = DEFAULT_TOML.find("[proposal]").unwrap();
        let without = LoadedProfile::from_toml(&DEFAULT_TOML[..start], "without").unwrap();
        assert_eq!(without.version, loaded.version);
        // ...but not the drafts' version; and a new bio changes only the drafts' version.
        assert_ne!(without.profile.proposal_version(), loaded.profile.proposal_version());
        let new_bio = DEFAULT_TOML.replacen("bio = \"\"\"", "bio = \"\"\"Hello. ", 1);
        let changed = LoadedProfile::from_toml(&new_bio, "bio").unwrap();
        assert_eq!(changed.version, loaded.version);
        assert_ne!(changed.profile.proposal_version(), loaded.profile.proposal_version());
    }

    #[test]
    fn a_bad_proposal_section_is_refused_with_the_reason() {
        let bad_link = DEFAULT_TOML.replacen("link = \"https://", "link = \"ftp://", 1);
        let e = LoadedProfile::from_toml(&bad_link, "p").unwrap_err().to_string();
        assert!(e.contains("is not an http(s) URL"), "{e}");
        let bad_rate = DEFAULT_TOML.replacen("hourly = ", "hourly = -", 1);
        let e = LoadedProfile::from_toml(&bad_rate, "p").unwrap_err().to_string();
        assert!(e.contains("proposal.rates.hourly"), "{e}");
    }
}
