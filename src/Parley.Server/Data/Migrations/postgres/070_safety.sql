-- Trust and safety (issue 16): server administrators and suspensions, the audit log of moderation actions,
-- blocks, conversation bans, member timeouts and mutes, slow mode and reports.
ALTER TABLE users ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN suspended_at BIGINT;
-- NULL with suspended_at set: until lifted.
ALTER TABLE users ADD COLUMN suspended_until BIGINT;
ALTER TABLE users ADD COLUMN suspension_reason TEXT COLLATE "C";

CREATE TABLE audit_log (
    id              TEXT COLLATE "C" PRIMARY KEY,
    actor_id        TEXT COLLATE "C" NOT NULL,
    action          TEXT COLLATE "C" NOT NULL,
    target_type     TEXT COLLATE "C" NOT NULL,
    target_id       TEXT COLLATE "C" NOT NULL,
    conversation_id TEXT COLLATE "C",
    reason          TEXT COLLATE "C",
    created_at      BIGINT NOT NULL
);
CREATE INDEX ix_audit_log_created ON audit_log (created_at, id);

CREATE TABLE user_blocks (
    blocker_id TEXT COLLATE "C" NOT NULL,
    blocked_id TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX ix_user_blocks_blocked ON user_blocks (blocked_id, blocker_id);

CREATE TABLE conversation_bans (
    conversation_id TEXT COLLATE "C" NOT NULL,
    user_id         TEXT COLLATE "C" NOT NULL,
    banned_by       TEXT COLLATE "C" NOT NULL,
    reason          TEXT COLLATE "C",
    until           BIGINT,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);

ALTER TABLE members ADD COLUMN muted BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE members ADD COLUMN muted_until BIGINT;
ALTER TABLE members ADD COLUMN timeout_until BIGINT;
ALTER TABLE members ADD COLUMN last_post_at BIGINT;
ALTER TABLE conversations ADD COLUMN slow_mode_seconds INTEGER NOT NULL DEFAULT 0;

CREATE TABLE reports (
    id          TEXT COLLATE "C" PRIMARY KEY,
    reporter_id TEXT COLLATE "C" NOT NULL,
    target_key  TEXT COLLATE "C" NOT NULL,
    message_id  TEXT COLLATE "C",
    user_id     TEXT COLLATE "C" NOT NULL,
    reason      TEXT COLLATE "C" NOT NULL,
    details     TEXT COLLATE "C",
    status      TEXT COLLATE "C" NOT NULL DEFAULT 'open',
    action      TEXT COLLATE "C",
    handled_by  TEXT COLLATE "C",
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
-- Duplicates by the same reporter merge into the one open report.
CREATE UNIQUE INDEX ux_reports_open ON reports (reporter_id, target_key) WHERE status = 'open';
CREATE INDEX ix_reports_status ON reports (status, created_at);
