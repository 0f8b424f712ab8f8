using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Parley.Server.Api;
using Parley.Server.Data;

namespace Parley.Server.Uploads;

/// <summary>
/// GET /api/files/{id} and its thumbnail. The reader is whoever a signed URL names, else the bearer token's (or the
/// file cookie's) user; access is checked again on every request, so it ends the moment the reader leaves the
/// conversation, and anyone without it gets 404. Answers carry the original name,
/// an ETag, cache headers and byte ranges; only types that cannot run script in our origin are shown inline.
/// </summary>
public sealed class FileDownloads(Db db, IFileStorage storage, FileUrls urls, IOptions<UploadOptions> options)
{
    public static readonly Failure NotFound = Failure.NotFound("File not found");
    public static readonly Failure Expired = new(403, "link_expired", "This link has expired; fetch the message again for a fresh one");

    public async Task<IResult> ServeAsync(HttpContext http, string id, bool thumbnail, CancellationToken ct)
    {
        var query = http.Request.Query;
        // Who reads: a bearer token or the file cookie (FileSession), else the user a signed URL was made for.
        var reader = http.User.Identity?.IsAuthenticated == true ? http.User.Id() : null;
        UrlScope scope;
        if (query.ContainsKey("t"))
        {
            var (signed, expired) = urls.Verify(id, query["s"], query["e"], query["t"]);
            if (expired) return Expired.ToResult();
            if (signed is null) return NotFound.ToResult();
            scope = signed.Value;
            // A URL signed for a conversation (socket events, which every member gets alike) names nobody: it also needs
            // the reader, who must be a member of that conversation now.
            if (scope.Kind == UrlScope.UserKind) reader = scope.Id;
            else if (reader is null) return NotFound.ToResult();
        }
        else if (reader is not null) scope = UrlScope.User(reader);
        else return NotFound.ToResult();

        UploadRow? row;
        await using (var connection = await db.OpenAsync(ct)) row = await UploadStore.FindReadableAsync(connection, id, scope, reader);
        if (row is null || (thumbnail && row.ThumbnailKey is null)) return NotFound.ToResult();

        var (key, contentType, size) = thumbnail ? (row.ThumbnailKey!, row.ThumbnailType, -1L) : (row.StorageKey, row.ContentType, row.Size);
        var etag = new EntityTagHeaderValue($"\"{row.Sha256[..32]}{(thumbnail ? "-t" : "")}\"");
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = etag;
        headers.LastModified = Clock.ToTime(row.CreatedAt);
        headers.CacheControl = new CacheControlHeaderValue { Private = true, MaxAge = options.Value.UrlLifetime };
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.AcceptRanges = "bytes";
        var inline = thumbnail || ContentSniffer.IsInlineSafe(contentType);
        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        disposition.SetHttpFileName(thumbnail ? "thumbnail" + (row.ThumbnailType == "image/png" ? ".png" : ".jpg") : row.Name);
        http.Response.Headers.ContentDisposition = disposition.ToString();
        if (contentType != "application/pdf") http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

        if (http.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } inm && inm.Any(e => e.Equals(EntityTagHeaderValue.Any) || e.Compare(etag, useStrongComparison: false)))
            return Results.StatusCode(StatusCodes.Status304NotModified);

        if (size < 0)
        {
            // Thumbnails are small: no ranges, just the bytes.
            await using var whole = await storage.OpenReadAsync(key, 0, null, ct);
            if (whole is null) return NotFound.ToResult();
            return await SendAsync(http, whole, contentType, StatusCodes.Status200OK, whole.CanSeek ? whole.Length : null, ct);
        }
        var range = FileRanges.Pick(http.Request, etag, size);
        if (range is { Unsatisfiable: true })
        {
            http.Response.Headers.ContentRange = $"bytes */{size}";
            return Results.StatusCode(StatusCodes.Status416RangeNotSatisfiable);
        }
        var (from, length) = range is { } r ? (r.From, r.Length) : (0, size);
        if (range is not null) http.Response.Headers.ContentRange = $"bytes {from}-{from + length - 1}/{size}";
        await using var stream = await storage.OpenReadAsync(key, from, range is null ? null : length, ct);
        if (stream is null) return NotFound.ToResult();
        return await SendAsync(http, stream, contentType, range is null ? StatusCodes.Status200OK : StatusCodes.Status206PartialContent, length, ct);
    }

    private static async Task<IResult> SendAsync(HttpContext http, Stream body, string contentType, int status, long? length, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType.StartsWith("text/", StringComparison.Ordinal) ? contentType + "; charset=utf-8" : contentType;
        http.Response.ContentLength = length;
        if (!HttpMethods.IsHead(http.Request.Method)) await body.CopyToAsync(http.Response.Body, 64 * 1024, ct);
        return Results.Empty;
    }
}

/// <summary>One byte range of a Range header (several ranges, or a stale If-Range, get the whole file).</summary>
public readonly record struct FileRange(long From, long Length, bool Unsatisfiable);

public static class FileRanges
{
    public static FileRange? Pick(HttpRequest request, EntityTagHeaderValue etag, long size)
    {
        var headers = request.GetTypedHeaders();
        if (headers.Range is not { Unit.Value: "bytes", Ranges.Count: 1 } range) return null;
        if (headers.IfRange is { } ifRange && (ifRange.EntityTag is not { } tag || !tag.Compare(etag, useStrongComparison: true))) return null;
        var only = range.Ranges.First();
        long from, to;
        if (only.From is null)
        {
            if (only.To is not > 0 || size == 0) return new FileRange(0, 0, true);
            (from, to) = (Math.Max(0, size - only.To.Value), size - 1);
        }
        else
        {
            from = only.From.Value;
            to = Math.Min(only.To ?? size - 1, size - 1);
            if (from >= size || to < from) return new FileRange(0, 0, true);
        }
        return new FileRange(from, to - from + 1, false);
    }
}
