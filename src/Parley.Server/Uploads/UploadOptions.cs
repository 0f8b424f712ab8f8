namespace Parley.Server.Uploads;

/// <summary>Uploads:* settings.</summary>
public sealed class UploadOptions
{
    public long MaxBytes { get; set; } = 25L << 20;

    /// <summary>Bytes one user may keep stored (sent or not); 0 = unlimited.</summary>
    public long QuotaBytesPerUser { get; set; } = 1L << 30;

    /// <summary>Sniffed content types accepted: exact ("application/pdf") or a family ("image/*"); empty (the default) or "*" takes all.</summary>
    public string[] AllowedTypes { get; set; } = [];

    /// <summary>An upload never sent with a message is deleted this long after it was made.</summary>
    public TimeSpan OrphanTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often a node deletes orphans and the files of deleted messages and accounts.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a signed file URL works.</summary>
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Images larger than this many pixels (width × height, read from the header) are refused: decompression bombs.</summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    public const int ThumbnailSide = 320;
    public const int MaxAttachments = 10;
}

/// <summary>Storage:* settings: local disk under the data folder unless S3 is configured.</summary>
public sealed class StorageOptions
{
    /// <summary>Folder of the disk backend; empty = "files" under Data:DataDirectory.</summary>
    public string? Directory { get; set; }

    public S3Options S3 { get; set; } = new();

    public bool UsesS3 => !string.IsNullOrWhiteSpace(S3.ServiceUrl) || !string.IsNullOrWhiteSpace(S3.Region) && !string.IsNullOrWhiteSpace(S3.Bucket);
}

public sealed class S3Options
{
    public string? ServiceUrl { get; set; }
    public string? Region { get; set; }
    public string Bucket { get; set; } = "";
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }

    /// <summary>Path-style addressing (http://host/bucket/key), which most S3-compatible servers need.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Create the bucket at start-up when it does not exist.</summary>
    public bool CreateBucket { get; set; }
}
