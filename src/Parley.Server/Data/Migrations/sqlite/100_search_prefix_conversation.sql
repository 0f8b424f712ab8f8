-- Search index v2 (issue 14's p99 target): the FTS5 index also holds each message's conversation as one token
-- (search_conversation: its id without dashes, a virtual generated column, so nothing is stored twice), so a search in one
-- conversation intersects two doclists instead of reading every match in every conversation; and prefix indexes of
-- 2, 3 and 4 characters, so "meet*" reads one doclist instead of merging every word that starts so.
-- The triggers keep migration 080's rule: only rows the index holds (a docsize entry) are deleted from it.
ALTER TABLE messages ADD COLUMN search_conversation TEXT GENERATED ALWAYS AS (replace(conversation_id, '-', '')) VIRTUAL;
DROP TRIGGER messages_fts_update;
DROP TRIGGER messages_fts_delete;
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5 (content, search_conversation, content = 'messages', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
INSERT INTO messages_fts (rowid, content, search_conversation) SELECT rowid, content, search_conversation FROM messages WHERE content IS NOT NULL;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content, search_conversation)
        SELECT 'delete', old.rowid, old.content, old.search_conversation
        WHERE old.content IS NOT NULL AND EXISTS (SELECT 1 FROM messages_fts_docsize WHERE id = old.rowid);
    INSERT INTO messages_fts (rowid, content, search_conversation) SELECT new.rowid, new.content, new.search_conversation WHERE new.content IS NOT NULL;
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.content IS NOT NULL BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content, search_conversation) SELECT 'delete', old.rowid, old.content, old.search_conversation
        WHERE EXISTS (SELECT 1 FROM messages_fts_docsize WHERE id = old.rowid);
END;
