using System.Security.Claims;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Messages;

namespace Parley.Server.Agents;

/// <summary>The agent users a group admin can add as members, and stopping an answer.</summary>
public sealed record AgentInfo(string Id, string Username, string Name, bool IsAgent, bool Configured, string? Model);

public static class AgentsApi
{
    public static RouteGroupBuilder MapAgents(this RouteGroupBuilder api)
    {
        api.MapGet("/agents", List).WithTags("Agents");
        api.MapGet("/users/agents", List).WithTags("Agents");
        api.MapPost("/conversations/{id}/messages/{messageId}/stop", Stop).WithTags("Agents");
        return api;
    }

    private static async Task<IResult> List(AgentDirectory directory, IOptions<AgentOptions> options, CancellationToken ct)
    {
        var agent = await directory.EnsureAssistantAsync(ct);
        var o = options.Value;
        return Ok.With(new List<AgentInfo> { new(agent.Id, agent.Username, agent.Name ?? agent.Username, true, o.IsConfigured, o.IsConfigured ? o.Model : null) },
            "Agents retrieved successfully");
    }

    private static async Task<IResult> Stop(string id, string messageId, ClaimsPrincipal user, AgentResponder responder, MessageService messages,
        CancellationToken ct)
    {
        var stopped = await responder.StopAsync(user.Id(), id, messageId, ct);
        if (!stopped.Ok) return stopped.Error!.ToResult();
        return (await messages.GetAsync(user.Id(), id, messageId, ct))
            .ToResult(m => Ok.With(m, stopped.Value ? "Answer stopped" : "The answer had already finished"));
    }
}
