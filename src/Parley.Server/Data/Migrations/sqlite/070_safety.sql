-- Trust and safety (issue 16): server administrators and suspensions, the audit log of moderation actions,
-- blocks, conversation bans, member timeouts and mutes, slow mode and reports.
ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN suspended_at BIGINT;
-- NULL with suspended_at set: until lifted.
ALTER TABLE users ADD COLUMN suspended_until BIGINT;
ALTER TABLE users ADD COLUMN suspension_reason TEXT;

CREATE TABLE audit_log (
    id              TEXT PRIMARY KEY,
    actor_id        TEXT NOT NULL,
    action          TEXT NOT NULL,
    target_type     TEXT NOT NULL,
    target_id       TEXT NOT NULL,
    conversation_id TEXT,
    reason          TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ix_audit_log_created ON audit_log (created_at, id);

CREATE TABLE user_blocks (
    blocker_id TEXT NOT NULL,
    blocked_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX ix_user_blocks_blocked ON user_blocks (blocked_id, blocker_id);

CREATE TABLE conversation_bans (
    conversation_id TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    banned_by       TEXT NOT NULL,
    reason          TEXT,
    until           BIGINT,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);

ALTER TABLE members ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN muted_until BIGINT;
ALTER TABLE members ADD COLUMN timeout_until BIGINT;
ALTER TABLE members ADD COLUMN last_post_at BIGINT;
ALTER TABLE conversations ADD COLUMN slow_mode_seconds INTEGER NOT NULL DEFAULT 0;

CREATE TABLE reports (
    id          TEXT PRIMARY KEY,
    reporter_id TEXT NOT NULL,
    target_key  TEXT NOT NULL,
    message_id  TEXT,
    user_id     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    details     TEXT,
    status      TEXT NOT NULL DEFAULT 'open',
    action      TEXT,
    handled_by  TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
-- Duplicates by the same reporter merge into the one open report.
CREATE UNIQUE INDEX ux_reports_open ON reports (reporter_id, target_key) WHERE status = 'open';
CREATE INDEX ix_reports_status ON reports (status, created_at);
