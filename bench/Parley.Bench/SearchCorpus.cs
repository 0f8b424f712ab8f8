using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Parley.Bench;

/// <summary>
/// The search benchmark's data: pseudo-words drawn by a Zipf law (a few very common, most rare, as in chat text),
/// bulk-loaded straight into the database of a running server, conversations and members having been made over HTTP.
/// </summary>
public sealed class SearchCorpus(int words, int seed)
{
    private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "po", "da", "fe", "gu", "hi", "jo", "be"];
    private readonly double[] _cumulative = Cumulative(words);
    private readonly Random _random = new(seed);

    /// <summary>The word of a Zipf rank (0 = the most common): three syllables, or four past the first 4,096.</summary>
    public static string Word(int rank)
    {
        var (n, length) = rank < 4096 ? (rank, 3) : (rank - 4096, 4);
        var chars = new char[length * 2];
        for (var i = length - 1; i >= 0; i--, n /= 16) Syllables[n % 16].CopyTo(0, chars, i * 2, 2);
        return new string(chars);
    }

    public string Sentence()
    {
        var count = _random.Next(6, 15);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => Word(Rank())));
    }

    private int Rank()
    {
        var i = Array.BinarySearch(_cumulative, _random.NextDouble() * _cumulative[^1]);
        return i < 0 ? ~i : i;
    }

    private static double[] Cumulative(int words)
    {
        var sums = new double[words];
        var total = 0.0;
        for (var r = 0; r < words; r++) sums[r] = total += 1.0 / (r + 1);
        return sums;
    }

    public sealed record Conversation(string Id, List<string> MemberIds);

    /// <summary>Inserts <paramref name="count"/> messages dealt round the conversations, oldest first, and sets each conversation's last seq.</summary>
    public async Task LoadAsync(DbConnection connection, IReadOnlyList<Conversation> conversations, int count, Action<int> progress)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds();
        var seqs = new long[conversations.Count];
        var rows = Enumerable.Range(0, count).Select(i =>
        {
            var c = i % conversations.Count;
            var at = start + i * 2L;
            var sender = conversations[c].MemberIds[_random.Next(conversations[c].MemberIds.Count)];
            return (Id: Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(at)).ToString(), Conversation: conversations[c].Id, Seq: ++seqs[c],
                Sender: sender, Content: Sentence(), At: at);
        });
        if (connection is NpgsqlConnection pg)
        {
            await using var copy = await pg.BeginBinaryImportAsync(
                "COPY messages (id, conversation_id, seq, sender_id, type, content, created_at) FROM STDIN (FORMAT BINARY)");
            var n = 0;
            foreach (var r in rows)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(r.Id, NpgsqlDbType.Text);
                await copy.WriteAsync(r.Conversation, NpgsqlDbType.Text);
                await copy.WriteAsync(r.Seq, NpgsqlDbType.Bigint);
                await copy.WriteAsync(r.Sender, NpgsqlDbType.Text);
                await copy.WriteAsync("text", NpgsqlDbType.Text);
                await copy.WriteAsync(r.Content, NpgsqlDbType.Text);
                await copy.WriteAsync(r.At, NpgsqlDbType.Bigint);
                if (++n % 100_000 == 0) progress(n);
            }
            await copy.CompleteAsync();
        }
        else
        {
            const int batch = 50_000;
            var n = 0;
            foreach (var chunk in rows.Chunk(batch))
            {
                await using var tx = await connection.BeginTransactionAsync();
                await using var insert = connection.CreateCommand();
                insert.Transaction = tx;
                // As the server does (Search/SearchIndex.cs): the row, then its FTS entry.
                insert.CommandText = "INSERT INTO messages (id, conversation_id, seq, sender_id, type, content, created_at) VALUES ($id, $c, $seq, $sender, 'text', $content, $at);"
                    + " INSERT INTO messages_fts (rowid, content, search_conversation) SELECT rowid, content, search_conversation FROM messages WHERE rowid = last_insert_rowid()";
                var p = new[] { "$id", "$c", "$seq", "$sender", "$content", "$at" }.Select(name => new SqliteParameter { ParameterName = name }).ToArray();
                insert.Parameters.AddRange(p);
                foreach (var r in chunk)
                {
                    (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value, p[5].Value) = (r.Id, r.Conversation, r.Seq, r.Sender, r.Content, r.At);
                    await insert.ExecuteNonQueryAsync();
                }
                await tx.CommitAsync();
                progress(n += chunk.Length);
            }
        }
        var end = start + count * 2L;
        for (var c = 0; c < conversations.Count; c++)
        {
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE conversations SET last_seq = @seq, last_message_at = @at WHERE id = @id";
            Add(update, "@seq", seqs[c]);
            Add(update, "@at", end);
            Add(update, "@id", conversations[c].Id);
            await update.ExecuteNonQueryAsync();
        }
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        analyze.CommandTimeout = 600;
        await analyze.ExecuteNonQueryAsync();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        (p.ParameterName, p.Value) = (name, value);
        command.Parameters.Add(p);
    }
}
