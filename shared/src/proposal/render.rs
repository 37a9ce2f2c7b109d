//! A draft as the freelancer uses it: the cover letter to paste into Upwork (plain text), and
//! the whole draft as Telegram messages in HTML style, each under Telegram's 4,096 characters.

use crate::display;
use crate::profile::ProposalProfile;
use crate::telegram::html::{bold, escape, italic, link, pack, MAX_MESSAGE};

use super::Draft;

/// The cover letter: opening, the case study with its outcome and link, the approach, the
/// questions. The bid and the screening answers go into their own Upwork fields.
pub fn cover_letter(draft: &Draft, profile: &ProposalProfile) -> String {
    let mut parts = vec![draft.opening.trim().to_string()];
    if let Some(pick) = &draft.case_study {
        if let Some(c) = profile.case_studies.iter().find(|c| c.title == pick.title) {
            let mut s = format!("Relevant work: {}. {}", c.title, display::one_line(&c.outcome));
            if let Some(l) = &c.link {
                s.push_str(&format!(" ({l})"));
            }
            if !pick.why.trim().is_empty() {
                s.push(' ');
                s.push_str(pick.why.trim());
            }
            parts.push(s);
        }
    }
    let steps: Vec<String> =
        draft.approach.iter().enumerate().map(|(i, s)| format!("{}. {}", i + 1, s.trim())).collect();
    parts.push(format!("How I would go about it:\n{}", steps.join("\n")));
    if !draft.questions.is_empty() {
        let qs: Vec<String> = draft.questions.iter().map(|q| format!("- {}", q.trim())).collect();
        parts.push(format!("A few questions first:\n{}", qs.join("\n")));
    }
    parts.join("\n\n")
}

/// The draft as Telegram messages: a heading, then one block per part, packed into messages of
/// at most `limit` UTF-16 units ([`MAX_MESSAGE`] for the bot), cut only between or inside
/// blocks where no tag is open.
pub fn telegram_messages(draft: &Draft, profile: &ProposalProfile, heading: &str, limit: usize) -> Vec<String> {
    let mut blocks = vec![heading.to_string(), escape(draft.opening.trim())];
    if let Some(pick) = &draft.case_study {
        let case = profile.case_studies.iter().find(|c| c.title == pick.title);
        let title = match case.and_then(|c| c.link.as_deref()) {
            Some(url) => link(&pick.title, url),
            None => bold(&pick.title),
        };
        let outcome = case.map(|c| escape(&display::one_line(&c.outcome))).unwrap_or_default();
        blocks.push(format!("{}\n{title}: {outcome}\n{}", bold("Relevant work"), italic(pick.why.trim())));
    }
    let steps: Vec<String> =
        draft.approach.iter().enumerate().map(|(i, s)| format!("{}. {}", i + 1, escape(s.trim()))).collect();
    blocks.push(format!("{}\n{}", bold("Approach"), steps.join("\n")));
    if !draft.questions.is_empty() {
        let qs: Vec<String> = draft.questions.iter().map(|q| format!("• {}", escape(q.trim()))).collect();
        blocks.push(format!("{}\n{}", bold("Questions for the client"), qs.join("\n")));
    }
    blocks.push(format!(
        "{} {}\n{}",
        bold("Bid:"),
        escape(&display::bid(&draft.bid)),
        escape(draft.bid.rationale.trim())
    ));
    for (i, a) in draft.screening_answers.iter().enumerate() {
        let head = if i == 0 { format!("{}\n", bold("Screening questions")) } else { String::new() };
        blocks.push(format!("{head}{}\n{}", italic(&display::one_line(&a.question)), escape(a.answer.trim())));
    }
    pack(&blocks, limit.min(MAX_MESSAGE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Assessment;
    use crate::job::Job;
    use crate::profile::LoadedProfile;
    use crate::proposal::offline;
    use crate::telegram::html::{check, plain_text, utf16_len};

    fn setup(questions: usize, answer_len: usize) -> (Draft, ProposalProfile) {
        let p = LoadedProfile::default_profile().profile.proposal.unwrap();
        let mut job = Job::example();
        job.screening_questions = (0..questions).map(|i| format!("Question <{i}> & more?")).collect();
        let mut d = offline::draft(&job, &Assessment::example(), &p);
        for a in &mut d.screening_answers {
            a.answer = "Long answer with <tags> & ampersands. ".repeat(answer_len / 39 + 1);
        }
        (d, p)
    }

    #[test]
    fn the_cover_letter_has_the_parts_in_order_and_the_case_studys_link() {
        let (d, p) = setup(0, 0);
        let letter = cover_letter(&d, &p);
        let at = |needle: &str| letter.find(needle).unwrap_or_else(|| panic!("{needle:?} missing:\n{letter}"));
        assert!(at("You need") < at("Relevant work: Support agent"));
        assert!(at("(https://example.com/case-studies/support-agent)") < at("How I would go about it:\n1. "));
        assert!(at("How I would go") < at("A few questions first:\n- "));
    }

    #[test]
    fn a_long_draft_splits_into_valid_messages_under_the_limit_and_loses_nothing() {
        let (d, p) = setup(6, 1500);
        let messages = telegram_messages(&d, &p, &bold("Proposal draft"), MAX_MESSAGE);
        assert!(messages.len() >= 3, "{} messages", messages.len());
        let mut seen = String::new();
        for m in &messages {
            assert!(utf16_len(m) <= MAX_MESSAGE, "{} units", utf16_len(m));
            check(m).unwrap_or_else(|e| panic!("{e}: {m}"));
            seen.push_str(&plain_text(m).unwrap());
        }
        for i in 0..6 {
            assert!(seen.contains(&format!("Question <{i}> & more?")), "question {i} lost");
        }
        assert!(seen.contains("Bid: $4,000 fixed"));
        let short = telegram_messages(&setup(1, 10).0, &p, &bold("Proposal draft"), MAX_MESSAGE);
        assert_eq!(short.len(), 1, "a short draft is one message");
    }
}
