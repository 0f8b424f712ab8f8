-- Integrations (issue 17): server API keys, bots owned by a key, outgoing webhooks with their deliveries.
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    -- SHA-256 of the secret, hex; the secret itself is shown once and never stored.
    secret_hash TEXT NOT NULL UNIQUE,
    prefix      TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at  BIGINT
);

ALTER TABLE users ADD COLUMN owner_key_id TEXT;
CREATE INDEX ix_users_owner_key ON users (owner_key_id) WHERE owner_key_id IS NOT NULL;

CREATE TABLE webhooks (
    id               TEXT PRIMARY KEY,
    url              TEXT NOT NULL,
    events           TEXT NOT NULL,
    conversation_ids TEXT,
    secret           TEXT NOT NULL,
    enabled          INTEGER NOT NULL DEFAULT 1,
    -- The last event log cursor turned into deliveries.
    cursor           BIGINT NOT NULL,
    failures         INTEGER NOT NULL DEFAULT 0,
    disabled_at      BIGINT,
    lease_owner      TEXT,
    lease_until      BIGINT NOT NULL DEFAULT 0,
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL,
    event_cursor    BIGINT NOT NULL,
    event_type      TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    response_code   INTEGER,
    error           TEXT,
    next_attempt_at BIGINT NOT NULL,
    last_attempt_at BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (webhook_id, status, id);
