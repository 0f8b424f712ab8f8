-- Full-text search over message text: a generated tsvector (so an edit is reindexed and a delete, which sets
-- content to NULL, empties it) with a GIN index. 'simple': no stemming or stop words, like SQLite's unicode61.
ALTER TABLE messages ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(content, ''))) STORED;
CREATE INDEX ix_messages_search ON messages USING gin (search_vector);
