//! The prompt: the profile once in the system message, the job's fields once in the user
//! message, the description trimmed to a character budget.

use std::fmt::Write;

use crate::job::{Job, JobType};
use crate::profile::{Profile, CRITERIA};

/// Default description budget in characters (`PROMPT_DESCRIPTION_CHARS`).
pub const DEFAULT_DESCRIPTION_CHARS: usize = 4000;

/// The system message: who the freelancer is and how to score.
pub fn system_message(profile: &Profile) -> String {
    let mut s = String::with_capacity(2500);
    let _ = writeln!(s, "You screen Upwork jobs for one freelancer and answer in JSON only.");
    let _ = writeln!(s, "Freelancer: {}. {}", profile.name, profile.summary.trim());
    let _ = writeln!(s, "Expertise (area: level; keywords):");
    for e in &profile.expertise {
        let _ = writeln!(s, "- {}: {}; {}", e.name, e.level.as_str(), e.keywords.join(", "));
    }
    let _ = writeln!(s, "Score each criterion 0-10 (10 best) with a one-sentence reason:");
    for key in CRITERIA {
        let c = profile.criteria.get(key);
        let _ = writeln!(s, "- {} ({}%): {}", key.as_str(), c.weight, c.guidance.trim());
    }
    let _ = writeln!(
        s,
        "relevant=false (with irrelevant_reason) when the job is outside the freelancer's field. \
         matched_expertise: names of the areas above that the job needs. red_flags: concrete warning \
         signs (unrealistic scope for the budget, off-platform payment, vague or free test work). \
         suggested_bid: a USD amount (fixed price or hourly rate) with a short rationale; null amount \
         when no figure is sensible. summary: one line. Be terse."
    );
    s
}

/// The user message: the job's fields, the description cut to `description_chars` characters.
pub fn user_message(job: &Job, description_chars: usize) -> String {
    let mut s = String::with_capacity(description_chars + 600);
    let _ = writeln!(s, "Title: {}", job.title);
    let budget = match job.job_type {
        JobType::Fixed => job.fixed_budget.map(|b| format!("fixed ${b:.0}")),
        JobType::Hourly => match (job.hourly_min, job.hourly_max) {
            (Some(lo), Some(hi)) if lo != hi => Some(format!("hourly ${lo:.0}-${hi:.0}")),
            (Some(v), _) | (None, Some(v)) => Some(format!("hourly ${v:.0}")),
            _ => Some("hourly, rate not stated".into()),
        },
        JobType::Unknown => None,
    };
    line(&mut s, "Budget", budget.as_deref().or(Some("not stated")));
    line(&mut s, "Experience level", job.experience_level.as_deref());
    line(&mut s, "Duration", job.duration.as_deref());
    line(&mut s, "Weekly hours", job.workload.as_deref());
    if !job.skills.is_empty() {
        line(&mut s, "Skills", Some(&job.skills.join(", ")));
    }
    line(&mut s, "Category", job.category.as_deref());
    if let Some(p) = job.proposals {
        let text = match p.max {
            Some(hi) if hi != p.min => format!("{} to {hi}", p.min),
            Some(_) => p.min.to_string(),
            None => format!("{}+", p.min),
        };
        line(&mut s, "Proposals", Some(&text));
    }
    if let Some(at) = job.posted_at {
        line(&mut s, "Posted", Some(&at.format("%Y-%m-%d %H:%M UTC").to_string()));
    }
    let c = &job.client;
    let mut client = Vec::new();
    if let Some(v) = c.payment_verified {
        client.push(if v { "payment verified".to_string() } else { "payment NOT verified".to_string() });
    }
    if let Some(r) = c.rating {
        client.push(format!("rating {r:.2}"));
    }
    if let Some(n) = c.reviews {
        client.push(format!("{n} reviews"));
    }
    if let Some(t) = c.total_spent {
        client.push(format!("spent ${t:.0}"));
    }
    if let Some(h) = c.hires {
        client.push(format!("{h} hires"));
    }
    if let Some(h) = c.hire_rate {
        client.push(format!("hire rate {h:.0}%"));
    }
    if let Some(a) = c.avg_hourly_rate {
        client.push(format!("avg paid ${a:.0}/h"));
    }
    if let Some(country) = &c.country {
        client.push(country.clone());
    }
    if !client.is_empty() {
        line(&mut s, "Client", Some(&client.join(", ")));
    }
    if !job.screening_questions.is_empty() {
        line(&mut s, "Screening questions", Some(&job.screening_questions.join(" | ")));
    }
    if let Some(d) = &job.description {
        let (text, cut) = trim_chars(d, description_chars);
        let _ = writeln!(s, "Description{}:\n{}", if cut { " (trimmed)" } else { "" }, text);
    }
    s
}

fn line(s: &mut String, label: &str, value: Option<&str>) {
    if let Some(v) = value {
        let _ = writeln!(s, "{label}: {v}");
    }
}

/// The first `max` characters of `text` (whitespace runs folded), and whether it was cut.
pub fn trim_chars(text: &str, max: usize) -> (String, bool) {
    let mut out = String::with_capacity(text.len().min(max * 4));
    let mut count = 0;
    let mut last_space = false;
    for c in text.trim().chars() {
        let c = if c == '\t' || c == '\u{a0}' { ' ' } else { c };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        if count == max {
            return (out, true);
        }
        out.push(c);
        count += 1;
    }
    (out, false)
}

/// A rough token count (4 characters a token), for pacing before the real count is known.
pub fn estimate_tokens(text: &str) -> u32 {
    (text.chars().count() as u32).div_ceil(4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::LoadedProfile;

    #[test]
    fn the_profile_appears_once_in_the_system_message() {
        let profile = LoadedProfile::default_profile().profile;
        let s = system_message(&profile);
        assert_eq!(s.matches("AI agent architecture").count(), 1);
        assert!(s.contains("technical_fit (30%)"));
        assert!(s.len() < 3000, "compact: {} chars", s.len());
    }

    #[test]
    fn descriptions_are_trimmed_to_the_budget() {
        let (t, cut) = trim_chars("a\t\tb  c", 10);
        assert_eq!((t.as_str(), cut), ("a b c", false));
        let (t, cut) = trim_chars("héllo wörld", 5);
        assert_eq!((t.as_str(), cut), ("héllo", true));
    }
}
