-- One row per answer of the AI agent: who asked, how it ended, and the tokens it cost (the daily budget sums these).
CREATE TABLE agent_replies (
    message_id      TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    status          TEXT NOT NULL,
    tokens          BIGINT NOT NULL DEFAULT 0,
    started_at      BIGINT NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX ix_agent_replies_user ON agent_replies (user_id, started_at);
-- Replies still streaming: the sweep finishes those whose node died mid-answer.
CREATE INDEX ix_agent_replies_streaming ON agent_replies (started_at) WHERE status = 'streaming';
