-- Where each node's Socket.IO sessions live: a session id starts with its node's key, and a request for it that
-- lands on another node is forwarded to this URL.
CREATE TABLE socketio_nodes (
    node_key   TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
