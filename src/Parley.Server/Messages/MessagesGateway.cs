using Parley.Server.Api;

namespace Parley.Server.Messages;

/// <summary>messages:get over the socket: {conversationId, page?, limit?, before?, after?}.</summary>
public sealed record MessagesGetRequest(string? ConversationId, int? Page, int? Limit, long? Before, long? After);

/// <summary>
/// The message requests of the gateway (DESIGN.md "Client requests"): the same service calls, validation and
/// idempotency as REST, answered as acks.
/// </summary>
public static class MessagesGateway
{
    public const string MessageSend = "message:send";
    public const string MessageEdit = "message:edit";
    public const string MessageDelete = "message:delete";
    public const string MessageRead = "message:read";
    public const string MessagesGet = "messages:get";

    public static IServiceCollection AddMessageRequests(this IServiceCollection services) => services
        .AddGatewayRequest<SendMessageRequest>(MessageSend, Bound<SendMessageRequest>(SendAsync))
        .AddGatewayRequest<EditMessageRequest>(MessageEdit, Bound<EditMessageRequest>(async (call, r, ct) =>
            (await call.Get<MessageService>().EditAsync(call.UserId, r, ct)).Boxed()))
        .AddGatewayRequest<DeleteMessageRequest>(MessageDelete, Bound<DeleteMessageRequest>(async (call, r, ct) =>
            (await call.Get<MessageService>().DeleteAsync(call.UserId, r, ct)).Boxed()))
        .AddGatewayRequest<ReadRequest>(MessageRead, Bound<ReadRequest>(async (call, r, ct) =>
            (await call.Get<MessageService>().MarkReadAsync(call.UserId, r, ct)).Boxed()))
        .AddGatewayRequest<MessagesGetRequest>(MessagesGet, Bound<MessagesGetRequest>(GetAsync));

    /// <summary>Reads the request's data as <typeparamref name="T"/> (a 400 naming the field when it can't) before the handler runs.</summary>
    private static GatewayHandler Bound<T>(Func<GatewayCall, T, CancellationToken, Task<Outcome<object?>>> handler) where T : class =>
        async (call, ct) => call.Bind<T>() is var body && body.Ok ? await handler(call, body.Value!, ct) : body.Error!;

    private static async Task<Outcome<object?>> SendAsync(GatewayCall call, SendMessageRequest request, CancellationToken ct)
    {
        var sent = await call.Get<MessageService>().SendAsync(call.UserId, request, ct);
        return sent.Ok ? sent.Value!.Message : sent.Error!;
    }

    private static async Task<Outcome<object?>> GetAsync(GatewayCall call, MessagesGetRequest r, CancellationToken ct)
    {
        var v = new Validator();
        v.Check(!string.IsNullOrWhiteSpace(r.ConversationId), "conversationId", "conversationId is required");
        v.Check(r.Page is null or > 0, "page", "page must be a positive whole number");
        v.Check(r.Limit is null or > 0, "limit", "limit must be a positive whole number");
        if (v.Failed) return v.ToFailure();
        var query = new ListMessages(r.ConversationId!, r.Page ?? 1, Math.Min(r.Limit ?? Paging.DefaultLimit, Paging.MaxLimit), r.Before, r.After);
        return (await call.Get<MessageService>().ListAsync(call.UserId, query, ct)).Boxed();
    }
}
