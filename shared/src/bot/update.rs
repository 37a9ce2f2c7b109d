//! The parts of Telegram's `Update` the bot reads. Every other field Telegram sends is ignored,
//! and fields Telegram may leave out are optional, so new Bot API versions do not break parsing.

use serde::Deserialize;

/// One incoming update: a message or a button press (the webhook is set to receive only these).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Update {
    pub update_id: i64,
    #[serde(default)]
    pub message: Option<Message>,
    #[serde(default)]
    pub callback_query: Option<CallbackQuery>,
}

/// A message sent to the bot.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Message {
    pub message_id: i64,
    pub chat: Chat,
    #[serde(default)]
    pub from: Option<User>,
    /// Absent for photos, stickers, service messages and the like.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub entities: Vec<MessageEntity>,
    /// The message this one replies to, if any (only its author is read).
    #[serde(default)]
    pub reply_to_message: Option<RepliedMessage>,
}

/// The message a message replies to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RepliedMessage {
    #[serde(default)]
    pub from: Option<User>,
}

/// Who the bot is (the answer to `getMe`): what a group message must name to be for it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BotIdentity {
    pub id: i64,
    pub username: String,
}

/// A chat: private (`id` is the user's), a group, a supergroup or a channel.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Chat {
    pub id: i64,
    #[serde(rename = "type", default)]
    pub kind: String,
}

/// A Telegram user.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct User {
    pub id: i64,
    #[serde(default)]
    pub is_bot: bool,
    #[serde(default)]
    pub username: Option<String>,
}

/// A marked-up span of a message's text, e.g. `bot_command` (offsets in UTF-16 units).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MessageEntity {
    #[serde(rename = "type")]
    pub kind: String,
    pub offset: i64,
    pub length: i64,
    /// For a `text_mention` (a user without a username): who is mentioned.
    #[serde(default)]
    pub user: Option<User>,
}

/// A press of an inline keyboard button.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallbackQuery {
    pub id: String,
    pub from: User,
    /// The message the button belongs to; absent for messages sent in inline mode.
    #[serde(default)]
    pub message: Option<CallbackMessage>,
    /// The button's `callback_data`.
    #[serde(default)]
    pub data: Option<String>,
}

/// The message a pressed button is attached to (possibly an "inaccessible" one: only these
/// fields are read, and both are always there).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallbackMessage {
    pub message_id: i64,
    pub chat: Chat,
}

impl Update {
    /// Parses an update from its JSON.
    pub fn from_json(value: &serde_json::Value) -> Result<Update, serde_json::Error> {
        Update::deserialize(value)
    }

    /// The chat the update comes from, if any.
    pub fn chat_id(&self) -> Option<i64> {
        if let Some(m) = &self.message {
            return Some(m.chat.id);
        }
        let q = self.callback_query.as_ref()?;
        Some(q.message.as_ref().map_or(q.from.id, |m| m.chat.id))
    }
}

impl Message {
    /// Whether the text starts with a bot command (`/top`, `/top@SomeBot`), by its entities when
    /// Telegram sent them, else by its first character.
    pub fn starts_with_command(&self) -> bool {
        let text = self.text.as_deref().unwrap_or("");
        if self.entities.is_empty() {
            return text.trim_start().starts_with('/');
        }
        self.entities.iter().any(|e| e.kind == "bot_command" && e.offset == 0)
    }

    /// Whether the message is in a private chat (everything there is for the bot).
    pub fn is_private(&self) -> bool {
        self.chat.kind == "private"
    }

    /// The bot named by the leading command (`/top@upflow_bot` gives `upflow_bot`); `None` for a
    /// command that names no bot (`/top`) or for no command.
    pub fn command_target(&self) -> Option<&str> {
        if !self.starts_with_command() {
            return None;
        }
        let word = self.text.as_deref()?.split_whitespace().next()?;
        word.split_once('@').map(|(_, bot)| bot)
    }

    /// Whether answering needs to know who the bot is: a group message that names a bot in its
    /// command, mentions someone, or replies to a message. Anything else in a group is decided
    /// without asking Telegram (a command naming no bot is for it; other text is not).
    pub fn needs_identity(&self) -> bool {
        !self.is_private()
            && (self.command_target().is_some()
                || self.reply_to_message.is_some()
                || self.entities.iter().any(|e| e.kind == "mention" || e.kind == "text_mention")
                || self.text.as_deref().is_some_and(|t| t.contains('@')))
    }

