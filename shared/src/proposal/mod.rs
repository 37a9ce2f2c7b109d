//! Proposal drafts (issue 11): what a freelancer sends a client, drafted from the job, its
//! assessment and the profile's `[proposal]` section.
//!
//! - [`Draft`]: the draft, the same whether an LLM ([`prompt`], [`schema`]) or the offline
//!   rules ([`offline`]) wrote it; checked against the job and profile by [`Draft::check`].
//! - [`render`]: the draft as a cover letter to paste, and as Telegram messages.
//!
//! Drafting, storing and reusing drafts is [`crate::propose`]'s work.

pub mod offline;
pub mod prompt;
pub mod render;
pub mod schema;

use serde::{Deserialize, Serialize};

use crate::evaluation::SuggestedBid;
use crate::job::Job;
use crate::profile::ProposalProfile;

/// Fewest and most steps in a draft's approach.
pub const APPROACH_STEPS: std::ops::RangeInclusive<usize> = 3..=5;
/// Most questions for the client.
pub const MAX_QUESTIONS: usize = 5;

/// A proposal draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// One or two sentences that answer the client's need.
    pub opening: String,
    /// The most relevant of the profile's case studies, by its exact title; `None` when none is.
    pub case_study: Option<CaseStudyPick>,
    /// 3-5 concrete steps.
    pub approach: Vec<String>,
    /// Questions for the client whose answers would change the plan or the price.
    pub questions: Vec<String>,
    /// The suggested bid, in US dollars.
    pub bid: SuggestedBid,
    /// One answer per screening question of the job, in its order.
    pub screening_answers: Vec<ScreeningAnswer>,
}

/// A case study of the profile, and why it matters to this client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseStudyPick {
    pub title: String,
    pub why: String,
}

/// A screening question and its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningAnswer {
    pub question: String,
    pub answer: String,
}

impl Draft {
    /// Checks a draft against the job and profile, and puts the job's own wording back on the
    /// screening questions (a model may paraphrase them). Errors say what is wrong, for a re-ask.
    pub fn check(&mut self, job: &Job, profile: &ProposalProfile) -> Result<(), String> {
        if self.opening.trim().is_empty() {
            return Err("the opening line is empty".into());
        }
        if let Some(pick) = &self.case_study {
            if !profile.case_studies.iter().any(|c| c.title == pick.title) {
                return Err(format!("case study {:?} is not one of the profile's", pick.title));
            }
        }
        self.approach.retain(|s| !s.trim().is_empty());
        if !APPROACH_STEPS.contains(&self.approach.len()) {
            return Err(format!("the approach has {} steps, not 3 to 5", self.approach.len()));
        }
        self.questions.retain(|q| !q.trim().is_empty());
        self.questions.truncate(MAX_QUESTIONS);
        if let Some(amount) = self.bid.amount {
            if !amount.is_finite() || amount <= 0.0 {
                return Err(format!("the bid {amount} is not a positive amount"));
            }
        }
        let asked = &job.screening_questions;
        if self.screening_answers.len() != asked.len() {
            return Err(format!(
                "{} screening answers for {} screening questions",
                self.screening_answers.len(),
                asked.len()
            ));
        }
        for (answer, question) in self.screening_answers.iter_mut().zip(asked) {
            if answer.answer.trim().is_empty() {
                return Err(format!("screening question {question:?} has no answer"));
            }
            answer.question.clone_from(question);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::LoadedProfile;

    fn profile() -> ProposalProfile {
        LoadedProfile::default_profile().profile.proposal.unwrap()
    }

    fn draft(job: &Job) -> Draft {
        Draft {
            opening: "You need a retrieval pipeline that cites its sources.".into(),
            case_study: Some(CaseStudyPick {
                title: profile().case_studies[1].title.clone(),
                why: "Same problem.".into(),
            }),
            approach: vec!["One.".into(), "Two.".into(), "Three.".into()],
            questions: vec!["Which documents?".into()],
            bid: SuggestedBid {
                amount: Some(4000.0),
                rate_type: crate::evaluation::RateType::Fixed,
                rationale: "Scope.".into(),
            },
            screening_answers: job
                .screening_questions
                .iter()
                .map(|q| ScreeningAnswer { question: format!("{q} (paraphrased)"), answer: "Yes.".into() })
                .collect(),
        }
    }

    #[test]
    fn a_sound_draft_passes_and_gets_the_jobs_own_questions_back() {
        let mut job = Job::example();
        job.screening_questions = vec!["Have you built RAG before?".into(), "When can you start?".into()];
        let mut d = draft(&job);
        d.check(&job, &profile()).unwrap();
        let questions: Vec<&str> = d.screening_answers.iter().map(|a| a.question.as_str()).collect();
        assert_eq!(questions, ["Have you built RAG before?", "When can you start?"]);
    }

    #[test]
    fn each_broken_rule_is_named() {
        let mut job = Job::example();
        job.screening_questions = vec!["Why you?".into()];
        let p = profile();
        type Break = fn(&mut Draft);
        let cases: Vec<(Break, &str)> = vec![
            (|d| d.opening = " ".into(), "opening line is empty"),
            (|d| d.case_study.as_mut().unwrap().title = "Invented work".into(), "not one of the profile's"),
            (|d| d.approach = vec!["Only.".into(), " ".into()], "1 steps, not 3 to 5"),
            (|d| d.approach = vec!["s".into(); 6], "6 steps"),
            (|d| d.bid.amount = Some(-5.0), "not a positive amount"),
            (|d| d.screening_answers.clear(), "0 screening answers for 1"),
            (|d| d.screening_answers[0].answer = "".into(), "has no answer"),
        ];
        for (breaks, expected) in cases {
            let mut d = draft(&job);
            breaks(&mut d);
            let e = d.check(&job, &p).unwrap_err();
            assert!(e.contains(expected), "{e:?} should say {expected:?}");
        }
    }
}
