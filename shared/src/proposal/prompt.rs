//! The proposal prompt: the freelancer (bio, tone, rates, case studies) in the system message;
//! the job as the scorer sees it, its assessment and its screening questions in the user message.

use std::fmt::Write;

use crate::display;
use crate::evaluation::prompt::user_message as job_message;
use crate::evaluation::Assessment;
use crate::job::Job;
use crate::profile::{Profile, ProposalProfile};

/// The system message for `profile` and its proposal section.
pub fn system_message(profile: &Profile, proposal: &ProposalProfile) -> String {
    let mut s = String::with_capacity(2500);
    let _ = writeln!(s, "You draft Upwork proposals for one freelancer and answer in JSON only.");
    let _ = writeln!(s, "Freelancer: {}. {}", profile.name, display::one_line(&proposal.bio));
    let _ = writeln!(s, "Write in this tone: {}.", display::one_line(&proposal.tone));
    let mut rates = Vec::new();
    if let Some(h) = proposal.rates.hourly {
        rates.push(format!("{}/h", display::amount(h, None)));
    }
    if let Some(f) = proposal.rates.min_fixed {
        rates.push(format!("fixed-price projects from {}", display::amount(f, None)));
    }
    if !rates.is_empty() {
        let _ = writeln!(s, "Rates (USD): {}.", rates.join("; "));
    }
    if proposal.case_studies.is_empty() {
        let _ = writeln!(s, "There are no case studies: case_study is null.");
    } else {
        let _ = writeln!(s, "Case studies (title: outcome; stack):");
        for c in &proposal.case_studies {
            let _ = writeln!(s, "- {}: {}; {}", c.title, display::one_line(&c.outcome), c.stack.join(", "));
        }
    }
    let _ = writeln!(
        s,
        "opening: one or two sentences that show you understood what the client needs and why; no \
         greeting, no praise of the job, no \"I am excited\". case_study: the one case study above that \
         best proves you can do this job, by its exact title, with one sentence on why it matters to \
         this client; null when none is relevant. approach: 3 to 5 short, concrete steps. questions: \
         2 to 4 questions whose answers would change the plan or the price. bid: a USD amount (the \
         fixed price or the hourly rate, as the job is paid) with a one-sentence rationale from the \
         budget, the scope and the rates above; null amount when no figure is sensible. \
         screening_answers: one per screening question, in order, in the first person. Claim only \
         what the bio and case studies show; never invent clients, numbers or links."
    );
    s
}

/// The user message: the job as the scorer sees it, what the assessment found, the screening
/// questions numbered.
pub fn user_message(job: &Job, assessment: Option<&Assessment>, description_chars: usize) -> String {
    let mut s = job_message(job, description_chars);
    if let Some(a) = assessment {
        let _ = writeln!(s, "Assessment: {}", display::one_line(&a.summary));
        if !a.matched_expertise.is_empty() {
            let _ = writeln!(s, "Matched expertise: {}", a.matched_expertise.join(", "));
        }
        if !a.red_flags.is_empty() {
            let _ = writeln!(s, "Red flags: {}", a.red_flags.join("; "));
        }
        let _ = writeln!(s, "Scorer's bid: {} ({})", display::bid(&a.suggested_bid), a.suggested_bid.rationale);
    }
    if job.screening_questions.is_empty() {
        let _ = writeln!(s, "No screening questions: screening_answers is [].");
    } else {
        let _ = writeln!(s, "Answer these {} screening questions, in order:", job.screening_questions.len());
        for (i, q) in job.screening_questions.iter().enumerate() {
            let _ = writeln!(s, "{}. {}", i + 1, display::one_line(q));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::LoadedProfile;

    #[test]
    fn the_prompt_carries_the_freelancer_and_the_job() {
        let profile = LoadedProfile::default_profile().profile;
        let proposal = profile.proposal.clone().unwrap();
        let system = system_message(&profile, &proposal);
        assert!(system.contains("$85/h") && system.contains("from $1,500"), "{system}");
        for c in &proposal.case_studies {
            assert_eq!(system.matches(c.title.as_str()).count(), 1, "{}", c.title);
        }
        assert!(system.contains(&display::one_line(&proposal.tone)));

        let mut job = Job::example();
        job.screening_questions = vec!["Describe a similar project.".into(), "Your rate?".into()];
        let user = user_message(&job, Some(&Assessment::example()), 4000);
        assert!(user.starts_with("Title: RAG assistant"), "{user}");
        assert!(user
            .contains("Answer these 2 screening questions, in order:\n1. Describe a similar project.\n2. Your rate?"));
        assert!(user.contains("Scorer's bid: "));
        job.screening_questions.clear();
        assert!(user_message(&job, None, 4000).contains("screening_answers is []"));
    }
}