    /// Whether the bot `me` is meant to react, by Telegram's privacy-mode rules for groups: in
    /// a private chat, always; in a group, supergroup or channel only for a command addressed
    /// to it (`/top@this_bot`) or addressed to no bot (`/top`), a mention of it (`@this_bot`),
    /// or a reply to one of its messages. A command for another bot (`/top@other_bot`) and
    /// ordinary conversation are not for it. Without `me` (Telegram could not say who the bot
    /// is), only commands addressed to no bot count.
    pub fn is_for(&self, me: Option<&BotIdentity>) -> bool {
        if self.is_private() {
            return true;
        }
        if self.starts_with_command() {
            return match self.command_target() {
                None => true,
                Some(target) => me.is_some_and(|me| target.eq_ignore_ascii_case(&me.username)),
            };
        }
        let Some(me) = me else { return false };
        self.mentions(me) || self.reply_to_message.as_ref().and_then(|r| r.from.as_ref()).is_some_and(|u| u.id == me.id)
    }

    /// Whether the text mentions `me`: a `mention` entity `@username`, a `text_mention` of its
    /// id, or (without entities) a word `@username`.
    fn mentions(&self, me: &BotIdentity) -> bool {
        let text = self.text.as_deref().unwrap_or("");
        let named = |word: &str| word.strip_prefix('@').is_some_and(|name| name.eq_ignore_ascii_case(&me.username));
        if self.entities.is_empty() {
            return text.split(|c: char| c.is_whitespace() || ",.:;!?()".contains(c)).any(named);
        }
        self.entities.iter().any(|e| match e.kind.as_str() {
            "mention" => entity_text(text, e.offset, e.length).is_some_and(|w| named(&w)),
            "text_mention" => e.user.as_ref().is_some_and(|u| u.id == me.id),
            _ => false,
        })
    }

    /// The text to read as a command: the message's text without a leading mention of `me`
    /// (`@upflow_bot /top 3` reads as `/top 3`).
    pub fn command_text(&self, me: Option<&BotIdentity>) -> Option<&str> {
        let text = self.text.as_deref()?;
        let Some(me) = me else { return Some(text) };
        let trimmed = text.trim_start();
        let first = trimmed.split_whitespace().next().unwrap_or("");
        let bare = first.trim_end_matches([',', ':']);
        match bare.strip_prefix('@') {
            Some(name) if name.eq_ignore_ascii_case(&me.username) => Some(trimmed[first.len()..].trim_start()),
            _ => Some(text),
        }
    }
}

