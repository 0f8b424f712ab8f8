using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Events;
using Parley.Server.Realtime;

namespace Parley.Server.SocketIo;

/// <summary>
/// A Socket.IO socket on <c>/</c> bound to one Parley user: another kind of connection in the gateway's
/// <see cref="ConnectionRegistry"/>, so fan-out reaches it exactly as it reaches a native socket. Client events are
/// answered by the native gateway's handlers (<see cref="GatewayDispatcher"/>) under their native names and seed
/// 001's (<see cref="SeedEvents"/>), each with an ack when the client asked for one. The recovery offset of every
/// stored event is its cursor; a client that reconnects with its last one gets what it missed (<see cref="ConnectAsync"/>).
/// </summary>
public sealed partial class ParleySocket(EngineSession session, string userId, ISocketProfile profile, ConnectionRegistry registry,
    GatewayDispatcher dispatcher, EventReplay replay, IConnectionObserver observer, IOptions<GatewayOptions> gateway,
    IOptions<SocketIoOptions> options) : ISocketNamespace, IRealtimeConnection
{
    private const string Root = NamespaceConnector.Root;
    private const int MaxPidLength = 64;
    private bool _left;

    public string Id { get; } = Guid.CreateVersion7().ToString();
    public string UserId => userId;
    public bool IsClosing => session.IsClosed;

    public int QueuedFrames => session.QueuedFrames;

    /// <summary>Joins <c>/</c>: registered before anything is read, so no live event falls between the replay and the socket.</summary>
    public async ValueTask<ISocketNamespace> ConnectAsync(JsonElement auth)
    {
        BeginReplay();
        registry.Add(this);
        await observer.ConnectedAsync(userId, Id);
        var (pid, offset) = RecoveryOf(auth);
        var missed = offset is { } since ? await MissedSinceAsync(since) : null;
        var cursor = missed is not null ? missed.Value.Cursor : await replay.HeadAsync();
        session.Send(NamespaceConnector.Connected(Root, Id, missed is not null ? pid : Guid.NewGuid().ToString("N")));
        if (missed is { } recovered) await ReplayAsync(recovered.Events, CancellationToken.None);
        var ready = new Ready(userId, Id, cursor, (int)options.Value.PingInterval.TotalSeconds);
        SendShaped("ready", JsonSerializer.SerializeToUtf8Bytes(ready, JsonSetup.Default), cursor);
        EndReplay();
        return this;
    }

    private static (string? Pid, long? Offset) RecoveryOf(JsonElement auth)
    {
        if (auth.ValueKind != JsonValueKind.Object || !auth.TryGetProperty("pid", out var pid) || pid.ValueKind != JsonValueKind.String
            || pid.GetString() is not { Length: > 0 and <= MaxPidLength } id) return (null, null);
        return auth.TryGetProperty("offset", out var offset) && offset.ValueKind == JsonValueKind.String
            && long.TryParse(offset.GetString(), out var cursor) && cursor >= 0 ? (id, cursor) : (id, null);
    }

    /// <summary>Every event after <paramref name="since"/>, or null when part of it has expired or it is more than a
    /// send queue holds (the client then sees <c>recovered: false</c> and refetches).</summary>
    private async Task<(List<ChatEvent> Events, long Cursor)?> MissedSinceAsync(long since)
    {
        var events = new List<ChatEvent>();
        var limit = gateway.Value.SendQueueSize / 2;
        for (var nextPage = false; ; nextPage = true)
        {
            var page = await replay.SinceAsync(userId, since, gateway.Value.ResumeBatch, nextPage: nextPage);
            if (page.Gap) return null;
            events.AddRange(page.Events);
            since = page.Cursor;
            if (events.Count > limit) return null;
            if (!page.HasMore) return (events, since);
        }
    }

    public async ValueTask OnEventAsync(SocketPacket packet, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        var args = packet.Data!.Value;
        var name = args[0].GetString()!;
        var data = args.GetArrayLength() > 1 ? args[1] : default;
        var (type, handler) = SeedEvents.Resolve(name);
        await dispatcher.AnswerAsync(this, type, data, handler, outcome =>
        {
            if (packet.AckId is { } id) SendAck(id, name, outcome);
            return ValueTask.CompletedTask;
        }, CancellationToken.None);
    }

    /// <summary><c>43&lt;id&gt;[{"ok":true,"data":…}]</c>, or <c>ok:false</c> with the error: the native ack without its type and id.</summary>
    private void SendAck(long id, string request, Outcome<object?> outcome)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("ok", outcome.Ok);
            writer.WritePropertyName(outcome.Ok ? "data" : "error");
            object? value = outcome.Ok ? outcome.Value : outcome.Error!.ToBody();
            if (value is null) writer.WriteNullValue();
            else JsonSerializer.Serialize(writer, value, value.GetType(), JsonSetup.Default);
            writer.WriteEndObject();
        }
        var ack = profile.ShapeAck(request, buffer.WrittenMemory);
        session.Send(SocketCodec.Encode(SocketType.Ack, Root, id, [(byte)'[', .. ack.Span, (byte)']']));
    }

    /// <summary>Revocation (4401) tells the client it was disconnected by the server, so it does not reconnect by itself;
    /// anything else (shutdown, a full queue) just ends the session, and the client reconnects and recovers.</summary>
    public void Close(WebSocketCloseStatus status, string reason, bool drain = true)
    {
        if (status == Gateway.Unauthorized) session.Send(SocketCodec.Encode(SocketType.Disconnect, Root, null, default));
        session.Close(reason);
    }

    public void OnDisconnect()
    {
        lock (_gate)
        {
            if (_left) return;
            _left = true;
        }
        registry.Remove(this);
        _ = observer.DisconnectedAsync(userId, Id);
    }
}
