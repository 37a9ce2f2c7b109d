//! The buttons under an alert and a `/job` report: the decisions Applied, Not for me, Interview,
//! Won, Lost ("Not for me" first asks why: Budget, Client, Scope, Skills), and "Draft proposal".
//! Their `callback_data` is `d:<code>:<job id>` and `p:<job id>` (`pr:<job id>` for a new draft),
//! at most Telegram's 64 bytes: a job whose id does not fit gets no buttons.

use serde_json::{json, Value};

use super::command::MAX_CALLBACK_DATA;
use crate::decision::{Choice, Decision, Reason};

/// What a decision button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Press {
    /// Records the choice.
    Choose(Choice),
    /// "Not for me": shows the reason chips.
    AskReason,
}

/// A pressed decision button: what it does, on which job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionPress {
    pub job_id: String,
    pub press: Press,
}

fn decision_code(d: Decision) -> &'static str {
    match d {
        Decision::Applied => "a",
        Decision::NotForMe => "n",
        Decision::Interview => "i",
        Decision::Won => "w",
        Decision::Lost => "l",
    }
}

fn reason_code(r: Reason) -> &'static str {
    match r {
        Reason::Budget => "nb",
        Reason::Client => "nc",
        Reason::Scope => "ns",
        Reason::Skills => "nk",
    }
}

impl DecisionPress {
    /// As `callback_data`; `None` when it would be over 64 bytes.
    pub fn encode(&self) -> Option<String> {
        let code = match self.press {
            Press::AskReason => "?",
            Press::Choose(Choice { decision: Decision::NotForMe, reason: Some(r) }) => reason_code(r),
            Press::Choose(Choice { decision, .. }) => decision_code(decision),
        };
        let data = format!("d:{code}:{}", self.job_id);
        (data.len() <= MAX_CALLBACK_DATA && !self.job_id.is_empty()).then_some(data)
    }

    /// Reads [`DecisionPress::encode`]'s `callback_data`; `None` for anything else.
    pub fn decode(data: &str) -> Option<DecisionPress> {
        let (code, job_id) = data.strip_prefix("d:")?.split_once(':')?;
        if job_id.is_empty() {
            return None;
        }
        let choose = |decision, reason| Press::Choose(Choice { decision, reason });
        let press = match code {
            "?" => Press::AskReason,
            _ => match Decision::ALL.into_iter().find(|d| decision_code(*d) == code) {
                Some(d) => choose(d, None),
                None => choose(Decision::NotForMe, Some(Reason::ALL.into_iter().find(|r| reason_code(*r) == code)?)),
            },
        };
        Some(DecisionPress { job_id: job_id.to_string(), press })
    }
}

/// A pressed "Draft proposal" (or "New draft") button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftPress {
    pub job_id: String,
    /// A new draft even when one is stored.
    pub redo: bool,
}

impl DraftPress {
    /// As `callback_data`; `None` when it would be over 64 bytes.
    pub fn encode(&self) -> Option<String> {
        let data = format!("{}:{}", if self.redo { "pr" } else { "p" }, self.job_id);
        (data.len() <= MAX_CALLBACK_DATA && !self.job_id.is_empty()).then_some(data)
    }

    /// Reads [`DraftPress::encode`]'s `callback_data`; `None` for anything else.
    pub fn decode(data: &str) -> Option<DraftPress> {
        let (redo, job_id) = match data.split_once(':')? {
            ("p", id) => (false, id),
            ("pr", id) => (true, id),
            _ => return None,
        };
        (!job_id.is_empty()).then(|| DraftPress { job_id: job_id.to_string(), redo })
    }
}

/// The button under a sent draft: "New draft".
pub fn redraft_keyboard(job_id: &str) -> Option<Value> {
    let data = DraftPress { job_id: job_id.to_string(), redo: true }.encode()?;
    Some(json!({ "inline_keyboard": [[{"text": "↻ New draft", "callback_data": data}]] }))
}

fn button(text: String, press: DecisionPress) -> Option<Value> {
    Some(json!({"text": text, "callback_data": press.encode()?}))
}

