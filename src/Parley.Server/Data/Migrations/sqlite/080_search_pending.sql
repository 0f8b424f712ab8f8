-- Sends are indexed at their batch's commit (Messages/MessageSearchIndex.cs), so an edit or erasure in the same
-- batch may meet a row that is not in the index yet: only rows the index holds (a docsize entry) are deleted from it.
DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) SELECT 'delete', old.rowid, old.content
        WHERE old.content IS NOT NULL AND EXISTS (SELECT 1 FROM messages_fts_docsize WHERE id = old.rowid);
    INSERT INTO messages_fts (rowid, content) SELECT new.rowid, new.content WHERE new.content IS NOT NULL;
END;
DROP TRIGGER messages_fts_delete;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.content IS NOT NULL BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) SELECT 'delete', old.rowid, old.content
        WHERE EXISTS (SELECT 1 FROM messages_fts_docsize WHERE id = old.rowid);
END;
