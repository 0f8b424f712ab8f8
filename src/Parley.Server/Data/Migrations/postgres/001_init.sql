-- Times are Unix milliseconds (UTC); ids are UUIDv7 text.
CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    username        TEXT NOT NULL,
    username_key    TEXT NOT NULL,
    email           TEXT,
    email_key       TEXT,
    name            TEXT,
    profile_picture TEXT,
    password_hash   TEXT NOT NULL,
    security_stamp  TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT 'human',
    status          TEXT,
    last_seen_at    BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    deleted_at      BIGINT
);
CREATE UNIQUE INDEX ux_users_username ON users (username_key);
CREATE UNIQUE INDEX ux_users_email ON users (email_key) WHERE email_key IS NOT NULL;

CREATE TABLE conversations (
    id              TEXT PRIMARY KEY,
    type            TEXT NOT NULL,
    name            TEXT,
    description     TEXT,
    picture         TEXT,
    direct_key      TEXT,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    last_seq        BIGINT NOT NULL DEFAULT 0,
    last_message_at BIGINT,
    deleted_at      BIGINT
);
CREATE UNIQUE INDEX ux_conversations_direct ON conversations (direct_key) WHERE direct_key IS NOT NULL;

CREATE TABLE members (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    user_id         TEXT NOT NULL REFERENCES users (id),
    role            TEXT NOT NULL,
    joined_at       BIGINT NOT NULL,
    last_read_seq   BIGINT NOT NULL DEFAULT 0,
    last_read_at    BIGINT,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX ix_members_user ON members (user_id, conversation_id);

CREATE TABLE messages (
    id                TEXT PRIMARY KEY,
    conversation_id   TEXT NOT NULL REFERENCES conversations (id),
    seq               BIGINT NOT NULL,
    sender_id         TEXT NOT NULL,
    type              TEXT NOT NULL,
    content           TEXT,
    file_url          TEXT,
    payload           TEXT,
    client_message_id TEXT,
    reply_to_id       TEXT,
    created_at        BIGINT NOT NULL,
    edited_at         BIGINT,
    deleted_at        BIGINT,
    deleted_by        TEXT
);
CREATE UNIQUE INDEX ux_messages_seq ON messages (conversation_id, seq);
CREATE UNIQUE INDEX ux_messages_client ON messages (conversation_id, sender_id, client_message_id) WHERE client_message_id IS NOT NULL;

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    type       TEXT NOT NULL,
    message    TEXT NOT NULL,
    data       TEXT,
    created_at BIGINT NOT NULL,
    read_at    BIGINT
);
CREATE INDEX ix_notifications_user ON notifications (user_id, created_at);

-- The replayable event log behind resume: conversation events have conversation_id, personal ones user_id.
CREATE TABLE events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id TEXT,
    user_id         TEXT,
    type            TEXT NOT NULL,
    data            TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ix_events_conversation ON events (conversation_id, id) WHERE conversation_id IS NOT NULL;
CREATE INDEX ix_events_user ON events (user_id, id) WHERE user_id IS NOT NULL;
CREATE INDEX ix_events_created ON events (created_at);