/// The part of `text` an entity covers (offsets in UTF-16 units); `None` when out of range.
fn entity_text(text: &str, offset: i64, length: i64) -> Option<String> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(usize::try_from(length).ok()?)?;
    String::from_utf16(units.get(start..end)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn a_command_message_with_unknown_fields_parses() {
        let u = Update::from_json(&json!({
            "update_id": 10000,
            "message": {
                "message_id": 1365,
                "date": 1441645532,
                "chat": {"id": 1111111, "type": "private", "first_name": "Test", "username": "Test"},
                "from": {"id": 1111111, "is_bot": false, "first_name": "Test", "language_code": "en"},
                "text": "/top@upflow_bot 10 70",
                "entities": [{"type": "bot_command", "offset": 0, "length": 15}],
                "some_future_field": {"x": [1, 2]}
            }
        }))
        .unwrap();
        assert_eq!(u.update_id, 10000);
        let m = u.message.as_ref().unwrap();
        assert_eq!((m.message_id, m.chat.id, m.chat.kind.as_str()), (1365, 1111111, "private"));
        assert_eq!(m.text.as_deref(), Some("/top@upflow_bot 10 70"));
        assert!(m.starts_with_command());
        assert_eq!(m.from.as_ref().map(|f| f.id), Some(1111111));
        assert_eq!(u.chat_id(), Some(1111111));
        assert!(u.callback_query.is_none());
    }

    #[test]
    fn a_callback_query_parses_and_names_its_chat() {
        let u = Update::from_json(&json!({
            "update_id": 7,
            "callback_query": {
                "id": "4382bfdwdsb323b2d9",
                "chat_instance": "-123",
                "from": {"id": 5, "is_bot": false, "first_name": "A"},
                "message": {"message_id": 42, "date": 0, "chat": {"id": -1001, "type": "supergroup"}},
                "data": "top:5:5:"
            }
        }))
        .unwrap();
        let q = u.callback_query.as_ref().unwrap();
        assert_eq!((q.id.as_str(), q.data.as_deref()), ("4382bfdwdsb323b2d9", Some("top:5:5:")));
        assert_eq!(q.message.as_ref().map(|m| m.message_id), Some(42));
        assert_eq!(u.chat_id(), Some(-1001));
    }

    fn group_message(text: &str, entities: Value) -> Message {
        Message::deserialize(json!({
            "message_id": 1,
            "chat": {"id": -100, "type": "supergroup"},
            "from": {"id": 5, "is_bot": false},
            "text": text,
            "entities": entities,
        }))
        .unwrap()
    }

    #[test]
    fn in_groups_only_what_is_addressed_to_the_bot_is_for_it() {
        let me = BotIdentity { id: 77, username: "upflow_bot".into() };
        let command = |text: &str| {
            let len = text.split_whitespace().next().unwrap().encode_utf16().count();
            group_message(text, json!([{"type": "bot_command", "offset": 0, "length": len}]))
        };
        assert!(command("/top@upflow_bot 5").is_for(Some(&me)));
        assert!(command("/top@Upflow_Bot").is_for(Some(&me)));
        assert!(command("/top").is_for(Some(&me)), "a command naming no bot");
        assert!(command("/top").is_for(None));
        assert!(!command("/top@other_bot").is_for(Some(&me)));
        assert!(!command("/top@upflow_bot").is_for(None), "cannot tell without knowing the bot");
        assert!(!group_message("just chatting", json!([])).is_for(Some(&me)));
        assert!(!group_message("see /top later", json!([])).is_for(Some(&me)));
        let mention = group_message("hey @upflow_bot /top 3", json!([{"type": "mention", "offset": 4, "length": 11}]));
        assert!(mention.is_for(Some(&me)) && !mention.is_for(None));
        let other = group_message("hey @someone_else", json!([{"type": "mention", "offset": 4, "length": 13}]));
        assert!(!other.is_for(Some(&me)));
        // Offsets count UTF-16 units: the emoji is two.
        let emoji = group_message("🔥 @upflow_bot", json!([{"type": "mention", "offset": 3, "length": 11}]));
        assert!(emoji.is_for(Some(&me)));
        let text_mention = group_message(
            "Upflow, help",
            json!([{"type": "text_mention", "offset": 0, "length": 6, "user": {"id": 77, "is_bot": true}}]),
        );
        assert!(text_mention.is_for(Some(&me)));
        let mut reply = group_message("thanks", json!([]));
        reply.reply_to_message = Some(RepliedMessage { from: Some(User { id: 77, is_bot: true, username: None }) });
        assert!(reply.is_for(Some(&me)) && reply.needs_identity());
        reply.reply_to_message = Some(RepliedMessage { from: Some(User { id: 5, is_bot: false, username: None }) });
        assert!(!reply.is_for(Some(&me)));
        let mut private = group_message("anything", json!([]));
        private.chat.kind = "private".into();
        assert!(private.is_for(None) && !private.needs_identity());
        assert!(!group_message("just chatting", json!([])).needs_identity());
        assert!(command("/top@upflow_bot").needs_identity() && !command("/top").needs_identity());
    }

    #[test]
    fn a_leading_mention_is_not_part_of_the_command() {
        let me = BotIdentity { id: 77, username: "upflow_bot".into() };
        let m = |text: &str| group_message(text, json!([]));
        assert_eq!(m("@upflow_bot /top 3").command_text(Some(&me)), Some("/top 3"));
        assert_eq!(m("  @Upflow_Bot, /stats").command_text(Some(&me)), Some("/stats"));
        assert_eq!(m("@upflow_bot").command_text(Some(&me)), Some(""));
        assert_eq!(m("@other /top").command_text(Some(&me)), Some("@other /top"));
        assert_eq!(m("/top 3").command_text(None), Some("/top 3"));
    }

    #[test]
    fn other_updates_parse_to_nothing_to_do() {
        let u = Update::from_json(&json!({"update_id": 3, "edited_message": {"message_id": 1}})).unwrap();
        assert_eq!((&u.message, &u.callback_query, u.chat_id()), (&None, &None, None));
        let photo = Update::from_json(&json!({
            "update_id": 4,
            "message": {"message_id": 2, "chat": {"id": 9, "type": "private"}, "photo": []}
        }))
        .unwrap();
        assert_eq!(photo.message.unwrap().text, None);
        assert!(Update::from_json(&json!({"message": {}})).is_err(), "update_id is required");
    }
}
