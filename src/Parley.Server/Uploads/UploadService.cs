using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Parley.Server.Api;
using Parley.Server.Data;

namespace Parley.Server.Uploads;

/// <summary>
/// POST /api/uploads: the multipart body is read section by section and the file streamed to a temp file (never
/// whole into memory), counted against the size limit and the quota and hashed on the way; its type is sniffed
/// from its first bytes; images get a thumbnail and lose their metadata; then the blobs go to storage and the row
/// to the database. Whatever fails on the way leaves nothing behind.
/// </summary>
public sealed class UploadService(Db db, IFileStorage storage, FileUrls urls, UploadFolders folders, IOptions<UploadOptions> options)
{
    private const int EnvelopeSlack = 1 << 20;

    public static readonly Failure UnsupportedType = new(415, "unsupported_media_type", "This type of file is not allowed here");

    public async Task<Outcome<AttachmentDto>> UploadAsync(HttpRequest request, string userId, CancellationToken ct)
    {
        var o = options.Value;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 } boundary)
            return Failure.BadRequest("Send multipart/form-data with the file in a field named 'file'");
        if (request.ContentLength > o.MaxBytes + EnvelopeSlack) return TooLarge(o.MaxBytes);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = o.MaxBytes + EnvelopeSlack;

        long room = long.MaxValue;
        if (o.QuotaBytesPerUser > 0)
        {
            await using var connection = await db.OpenAsync(ct);
            room = o.QuotaBytesPerUser - await UploadStore.UsedBytesAsync(connection, userId);
            if (room <= 0) return QuotaExceeded;
        }
        // No connection is held while the bytes arrive.
        var received = await ReceiveAsync(new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 }, Math.Min(o.MaxBytes, room),
            room < o.MaxBytes, ct);
        if (!received.Ok) return received.Error!;
        using var file = received.Value!;
        if (file.ConversationId is { } conversationId)
        {
            await using var connection = await db.OpenAsync(ct);
            if (!await UploadStore.IsMemberAsync(connection, conversationId, userId)) return Failure.ConversationNotFound;
        }
        return await StoreAsync(file, userId, ct);
    }

    private static Failure TooLarge(long max) => Failure.TooLarge($"A file may be at most {max:N0} bytes");

    private static readonly Failure QuotaExceeded = new(413, "quota_exceeded", "Your storage quota is used up; delete some files first");

    private async Task<Outcome<ReceivedFile>> ReceiveAsync(MultipartReader reader, long limit, bool quotaBound, CancellationToken ct)
    {
        ReceivedFile? file = null;
        string? conversationId = null;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (name == "file" && file is null)
                {
                    var received = await ReceiveFileAsync(section.Body, FileNames.Clean(disposition.FileNameStar.Value ?? disposition.FileName.Value), limit, ct);
                    if (received is null) return quotaBound ? QuotaExceeded : TooLarge(options.Value.MaxBytes);
                    file = received;
                }
                else if (name == "conversationId")
                {
                    using var text = new StreamReader(section.Body);
                    var buffer = new char[101];
                    var n = await text.ReadBlockAsync(buffer, ct);
                    if (n > 100) return Failure.Invalid("conversationId", "conversationId must be a conversation id");
                    conversationId = new string(buffer, 0, n).Trim() is { Length: > 0 } id ? id : null;
                }
            }
            if (file is null) return Failure.Invalid("file", "Send the file in a multipart field named 'file'");
            file.ConversationId = conversationId;
            var done = file;
            file = null;
            return done;
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            return Failure.BadRequest("The multipart body is malformed");
        }
        finally
        {
            file?.Dispose();
        }
    }

    /// <summary>Streams one file part to a temp file, hashing it and keeping its first bytes; null (and no file) past the limit.</summary>
    private async Task<ReceivedFile?> ReceiveFileAsync(Stream body, string name, long limit, CancellationToken ct)
    {
        var file = new ReceivedFile(folders.NewTempPath(), name);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var output = new FileStream(file.Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                int n;
                while ((n = await body.ReadAsync(buffer, ct)) > 0)
                {
                    file.Size += n;
                    if (file.Size > limit)
                    {
                        file.Dispose();
                        return null;
                    }
                    file.AddHead(buffer.AsSpan(0, n));
                    hash.AppendData(buffer, 0, n);
                    await output.WriteAsync(buffer.AsMemory(0, n), ct);
                }
            }
            file.Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<Outcome<AttachmentDto>> StoreAsync(ReceivedFile file, string userId, CancellationToken ct)
    {
        var o = options.Value;
        var contentType = ContentSniffer.Sniff(file.Head);
        if (!IsAllowed(contentType, o.AllowedTypes)) return UnsupportedType;
        var row = new UploadRow
        {
            Id = Guid.CreateVersion7().ToString(), OwnerId = userId, Name = file.Name, ContentType = contentType, Size = file.Size,
            Sha256 = file.Sha256, ConversationId = file.ConversationId, CreatedAt = Clock.NowMs(),
        };
        row.StorageKey = $"files/{row.Id}";
        byte[]? thumbnail = null;
        if (ContentSniffer.IsImage(contentType))
        {
            var processed = ImageProcessor.Process(file.Path, contentType, o.MaxImagePixels, file.Path + ".clean");
            if (!processed.Ok) return processed.Error!;
            if (processed.Value is { } image)
            {
                (row.Width, row.Height) = (image.Width, image.Height);
                if (image.CleanPath is { } clean) (row.Size, row.Sha256) = (file.ReplaceWith(clean), await HashAsync(clean, ct));
                if (image.Thumbnail is { } bytes)
                {
                    thumbnail = bytes;
                    row.ThumbnailKey = $"thumbs/{row.Id}{(image.ThumbnailType == "image/png" ? ".png" : ".jpg")}";
                }
            }
        }
        try
        {
            if (thumbnail is not null)
            {
                var thumbPath = folders.NewTempPath();
                try
                {
                    await File.WriteAllBytesAsync(thumbPath, thumbnail, ct);
                    await storage.PutAsync(row.ThumbnailKey!, thumbPath, row.ThumbnailType, ct);
                }
                finally { File.Delete(thumbPath); }
            }
            await storage.PutAsync(row.StorageKey, file.Path, contentType, ct);
            await db.WriteAsync(async (connection, tx) => { await UploadStore.InsertAsync(connection, tx, row); return true; }, ct);
        }
        catch
        {
            await storage.DeleteAsync(row.StorageKey, CancellationToken.None);
            if (row.ThumbnailKey is not null) await storage.DeleteAsync(row.ThumbnailKey, CancellationToken.None);
            throw;
        }
        return row.ToDto(urls, UrlScope.User(userId));
    }

    private static bool IsAllowed(string contentType, string[] allowed) => allowed.Length == 0 || allowed.Any(a => a == "*" || a == contentType
        || a.EndsWith("/*", StringComparison.Ordinal) && contentType.StartsWith(a[..^1], StringComparison.Ordinal));

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }
}
