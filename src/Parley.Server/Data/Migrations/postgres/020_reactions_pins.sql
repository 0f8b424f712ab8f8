-- Reactions: one row per (message, emoji, user); a page of history loads them through the primary key.
CREATE TABLE reactions (
    message_id      TEXT COLLATE "C" NOT NULL,
    emoji           TEXT COLLATE "C" NOT NULL,
    user_id         TEXT COLLATE "C" NOT NULL,
    conversation_id TEXT COLLATE "C" NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
);

-- Pins: one row per pinned message; the list reads newest first.
CREATE TABLE pins (
    conversation_id TEXT COLLATE "C" NOT NULL,
    message_id      TEXT COLLATE "C" NOT NULL,
    pinned_by       TEXT COLLATE "C" NOT NULL,
    pinned_at       BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, message_id)
);
CREATE INDEX ix_pins_newest ON pins (conversation_id, pinned_at);
