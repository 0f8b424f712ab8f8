-- Times are Unix milliseconds (UTC); ids are UUIDv7 text.
-- Text is COLLATE "C" (byte order, ASCII-only lower()), as SQLite's BINARY: the same ORDER BY and LIKE
-- results on both dialects, and LIKE 'prefix%' can use the plain b-tree indexes.
CREATE TABLE users (
    id              TEXT COLLATE "C" PRIMARY KEY,
    username        TEXT COLLATE "C" NOT NULL,
    username_key    TEXT COLLATE "C" NOT NULL,
    email           TEXT COLLATE "C",
    email_key       TEXT COLLATE "C",
    name            TEXT COLLATE "C",
    profile_picture TEXT COLLATE "C",
    password_hash   TEXT COLLATE "C" NOT NULL,
    security_stamp  TEXT COLLATE "C" NOT NULL,
    kind            TEXT COLLATE "C" NOT NULL DEFAULT 'human',
    status          TEXT COLLATE "C",
    last_seen_at    BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    deleted_at      BIGINT
);
CREATE UNIQUE INDEX ux_users_username ON users (username_key);
CREATE UNIQUE INDEX ux_users_email ON users (email_key) WHERE email_key IS NOT NULL;

CREATE TABLE conversations (
    id              TEXT COLLATE "C" PRIMARY KEY,
    type            TEXT COLLATE "C" NOT NULL,
    name            TEXT COLLATE "C",
    description     TEXT COLLATE "C",
    picture         TEXT COLLATE "C",
    direct_key      TEXT COLLATE "C",
    created_by      TEXT COLLATE "C" NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    last_seq        BIGINT NOT NULL DEFAULT 0,
    last_message_at BIGINT,
    deleted_at      BIGINT
);
CREATE UNIQUE INDEX ux_conversations_direct ON conversations (direct_key) WHERE direct_key IS NOT NULL;

CREATE TABLE members (
    conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id),
    user_id         TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    role            TEXT COLLATE "C" NOT NULL,
    joined_at       BIGINT NOT NULL,
    last_read_seq   BIGINT NOT NULL DEFAULT 0,
    last_read_at    BIGINT,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX ix_members_user ON members (user_id, conversation_id);

CREATE TABLE messages (
    id                TEXT COLLATE "C" PRIMARY KEY,
    conversation_id   TEXT COLLATE "C" NOT NULL REFERENCES conversations (id),
    seq               BIGINT NOT NULL,
    sender_id         TEXT COLLATE "C" NOT NULL,
    type              TEXT COLLATE "C" NOT NULL,
    content           TEXT COLLATE "C",
    file_url          TEXT COLLATE "C",
    payload           TEXT COLLATE "C",
    client_message_id TEXT COLLATE "C",
    reply_to_id       TEXT COLLATE "C",
    created_at        BIGINT NOT NULL,
    edited_at         BIGINT,
    deleted_at        BIGINT,
    deleted_by        TEXT COLLATE "C"
);
CREATE UNIQUE INDEX ux_messages_seq ON messages (conversation_id, seq);
CREATE UNIQUE INDEX ux_messages_client ON messages (conversation_id, sender_id, client_message_id) WHERE client_message_id IS NOT NULL;

CREATE TABLE notifications (
    id         TEXT COLLATE "C" PRIMARY KEY,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    type       TEXT COLLATE "C" NOT NULL,
    message    TEXT COLLATE "C" NOT NULL,
    data       TEXT COLLATE "C",
    created_at BIGINT NOT NULL,
    read_at    BIGINT
);
CREATE INDEX ix_notifications_user ON notifications (user_id, created_at);

-- The replayable event log behind resume: conversation events have conversation_id, personal ones user_id.
CREATE TABLE events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id TEXT COLLATE "C",
    user_id         TEXT COLLATE "C",
    type            TEXT COLLATE "C" NOT NULL,
    data            TEXT COLLATE "C" NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ix_events_conversation ON events (conversation_id, id) WHERE conversation_id IS NOT NULL;
CREATE INDEX ix_events_user ON events (user_id, id) WHERE user_id IS NOT NULL;
CREATE INDEX ix_events_created ON events (created_at);
