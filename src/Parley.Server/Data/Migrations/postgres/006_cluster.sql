-- Settings every node of a deployment shares: the generated JWT signing key (when Auth:SigningKey is empty).
CREATE TABLE settings (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

-- Commit-ordered resume. Event ids are drawn when a row is inserted, but transactions commit in another
-- order: a reader may see id 11 while the transaction holding id 10 is still open. So a transaction that
-- appends events announces itself first, for as long as it runs: before it draws its first id it takes a
-- shared transaction-level advisory lock whose key carries the sequence's last value L (every id it draws is
-- above L). A reader (EventReplay's head) sees in pg_locks the appenders of this database still running: no
-- id up to the lowest L belongs to a running transaction, so what was committed there is visible and the rest
-- never will be, and replay hands out cursors only up to the newest visible event at or below that L + 1. Only appenders of this database hold a reader back; other
-- transactions and databases do not. Key: 0x5061 ("Pa") in the top 16 bits, L in the low 48.
-- The argument needs ids handed out in time order across sessions: no per-session sequence cache.
ALTER TABLE events ALTER COLUMN id SET CACHE 1;

CREATE FUNCTION parley_append_event(p_conversation_id TEXT, p_user_id TEXT, p_type TEXT, p_data TEXT, p_created_at BIGINT)
RETURNS BIGINT LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_id BIGINT;
BEGIN
    -- Once per transaction (the setting is transaction-local): announce before drawing.
    IF COALESCE(current_setting('parley.appending', true), '') <> 'yes' THEN
        PERFORM pg_advisory_xact_lock_shared((x'5061'::BIGINT << 48)
            + COALESCE(pg_sequence_last_value(pg_get_serial_sequence('events', 'id')::regclass), 0));
        PERFORM set_config('parley.appending', 'yes', true);
    END IF;
    INSERT INTO events (conversation_id, user_id, type, data, created_at)
    VALUES (p_conversation_id, p_user_id, p_type, p_data, p_created_at)
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;
