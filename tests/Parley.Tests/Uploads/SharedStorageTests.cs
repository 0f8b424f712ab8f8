using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Parley.Tests.Support;

namespace Parley.Tests.Uploads;

/// <summary>Two nodes of one deployment share the database and the S3 bucket: a file stored through one is served by the other.</summary>
public sealed class SharedStorageTests(S3UploadsApp a) : IClassFixture<S3UploadsApp>
{
    [Fact]
    public async Task A_file_uploaded_on_one_node_is_served_and_swept_by_another()
    {
        a.Require();
        await using var b = new S3UploadsApp { SharesDatabaseWith = a };
        await b.InitializeAsync();
        var alice = await a.UserAsync("alice");
        var bob = (await a.UserAsync("bob")).On(b);
        var group = await alice.GroupAsync("group", bob);

        var photo = TestImages.Jpeg(500, 400);
        var upload = await alice.UploadedAsync(photo, "shared.jpg");
        var sent = await alice.SendFilesAsync(group, "from node A", upload.Str("id"));
        // The URL node A signed works on node B (one signing key in the database), and B reads the bytes from S3.
        var served = await b.FetchAsync(sent.Attachments()[0].Str("url"));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(upload.GetProperty("size").GetInt64(), (await served.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.GetAsync($"/api/files/{upload.Str("id")}/thumbnail")).StatusCode);

        // Uploaded through B, sent through A.
        var fromB = await bob.UploadedAsync("notes from B\n"u8.ToArray(), "b.txt");
        var reply = await bob.On(a).SendFilesAsync(group, null, fromB.Str("id"));
        Assert.Equal("notes from B\n", await (await a.FetchAsync(reply.Attachments()[0].Str("url"))).Content.ReadAsStringAsync());

        // A deletion through A; node B's sweep removes the bytes from the shared bucket.
        (await alice.DeleteAsync($"/api/conversations/{group}/messages/{sent.Str("id")}")).Expect(200);
        await b.Services.GetRequiredService<Parley.Server.Uploads.UploadSweeper>().SweepAsync(DateTimeOffset.UtcNow);
        Assert.DoesNotContain(await a.StoredKeysAsync(), k => k.Contains(upload.Str("id"), StringComparison.Ordinal));
    }
}
