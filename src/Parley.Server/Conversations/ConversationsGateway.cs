using System.Security.Claims;
using Parley.Server.Api;
using Parley.Server.Events;

namespace Parley.Server.Conversations;

public sealed record ConnectInfo(string ConversationId, string Url, bool Connected, string Status);

/// <summary>Conversations and the socket: <c>conversation:create</c> over it, and <c>POST /conversations/{id}/connect</c> to find it.</summary>
public static class ConversationsGateway
{
    public const string ConversationCreate = "conversation:create";

    public static IServiceCollection AddConversationRequests(this IServiceCollection services) =>
        services.AddGatewayRequest<CreateConversationRequest>(ConversationCreate, CreateAsync);

    public static RouteGroupBuilder MapConnect(this RouteGroupBuilder api)
    {
        api.MapPost("/conversations/{id}/connect", Connect).WithTags("Conversations");
        return api;
    }

    /// <summary>The body of POST /api/conversations; the ack carries the conversation (existing direct ones included).</summary>
    private static async ValueTask<Outcome<object?>> CreateAsync(GatewayCall call, CancellationToken ct)
    {
        var body = call.Bind<CreateConversationRequest>();
        if (!body.Ok) return body.Error!;
        var spec = body.Value!.Validate();
        if (!spec.Ok) return spec.Error!;
        var created = await call.Get<ConversationService>().CreateAsync(call.UserId, spec.Value!, ct);
        return created.Ok ? created.Value.Conversation : created.Error!;
    }

    private static async Task<IResult> Connect(string id, HttpContext http, ClaimsPrincipal user, ConversationStore store, ISocketDirectory sockets,
        CancellationToken ct)
    {
        var me = user.Id();
        if (await store.GetForMemberAsync(id, me, ct) is null) return Failure.ConversationNotFound.ToResult();
        var request = http.Request;
        var url = $"{(request.IsHttps ? "wss" : "ws")}://{request.Host}{request.PathBase}/ws";
        var connected = sockets.IsConnected(me);
        return Ok.With(new ConnectInfo(id, url, connected, connected ? "WebSocket connected" : "not connected"),
            connected ? "WebSocket connected" : "Connect a WebSocket to url to receive this conversation live");
    }
}
