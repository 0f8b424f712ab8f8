using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Parley.Server.Realtime;

/// <summary>
/// The first request on a connection, read just far enough to tell whether it is a plain, well-formed WebSocket
/// upgrade to <c>/ws</c> or <c>/ws/{userId}</c> that <see cref="GatewayHandshake"/> can answer itself. Anything
/// unusual (another path or method, a body, percent-encoding, duplicate or non-ASCII headers, a huge head) is
/// <see cref="Verdict.NotOurs"/> and goes to HTTP untouched, which answers it exactly as before.
/// </summary>
public sealed record UpgradeRequest(int Length, string Host, string? PathUserId, string? Token, string Key, string? Profile = null)
{
    public enum Verdict { NeedMore, NotOurs, Ours }

    /// <summary>A head longer than this goes to HTTP (its limits and 431s apply there).</summary>
    public const int MaxHeadBytes = 16 * 1024;

    private static ReadOnlySpan<byte> Prefix => "GET /ws"u8;
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    public static Verdict Read(in ReadOnlySequence<byte> buffer, out UpgradeRequest? request)
    {
        request = null;
        var bytes = buffer.IsSingleSegment ? buffer.FirstSpan : buffer.Slice(0, Math.Min(buffer.Length, MaxHeadBytes + 4)).ToArray();
        // "GET /" exactly, then "ws" in any case (routing ignores case): decided on the first bytes, so other requests pass at once.
        var (n, exact) = (Math.Min(bytes.Length, Prefix.Length), Math.Min(bytes.Length, 5));
        if (!bytes[..exact].SequenceEqual(Prefix[..exact]) || !Ascii.EqualsIgnoreCase(bytes[..n], Prefix[..n])) return Verdict.NotOurs;
        var end = bytes.IndexOf(HeadEnd);
        if (end < 0) return bytes.Length > MaxHeadBytes ? Verdict.NotOurs : Verdict.NeedMore;
        if (end > MaxHeadBytes) return Verdict.NotOurs;
        request = Parse(bytes[..(end + 2)], end + HeadEnd.Length);
        return request is null ? Verdict.NotOurs : Verdict.Ours;
    }

    /// <summary>Parses the request line and header lines (each ending in CRLF); null when the fast path should not take it.</summary>
    private static UpgradeRequest? Parse(ReadOnlySpan<byte> head, int length)
    {
        foreach (var b in head)
            if (b is > 0x7E or (< 0x20 and not (byte)'\r' and not (byte)'\n' and not (byte)'\t')) return null;
        var text = Encoding.ASCII.GetString(head);
        var lines = text.Split("\r\n");
        if (ParseTarget(lines[0]) is not { } target) return null;
        var (pathUserId, query) = target;

        string? host = null, upgrade = null, version = null, key = null, authorization = null;
        var connectionUpgrade = false;
        foreach (var line in lines.AsSpan(1, lines.Length - 2))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || line.AsSpan().IndexOfAny('\r', '\n') >= 0 || line.AsSpan(0, colon).ContainsAnyExcept(TokenChars)) return null;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            switch (name.ToLowerInvariant())
            {
                case "host": if (!Once(ref host, value)) return null; break;
                case "upgrade": if (!Once(ref upgrade, value)) return null; break;
                case "sec-websocket-version": if (!Once(ref version, value)) return null; break;
                case "sec-websocket-key": if (!Once(ref key, value)) return null; break;
                case "authorization": if (!Once(ref authorization, value)) return null; break;
                case "connection":
                    connectionUpgrade |= value.Split(',').Any(t => t.Trim().Equals("upgrade", StringComparison.OrdinalIgnoreCase));
                    break;
                case "content-length": if (value != "0") return null; break;
                case "transfer-encoding": return null;
            }
        }
        if (host is null || !connectionUpgrade || !"websocket".Equals(upgrade, StringComparison.OrdinalIgnoreCase) || version != "13" || !IsKey(key))
            return null;
        var pairs = QueryHelpers.ParseNullableQuery(query);
        return new UpgradeRequest(length, host, pathUserId, TokenOf(authorization, pairs), key!, QueryValue(pairs, Compat.Profiles.QueryKey));
    }

    /// <summary><c>GET /ws[/{userId}][?query] HTTP/1.1</c>: the user id segment (or null) and the query.</summary>
    private static (string? PathUserId, string Query)? ParseTarget(string requestLine)
    {
        var parts = requestLine.Split(' ');
        if (parts is not ["GET", var target, "HTTP/1.1"] || target.Contains('\t')) return null;
        var q = target.IndexOf('?');
        var (path, query) = q < 0 ? (target, "") : (target[..q], target[q..]);
        if (path.Contains('%') || !path.StartsWith("/ws", StringComparison.OrdinalIgnoreCase)) return null;
        if (path.Length == 3) return (null, query);
        var segment = path[3..];
        if (segment.Length < 2 || segment[0] != '/' || segment.IndexOf('/', 1) >= 0) return null;
        return (segment[1..], query);
    }

    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static bool Once(ref string? slot, string value)
    {
        if (slot is not null) return false;
        slot = value;
        return true;
    }

    private static bool IsKey(string? key)
    {
        Span<byte> decoded = stackalloc byte[18];
        return key is { Length: 24 } && Convert.TryFromBase64String(key, decoded, out var written) && written == 16;
    }

    /// <summary>As <see cref="Auth.BearerHandler.ReadToken"/>: a Bearer (or ApiKey) header wins, else <c>?access_token=</c> read as <c>Request.Query</c> reads it.</summary>
    private static string? TokenOf(string? authorization, Dictionary<string, Microsoft.Extensions.Primitives.StringValues>? query)
    {
        if (authorization is not null && (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase))) return authorization[7..].Trim();
        return QueryValue(query, "access_token");
    }

    private static string? QueryValue(Dictionary<string, Microsoft.Extensions.Primitives.StringValues>? query, string key) =>
        query is not null && query.TryGetValue(key, out var values) && values.ToString() is { Length: > 0 } value ? value : null;
}
