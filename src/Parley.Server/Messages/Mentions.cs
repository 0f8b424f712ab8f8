using System.Text.RegularExpressions;
using Parley.Server.Events;
using Parley.Server.Notifications;
using Parley.Server.Users;

namespace Parley.Server.Messages;

/// <summary>@username in a text message notifies that member, inside the send's transaction.</summary>
public static partial class Mentions
{
    private const int MaxPerMessage = 50;

    [GeneratedRegex(@"(?<![\w@])@([A-Za-z0-9_.-]{3,32})")]
    private static partial Regex Pattern();

    /// <summary>The lower-cased usernames a text mentions (a trailing '.' or '-' may be punctuation, so both forms count).</summary>
    public static HashSet<string> In(string? content)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (content is null || !content.Contains('@')) return keys;
        foreach (Match match in Pattern().Matches(content))
        {
            var name = UserStore.Key(match.Groups[1].Value);
            keys.Add(name);
            if (name.TrimEnd('.', '-') is { Length: >= 3 } trimmed) keys.Add(trimmed);
            if (keys.Count >= MaxPerMessage) break;
        }
        return keys;
    }

    public static async Task NotifyAsync(EventBatch batch, MessageRow message, string senderName)
    {
        var keys = In(message.Content);
        if (keys.Count == 0) return;
        var preview = message.Content!.Length <= 100 ? message.Content : message.Content[..100] + "…";
        foreach (var userId in await MessageStore.MemberIdsByUsernameAsync(batch.Connection, batch.Transaction, message.ConversationId, keys, message.SenderId))
            await NotificationService.CreateAsync(batch, userId, NotificationTypes.Mention, $"{senderName} mentioned you: {preview}",
                message.ConversationId, new { conversationId = message.ConversationId, messageId = message.Id, seq = message.Seq, senderId = message.SenderId });
    }
}
