using System.Security.Claims;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Messages;
using Parley.Server.Users;

namespace Parley.Server.Agents;

/// <summary>The agent users a group admin can add as members, and stopping an answer.</summary>
public sealed record AgentInfo(string Id, string Username, string Name, bool IsAgent, bool Configured, string? Model);

/// <summary>message:stop over the socket: {messageId, conversationId?}.</summary>
public sealed record StopRequest(string? MessageId, string? ConversationId);

public static class AgentsApi
{
    public const string StopRequestType = "message:stop";

    public static RouteGroupBuilder MapAgents(this RouteGroupBuilder api)
    {
        api.MapGet("/agents", List).WithTags("Agents");
        api.MapGet("/users/agents", List).WithTags("Agents");
        api.MapPost("/conversations/{id}/messages/{messageId}/stop", async (string id, string messageId, ClaimsPrincipal user, AgentResponder responder,
            MessageService messages, CancellationToken ct) =>
            (await StopAsync(user.Id(), id, messageId, responder, messages, ct))
                .ToResult(r => Ok.With(r.Message, r.WasStreaming ? "Answer stopped" : "The answer had already finished"))).WithTags("Agents");
        return api;
    }

    public static IServiceCollection AddAgentRequests(this IServiceCollection services) =>
        services.AddGatewayRequest<StopRequest>(StopRequestType, async (call, ct) =>
        {
            var body = call.Bind<StopRequest>();
            if (!body.Ok) return body.Error!;
            if (string.IsNullOrWhiteSpace(body.Value!.MessageId)) return Failure.Invalid("messageId", "messageId is required");
            var stopped = await StopAsync(call.UserId, body.Value.ConversationId, body.Value.MessageId, call.Get<AgentResponder>(), call.Get<MessageService>(), ct);
            return stopped.Ok ? stopped.Value.Message : stopped.Error!;
        });

    private static async Task<IResult> List(AgentDirectory directory, IOptions<AgentOptions> options, CancellationToken ct)
    {
        var agent = await directory.EnsureAssistantAsync(ct);
        var o = options.Value;
        return Ok.With(new List<AgentInfo> { new(agent.Id, agent.Username, agent.Name ?? agent.Username, true, o.IsConfigured, o.IsConfigured ? o.Model : null) },
            "Agents retrieved successfully");
    }

    /// <summary>Stops the answer (when it still streams) and returns the message as it ended.</summary>
    private static async Task<Outcome<(MessageDto Message, bool WasStreaming)>> StopAsync(string callerId, string? conversationId, string messageId,
        AgentResponder responder, MessageService messages, CancellationToken ct)
    {
        var stopped = await responder.StopAsync(callerId, conversationId, messageId, ct);
        if (!stopped.Ok) return stopped.Error!;
        var message = await messages.GetAsync(callerId, conversationId, messageId, ct);
        return message.Ok ? (message.Value!, stopped.Value) : message.Error!;
    }
}
