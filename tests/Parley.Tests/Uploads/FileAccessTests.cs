using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Uploads;
using Parley.Tests.Support;

namespace Parley.Tests.Uploads;

public sealed class FileAccessDiskTests(DiskUploadsApp app) : FileAccessTests<DiskUploadsApp>(app);

public sealed class FileAccessS3Tests(S3UploadsApp app) : FileAccessTests<S3UploadsApp>(app);

/// <summary>GET /api/files/{id}: who may read a file, signed URLs, ranges and cache headers; on each storage backend.</summary>
public abstract class FileAccessTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : UploadsApp
{
    private async Task<(TestUser Alice, TestUser Bob, TestUser Outsider, string Group)> ThreeAsync()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var outsider = await app.UserAsync("eve");
        return (alice, bob, outsider, await alice.GroupAsync("group", bob));
    }

    [Fact]
    public async Task Only_the_uploader_reads_an_unsent_file_and_then_the_members_of_its_conversation()
    {
        var (alice, bob, outsider, group) = await ThreeAsync();
        var upload = await alice.UploadedAsync(TestImages.Jpeg(400, 300), "plan.jpg");
        var id = upload.Str("id");
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.GetAsync($"/api/files/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/api/files/{id}")).StatusCode);

        await alice.SendFilesAsync(group, "the plan", id);
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.GetAsync($"/api/files/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.GetAsync($"/api/files/{id}/thumbnail")).StatusCode);
        foreach (var path in new[] { $"/api/files/{id}", $"/api/files/{id}/thumbnail" })
        {
            var refused = await ApiResponse.ReadAsync(await outsider.Http.GetAsync(path));
            refused.ExpectError(404, "not_found");
            Assert.Equal(HttpStatusCode.NotFound, (await app.Http().GetAsync(path)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync($"/api/files/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_forged_or_expired_signed_url_fails()
    {
        var (alice, bob, outsider, group) = await ThreeAsync();
        var upload = await alice.UploadedAsync(TestImages.Png(64, 64), "dot.png");
        var message = await alice.SendFilesAsync(group, null, upload.Str("id"));
        var url = message.Attachments()[0].Str("url");
        Assert.Contains($"s=u.{alice.Id}", Uri.UnescapeDataString(url));
        Assert.Equal(HttpStatusCode.OK, (await app.FetchAsync(url)).StatusCode);

        var token = url[(url.IndexOf("&t=", StringComparison.Ordinal) + 3)..];
        var forged = url.Replace(token, (token[0] == 'A' ? 'B' : 'A') + token[1..]);
        Assert.Equal(HttpStatusCode.NotFound, (await app.FetchAsync(forged)).StatusCode);
        var longer = url.Replace("&e=", "&e=9");
        Assert.Equal(HttpStatusCode.NotFound, (await app.FetchAsync(longer)).StatusCode);
        var otherFile = await alice.UploadedAsync(TestImages.Png(8, 8), "other.png");
        Assert.Equal(HttpStatusCode.NotFound, (await app.FetchAsync(url.Replace(upload.Str("id"), otherFile.Str("id")))).StatusCode);
        var bobsHistory = (await bob.HistoryAsync(group)).Single().Attachments()[0].Str("url");
        var asOutsider = bobsHistory.Replace(Uri.EscapeDataString($"u.{bob.Id}"), Uri.EscapeDataString($"u.{outsider.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.FetchAsync(asOutsider)).StatusCode);

        // Signed an hour and a half ago with a one-hour lifetime: expired.
        var past = new FileUrls(app.Services.GetRequiredService<SigningKey>(), app.Services.GetRequiredService<IOptions<UploadOptions>>(),
            new FixedTime(DateTimeOffset.UtcNow.AddMinutes(-90)));
        var expired = await ApiResponse.ReadAsync(await app.FetchAsync(past.File(upload.Str("id"), UrlScope.Conversation(group))));
        expired.ExpectError(403, "link_expired");
        // Moving the expiry on breaks the signature.
        var extended = past.File(upload.Str("id"), UrlScope.Conversation(group)).Replace("&e=", "&e=1");
        Assert.Equal(HttpStatusCode.NotFound, (await app.FetchAsync(extended)).StatusCode);
    }

    [Fact]
    public async Task Urls_stop_working_when_the_member_leaves_and_history_brings_fresh_ones()
    {
        var (alice, bob, _, group) = await ThreeAsync();
        var upload = await alice.UploadedAsync(TestImages.Png(64, 64), "dot.png");
        await alice.SendFilesAsync(group, "look", upload.Str("id"));
        var attachment = (await bob.HistoryAsync(group)).Single().Attachments()[0];
        Assert.Equal(upload.Str("id"), attachment.Str("id"));
        Assert.Equal(HttpStatusCode.OK, (await app.FetchAsync(attachment.Str("url"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.FetchAsync(attachment.Str("thumbnailUrl"))).StatusCode);

        (await bob.DeleteAsync($"/api/conversations/{group}/leave")).Expect(200);
        Assert.Equal(HttpStatusCode.NotFound, (await app.FetchAsync(attachment.Str("url"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.FetchAsync(attachment.Str("thumbnailUrl"))).StatusCode);
        var fresh = (await alice.HistoryAsync(group)).First().Attachments()[0].Str("url");
        Assert.Equal(HttpStatusCode.OK, (await app.FetchAsync(fresh)).StatusCode);
    }

    [Fact]
    public async Task Event_urls_need_the_readers_cookie_or_token_and_stop_working_the_moment_they_leave()
    {
        var (alice, bob, outsider, group) = await ThreeAsync();
        await using var bobSocket = await WsClient.ConnectAsync(bob);
        await bobSocket.NextAsync("ready");
        var upload = await alice.UploadedAsync(TestImages.Png(64, 64), "dot.png");
        var sent = await alice.SendFilesAsync(group, "look", upload.Str("id"));
        // The sender's own answer is signed for her, like history; the event's copy for the conversation.
        Assert.Contains($"s=u.{alice.Id}", Uri.UnescapeDataString(sent.Attachments()[0].Str("url")));
        var live = (await bobSocket.EventAsync("message:new", group)).GetProperty("data").GetProperty("message").Attachments()[0];
        var (url, thumbnail) = (live.Str("url"), live.Str("thumbnailUrl"));
        var history = (await bob.HistoryAsync(group)).Single().Attachments()[0].Str("url");

        // An <img src> sends no Authorization header: without the file cookie an event URL reads nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await app.FetchAsync(url)).StatusCode);
        using var browser = CookieBrowser();
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(thumbnail)).StatusCode);
        var session = new HttpRequestMessage(HttpMethod.Post, "/api/files/session");
        session.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bob.Token);
        (await ApiResponse.ReadAsync(await browser.SendAsync(session))).Expect(200);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(thumbnail)).StatusCode);
        // The cookie is the reader, the URL only what: an outsider's cookie reads nothing with it.
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync(url)).StatusCode);
        // The cookie serves downloads only.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/users/me")).StatusCode);

        (await bob.DeleteAsync($"/api/conversations/{group}/leave")).Expect(200);
        foreach (var gone in new[] { url, thumbnail, history })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(gone)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync(gone)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/api/files/{upload.Str("id")}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.GetAsync(url)).StatusCode);

        // Signing out drops the cookie.
        (await ApiResponse.ReadAsync(await browser.DeleteAsync("/api/files/session"))).Expect(200);
        (await alice.PostAsync($"/api/conversations/{group}/members", new { user_id = bob.Id })).Expect(200);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.GetAsync(url)).StatusCode);
    }

    /// <summary>An HTTP client that keeps cookies and sends no Authorization header, as a browser's &lt;img&gt; does.</summary>
    private HttpClient CookieBrowser() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = app.Http().BaseAddress };

    [Fact]
    public async Task Downloads_answer_ranges_etags_and_the_original_name()
    {
        var (alice, _, _, group) = await ThreeAsync();
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)('a' + i % 26)).ToArray();
        var upload = await alice.UploadedAsync(bytes, "Résumé 2026.txt", "text/plain");
        var url = (await alice.SendFilesAsync(group, null, upload.Str("id"))).Attachments()[0].Str("url");

        var whole = await app.FetchAsync(url);
        Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        Assert.Equal("Résumé 2026.txt", whole.Content.Headers.ContentDisposition!.FileNameStar);
        Assert.True(whole.Headers.CacheControl!.Private);
        Assert.NotNull(whole.Content.Headers.LastModified);
        var etag = whole.Headers.ETag!;

        var part = await app.FetchAsync(url, r => r.Headers.Range = new RangeHeaderValue(10, 19));
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes[10..20], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes 10-19/1000", part.Content.Headers.ContentRange!.ToString());
        var tail = await app.FetchAsync(url, r => r.Headers.Range = new RangeHeaderValue(null, 5));
        Assert.Equal(bytes[^5..], await tail.Content.ReadAsByteArrayAsync());
        var open = await app.FetchAsync(url, r => r.Headers.Range = new RangeHeaderValue(995, null));
        Assert.Equal(bytes[995..], await open.Content.ReadAsByteArrayAsync());
        var beyond = await app.FetchAsync(url, r => r.Headers.Range = new RangeHeaderValue(5000, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        var stale = await app.FetchAsync(url, r => { r.Headers.Range = new RangeHeaderValue(0, 9); r.Headers.IfRange = new RangeConditionHeaderValue("\"stale\""); });
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);

        var cached = await app.FetchAsync(url, r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
        var head = await app.Http().SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(1000, head.Content.Headers.ContentLength);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
