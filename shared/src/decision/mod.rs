//! What the freelancer does with a job: applied, not for me (with a reason), interview, won,
//! lost. Each is stored as an event ([`crate::store::decisions`]); the latest one decides
//! whether the job stays in the default rankings ("not for me" leaves them), and all of them
//! are what `/stats` lines up with the scores and what a profile can be tuned from.

pub mod threshold;

use serde::{Deserialize, Serialize};

/// A decision on a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Applied,
    NotForMe,
    Interview,
    Won,
    Lost,
}

/// Why a job is not for the freelancer (the reason chips).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Budget,
    Client,
    Scope,
    Skills,
}

impl Decision {
    /// Every decision, in the order the buttons show them.
    pub const ALL: [Decision; 5] =
        [Decision::Applied, Decision::NotForMe, Decision::Interview, Decision::Won, Decision::Lost];

    /// As stored and as the API spells it: `applied`, `not_for_me`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Applied => "applied",
            Decision::NotForMe => "not_for_me",
            Decision::Interview => "interview",
            Decision::Won => "won",
            Decision::Lost => "lost",
        }
    }

    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            Decision::Applied => "Applied",
            Decision::NotForMe => "Not for me",
            Decision::Interview => "Interview",
            Decision::Won => "Won",
            Decision::Lost => "Lost",
        }
    }

    /// Reads [`Decision::as_str`]'s spelling.
    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s.trim())
    }
}

impl Reason {
    pub const ALL: [Reason; 4] = [Reason::Budget, Reason::Client, Reason::Scope, Reason::Skills];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Budget => "budget",
            Reason::Client => "client",
            Reason::Scope => "scope",
            Reason::Skills => "skills",
        }
    }

    /// The chip's label.
    pub fn label(self) -> &'static str {
        match self {
            Reason::Budget => "Budget",
            Reason::Client => "Client",
            Reason::Scope => "Scope",
            Reason::Skills => "Skills",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// A decision to record: a reason only with "not for me".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub decision: Decision,
    pub reason: Option<Reason>,
}

impl Choice {
    /// `decision` with `reason`; a reason with any decision but "not for me" is an error.
    pub fn new(decision: Decision, reason: Option<Reason>) -> Result<Choice, String> {
        if reason.is_some() && decision != Decision::NotForMe {
            return Err(format!("a reason goes only with not_for_me, not with {}", decision.as_str()));
        }
        Ok(Choice { decision, reason })
    }
}

/// Where a decision was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Api,
    Telegram,
    Page,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Telegram => "telegram",
            Source::Page => "page",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_and_reasons_read_back_as_spelled() {
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
            assert_eq!(serde_json::to_value(d).unwrap(), d.as_str());
        }
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.as_str()), Some(r));
        }
        assert_eq!(Decision::parse("Not for me"), None);
    }

    #[test]
    fn a_reason_goes_only_with_not_for_me() {
        assert!(Choice::new(Decision::NotForMe, Some(Reason::Budget)).is_ok());
        assert!(Choice::new(Decision::NotForMe, None).is_ok());
        assert_eq!(
            Choice::new(Decision::Applied, Some(Reason::Scope)),
            Err("a reason goes only with not_for_me, not with applied".into())
        );
    }
}
