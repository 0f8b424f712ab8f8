using OpenAI.Chat;
using Parley.Server.Messages;

namespace Parley.Server.Agents;

/// <summary>What the model is sent: the system prompt, then the conversation's recent messages within the configured bounds.</summary>
public sealed record AgentContext(List<ChatMessage> Messages, int Characters)
{
    public const string GroupNote =
        " You are in a group chat: each message starts with its author's @username. Answer the latest message that mentions you.";

    /// <param name="history">Oldest first, ending with the question.</param>
    public static AgentContext Build(AgentOptions o, string agentId, bool group, IReadOnlyList<HistoryRow> history)
    {
        var picked = new List<ChatMessage>();
        var left = o.MaxHistoryCharacters;
        for (var i = history.Count - 1; i >= 0 && left > 0; i--)
        {
            var h = history[i];
            if (h.Type == MessageTypes.System || string.IsNullOrWhiteSpace(h.Content)) continue;
            var fromAgent = h.SenderId == agentId;
            // Only real answers go back to the model: not notices, errors or cut-off answers.
            if (fromAgent && h.ReplyStatus is not (null or ReplyStatus.Complete)) continue;
            var text = fromAgent || !group ? h.Content : $"@{h.SenderUsername ?? "deleted"}: {h.Content}";
            if (text.Length > left)
            {
                if (picked.Count > 0) break;
                text = text[..left]; // the question itself always goes, cut to the bound
            }
            left -= text.Length;
            picked.Add(fromAgent ? new AssistantChatMessage(text) : new UserChatMessage(text));
        }
        picked.Reverse();
        var prompt = group ? o.SystemPrompt + GroupNote : o.SystemPrompt;
        picked.Insert(0, new SystemChatMessage(prompt));
        return new AgentContext(picked, prompt.Length + o.MaxHistoryCharacters - left);
    }
}
