-- Threads. A reply names its root (thread_id) and has a gap-free place in its thread (thread_seq). A reply that is
-- also shown in the conversation takes the conversation's next seq like any message; a thread-only reply takes a
-- negative seq from last_thread_reply instead, so the timeline's seqs, paging and unread counts never see it.
ALTER TABLE messages ADD COLUMN thread_id TEXT;
ALTER TABLE messages ADD COLUMN thread_seq BIGINT;
CREATE UNIQUE INDEX ux_messages_thread ON messages (thread_id, thread_seq) WHERE thread_id IS NOT NULL;
ALTER TABLE conversations ADD COLUMN last_thread_reply BIGINT NOT NULL DEFAULT 0;

-- One row per root with replies: last_seq counts every reply (deleted ones too), reply_count the live ones;
-- participant_ids: the root's author and every replier, comma-separated, in the order they joined.
CREATE TABLE threads (
    root_id         TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    last_seq        BIGINT NOT NULL DEFAULT 0,
    reply_count     BIGINT NOT NULL DEFAULT 0,
    last_reply_at   BIGINT,
    participant_ids TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX ix_threads_conversation ON threads (conversation_id);

-- Who takes part in a thread, and how far each has read it (a thread_seq).
CREATE TABLE thread_members (
    root_id       TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    last_read_seq BIGINT NOT NULL DEFAULT 0,
    joined_at     BIGINT NOT NULL,
    PRIMARY KEY (root_id, user_id)
);
CREATE INDEX ix_thread_members_user ON thread_members (user_id, root_id);
