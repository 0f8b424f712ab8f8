-- Uploaded files. A row is unattached (message_id NULL) until its uploader sends it with a message, once.
-- storage_key / thumbnail_key name the blobs in the storage backend (disk or S3).
CREATE TABLE uploads (
    id              TEXT COLLATE "C" PRIMARY KEY,
    owner_id        TEXT COLLATE "C" NOT NULL,
    name            TEXT NOT NULL,
    content_type    TEXT COLLATE "C" NOT NULL,
    size            BIGINT NOT NULL,
    width           INTEGER,
    height          INTEGER,
    sha256          TEXT COLLATE "C" NOT NULL,
    storage_key     TEXT COLLATE "C" NOT NULL,
    thumbnail_key   TEXT COLLATE "C",
    conversation_id TEXT COLLATE "C",
    message_id      TEXT COLLATE "C",
    message_seq     BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ix_uploads_message ON uploads (conversation_id, message_seq) WHERE message_id IS NOT NULL;
CREATE INDEX ix_uploads_owner ON uploads (owner_id, created_at);
CREATE INDEX ix_uploads_message_id ON uploads (message_id) WHERE message_id IS NOT NULL;

-- The link preview of a text message (JSON), filled in the background after the send.
ALTER TABLE messages ADD COLUMN preview TEXT;
