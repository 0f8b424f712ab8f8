using System.Text;
using Parley.Tests.Support;

namespace Parley.Tests.Uploads;

public sealed class UploadDiskTests(DiskUploadsApp app) : UploadTests<DiskUploadsApp>(app);

public sealed class UploadS3Tests(S3UploadsApp app) : UploadTests<S3UploadsApp>(app);

/// <summary>POST /api/uploads: sniffed types, images, limits; on each storage backend.</summary>
public abstract class UploadTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : UploadsApp
{
    [Fact]
    public async Task An_image_gets_its_size_a_320px_thumbnail_and_loses_its_exif()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var photo = TestImages.WithExif(TestImages.Jpeg(1000, 500), orientation: 1);
        Assert.Contains(TestImages.GpsSecret, Encoding.ASCII.GetString(photo));

        var upload = await alice.UploadedAsync(photo, "holiday.jpg", "image/jpeg");
        Assert.Equal("holiday.jpg", upload.Str("name"));
        Assert.Equal("image/jpeg", upload.Str("contentType"));
        Assert.Equal(1000, upload.GetProperty("width").GetInt32());
        Assert.Equal(500, upload.GetProperty("height").GetInt32());

        var served = await (await app.FetchAsync(upload.Str("url"))).Content.ReadAsByteArrayAsync();
        Assert.Equal(served.Length, upload.GetProperty("size").GetInt64());
        Assert.DoesNotContain(TestImages.GpsSecret, Encoding.ASCII.GetString(served));
        Assert.DoesNotContain("Exif", Encoding.ASCII.GetString(served));
        Assert.Equal((1000, 500), TestImages.SizeOf(served));

        var thumbnail = await app.FetchAsync(upload.Str("thumbnailUrl"));
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType!.MediaType);
        Assert.Equal((320, 160), TestImages.SizeOf(await thumbnail.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task A_photo_taken_sideways_is_served_upright_with_its_turned_size()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        // EXIF orientation 6: the camera was turned; the picture is shown rotated 90° clockwise.
        var upload = await alice.UploadedAsync(TestImages.WithExif(TestImages.Jpeg(800, 400), orientation: 6), "portrait.jpg", "image/jpeg");
        Assert.Equal(400, upload.GetProperty("width").GetInt32());
        Assert.Equal(800, upload.GetProperty("height").GetInt32());
        var served = await (await app.FetchAsync(upload.Str("url"))).Content.ReadAsByteArrayAsync();
        Assert.DoesNotContain(TestImages.GpsSecret, Encoding.ASCII.GetString(served));
        Assert.Equal((400, 800), TestImages.SizeOf(served));
        Assert.Equal((160, 320), TestImages.SizeOf(await (await app.FetchAsync(upload.Str("thumbnailUrl"))).Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task The_content_type_is_sniffed_from_the_bytes_not_taken_from_the_client()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var png = await alice.UploadedAsync(TestImages.Png(40, 30), "notes.txt", "text/plain");
        Assert.Equal("image/png", png.Str("contentType"));
        Assert.True(png.TryGetProperty("thumbnailUrl", out _));

        // HTML that claims to be an image is HTML, and only ever a download.
        var html = await alice.UploadedAsync("<!DOCTYPE html><script>alert(document.cookie)</script>"u8.ToArray(), "cat.png", "image/png");
        Assert.Equal("text/html", html.Str("contentType"));
        Assert.False(html.TryGetProperty("thumbnailUrl", out _));
        var served = await app.FetchAsync(html.Str("url"));
        Assert.Equal(200, (int)served.StatusCode);
        Assert.Equal("attachment", served.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("text/html", served.Content.Headers.ContentType!.MediaType);

        var elf = await alice.UploadedAsync([0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0], "readme.pdf", "application/pdf");
        Assert.Equal("application/x-executable", elf.Str("contentType"));
        Assert.Equal("attachment", (await app.FetchAsync(elf.Str("url"))).Content.Headers.ContentDisposition!.DispositionType);

        var text = await alice.UploadedAsync("plain words, nothing more\n"u8.ToArray(), "a.exe", "application/x-msdownload");
        Assert.Equal("text/plain", text.Str("contentType"));
        Assert.Equal("inline", (await app.FetchAsync(text.Str("url"))).Content.Headers.ContentDisposition!.DispositionType);
    }

    [Fact]
    public async Task A_type_outside_the_allowed_list_is_415_and_leaves_nothing()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var before = await app.StoredKeysAsync();
        (await alice.UploadAsync([(byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0], "archive.zip", "application/zip")).ExpectError(415, "unsupported_media_type");
        Assert.Equal(before, await app.StoredKeysAsync());
    }

    [Fact]
    public async Task An_oversized_upload_is_413_and_leaves_nothing_behind()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var before = await app.StoredKeysAsync();
        var rows = await app.ScalarAsync("SELECT COUNT(*) FROM uploads");

        var big = new byte[UploadsApp.MaxBytes + 1];
        Random.Shared.NextBytes(big);
        (await alice.UploadAsync(big, "big.bin")).ExpectError(413);

        Assert.Equal(before, await app.StoredKeysAsync());
        Assert.Equal(rows, await app.ScalarAsync("SELECT COUNT(*) FROM uploads"));
        Assert.Empty(Directory.Exists(app.TempFolder) ? Directory.GetFiles(app.TempFolder) : []);
        // Exactly the limit is fine.
        (await alice.UploadAsync(big[..(int)UploadsApp.MaxBytes], "limit.bin")).Expect(201);
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_before_it_is_decoded()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var bomb = TestImages.Png(4000, 3000);
        Assert.True(bomb.Length < UploadsApp.MaxBytes, "a small file that decodes to 12 megapixels");
        var before = await app.StoredKeysAsync();
        (await alice.UploadAsync(bomb, "bomb.png", "image/png")).ExpectError(413, "image_too_large");
        Assert.Equal(before, await app.StoredKeysAsync());
    }

    [Fact]
    public async Task The_quota_per_user_is_enforced()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var chunk = new byte[UploadsApp.MaxBytes];
        for (var i = 0; i < 3; i++) (await alice.UploadAsync(chunk, $"part{i}.bin")).Expect(201);
        (await alice.UploadAsync(new byte[10], "one-more.bin")).ExpectError(413, "quota_exceeded");
        // Someone else still has room.
        (await (await app.UserAsync("bob")).UploadAsync(new byte[10], "small.bin")).Expect(201);
    }

    [Fact]
    public async Task Bad_requests_are_clear_4xx()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        (await alice.PostAsync("/api/uploads", new { file = "nope" })).ExpectError(400);
        using var form = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        (await ApiResponse.ReadAsync(await alice.Http.PostAsync("/api/uploads", form))).ExpectError(400);
        (await alice.UploadAsync([1, 2, 3], "x.bin", conversationId: Guid.NewGuid().ToString())).ExpectError(404);
        (await ApiResponse.ReadAsync(await app.Http().PostAsync("/api/uploads", new MultipartFormDataContent()))).ExpectError(401);
    }
}
