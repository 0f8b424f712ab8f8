-- Web Push (issue 17): the browsers' push subscriptions. An endpoint is one browser profile; it belongs to the last
-- user who subscribed it.
CREATE TABLE push_subscriptions (
    id         TEXT COLLATE "C" PRIMARY KEY,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint   TEXT NOT NULL UNIQUE,
    p256dh     TEXT NOT NULL,
    auth       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ix_push_subscriptions_user ON push_subscriptions (user_id);
