//! The offline draft: deterministic, from the job, its assessment and the profile, for when no
//! Cerebras key is set. It says only what those hold: the case study is the one whose stack the
//! job names most, the bid comes from the assessment or the rates, and a screening question it
//! has nothing to answer with is left as a marked gap for the freelancer, never made up.

use crate::display;
use crate::evaluation::{Assessment, Complexity, RateType};
use crate::job::{skill_key, Job, JobType};
use crate::profile::{CaseStudy, ProposalProfile};

use super::{CaseStudyPick, Draft, ScreeningAnswer};
use crate::evaluation::SuggestedBid as Bid;

/// What an answer the offline draft cannot give says.
pub const GAP: &str = "[Your answer: the offline draft has nothing to go on here.]";

/// The offline draft of `job`.
pub fn draft(job: &Job, assessment: &Assessment, profile: &ProposalProfile) -> Draft {
    let text = JobText::new(job, assessment);
    let best = best_case_study(&text, profile);
    let case = best.as_ref().map(|(c, _)| *c);
    let bid = bid(job, assessment, profile);
    Draft {
        opening: opening(job, assessment, case),
        case_study: best.as_ref().map(|(c, hits)| CaseStudyPick {
            title: c.title.clone(),
            why: format!("It used {}, as this job does.", list(hits)),
        }),
        approach: approach(job, assessment, &text),
        questions: questions(job, assessment),
        screening_answers: job
            .screening_questions
            .iter()
            .map(|q| ScreeningAnswer { question: q.clone(), answer: screening_answer(q, case, &bid) })
            .collect(),
        bid,
    }
}

/// The job's words, lowercased once: skills and stack as keys, title and description as text.
struct JobText {
    skills: Vec<String>,
    text: String,
}

impl JobText {
    fn new(job: &Job, assessment: &Assessment) -> JobText {
        let mut skills: Vec<String> =
            job.skills.iter().chain(&assessment.tech_stack).map(|s| skill_key(s)).filter(|s| !s.is_empty()).collect();
        skills.sort_unstable();
        skills.dedup();
        let text = format!("{} {}", job.title, job.description.as_deref().unwrap_or("")).to_lowercase();
        JobText { skills, text }
    }

    /// Whether the job names `term`: as a skill, or as a whole word of its text.
    fn names(&self, term: &str) -> bool {
        let key = skill_key(term);
        !key.is_empty() && (self.skills.contains(&key) || contains_word(&self.text, &key))
    }
}

/// Whether `needle` occurs in `hay` with no letter or digit right before or after it.
fn contains_word(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = hay[i + needle.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

/// The case study whose stack the job names most (the first on a tie), with the terms it names.
fn best_case_study<'p>(text: &JobText, profile: &'p ProposalProfile) -> Option<(&'p CaseStudy, Vec<String>)> {
    let mut best: Option<(&CaseStudy, Vec<String>)> = None;
    for c in &profile.case_studies {
        let hits: Vec<String> = c.stack.iter().filter(|t| text.names(t)).cloned().collect();
        if !hits.is_empty() && best.as_ref().is_none_or(|(_, b)| hits.len() > b.len()) {
            best = Some((c, hits));
        }
    }
    best
}

/// `a`, `a and b`, `a, b and c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn opening(job: &Job, assessment: &Assessment, case: Option<&CaseStudy>) -> String {
    let title = display::one_line(job.title.trim_end_matches(['.', '!', '?']));
    let need = if title.is_empty() { "this project".to_string() } else { format!("\"{title}\"") };
    let mut s = format!("You need {need} built by someone who has shipped this kind of system before");
    if !assessment.matched_expertise.is_empty() {
        s.push_str(&format!(": that is my daily work in {}", list(&assessment.matched_expertise)));
    }
    s.push('.');
    if let Some(c) = case {
        s.push_str(&format!(" Most recently: {}", display::one_line(&c.outcome)));
        if !s.ends_with('.') {
            s.push('.');
        }
    }
    s
}

