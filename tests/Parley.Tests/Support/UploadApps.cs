using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Uploads;

namespace Parley.Tests.Support;

/// <summary>Which storage backend a test class runs on; the upload tests run once per backend.</summary>
public enum Backend { Disk, S3 }

/// <summary>
/// A server with small upload limits (1 MiB per file, 3 MiB per user, 10 megapixels) on the disk backend or on S3:
/// the S3-compatible server scripts/test.sh starts (s3rver, PARLEY_TEST_S3), in a bucket of the class's own.
/// </summary>
public abstract class UploadsApp(Backend backend) : ParleyApp, IAsyncLifetime
{
    public const long MaxBytes = 1 << 20;

    /// <summary>Set by scripts/test.sh (scripts/services.sh start_s3): the URL of an S3-compatible server.</summary>
    public static string? TestS3 { get; } = Environment.GetEnvironmentVariable("PARLEY_TEST_S3") is { Length: > 0 } s ? s : null;

    public Backend Backend => backend;

    public bool Available => backend == Backend.Disk || TestS3 is not null;

    /// <summary>The class's own bucket; a second node (<see cref="ParleyApp.SharesDatabaseWith"/>) shares the first one's.</summary>
    public string Bucket => SharesDatabaseWith is UploadsApp first ? first.Bucket : _bucket;

    private readonly string _bucket = $"parley-{Guid.NewGuid():N}";

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Uploads:MaxBytes", MaxBytes.ToString()),
        new("Uploads:QuotaBytesPerUser", (3 * MaxBytes).ToString()),
        new("Uploads:MaxImagePixels", "10000000"),
        new("Uploads:AllowedTypes:0", "image/*"),
        new("Uploads:AllowedTypes:1", "text/*"),
        new("Uploads:AllowedTypes:2", "application/pdf"),
        new("Uploads:AllowedTypes:3", "application/octet-stream"),
        new("Uploads:AllowedTypes:4", "application/x-executable"),
        .. backend == Backend.S3 ? S3Settings : [],
    ];

    private IEnumerable<KeyValuePair<string, string>> S3Settings =>
    [
        new("Storage:S3:ServiceUrl", TestS3 ?? "http://127.0.0.1:1"),
        new("Storage:S3:Bucket", Bucket),
        new("Storage:S3:AccessKey", "S3RVER"),
        new("Storage:S3:SecretKey", "S3RVER"),
        new("Storage:S3:Region", "us-east-1"),
        new("Storage:S3:CreateBucket", "true"),
    ];

    public new async ValueTask InitializeAsync()
    {
        if (Available) await base.InitializeAsync();
    }

    /// <summary>Skips the test where the backend is missing (no PARLEY_TEST_S3 outside scripts/test.sh); under CI that is a failure.</summary>
    public void Require()
    {
        if (Available) return;
        Assert.False(UnderCi, "PARLEY_TEST_S3 is not set: scripts/test.sh starts s3rver and sets it");
        Assert.Skip("PARLEY_TEST_S3 is not set (scripts/test.sh starts s3rver); S3 storage tests skipped");
    }

    public IFileStorage Storage => Services.GetRequiredService<IFileStorage>();

    public async Task<List<string>> StoredKeysAsync()
    {
        var keys = new List<string>();
        await foreach (var key in Storage.ListAsync("", CancellationToken.None)) keys.Add(key);
        return keys;
    }

    public string TempFolder => Services.GetRequiredService<UploadFolders>().Temp;
}

public sealed class DiskUploadsApp() : UploadsApp(Backend.Disk);

public sealed class S3UploadsApp() : UploadsApp(Backend.S3);
