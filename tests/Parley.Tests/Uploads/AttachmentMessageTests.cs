using System.Net;
using Parley.Tests.Support;

namespace Parley.Tests.Uploads;

public sealed class AttachmentMessageDiskTests(DiskUploadsApp app) : AttachmentMessageTests<DiskUploadsApp>(app);

public sealed class AttachmentMessageS3Tests(S3UploadsApp app) : AttachmentMessageTests<S3UploadsApp>(app);

/// <summary>Messages with attachments: sending, live events, history, the rules of attaching; on each storage backend.</summary>
public abstract class AttachmentMessageTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : UploadsApp
{
    [Fact]
    public async Task A_message_carries_its_attachments_live_and_in_history()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var direct = await alice.DirectWithAsync(bob);
        await using var bobSocket = await WsClient.ConnectAsync(bob);
        await bobSocket.NextAsync("ready");

        var photo = await alice.UploadedAsync(TestImages.Jpeg(640, 480), "photo.jpg");
        var notes = await alice.UploadedAsync("meeting notes\n"u8.ToArray(), "notes.txt");
        var sent = await alice.SendFilesAsync(direct, "two files", photo.Str("id"), notes.Str("id"));
        Assert.Equal("file", sent.Str("type"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, sent.GetProperty("fileUrl").ValueKind);
        var attachments = sent.Attachments();
        Assert.Equal([photo.Str("id"), notes.Str("id")], attachments.Select(a => a.Str("id")));
        var first = attachments[0];
        Assert.Equal("photo.jpg", first.Str("name"));
        Assert.Equal("image/jpeg", first.Str("contentType"));
        Assert.Equal(photo.GetProperty("size").GetInt64(), first.GetProperty("size").GetInt64());
        Assert.Equal(640, first.GetProperty("width").GetInt32());
        Assert.Equal(480, first.GetProperty("height").GetInt32());
        Assert.StartsWith($"/api/files/{photo.Str("id")}/thumbnail?", first.Str("thumbnailUrl"));
        Assert.False(attachments[1].TryGetProperty("thumbnailUrl", out _));

        var live = await bobSocket.EventAsync("message:new", direct);
        var liveFiles = live.GetProperty("data").GetProperty("message").Attachments();
        Assert.Equal(2, liveFiles.Count);
        // An event's URL is signed for the conversation: it names nobody, so it also needs the reader (token or file cookie).
        Assert.Contains($"s=c.{direct}", Uri.UnescapeDataString(liveFiles[0].Str("url")));
        Assert.Equal(HttpStatusCode.NotFound, (await app.FetchAsync(liveFiles[0].Str("url"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.GetAsync(liveFiles[0].Str("url"))).StatusCode);

        var history = (await bob.HistoryAsync(direct)).Single();
        var url = history.Attachments()[1].Str("url");
        Assert.Contains($"s=u.{bob.Id}", Uri.UnescapeDataString(url));
        Assert.Equal("meeting notes\n", await (await app.FetchAsync(url)).Content.ReadAsStringAsync());
        var one = (await bob.GetAsync($"/api/conversations/{direct}/messages/{sent.Str("id")}")).Expect(200);
        Assert.Equal(2, one.Attachments().Count);

        // Editing the text keeps the files on the updated message.
        (await alice.PutAsync($"/api/conversations/{direct}/messages/{sent.Str("id")}", new { newContent = "two files (edited)" })).Expect(200);
        var updated = await bobSocket.EventAsync("message:updated", direct);
        Assert.Equal(2, updated.GetProperty("data").GetProperty("message").Attachments().Count);
    }

    [Fact]
    public async Task Only_the_uploader_attaches_an_upload_and_only_once()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var direct = await alice.DirectWithAsync(bob);
        var upload = await alice.UploadedAsync([1, 2, 3], "a.bin");

        (await bob.PostAsync($"/api/conversations/{direct}/messages", new { type = "file", attachments = new[] { upload.Str("id") } }))
            .ExpectError(400, "validation_failed");
        (await alice.PostAsync($"/api/conversations/{direct}/messages", new { type = "file", attachments = new[] { Guid.NewGuid().ToString() } }))
            .ExpectError(400, "validation_failed");
        await alice.SendFilesAsync(direct, null, upload.Str("id"));
        (await alice.PostAsync($"/api/conversations/{direct}/messages", new { type = "file", attachments = new[] { upload.Str("id") } }))
            .ExpectError(400, "validation_failed");
        // A failed send leaves its other uploads free: the transaction rolled back.
        var fresh = await alice.UploadedAsync([4, 5], "b.bin");
        (await alice.PostAsync($"/api/conversations/{direct}/messages", new { type = "file", attachments = new[] { fresh.Str("id"), upload.Str("id") } }))
            .ExpectError(400);
        await alice.SendFilesAsync(direct, null, fresh.Str("id"));
        Assert.Equal(2, (await alice.HistoryAsync(direct)).Count);
    }

    [Fact]
    public async Task Attachment_rules_at_send()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var direct = await alice.DirectWithAsync(bob);
        var eleven = Enumerable.Range(0, 11).Select(_ => Guid.NewGuid().ToString()).ToArray();
        (await alice.PostAsync($"/api/conversations/{direct}/messages", new { type = "file", attachments = eleven })).ExpectError(400, "validation_failed");
        (await alice.PostAsync($"/api/conversations/{direct}/messages", new { type = "file" })).ExpectError(400, "validation_failed");
        // The seeds' fileUrl still works on its own.
        var legacy = (await alice.PostAsync($"/api/conversations/{direct}/messages", new { type = "file", fileUrl = "https://example.com/a.pdf" })).Expect(201);
        Assert.Equal("https://example.com/a.pdf", legacy.Str("fileUrl"));
        Assert.False(legacy.TryGetProperty("attachments", out _));
        // A text message may be only files.
        var upload = await alice.UploadedAsync(TestImages.Png(10, 10), "x.png");
        var text = (await alice.PostAsync($"/api/conversations/{direct}/messages", new { attachments = new[] { upload.Str("id") } })).Expect(201);
        Assert.Single(text.Attachments());
        // An upload meant for one conversation cannot go to another.
        var other = await alice.GroupAsync("group", bob);
        var scoped = (await alice.UploadAsync([9], "s.bin", conversationId: direct)).Expect(201);
        (await alice.PostAsync($"/api/conversations/{other}/messages", new { type = "file", attachments = new[] { scoped.Str("id") } })).ExpectError(400);
        await alice.SendFilesAsync(direct, null, scoped.Str("id"));
    }

    [Fact]
    public async Task Sending_files_over_the_socket_works_too()
    {
        app.Require();
        var alice = await app.UserAsync("alice");
        var bob = await app.UserAsync("bob");
        var direct = await alice.DirectWithAsync(bob);
        var upload = await alice.UploadedAsync(TestImages.Png(20, 20), "s.png");
        await using var socket = await WsClient.ConnectAsync(alice);
        await socket.NextAsync("ready");
        var ack = await socket.RequestAsync("message:send", new { conversationId = direct, type = "file", attachments = new[] { upload.Str("id") } });
        Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        Assert.Single(ack.GetProperty("data").Attachments());
    }
}
