-- Settings every node of a deployment shares: the generated JWT signing key (when Auth:SigningKey is empty).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
