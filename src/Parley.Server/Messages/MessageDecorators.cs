using System.Data.Common;

namespace Parley.Server.Messages;

/// <summary>A feature that hangs something on messages (reactions): fills its part of a page of messages in one go.</summary>
public interface IMessageDecorator
{
    /// <param name="viewerId">Whose view (e.g. "me" on reactions); null for the neutral view sent in events.</param>
    Task<List<MessageDto>> DecorateAsync(DbConnection connection, DbTransaction? tx, IReadOnlyList<MessageDto> messages, string? viewerId);
}

/// <summary>Every <see cref="IMessageDecorator"/>, applied in turn: the one place a message view gets its extra parts.</summary>
public sealed class MessageDecorators(IEnumerable<IMessageDecorator> decorators)
{
    private readonly IMessageDecorator[] _decorators = [.. decorators];

    public async Task<List<MessageDto>> ApplyAsync(DbConnection connection, DbTransaction? tx, IReadOnlyList<MessageDto> messages, string? viewerId)
    {
        var result = messages as List<MessageDto> ?? [.. messages];
        foreach (var decorator in _decorators) result = await decorator.DecorateAsync(connection, tx, result, viewerId);
        return result;
    }

    public async Task<MessageDto> ApplyAsync(DbConnection connection, DbTransaction? tx, MessageDto message, string? viewerId) =>
        (await ApplyAsync(connection, tx, [message], viewerId))[0];
}
