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
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
