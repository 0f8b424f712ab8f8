using System.Data.Common;
using Microsoft.Data.Sqlite;
using Parley.Server.Data;

namespace Parley.Server.Messages;

/// <summary>
/// Keeps the SQLite search index (messages_fts, migrations 030, 080 and 100) in step with sends, in the send's commit.
/// PostgreSQL needs none of this: its tsvector is a generated column.
/// FTS5 writes its pending terms to disk as a new segment whenever a SAVEPOINT opens after it was written to, and
/// the SQLite writer runs every send of a batch in its own savepoint: indexing inside the send cost a segment (and
/// the merges that follow) per message. So a send only notes its rowid in a TEMP table (rolled back with its
/// savepoint like any write), and the writer indexes the whole batch once, after the last savepoint, before the
/// commit: one segment per batch, and search still sees a message from the commit that stores it.
/// </summary>
public static class MessageSearchIndex
{
    /// <summary>The writer's part: the TEMP table on its connection, and the batch's indexing before each commit.</summary>
    public static readonly SqliteBatchStep Step = new(
        """
        PRAGMA temp_store = MEMORY;
        CREATE TEMP TABLE IF NOT EXISTS messages_fts_pending (rowid INTEGER PRIMARY KEY);
        """,
        // Current content, not the sent one: a later write of the same batch may have edited or erased it. A row the
        // edit trigger already indexed (it has a docsize entry) is not indexed twice.
        """
        INSERT INTO messages_fts (rowid, content, search_conversation)
            SELECT x.rowid, x.content, x.search_conversation FROM temp.messages_fts_pending p CROSS JOIN messages x ON x.rowid = p.rowid
            WHERE x.content IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages_fts_docsize d WHERE d.id = x.rowid);
        DELETE FROM temp.messages_fts_pending;
        """);

    /// <summary>Call right after the row's INSERT succeeded: the index takes last_insert_rowid() at the batch's commit.</summary>
    public static async Task AddAsync(DbConnection connection, DbTransaction tx, string? content)
    {
        if (content is null || connection is not SqliteConnection) return;
        await using var statement = Statement.Of(connection, tx, "INSERT INTO temp.messages_fts_pending (rowid) VALUES (last_insert_rowid())");
        await statement.ExecuteAsync();
    }
}
