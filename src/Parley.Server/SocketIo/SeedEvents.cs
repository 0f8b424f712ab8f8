using System.Text.Json;
using Parley.Server.Api;
using Parley.Server.Conversations;
using Parley.Server.Messages;

namespace Parley.Server.SocketIo;

/// <summary>Which group joinGroup is about: <c>{conversationId}</c> (or groupId / id), or the id itself.</summary>
public sealed record JoinGroupRequest(string? ConversationId, string? GroupId, string? Id);

/// <summary>
/// Seed 001's socket events, answered by the native requests they mean: <c>sendMessage</c> is <c>message:send</c>,
/// <c>getMessages</c> <c>messages:get</c>, <c>markMessagesRead</c> <c>message:read</c>, <c>createGroup</c> a group
/// <c>conversation:create</c> (<c>{name, members}</c>). <c>joinGroup</c> only confirms membership: a socket already
/// receives every conversation of its user, so a member is acknowledged with the group and an outsider gets 404.
/// Any other name is a native request under its own name.
/// </summary>
public static class SeedEvents
{
    private static readonly Dictionary<string, (string Type, GatewayHandler? Handler)> Aliases = new(StringComparer.Ordinal)
    {
        ["sendMessage"] = (MessagesGateway.MessageSend, null),
        ["getMessages"] = (MessagesGateway.MessagesGet, null),
        ["markMessagesRead"] = (MessagesGateway.MessageRead, null),
        ["createGroup"] = (ConversationsGateway.ConversationCreate, CreateGroupAsync),
        ["joinGroup"] = ("joinGroup", JoinGroupAsync),
    };

    public static (string Type, GatewayHandler? Handler) Resolve(string name) => Aliases.GetValueOrDefault(name, (name, null));

    private static async ValueTask<Outcome<object?>> CreateGroupAsync(GatewayCall call, CancellationToken ct)
    {
        var body = call.Bind<CreateConversationRequest>();
        if (!body.Ok) return body.Error!;
        var spec = body.Value!.Validate(ConversationTypes.Group);
        if (!spec.Ok) return spec.Error!;
        var created = await call.Get<ConversationService>().CreateAsync(call.UserId, spec.Value!, ct);
        return created.Ok ? created.Value.Conversation : created.Error!;
    }

    private static async ValueTask<Outcome<object?>> JoinGroupAsync(GatewayCall call, CancellationToken ct)
    {
        string? id;
        if (call.Data.ValueKind == JsonValueKind.String) id = call.Data.GetString();
        else
        {
            var body = call.Bind<JoinGroupRequest>();
            if (!body.Ok) return body.Error!;
            id = body.Value!.ConversationId ?? body.Value.GroupId ?? body.Value.Id;
        }
        if (string.IsNullOrWhiteSpace(id)) return Failure.Invalid("conversationId", "conversationId is required");
        return (await call.Get<ConversationService>().GetAsync(call.UserId, id, ct)).Boxed();
    }
}