/// The keyboard for a job: the decisions, `chosen` marked with ✓, and "Draft proposal"; `None`
/// when the job's id is too long for a button (its own or one of the reason chips it leads to).
pub fn keyboard(job_id: &str, chosen: Option<Choice>) -> Option<Value> {
    reason_keyboard(job_id)?;
    let label = |d: Decision| {
        let reason = chosen.filter(|c| c.decision == d).and_then(|c| c.reason).map(|r| format!(" · {}", r.label()));
        match chosen {
            Some(c) if c.decision == d => format!("✓ {}{}", d.label(), reason.unwrap_or_default()),
            _ => d.label().to_string(),
        }
    };
    let press = |d: Decision| DecisionPress {
        job_id: job_id.to_string(),
        press: if d == Decision::NotForMe {
            Press::AskReason
        } else {
            Press::Choose(Choice { decision: d, reason: None })
        },
    };
    let row = |ds: &[Decision]| ds.iter().map(|d| button(label(*d), press(*d))).collect::<Option<Vec<_>>>();
    let draft = DraftPress { job_id: job_id.to_string(), redo: false }.encode()?;
    let rows = vec![
        row(&[Decision::Applied, Decision::NotForMe])?,
        row(&[Decision::Interview, Decision::Won, Decision::Lost])?,
        vec![json!({"text": "✍️ Draft proposal", "callback_data": draft})],
    ];
    Some(json!({ "inline_keyboard": rows }))
}

/// The reason chips shown after "Not for me", and "Just not for me" (no reason).
pub fn reason_keyboard(job_id: &str) -> Option<Value> {
    let chip = |reason: Option<Reason>, text: &str| {
        let choice = Choice { decision: Decision::NotForMe, reason };
        button(text.to_string(), DecisionPress { job_id: job_id.to_string(), press: Press::Choose(choice) })
    };
    let chips = Reason::ALL.into_iter().map(|r| chip(Some(r), r.label())).collect::<Option<Vec<_>>>()?;
    Some(json!({ "inline_keyboard": [chips, [chip(None, "Just not for me")?]] }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_callback(markup: &Value) -> Vec<String> {
        markup["inline_keyboard"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|row| row.as_array().unwrap().iter().map(|b| b["callback_data"].as_str().unwrap().to_string()))
            .filter(|data| data.starts_with("d:"))
            .collect()
    }

    #[test]
    fn every_button_round_trips_within_64_bytes() {
        let id = "~0140c7f1b2e3d4a5b6c7";
        let mut seen = Vec::new();
        for markup in [keyboard(id, None).unwrap(), reason_keyboard(id).unwrap()] {
            for data in every_callback(&markup) {
                assert!(data.len() <= 64, "{data}");
                let press = DecisionPress::decode(&data).unwrap();
                assert_eq!(press.job_id, id);
                assert_eq!(press.encode().as_deref(), Some(data.as_str()));
                seen.push(press.press);
            }
        }
        assert_eq!(seen.len(), 5 + 5, "five decisions, four reasons and no reason");
        let draft = keyboard(id, None).unwrap()["inline_keyboard"][2][0]["callback_data"].as_str().unwrap().to_string();
        assert_eq!(DraftPress::decode(&draft), Some(DraftPress { job_id: id.into(), redo: false }));
        let redraft =
            redraft_keyboard(id).unwrap()["inline_keyboard"][0][0]["callback_data"].as_str().unwrap().to_string();
        assert_eq!(DraftPress::decode(&redraft), Some(DraftPress { job_id: id.into(), redo: true }));
        assert_eq!(DecisionPress::decode(&draft), None, "a draft press is not a decision");
        assert!(seen.contains(&Press::AskReason));
        assert!(seen.contains(&Press::Choose(Choice { decision: Decision::NotForMe, reason: Some(Reason::Skills) })));
        assert!(seen.contains(&Press::Choose(Choice { decision: Decision::NotForMe, reason: None })));
    }

    #[test]
    fn too_long_ids_get_no_buttons_and_foreign_data_is_refused() {
        let long = "x".repeat(60);
        assert_eq!(keyboard(&long, None), None, "its reason chips would not fit");
        assert_eq!(reason_keyboard(&long), None);
        assert!(keyboard(&long[1..], None).is_some() && reason_keyboard(&long[1..]).is_some());
        for data in ["top:0:5:", "d:", "d:a:", "d:zz:123", "d:nb", "x:a:123"] {
            assert_eq!(DecisionPress::decode(data), None, "{data}");
            assert_eq!(DraftPress::decode(data), None, "{data}");
        }
        assert_eq!(DraftPress::decode("p:"), None);
        assert_eq!(DraftPress { job_id: "x".repeat(62), redo: false }.encode(), Some(format!("p:{}", "x".repeat(62))));
        assert_eq!(DraftPress { job_id: "x".repeat(62), redo: true }.encode(), None, "65 bytes");
        assert_eq!(DecisionPress::decode("d:a:with:colons").map(|p| p.job_id), Some("with:colons".into()));
    }

    #[test]
    fn the_chosen_decision_is_marked() {
        let chosen = Choice { decision: Decision::NotForMe, reason: Some(Reason::Budget) };
        let markup = keyboard("123", Some(chosen)).unwrap();
        assert_eq!(markup["inline_keyboard"][0][1]["text"], "✓ Not for me · Budget");
        assert_eq!(markup["inline_keyboard"][0][0]["text"], "Applied");
    }
}
