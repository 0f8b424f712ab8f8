using Microsoft.Extensions.Options;
using Parley.Server.Events;
using Parley.Server.Messages;
using Parley.Server.Users;

namespace Parley.Server.Agents;

public static class AgentsSetup
{
    public static IServiceCollection AddAgents(this IServiceCollection services)
    {
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentOptions>, Validation>();
        services.AddSingleton<AgentDirectory>();
        services.AddSingleton<AgentStore>();
        services.AddSingleton<AgentLimits>();
        services.AddSingleton<AgentProvider>();
        services.AddSingleton<AgentResponder>();
        services.AddSingleton<IMessageSentListener>(sp => sp.GetRequiredService<AgentResponder>());
        services.AddHostedService(sp => sp.GetRequiredService<AgentResponder>());
        services.AddAgentRequests();
        services.AddEventType<MessageDeltaEvent>(AgentEventTypes.MessageDelta, "Text appended to an agent's answer while it streams");
        return services;
    }

    private sealed class Validation : IValidateOptions<AgentOptions>
    {
        public ValidateOptionsResult Validate(string? name, AgentOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
