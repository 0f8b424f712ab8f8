-- Settings every node of a deployment shares: the generated JWT signing key (when Auth:SigningKey is empty).
CREATE TABLE settings (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

-- Commit-ordered resume. Event ids are drawn when a row is inserted, but transactions commit in another
-- order: a reader may see id 11 while the transaction holding id 10 is still open. settle_xid is a
-- transaction id assigned AFTER the event's id was drawn, by a transaction that had its own id BEFORE:
-- every transaction that drew a lower event id has a smaller transaction id. So once a reader's snapshot
-- xmin has passed a visible event's settle_xid, no id below that event can still appear, and replay hands
-- out cursors only up to the newest such event (see EventReplay).
-- Rows written before this migration (or by a node of an older version during a rolling upgrade) count as
-- settled at once, as they always did.
ALTER TABLE events ADD COLUMN settle_xid BIGINT NOT NULL DEFAULT 0;
-- The argument above needs ids drawn in time order across sessions: no per-session sequence cache.
ALTER TABLE events ALTER COLUMN id SET CACHE 1;

-- Throwaway rows whose only purpose is to assign a fresh (sub)transaction id; always rolled back.
CREATE UNLOGGED TABLE event_xid_ticks (tick INTEGER);

CREATE FUNCTION parley_append_event(p_conversation_id TEXT, p_user_id TEXT, p_type TEXT, p_data TEXT, p_created_at BIGINT)
RETURNS BIGINT LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_top xid8;
    v_id BIGINT;
    v_sub xid;
    v_low BIGINT;
    v_settle BIGINT;
BEGIN
    -- 1. This transaction's id exists before the event id is drawn (a no-op when it already wrote).
    v_top := pg_current_xact_id();
    -- 2. The event id.
    v_id := nextval(pg_get_serial_sequence('events', 'id'));
    -- 3. A transaction id assigned after it: a subtransaction's, which is never returned by
    --    pg_current_xact_id(), so take it from a row it inserts, then roll the subtransaction back.
    BEGIN
        INSERT INTO event_xid_ticks (tick) VALUES (1) RETURNING xmin INTO v_sub;
        RAISE SQLSTATE 'PXTCK';
    EXCEPTION WHEN SQLSTATE 'PXTCK' THEN NULL;
    END;
    -- xmin is 32 bits: put it in the top transaction's epoch (it is newer, so one epoch later if it wrapped).
    v_low := v_sub::text::BIGINT;
    v_settle := ((v_top::text::BIGINT >> 32) << 32) + v_low;
    IF v_low < (v_top::text::BIGINT & 4294967295) THEN v_settle := v_settle + 4294967296; END IF;
    INSERT INTO events (id, conversation_id, user_id, type, data, created_at, settle_xid) OVERRIDING SYSTEM VALUE
    VALUES (v_id, p_conversation_id, p_user_id, p_type, p_data, p_created_at, v_settle);
    RETURN v_id;
END
$$;
