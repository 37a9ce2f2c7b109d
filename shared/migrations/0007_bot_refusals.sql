-- The Telegram bot refuses a chat that is not allowed once, not at every message: the chats
-- already told are remembered here. The row is claimed before the refusal is sent and removed
-- again when sending fails, so a chat is told at most once and a failed refusal is retried.
CREATE TABLE telegram_refusals (
    chat_id     bigint PRIMARY KEY,
    refused_at  timestamptz NOT NULL DEFAULT now()
);
