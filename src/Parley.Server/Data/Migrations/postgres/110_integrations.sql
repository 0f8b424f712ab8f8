-- Integrations (issue 17): server API keys, bots owned by a key, outgoing webhooks with their deliveries.
CREATE TABLE api_keys (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    -- SHA-256 of the secret, hex; the secret itself is shown once and never stored.
    secret_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    prefix      TEXT COLLATE "C" NOT NULL,
    scopes      TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at  BIGINT
);

ALTER TABLE users ADD COLUMN owner_key_id TEXT COLLATE "C";
CREATE INDEX ix_users_owner_key ON users (owner_key_id) WHERE owner_key_id IS NOT NULL;

CREATE TABLE webhooks (
    id               TEXT COLLATE "C" PRIMARY KEY,
    url              TEXT COLLATE "C" NOT NULL,
    events           TEXT COLLATE "C" NOT NULL,
    conversation_ids TEXT COLLATE "C",
    secret           TEXT COLLATE "C" NOT NULL,
    enabled          BOOLEAN NOT NULL DEFAULT TRUE,
    -- The last event log cursor turned into deliveries.
    cursor           BIGINT NOT NULL,
    failures         INTEGER NOT NULL DEFAULT 0,
    disabled_at      BIGINT,
    lease_owner      TEXT COLLATE "C",
    lease_until      BIGINT NOT NULL DEFAULT 0,
    created_by       TEXT COLLATE "C" NOT NULL,
    created_at       BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              TEXT COLLATE "C" PRIMARY KEY,
    webhook_id      TEXT COLLATE "C" NOT NULL,
    event_cursor    BIGINT NOT NULL,
    event_type      TEXT COLLATE "C" NOT NULL,
    body            TEXT COLLATE "C" NOT NULL,
    status          TEXT COLLATE "C" NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    response_code   INTEGER,
    error           TEXT COLLATE "C",
    next_attempt_at BIGINT NOT NULL,
    last_attempt_at BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (webhook_id, status, id);
