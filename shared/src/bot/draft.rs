//! The bot's words around a proposal draft: the heading over it and what a failure says. The
//! draft itself is [`crate::proposal::render::telegram_messages`].

use chrono::{DateTime, Utc};

use super::text::escape_capped;
use crate::display::{ago, one_line};
use crate::propose::ProposeError;
use crate::scoring::ScoreError;
use crate::store::proposals::StoredProposal;
use crate::telegram::html::{bold, escape, italic};

/// Most UTF-16 units of the job's title in the heading.
const TITLE_UNITS: usize = 200;

/// `✍️ Proposal draft · <title>` and who drafted it, when, and whether it is the stored one.
pub fn heading(title: &str, p: &StoredProposal, reused: bool, now: DateTime<Utc>) -> String {
    let title = one_line(title);
    let title = if title.is_empty() { "(untitled)".to_string() } else { title };
    let by = p.drafted_by();
    let when = if reused { format!("stored {}; ↻ for a new one", ago(p.updated_at, now)) } else { "new".to_string() };
    format!(
        "✍️ {} · {}\n{}",
        bold("Proposal draft"),
        escape_capped(&title, TITLE_UNITS),
        italic(&format!("{by} · {when}"))
    )
}

/// What the chat is told when no draft came.
pub fn failure(e: &ProposeError) -> String {
    let text = match e {
        ProposeError::NotFound(_) => "This job is no longer stored.".to_string(),
        ProposeError::NoProposalProfile => {
            "No draft: the profile has no [proposal] section (bio, tone, rates, case studies). Add one and redeploy."
                .to_string()
        }
        ProposeError::Drafting(ScoreError::MustWait { wait, .. }) => format!(
            "The model's rate limits need a wait of {} s. Press the button again then.",
            wait.as_secs_f64().ceil().max(1.0)
        ),
        ProposeError::Drafting(_) => "Drafting failed (the model did not answer usably). Try again in a minute.".into(),
        ProposeError::Database(_) => "Sorry, something went wrong. Please try again in a minute.".into(),
    };
    escape(&text)
}
