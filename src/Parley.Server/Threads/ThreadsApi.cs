using System.Security.Claims;
using Parley.Server.Api;
using Parley.Server.Events;
using Parley.Server.Messages;

namespace Parley.Server.Threads;

/// <summary>Threads: replies are sent with POST …/messages {threadId, alsoInConversation?}; these routes read them.</summary>
public static class ThreadsApi
{
    public static IServiceCollection AddThreads(this IServiceCollection services) =>
        services.AddSingleton<ThreadService>().AddSingleton<IThreadReplies, ThreadReplies>()
            .AddEventType<ThreadUpdatedEvent>(ThreadEventTypes.Updated, "A thread's summary changed (a reply was added or deleted)");

    public static RouteGroupBuilder MapThreads(this RouteGroupBuilder api)
    {
        var thread = api.MapGroup("/conversations/{id}/threads/{rootId}").WithTags("Threads");
        thread.MapGet("/messages", async (string id, string rootId, Paging paging, MessagesApi.Cursor cursor, ClaimsPrincipal user, ThreadService service,
            CancellationToken ct) =>
            (await service.RepliesAsync(user.Id(), rootId, new ListMessages(id, paging.Page, paging.Limit, cursor.Before, cursor.After), ct))
            .ToResult(page => Ok.With(page, "Thread retrieved successfully")));
        thread.MapPost("/read", async (string id, string rootId, Body<ThreadReadRequest> body, ClaimsPrincipal user, ThreadService service,
            CancellationToken ct) =>
            (await service.MarkReadAsync(user.Id(), id, rootId, body.Value, ct)).ToResult(state => Ok.With(state, "Thread marked as read")));
        api.MapGet("/threads", async (Paging paging, ClaimsPrincipal user, ThreadService service, CancellationToken ct) =>
            (await service.MineAsync(user.Id(), paging, ct)).ToResult(list => Ok.With(list, "Threads retrieved successfully"))).WithTags("Threads");
        return api;
    }
}
