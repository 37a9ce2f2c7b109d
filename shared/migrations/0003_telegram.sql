-- The Telegram bot: updates already handled (Telegram may deliver one again) and per-chat state.

-- Seen update ids, so a redelivered update is ignored; rows older than 7 days are pruned.
CREATE TABLE telegram_updates (
    update_id    bigint PRIMARY KEY,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX telegram_updates_received_at_idx ON telegram_updates (received_at);

-- Per chat: when `/new` last ran (it shows jobs scored since then).
CREATE TABLE telegram_chats (
    chat_id      bigint PRIMARY KEY,
    last_new_at  timestamptz
);

-- `/new` reads evaluations by the time they were (re)scored.
CREATE INDEX evaluations_updated_at_idx ON evaluations (profile_version, updated_at DESC) WHERE status = 'scored';
