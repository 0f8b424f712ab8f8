using Parley.Server.Data;

namespace Parley.Server.Users;

/// <summary>The system user that speaks for the AI agent in "ai" conversations.</summary>
public sealed class AgentDirectory(UserStore users)
{
    public const string AssistantUsername = "parley-assistant";
    public const string AssistantName = "Parley Assistant";

    private volatile UserRow? _assistant;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public bool IsAgent(string userId) => _assistant?.Id == userId;

    public async Task<UserRow> EnsureAssistantAsync(CancellationToken ct)
    {
        if (_assistant is { } known) return known;
        await _gate.WaitAsync(ct);
        try
        {
            if (_assistant is { } raced) return raced;
            var existing = await users.FindAgentAsync(AssistantUsername, ct);
            if (existing is null)
            {
                var now = Clock.NowMs();
                var agent = new UserRow
                {
                    Id = Guid.CreateVersion7().ToString(), Username = AssistantUsername, Name = AssistantName, Kind = UserKinds.Agent,
                    // No password can match this hash: agents never log in.
                    PasswordHash = "!", SecurityStamp = Guid.NewGuid().ToString("N"), Status = "online", CreatedAt = now, UpdatedAt = now,
                };
                await users.CreateAsync(agent, ct);
                existing = await users.FindAgentAsync(AssistantUsername, ct);
            }
            return _assistant = existing!;
        }
        finally
        {
            _gate.Release();
        }
    }
}
