using System.Text.Json.Serialization;

namespace Parley.Server.Uploads;

/// <summary>An upload as clients see it, in the upload's answer and in a message's attachments; the URLs are signed.</summary>
public sealed record AttachmentDto(string Id, string Url, string Name, string ContentType, long Size,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Width,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Height,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ThumbnailUrl);

public sealed class UploadRow
{
    public string Id { get; set; } = "";
    public string OwnerId { get; set; } = "";
    public string Name { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }
    public string Sha256 { get; set; } = "";
    public string StorageKey { get; set; } = "";
    public string? ThumbnailKey { get; set; }
    public string? ConversationId { get; set; }
    public string? MessageId { get; set; }
    public long CreatedAt { get; set; }

    public string ThumbnailType => ThumbnailKey?.EndsWith(".png", StringComparison.Ordinal) == true ? "image/png" : "image/jpeg";

    public AttachmentDto ToDto(FileUrls urls, UrlScope scope) => new(Id, urls.File(Id, scope), Name, ContentType, Size, Width, Height,
        ThumbnailKey is null ? null : urls.Thumbnail(Id, scope));
}
