using System.Text.Json;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;

namespace Parley.Server.Notifications;

/// <summary>A notification as clients see it; <c>senderId</c> is null for the server's own (added to a group, role changed…).</summary>
public sealed record NotificationDto(string Id, string UserId, string Type, string Message, JsonElement? Data, string? ConversationId,
    DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, bool Read, string? SenderId = null);

public static class NotificationTypes
{
    public const string Custom = "custom";
    public const string AddedToConversation = "conversation.added";
    public const string RoleChanged = "conversation.role";
    public const string Mention = "message.mention";

    /// <summary>Types the server uses itself; a user-sent notification may not pass for one of them.</summary>
    public static bool IsReserved(string type) =>
        type.StartsWith("conversation.", StringComparison.OrdinalIgnoreCase) || type.StartsWith("message.", StringComparison.OrdinalIgnoreCase)
        || type.StartsWith("system", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Creates notifications inside a transaction and appends their live notification:new event.</summary>
public static class NotificationService
{
    /// <summary>Null when the user muted <paramref name="conversationId"/>: a muted conversation notifies nobody (its unread still counts).</summary>
    public static async Task<NotificationDto?> CreateAsync(EventBatch batch, string userId, string type,
        string message, string? conversationId, object? data, string? senderId = null)
    {
        if (conversationId is not null && await NotificationStore.IsMutedAsync(batch.Connection, batch.Transaction, userId, conversationId, Clock.NowMs()))
            return null;
        var row = new NotificationRow
        {
            Id = Guid.CreateVersion7().ToString(), UserId = userId, SenderId = senderId, Type = type, Message = message,
            Data = data is null ? null : JsonSerializer.Serialize(data, JsonSetup.Default), ConversationId = conversationId,
            CreatedAt = Clock.NowMs(),
        };
        await NotificationStore.InsertAsync(batch.Connection, batch.Transaction, row);
        var dto = row.ToDto();
        await batch.AppendAsync(NotificationEventTypes.NotificationNew, null, userId, new NotificationEvent(conversationId, dto));
        return dto;
    }

    /// <summary>A user's notification to themselves or to someone they share a conversation with; anyone else is "not found".</summary>
    public static async Task<Outcome<NotificationDto>> SendAsync(EventScope scope, string senderId, SendNotification send,
        CancellationToken ct) =>
        await scope.TryWriteAsync<NotificationDto>(async batch =>
        {
            if (!await NotificationStore.CanNotifyAsync(batch.Connection, batch.Transaction, senderId, send.UserId)) return Failure.UserNotFound;
            return (await CreateAsync(batch, send.UserId, send.Type, send.Message, null, send.Data, senderId))!;
        }, ct);
}
