using Parley.Server.Api;
using Parley.Server.Users;

namespace Parley.Server.Conversations;

/// <summary>Every seed's way of asking for a conversation (000's user_ids/is_group, 001's members, 003's participantId(s), 004's is_ai).</summary>
public sealed record CreateConversationRequest(
    string? Type, string? ParticipantId, List<string>? ParticipantIds, List<string>? UserIds, string? UserId, string? ReceiverId,
    List<string>? Members, string? Name, string? Description, string? Picture, string? GroupPicture, bool? IsGroup, bool? IsAi)
{
    public List<string> Participants() =>
        new[] { ParticipantId, UserId, ReceiverId }.Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id!)
            .Concat(ParticipantIds ?? []).Concat(UserIds ?? []).Concat(Members ?? [])
            .Where(id => !string.IsNullOrWhiteSpace(id)).Distinct().ToList();

    public Outcome<CreateConversation> Validate(string? forcedType = null)
    {
        var v = new Validator();
        var participants = Participants();
        var type = forcedType ?? ResolveType(participants.Count);
        v.Check(type is not null, "type", "Type must be one of direct, private, group, channel, ai");
        v.Check(participants.Count <= 500, "participantIds", "At most 500 participants at once");
        if (type is ConversationTypes.Group or ConversationTypes.Channel)
            v.Check(!TextRules.IsBlank(Name), "name", "A group or channel needs a name");
        Metadata(v, Name, Description, Picture ?? GroupPicture);
        if (v.Failed) return v.ToFailure();
        return new CreateConversation(type!, participants, Name?.Trim(), Description?.Trim(), Picture ?? GroupPicture);
    }

    private string? ResolveType(int participantCount)
    {
        if (Type is not null) return ConversationTypes.Normalize(Type);
        if (IsAi == true) return ConversationTypes.Ai;
        if (IsGroup == true) return ConversationTypes.Group;
        if (IsGroup == false) return ConversationTypes.Direct;
        return participantCount == 1 && Name is null ? ConversationTypes.Direct : ConversationTypes.Group;
    }

    public static void Metadata(Validator v, string? name, string? description, string? picture)
    {
        TextRules.Name(v, "name", name);
        v.Check(description is null || description.Length <= 1000, "description", "Description must be at most 1,000 characters");
        v.Check(string.IsNullOrEmpty(description) || !TextRules.IsBlank(description), "description", "Description must be empty or contain a visible character");
        UserRules.Picture(v, "picture", picture);
    }
}

public sealed record UpdateConversationRequest(string? Name, string? Description, string? Picture, string? GroupPicture, int? SlowModeSeconds);

public sealed record ConversationChange(string? Name, string? Description, string? Picture, int? SlowModeSeconds);

public static class ConversationRequests
{
    /// <summary>Six hours, as Discord allows.</summary>
    public const int MaxSlowModeSeconds = 21_600;
}

/// <summary>One member (user_id, userId, memberId) or several (members, userIds); action add/remove for the 002 toggle.</summary>
public sealed record MembersRequest(string? UserId, string? MemberId, string? ParticipantId, List<string>? Members, List<string>? UserIds, string? Action)
{
    public List<string> Ids() =>
        new[] { UserId, MemberId, ParticipantId }.Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id!)
            .Concat(Members ?? []).Concat(UserIds ?? []).Where(id => !string.IsNullOrWhiteSpace(id)).Distinct().ToList();
}

public sealed record RoleRequest(string? Role);
