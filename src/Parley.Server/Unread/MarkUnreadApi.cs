using System.Security.Claims;
using Parley.Server.Api;
using Parley.Server.Events;

namespace Parley.Server.Unread;

/// <summary>POST /api/conversations/{id}/unread {messageId}.</summary>
public static class MarkUnreadApi
{
    public static IServiceCollection AddMarkUnread(this IServiceCollection services) => services.AddSingleton<MarkUnreadService>()
        .AddEventType<MarkedUnreadEvent>(UnreadEventTypes.MarkedUnread, "Personal: I marked a conversation unread from a message (my other devices)");

    public static RouteGroupBuilder MapMarkUnread(this RouteGroupBuilder api)
    {
        api.MapPost("/conversations/{id}/unread", async (string id, Body<MarkUnreadRequest> body, ClaimsPrincipal user, MarkUnreadService service,
            CancellationToken ct) => (await service.MarkUnreadAsync(user.Id(), id, body.Value, ct)).ToResult(r => Ok.With(r, "Marked unread")))
            .WithTags("Messages");
        return api;
    }
}
