-- SQLite only (its FTS5 triggers); PostgreSQL's search column is generated. Kept so both dialects share version numbers.
SELECT 1;
