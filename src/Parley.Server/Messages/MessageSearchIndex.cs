using System.Data.Common;
using Microsoft.Data.Sqlite;
using Parley.Server.Data;

namespace Parley.Server.Messages;

/// <summary>
/// Indexes a message for search (migrations 030, 100) the moment it is stored, in its transaction. Only SQLite needs this (PostgreSQL's tsvector is a
/// generated column): a plain one-row insert lets FTS5 keep the new terms in memory until commit, where an AFTER INSERT
/// trigger would run inside a statement savepoint, on which FTS5 writes a segment to disk every time.
/// </summary>
public static class MessageSearchIndex
{
    /// <summary>Call right after the row's INSERT succeeded: the index takes last_insert_rowid().</summary>
    public static async Task AddAsync(DbConnection connection, DbTransaction tx, string? content)
    {
        if (content is null || connection is not SqliteConnection) return;
        // The row just stored gives both columns (migration 100): its text and its conversation's token.
        await using var statement = Statement.Of(connection, tx,
            "INSERT INTO messages_fts (rowid, content, search_conversation) SELECT rowid, content, search_conversation FROM messages WHERE rowid = last_insert_rowid()");
        await statement.ExecuteAsync();
    }
}