fn approach(job: &Job, assessment: &Assessment, text: &JobText) -> Vec<String> {
    let stack: Vec<String> = text.skills.iter().take(3).cloned().collect();
    let mut steps = vec![
        "Agree on the deliverables, the acceptance criteria and access to what exists, in a short call or in writing."
            .to_string(),
    ];
    steps.push(if stack.is_empty() {
        "Build a first working slice end to end in the first week, for you to try.".to_string()
    } else {
        format!("Set up {} and build a first working slice end to end in the first week, for you to try.", list(&stack))
    });
    if assessment.complexity != Complexity::Low {
        steps.push("Build the rest in small increments you review as they land, each with its tests.".into());
    }
    if assessment.complexity == Complexity::High {
        steps.push(
            "Harden it before launch: error handling, monitoring, and a load check at the volumes you expect.".into(),
        );
    }
    let handover = match job.job_type {
        JobType::Hourly => "Hand over with documentation and a walkthrough, and report hours weekly throughout.",
        _ => "Hand over with documentation and a walkthrough, and fix anything found in the first two weeks.",
    };
    steps.push(handover.into());
    steps
}

fn questions(job: &Job, assessment: &Assessment) -> Vec<String> {
    let mut q = Vec::new();
    let no_budget = match job.job_type {
        JobType::Fixed => job.fixed_budget.is_none_or(|b| b <= 0.0),
        JobType::Hourly => job.hourly_min.is_none() && job.hourly_max.is_none(),
        JobType::Unknown => true,
    };
    if no_budget {
        q.push("What budget range do you have in mind?".to_string());
    }
    if job.duration.is_none() {
        q.push("What timeline are you working to, and is there a fixed date?".into());
    }
    for flag in assessment.red_flags.iter().take(2) {
        q.push(format!("Could you say more about this: {}?", display::one_line(flag).trim_end_matches(['.', '?'])));
    }
    if job.description.as_deref().is_none_or(|d| d.chars().count() < 400) {
        q.push("What does done look like: which deliverables, and how will you check them?".into());
    }
    q.push("Is there existing code, data or infrastructure this should build on?".into());
    q.truncate(4);
    q
}

fn bid(job: &Job, assessment: &Assessment, profile: &ProposalProfile) -> Bid {
    let scorer = &assessment.suggested_bid;
    if let Some(amount) = scorer.amount.filter(|a| a.is_finite() && *a > 0.0) {
        return Bid { amount: Some(amount), rate_type: scorer.rate_type, rationale: scorer.rationale.clone() };
    }
    let rates = &profile.rates;
    match job.job_type {
        JobType::Hourly => match rates.hourly {
            Some(rate) => {
                let mut rationale = format!("Your usual rate of {}/h", display::amount(rate, None));
                if let Some(max) = job.hourly_max.filter(|m| *m < rate) {
                    rationale.push_str(&format!(", above the client's top of {}/h", display::amount(max, None)));
                }
                rationale.push('.');
                Bid { amount: Some(rate), rate_type: RateType::Hourly, rationale }
            }
            None => no_figure(RateType::Hourly, "the profile states no hourly rate"),
        },
        _ => match (job.fixed_budget.filter(|b| *b > 0.0), rates.min_fixed) {
            (Some(budget), Some(min)) if budget < min => Bid {
                amount: Some(min),
                rate_type: RateType::Fixed,
                rationale: format!(
                    "Your minimum of {} for a fixed-price project; the budget is {}.",
                    display::amount(min, None),
                    display::amount(budget, None)
                ),
            },
            (Some(budget), _) => {
                Bid { amount: Some(budget), rate_type: RateType::Fixed, rationale: "At the client's budget.".into() }
            }
            (None, _) => no_figure(RateType::Fixed, "the job states no budget"),
        },
    }
}

fn no_figure(rate_type: RateType, why: &str) -> Bid {
    Bid { amount: None, rate_type, rationale: format!("No figure: {why}; ask first.") }
}

