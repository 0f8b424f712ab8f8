using System.Diagnostics;
using Parley.Client;
using SkiaSharp;

namespace Parley.Bench;

/// <summary>
/// Upload throughput of 10 MB files (one at a time, then <c>concurrency</c> at once), and the cost of an image upload:
/// a 4000×3000 JPEG against a file of the same size that is not an image, so the difference is the image work
/// (header check, scaled decode, 320 px thumbnail, metadata strip). On disk or on S3 (s3rver from scripts/services.sh).
/// </summary>
public static class UploadsScenario
{
    public static async Task RunAsync(Uri url, string storage, int files, int megabytes, int concurrency, int images, Report report,
        Func<(long RssKiB, long PeakRssKiB)>? memory)
    {
        var client = new ParleyClient(MessagesScenario.NewHttp(url, Math.Max(concurrency, 2)));
        client.Http.Timeout = TimeSpan.FromMinutes(2);
        await client.RegisterAsync($"uploader_{Guid.NewGuid().ToString("N")[..6]}", "bench-password");
        var blob = new byte[megabytes * 1_000_000];
        new Random(15).NextBytes(blob);

        await client.UploadAsync(new MemoryStream(blob), "warm-up.bin");
        foreach (var parallel in new[] { 1, concurrency }.Distinct())
        {
            var latencies = new Samples();
            var clock = Stopwatch.StartNew();
            using var gate = new SemaphoreSlim(parallel);
            await Task.WhenAll(Enumerable.Range(0, files).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var one = Stopwatch.StartNew();
                    await client.UploadAsync(new MemoryStream(blob), $"file{i}.bin");
                    latencies.Add(one.Elapsed.TotalMilliseconds);
                }
                finally { gate.Release(); }
            }));
            var seconds = clock.Elapsed.TotalSeconds;
            report.Row(new()
            {
                ["storage"] = storage, ["what"] = $"{megabytes} MB files", ["concurrent"] = parallel, ["files"] = files,
                ["MBps"] = files * (double)megabytes / seconds, ["p50Ms"] = latencies.Summarize().P50Ms, ["p99Ms"] = latencies.Summarize().P99Ms,
                ["serverPeakRssMiB"] = memory is null ? null : memory().PeakRssKiB / 1024.0,
            });
        }

        var photo = Photo(4000, 3000);
        var same = new byte[photo.Length];
        new Random(16).NextBytes(same);
        await client.UploadAsync(new MemoryStream(photo), "warm-up.jpg");
        var jpeg = new Samples();
        var plain = new Samples();
        for (var i = 0; i < images; i++)
        {
            jpeg.Add(await TimeAsync(() => client.UploadAsync(new MemoryStream(photo), $"photo{i}.jpg")));
            plain.Add(await TimeAsync(() => client.UploadAsync(new MemoryStream(same), $"same{i}.bin")));
        }
        report.Row(new()
        {
            ["storage"] = storage, ["what"] = $"4000x3000 JPEG ({photo.Length / 1e6:F1} MB)", ["concurrent"] = 1, ["files"] = images,
            ["p50Ms"] = jpeg.Summarize().P50Ms, ["p99Ms"] = jpeg.Summarize().P99Ms,
            ["sameSizeNonImageP50Ms"] = plain.Summarize().P50Ms, ["imageWorkP50Ms"] = jpeg.Summarize().P50Ms - plain.Summarize().P50Ms,
            ["serverPeakRssMiB"] = memory is null ? null : memory().PeakRssKiB / 1024.0,
        });
    }

    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var clock = Stopwatch.StartNew();
        await work();
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>A camera-like JPEG: gradients with noise, so that it compresses like a photo, not like a flat colour.</summary>
    private static byte[] Photo(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint())
        {
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [SKColors.DarkSlateBlue, SKColors.Goldenrod, SKColors.SeaGreen], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
            paint.Shader = SKShader.CreatePerlinNoiseTurbulence(0.02f, 0.02f, 4, 7);
            paint.BlendMode = SKBlendMode.Overlay;
            canvas.DrawRect(0, 0, width, height, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
