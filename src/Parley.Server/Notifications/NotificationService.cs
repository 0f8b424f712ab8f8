using System.Data.Common;
using System.Text.Json;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Realtime;

namespace Parley.Server.Notifications;

public sealed record NotificationDto(string Id, string UserId, string Type, string Message, JsonElement? Data, string? ConversationId,
    DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, bool Read);

public static class NotificationTypes
{
    public const string Custom = "custom";
    public const string AddedToConversation = "conversation.added";
    public const string RoleChanged = "conversation.role";
    public const string Mention = "message.mention";
}

/// <summary>Creates a notification inside the caller's transaction and appends its live notification:new event.</summary>
public static class NotificationService
{
    public static async Task<NotificationDto> CreateAsync(DbConnection connection, DbTransaction tx, string userId, string type,
        string message, string? conversationId, object? data, List<ChatEvent> events)
    {
        var now = Clock.NowMs();
        var id = Guid.CreateVersion7().ToString();
        var json = data is null ? null : JsonSerializer.Serialize(data, JsonSetup.Default);
        await connection.ExecuteAsync(
            "INSERT INTO notifications (id, user_id, type, message, data, created_at) VALUES (@id, @userId, @type, @message, @json, @now)",
            new { id, userId, type, message, json, now }, tx);
        var dto = new NotificationDto(id, userId, type, message, json is null ? null : JsonDocument.Parse(json).RootElement.Clone(),
            conversationId, Clock.ToTime(now), null, false);
        events.Add(await EventLog.AppendAsync(connection, tx, EventTypes.NotificationNew, null, userId,
            new { conversationId, notification = dto }));
        return dto;
    }
}
