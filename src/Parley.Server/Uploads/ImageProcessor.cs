using Parley.Server.Api;
using SkiaSharp;

namespace Parley.Server.Uploads;

/// <summary>What an uploaded image yields: its size as shown (EXIF orientation applied), a thumbnail, and a copy without metadata.</summary>
public sealed record ProcessedImage(int Width, int Height, byte[]? Thumbnail, string? ThumbnailType, string? CleanPath);

/// <summary>
/// Images through SkiaSharp: the header is read first and an image over the pixel limit is refused before any
/// pixel is decoded (decompression bombs); the thumbnail is decoded at a reduced scale where the codec can
/// (JPEG decodes at 1/2, 1/4, 1/8 directly), turned upright and scaled to <see cref="UploadOptions.ThumbnailSide"/>.
/// </summary>
public static class ImageProcessor
{
    public static readonly Failure TooManyPixels = new(413, "image_too_large", "The image has too many pixels");

    /// <summary>Null when the bytes do not decode as an image (they are then kept as a plain file).</summary>
    public static Outcome<ProcessedImage?> Process(string path, string contentType, long maxPixels, string cleanPath)
    {
        using var codec = SKCodec.Create(path);
        if (codec is null) return (ProcessedImage?)null;
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0) return (ProcessedImage?)null;
        if ((long)info.Width * info.Height > maxPixels) return TooManyPixels;
        var origin = codec.EncodedOrigin;
        var swapped = (int)origin >= 5;
        var (width, height) = swapped ? (info.Height, info.Width) : (info.Width, info.Height);

        using var decoded = Decode(codec, Math.Min(1f, (float)UploadOptions.ThumbnailSide / Math.Max(info.Width, info.Height)));
        if (decoded is null) return (ProcessedImage?)null;
        var scale = Math.Min(1f, (float)UploadOptions.ThumbnailSide / Math.Max(width, height));
        var (tw, th) = (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
        using var thumb = Upright(decoded, origin, tw, th);
        var opaque = decoded.AlphaType == SKAlphaType.Opaque || contentType == "image/jpeg";
        using var image = SKImage.FromBitmap(thumb);
        using var data = opaque ? image.Encode(SKEncodedImageFormat.Jpeg, 80) : image.Encode(SKEncodedImageFormat.Png, 100);

        var clean = WriteClean(path, contentType, origin, cleanPath) ? cleanPath : null;
        return new ProcessedImage(width, height, data?.ToArray(), data is null ? null : opaque ? "image/jpeg" : "image/png", clean);
    }

    /// <summary>Decodes at the smallest scale the codec supports that is not below <paramref name="scale"/>; else at full size.</summary>
    private static SKBitmap? Decode(SKCodec codec, float scale)
    {
        var size = codec.GetScaledDimensions(scale);
        foreach (var candidate in size.Width >= 1 && size != codec.Info.Size ? [size, codec.Info.Size] : new[] { codec.Info.Size })
        {
            var info = new SKImageInfo(candidate.Width, candidate.Height, SKColorType.Rgba8888,
                codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul);
            var bitmap = new SKBitmap(info);
            var result = codec.GetPixels(info, bitmap.GetPixels());
            if (result is SKCodecResult.Success or SKCodecResult.IncompleteInput) return bitmap;
            bitmap.Dispose();
        }
        return null;
    }

    /// <summary>The bitmap turned as its EXIF orientation says, scaled to <paramref name="width"/> × <paramref name="height"/> (upright size).</summary>
    private static SKBitmap Upright(SKBitmap source, SKEncodedOrigin origin, int width, int height)
    {
        var target = new SKBitmap(new SKImageInfo(width, height, source.ColorType, source.AlphaType));
        using var canvas = new SKCanvas(target);
        var swapped = (int)origin >= 5;
        // Work in the source's own orientation at the target scale, then map it upright.
        float w = swapped ? height : width, h = swapped ? width : height;
        switch (origin)
        {
            case SKEncodedOrigin.TopRight: canvas.Translate(w, 0); canvas.Scale(-1, 1); break;
            case SKEncodedOrigin.BottomRight: canvas.Translate(w, h); canvas.RotateDegrees(180); break;
            case SKEncodedOrigin.BottomLeft: canvas.Translate(0, h); canvas.Scale(1, -1); break;
            case SKEncodedOrigin.LeftTop: canvas.Scale(-1, 1); canvas.RotateDegrees(90); break;
            case SKEncodedOrigin.RightTop: canvas.Translate(h, 0); canvas.RotateDegrees(90); break;
            case SKEncodedOrigin.RightBottom: canvas.Translate(h, w); canvas.Scale(-1, 1); canvas.RotateDegrees(-90); break;
            case SKEncodedOrigin.LeftBottom: canvas.Translate(0, w); canvas.RotateDegrees(-90); break;
        }
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, new SKRect(0, 0, w, h), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return target;
    }

    /// <summary>
    /// The copy that is served: metadata dropped without re-encoding; a JPEG that EXIF says to turn is re-encoded upright
    /// instead, since dropping its EXIF would also drop the turn.
    /// </summary>
    private static bool WriteClean(string path, string contentType, SKEncodedOrigin origin, string cleanPath)
    {
        try
        {
            if (contentType == "image/jpeg" && origin != SKEncodedOrigin.TopLeft)
            {
                using var codec = SKCodec.Create(path);
                using var full = Decode(codec!, 1f);
                if (full is null) return false;
                var swapped = (int)origin >= 5;
                using var upright = Upright(full, origin, swapped ? full.Height : full.Width, swapped ? full.Width : full.Height);
                using var image = SKImage.FromBitmap(upright);
                using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
                using var file = File.Create(cleanPath);
                data.SaveTo(file);
                return true;
            }
            using (var input = File.OpenRead(path))
            using (var output = File.Create(cleanPath))
                if (MetadataStripper.Strip(contentType, input, output)) return true;
            File.Delete(cleanPath);
            return false;
        }
        catch (IOException)
        {
            File.Delete(cleanPath);
            return false;
        }
    }
}
