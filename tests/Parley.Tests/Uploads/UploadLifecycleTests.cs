using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Uploads;
using Parley.Tests.Support;

namespace Parley.Tests.Uploads;

public sealed class UploadLifecycleDiskTests(DiskUploadsApp app) : UploadLifecycleTests<DiskUploadsApp>(app);

public sealed class UploadLifecycleS3Tests(S3UploadsApp app) : UploadLifecycleTests<S3UploadsApp>(app);

/// <summary>When files are deleted: never sent, their message deleted, their account deleted; on each storage backend.</summary>
public abstract class UploadLifecycleTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : UploadsApp
{
    private UploadSweeper Sweeper => app.Services.GetRequiredService<UploadSweeper>();

    private async Task<bool> StoredAsync(string uploadId) => (await app.StoredKeysAsync()).Any(k => k.Contains(uploadId, StringComparison.Ordinal));

    [Fact]
    public async Task An_upload_never_sent_is_deleted_after_the_orphan_ttl()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var direct = await alice.DirectWithAsync(bob);
        var orphan = (await alice.UploadedAsync(TestImages.Png(50, 50), "orphan.png")).Str("id");
        var sent = (await alice.UploadedAsync(TestImages.Png(50, 50), "sent.png")).Str("id");
        await alice.SendFilesAsync(direct, null, sent);

        // Within the TTL (24 h by default) nothing goes.
        await Sweeper.SweepAsync(DateTimeOffset.UtcNow.AddHours(23));
        Assert.True(await StoredAsync(orphan));

        await Sweeper.SweepAsync(DateTimeOffset.UtcNow.AddHours(25));
        Assert.False(await StoredAsync(orphan));
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Http.GetAsync($"/api/files/{orphan}")).StatusCode);
        Assert.True(await StoredAsync(sent));
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.GetAsync($"/api/files/{sent}")).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_message_deletes_its_files()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var group = await alice.GroupAsync("group", bob);
        var photo = (await alice.UploadedAsync(TestImages.Jpeg(300, 200), "p.jpg")).Str("id");
        var kept = (await alice.UploadedAsync(TestImages.Jpeg(300, 200), "k.jpg")).Str("id");
        var message = await alice.SendFilesAsync(group, "soon gone", photo);
        await alice.SendFilesAsync(group, "stays", kept);
        var url = message.Attachments()[0].Str("url");

        (await alice.DeleteAsync($"/api/conversations/{group}/messages/{message.Str("id")}")).Expect(200);
        // At once: nobody can read it any more, and history shows no attachments.
        Assert.Equal(HttpStatusCode.NotFound, (await app.FetchAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/api/files/{photo}/thumbnail")).StatusCode);
        var deleted = (await bob.HistoryAsync(group)).Single(m => m.Str("id") == message.Str("id"));
        Assert.False(deleted.TryGetProperty("attachments", out _));

        // And the next sweep removes the bytes.
        Assert.True(await StoredAsync(photo));
        await Sweeper.SweepAsync(DateTimeOffset.UtcNow);
        Assert.False(await StoredAsync(photo));
        Assert.True(await StoredAsync(kept));
    }

    [Fact]
    public async Task Deleting_an_account_deletes_its_unsent_uploads()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var direct = await alice.DirectWithAsync(bob);
        var unsent = (await alice.UploadedAsync(TestImages.Png(30, 30), "draft.png")).Str("id");
        var sent = (await alice.UploadedAsync(TestImages.Png(30, 30), "shared.png")).Str("id");
        await alice.SendFilesAsync(direct, null, sent);

        (await alice.DeleteAsync($"/api/users/{alice.Id}")).Expect(200);
        await Sweeper.SweepAsync(DateTimeOffset.UtcNow);
        Assert.False(await StoredAsync(unsent));
        // What was sent stays for the people it was sent to.
        Assert.True(await StoredAsync(sent));
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.GetAsync($"/api/files/{sent}")).StatusCode);
    }
}
