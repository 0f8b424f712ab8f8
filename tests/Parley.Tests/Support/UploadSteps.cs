using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text.Json;
using SkiaSharp;

namespace Parley.Tests.Support;

/// <summary>Uploading as a browser does (multipart/form-data), and the test files: real images made with SkiaSharp.</summary>
public static class UploadSteps
{
    public static async Task<ApiResponse> UploadAsync(this TestUser me, byte[] bytes, string fileName, string declaredType = "application/octet-stream",
        string? conversationId = null)
    {
        using var form = new MultipartFormDataContent();
        if (conversationId is not null) form.Add(new StringContent(conversationId), "conversationId");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(declaredType);
        form.Add(file, "file", fileName);
        return await ApiResponse.ReadAsync(await me.Http.PostAsync("/api/uploads", form));
    }

    public static async Task<JsonElement> UploadedAsync(this TestUser me, byte[] bytes, string fileName, string declaredType = "application/octet-stream") =>
        (await me.UploadAsync(bytes, fileName, declaredType)).Expect(201);

    public static async Task<JsonElement> SendFilesAsync(this TestUser me, string conversationId, string? content, params string[] uploadIds) =>
        (await me.PostAsync($"/api/conversations/{conversationId}/messages", new { type = "file", content, attachments = uploadIds })).Expect(201);

    /// <summary>GET of a signed URL with no Authorization header, as an &lt;img src&gt; does.</summary>
    public static Task<HttpResponseMessage> FetchAsync(this INode node, string url, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        configure?.Invoke(request);
        return node.Http().SendAsync(request);
    }

    public static List<JsonElement> Attachments(this JsonElement message) => message.GetProperty("attachments").EnumerateArray().ToList();
}

public static class TestImages
{
    public static byte[] Jpeg(int width, int height) => Encode(width, height, SKEncodedImageFormat.Jpeg);

    public static byte[] Png(int width, int height) => Encode(width, height, SKEncodedImageFormat.Png);

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SteelBlue);
            using var paint = new SKPaint { Color = SKColors.Orange };
            canvas.DrawRect(0, 0, width / 2f, height / 3f, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 85);
        return data.ToArray();
    }

    public const string GpsSecret = "GPS 48.85837N 2.29448E";

    /// <summary>The JPEG with an EXIF segment (APP1) right after its start: an orientation tag and, after the IFD, a GPS-like text.</summary>
    public static byte[] WithExif(byte[] jpeg, ushort orientation)
    {
        var tiff = new List<byte>();
        tiff.AddRange("MM\0*"u8.ToArray());
        tiff.AddRange(BigEndian(8u));
        tiff.AddRange(BigEndian((ushort)1));
        tiff.AddRange(BigEndian((ushort)0x0112));
        tiff.AddRange(BigEndian((ushort)3));
        tiff.AddRange(BigEndian(1u));
        tiff.AddRange(BigEndian(orientation));
        tiff.AddRange([0, 0]);
        tiff.AddRange(BigEndian(0u));
        tiff.AddRange(System.Text.Encoding.ASCII.GetBytes(GpsSecret));
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segment = new List<byte> { 0xFF, 0xE1 };
        segment.AddRange(BigEndian((ushort)(payload.Length + 2)));
        segment.AddRange(payload);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    public static (int Width, int Height) SizeOf(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image));
        Assert.NotNull(codec);
        return (codec.Info.Width, codec.Info.Height);
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] BigEndian(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }
}
