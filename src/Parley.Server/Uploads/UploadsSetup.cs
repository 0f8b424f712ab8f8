using Microsoft.Extensions.Options;
using Parley.Server.Data;

namespace Parley.Server.Uploads;

public static class UploadsSetup
{
    public static IServiceCollection AddUploads(this IServiceCollection services)
    {
        services.AddOptions<UploadOptions>().BindConfiguration("Uploads");
        services.AddOptions<StorageOptions>().BindConfiguration("Storage");
        services.AddSingleton<IFileStorage>(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            if (storage.UsesS3) return new S3Storage(storage.S3);
            var dataDirectory = sp.GetRequiredService<DataOptions>().DataDirectory;
            return new DiskStorage(string.IsNullOrWhiteSpace(storage.Directory) ? Path.Combine(dataDirectory, "files") : storage.Directory);
        });
        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IFileStorage>();
            var root = storage is DiskStorage disk ? Path.GetDirectoryName(disk.Root)! : sp.GetRequiredService<DataOptions>().DataDirectory;
            return new UploadFolders(Path.Combine(root, "uploads-tmp"));
        });
        services.AddSingleton<FileUrls>();
        services.AddSingleton<UploadService>();
        services.AddSingleton<FileDownloads>();
        services.AddSingleton<Attachments>();
        services.AddSingleton<UploadSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<UploadSweeper>());
        return services;
    }

    /// <summary>With Storage:S3:CreateBucket, makes the bucket at start-up (a test server, a fresh deployment).</summary>
    public static async Task EnsureStorageAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (options.UsesS3 && options.S3.CreateBucket && app.Services.GetRequiredService<IFileStorage>() is S3Storage s3)
            await s3.EnsureBucketAsync(CancellationToken.None);
    }
}
