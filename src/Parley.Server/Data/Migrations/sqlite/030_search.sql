-- Full-text search over message text: an FTS5 index whose content is the messages table itself (by rowid). A new
-- message is indexed by the statement that stores it (Search/SearchIndex.cs: a trigger's statement savepoint would
-- make FTS5 flush a segment per message); edits and deletes (content set to NULL) are reindexed by triggers.
CREATE VIRTUAL TABLE messages_fts USING fts5 (content, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO messages_fts (rowid, content) SELECT rowid, content FROM messages WHERE content IS NOT NULL;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) SELECT 'delete', old.rowid, old.content WHERE old.content IS NOT NULL;
    INSERT INTO messages_fts (rowid, content) SELECT new.rowid, new.content WHERE new.content IS NOT NULL;
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.content IS NOT NULL BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
