using System.Security.Claims;
using Parley.Server.Api;
using Parley.Server.Events;

namespace Parley.Server.Notifications;

public sealed record NotificationList(List<NotificationDto> Notifications, long UnreadCount, Pagination Pagination);

public static class NotificationsApi
{
    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/notifications").WithTags("Notifications");
        group.MapPost("/", Send).RequireRateLimiting(NotificationLimits.SendPolicy);
        group.MapGet("/", List);
        group.MapPut("/read-all", ReadAll);
        group.MapPut("/{id}/read", Read);
        return api;
    }

    private static async Task<IResult> Send(Body<SendNotificationRequest> body, ClaimsPrincipal user, EventScope scope,
        CancellationToken ct)
    {
        var me = user.Id();
        var send = body.Value.Validate(me);
        if (!send.Ok) return send.Error!.ToResult();
        var outcome = await NotificationService.SendAsync(scope, me, send.Value!, ct);
        return outcome.ToResult(n => Ok.Created(n, "Notification sent successfully"));
    }

    private static async Task<IResult> List(string? unreadOnly, Paging paging, ClaimsPrincipal user, NotificationStore store, CancellationToken ct)
    {
        bool? onlyUnread = unreadOnly?.Trim().ToLowerInvariant() switch
        {
            null or "" or "false" or "0" => false,
            "true" or "1" => true,
            _ => null,
        };
        if (onlyUnread is null) return Validator.Single("unreadOnly", "unreadOnly must be true or false");
        var (rows, total, unread) = await store.ListAsync(user.Id(), onlyUnread.Value, paging, ct);
        return Ok.With(new NotificationList(rows.Select(r => r.ToDto()).ToList(), unread, Pagination.Of(paging, total)),
            "Notifications retrieved successfully");
    }

    private static async Task<IResult> Read(string id, ClaimsPrincipal user, NotificationStore store, CancellationToken ct) =>
        await store.MarkReadAsync(user.Id(), id, ct) is { } row
            ? Ok.With(row.ToDto(), "Notification marked as read")
            : Failure.NotFound("Notification not found").ToResult();

    private static async Task<IResult> ReadAll(ClaimsPrincipal user, NotificationStore store, CancellationToken ct) =>
        Ok.With(new { modifiedCount = await store.MarkAllReadAsync(user.Id(), ct) }, "All notifications marked as read");
}
