using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Uploads;

namespace Parley.Server.Previews;

/// <summary>
/// After a text message is sent, or its text edited to a new first link, fetches the preview of its first link in the
/// background and, when the page gives one, stores it on the message and tells the conversation with message:updated.
/// A fetch that fails or is refused leaves the message as it was. An edit that drops or changes the link drops the old
/// preview at once, in the edit's own message:updated.
/// </summary>
public sealed class PreviewWorker(PreviewFetcher fetcher, PreviewStore store, IOptions<PreviewOptions> options, ILogger<PreviewWorker> log)
    : BackgroundService, IMessageSentListener, IMessageEditedListener
{
    private readonly Channel<(string MessageId, Uri Url)> _queue = Channel.CreateBounded<(string, Uri)>(
        new BoundedChannelOptions(Math.Max(1, options.Value.QueueSize)) { FullMode = BoundedChannelFullMode.DropWrite });

    public void MessageSent(MessageDto message, string conversationType)
    {
        if (!options.Value.Enabled || message.Type != MessageTypes.Text || Links.First(message.Content) is not { } url) return;
        _queue.Writer.TryWrite((message.Id, url));
    }

    public async Task MessageEditingAsync(EventBatch batch, MessageRow message)
    {
        if (message.Preview is null || PreviewUrl(message.Preview) == Links.First(message.Content)?.AbsoluteUri) return;
        await batch.Connection.ExecuteAsync("UPDATE messages SET preview = NULL WHERE id = @Id", new { message.Id }, batch.Transaction);
        message.Preview = null;
    }

    public void MessageEdited(MessageDto message)
    {
        if (message.Preview is null) MessageSent(message, "");
    }

    private static string? PreviewUrl(string json)
    {
        using var preview = JsonDocument.Parse(json);
        return preview.RootElement.TryGetProperty("url", out var url) ? url.GetString() : null;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Concurrency)).Select(_ => Task.Run(() => RunAsync(stoppingToken), stoppingToken)));

    private async Task RunAsync(CancellationToken ct)
    {
        await foreach (var (messageId, url) in _queue.Reader.ReadAllAsync(ct))
        {
            try { await PreviewAsync(messageId, url, ct); }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogDebug(e, "No preview for {Url}", url);
            }
        }
    }

    private async Task PreviewAsync(string messageId, Uri url, CancellationToken ct)
    {
        if (await fetcher.FetchAsync(url, ct) is not { } page) return;
        if (LinkPreview.FromHtml(page.Html, page.Url, url) is not { } preview) return;
        await store.SaveAsync(messageId, url, JsonSerializer.Serialize(preview, JsonSetup.Default), ct);
    }
}

/// <summary>Stores a preview on its message and raises message:updated, unless the message was deleted or its first link changed meanwhile.</summary>
public sealed class PreviewStore(EventScope scope, Attachments attachments, MessageDecorators decorators)
{
    public Task SaveAsync(string messageId, Uri url, string json, CancellationToken ct) => scope.WriteAsync(async batch =>
    {
        var (connection, tx) = (batch.Connection, batch.Transaction);
        if (await MessageStore.GetAsync(connection, tx, messageId) is not { DeletedAt: null } row || Links.First(row.Content) != url) return false;
        await connection.ExecuteAsync("UPDATE messages SET preview = @json WHERE id = @messageId", new { json, messageId }, tx);
        row.Preview = json;
        row.Attachments = (await attachments.ForRangeAsync(connection, tx, row.ConversationId, row.Seq - 1, row.Seq,
            UrlScope.Conversation(row.ConversationId))).GetValueOrDefault(row.Id);
        var directKey = await connection.ExecuteScalarAsync<string?>("SELECT direct_key FROM conversations WHERE id = @id", new { id = row.ConversationId }, tx);
        var markers = await MessageStore.LowestMarkersAsync(connection, tx, row.ConversationId);
        var dto = await decorators.ApplyAsync(connection, tx, MessageDto.From(row, directKey, markers.IsRead(row.Seq, row.SenderId)), null);
        await batch.AppendAsync(MessageEventTypes.MessageUpdated, row.ConversationId, MessageStore.ActorOf(row), new MessageEvent(row.ConversationId, dto));
        return true;
    }, ct);
}
