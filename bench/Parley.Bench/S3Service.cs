using System.Diagnostics;

namespace Parley.Bench;

/// <summary>
/// The S3-compatible server of the uploads benchmark: PARLEY_TEST_S3 when set, else s3rver started by scripts/services.sh
/// (start_s3) on a loopback port and stopped on dispose.
/// </summary>
public sealed class S3Service(string root, string? folder, string url) : IAsyncDisposable
{
    public IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Storage:S3:ServiceUrl"] = url, ["Storage:S3:Bucket"] = $"parley-bench-{Guid.NewGuid():N}"[..30],
        ["Storage:S3:AccessKey"] = "S3RVER", ["Storage:S3:SecretKey"] = "S3RVER", ["Storage:S3:Region"] = "us-east-1",
        ["Storage:S3:CreateBucket"] = "true",
    };

    public static async Task<S3Service> StartAsync(string root)
    {
        if (Environment.GetEnvironmentVariable("PARLEY_TEST_S3") is { Length: > 0 } given) return new S3Service(root, null, given);
        var folder = Path.Combine(Path.GetTempPath(), "parley-bench", $"s3-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var output = await BashAsync(root, "work=\"$1\"; . scripts/services.sh; start_s3 && echo \"$PARLEY_TEST_S3\"", folder);
        return new S3Service(root, folder, output.Trim().Split('\n')[^1]);
    }

    private static async Task<string> BashAsync(string root, string script, string folder)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = root };
        foreach (var arg in new[] { "-c", script, "s3", folder }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"starting s3rver failed ({process.ExitCode})");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        if (folder is not null) await BashAsync(root, "bash scripts/services.sh stop \"$1\"", folder);
    }
}