/// Answers from what the profile holds: past work from the case study, price from the bid;
/// anything else is a marked gap.
fn screening_answer(question: &str, case: Option<&CaseStudy>, bid: &Bid) -> String {
    let q = question.to_lowercase();
    let about = |words: &[&str]| words.iter().any(|w| q.contains(w));
    if about(&["experience", "similar", "example", "portfolio", "past", "previous", "built", "worked"]) {
        if let Some(c) = case {
            let link = c.link.as_deref().map(|l| format!(" ({l})")).unwrap_or_default();
            return format!("Yes: {}{link}. {}", c.title, display::one_line(&c.outcome));
        }
    }
    if about(&["rate", "budget", "price", "cost", "quote", "charge"]) {
        if let Some(amount) = bid.amount {
            let figure = match bid.rate_type {
                RateType::Hourly => format!("{}/h", display::amount(amount, None)),
                RateType::Fixed => format!("{} for the scope as described", display::amount(amount, None)),
            };
            return format!("{figure}. {}", bid.rationale);
        }
    }
    GAP.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::LoadedProfile;

    fn profile() -> ProposalProfile {
        LoadedProfile::default_profile().profile.proposal.unwrap()
    }

    #[test]
    fn the_draft_passes_its_own_check_and_picks_the_case_study_the_job_names_most() {
        let p = profile();
        let mut job = Job::example();
        job.screening_questions = vec![
            "Describe a similar project you have built.".into(),
            "What would you charge?".into(),
            "Are you available on weekends?".into(),
        ];
        let mut d = draft(&job, &Assessment::example(), &p);
        d.check(&job, &p).unwrap();
        // Job skills Python, LangChain, pgvector, RAG: the RAG study names RAG and Python, the
        // support agent Python, LangChain and pgvector (and the stack adds FastAPI): it wins.
        let pick = d.case_study.as_ref().unwrap();
        assert_eq!(pick.title, "Support agent for a B2B SaaS");
        assert!(pick.why.contains("LangChain") && pick.why.contains("pgvector"), "{}", pick.why);
        assert_eq!(d.approach.len(), 4, "medium complexity: {:?}", d.approach);
        let answers: Vec<&str> = d.screening_answers.iter().map(|a| a.answer.as_str()).collect();
        assert!(answers[0].starts_with("Yes: Support agent for a B2B SaaS (https://"), "{}", answers[0]);
        assert!(answers[1].starts_with("$4,000 for the scope as described."), "{}", answers[1]);
        assert_eq!(answers[2], GAP, "nothing in the profile says so");
        assert_eq!(draft(&job, &Assessment::example(), &p), d, "deterministic");
    }

    #[test]
    fn the_bid_falls_back_on_the_rates_and_says_why() {
        let p = profile();
        let mut a = Assessment::example();
        a.suggested_bid.amount = None;
        let mut job = Job::example();
        job.fixed_budget = Some(800.0);
        let b = draft(&job, &a, &p).bid;
        assert_eq!((b.amount, b.rate_type), (Some(1500.0), RateType::Fixed));
        assert_eq!(b.rationale, "Your minimum of $1,500 for a fixed-price project; the budget is $800.");
        job.job_type = JobType::Hourly;
        job.hourly_max = Some(60.0);
        let b = draft(&job, &a, &p).bid;
        assert_eq!(
            (b.amount, b.rationale.as_str()),
            (Some(85.0), "Your usual rate of $85/h, above the client's top of $60/h.")
        );
        job.job_type = JobType::Fixed;
        job.fixed_budget = None;
        let d = draft(&job, &a, &p);
        assert_eq!(d.bid.amount, None);
        assert_eq!(d.questions[0], "What budget range do you have in mind?");
    }

    #[test]
    fn a_job_that_names_no_case_study_gets_none_and_low_complexity_three_steps() {
        let p = profile();
        let mut job = Job::example();
        job.title = "Logo for a bakery".into();
        job.description = Some("A friendly logo.".into());
        job.skills = vec!["Illustrator".into()];
        let mut a = Assessment::example();
        a.tech_stack.clear();
        a.matched_expertise.clear();
        a.complexity = Complexity::Low;
        let d = draft(&job, &a, &p);
        assert_eq!(d.case_study, None);
        assert_eq!(d.approach.len(), 3);
        assert_eq!(
            d.opening,
            "You need \"Logo for a bakery\" built by someone who has shipped this kind of system before."
        );
        assert!(contains_word("use go here", "go") && !contains_word("google", "go"));
    }
}
