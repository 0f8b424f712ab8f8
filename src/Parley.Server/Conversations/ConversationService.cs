using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Safety;
using Parley.Server.Users;

namespace Parley.Server.Conversations;

public sealed record CreateConversation(string Type, IReadOnlyList<string> ParticipantIds, string? Name, string? Description, string? Picture);

/// <summary>
/// The membership rules of DESIGN.md. Each operation is one transaction that checks the caller's role
/// and appends its events; events are published after commit.
/// </summary>
public sealed class ConversationService(ConversationStore store, ConversationViews views, UserStore users, AgentDirectory agents,
    EventScope scope, MembershipHooks hooks)
{
    private Db Db => store.Db;

    public async Task<Outcome<(ConversationDto Conversation, bool Created)>> CreateAsync(string callerId, CreateConversation spec, CancellationToken ct)
    {
        var others = spec.ParticipantIds.Where(id => id != callerId).Distinct().ToList();
        if (spec.Type == ConversationTypes.Direct && others.Count != 1)
            return Failure.Invalid("participantId", "A direct conversation needs exactly one other participant");
        if (spec.Type == ConversationTypes.Ai)
            others = [(await agents.EnsureAssistantAsync(ct)).Id];
        var found = await users.GetManyAsync(others, ct);
        var missing = others.Except(found.Where(u => !u.IsDeleted && (u.Kind is UserKinds.Human or UserKinds.Bot || spec.Type == ConversationTypes.Ai)).Select(u => u.Id)).ToList();
        if (missing.Count > 0) return Failure.NotFound($"User not found: {string.Join(", ", missing)}");

        return await scope.TryWriteAsync<(ConversationDto, bool)>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            var now = Clock.NowMs();
            string? directKey = null;
            if (spec.Type == ConversationTypes.Direct)
            {
                directKey = string.Join(':', new[] { callerId, others[0] }.Order(StringComparer.Ordinal));
                var existing = await ConversationStore.FindDirectAsync(connection, tx, directKey);
                // Across a block nobody starts a direct conversation or brings the other side back; an open one is still shown.
                if (await BlockList.EitherWayAsync(connection, tx, callerId, others[0])
                    && (existing is null || await store.GetForMemberAsync(connection, tx, existing.Id, callerId) is null
                        || await store.GetForMemberAsync(connection, tx, existing.Id, others[0]) is null))
                    return BlockList.CannotMessage;
                if (existing is not null)
                {
                    // Someone who left a direct conversation gets it back when either side opens it again.
                    var back = await ConversationStore.AddMembersAsync(connection, tx, existing.Id, [(callerId, Roles.Member), (others[0], Roles.Member)], now);
                    foreach (var m in back) await batch.AppendAsync(ConversationEventTypes.ConversationNew, null, m.UserId,
                        new ConversationEvent(existing.Id, await views.DetailsAsync(connection, tx, existing, null, ct)));
                    var me = (await store.GetForMemberAsync(connection, tx, existing.Id, callerId))!.Value.Member;
                    return (await views.DetailsAsync(connection, tx, existing, me, ct), false);
                }
            }

            var c = new ConversationRow
            {
                Id = Guid.CreateVersion7().ToString(), Type = spec.Type, Name = spec.Name, Description = spec.Description, Picture = spec.Picture,
                CreatedBy = callerId, CreatedAt = now, UpdatedAt = now,
            };
            await ConversationStore.InsertAsync(connection, tx, c, directKey);
            var creatorRole = ConversationTypes.HasRoles(spec.Type) ? Roles.Owner : Roles.Member;
            var members = await ConversationStore.AddMembersAsync(connection, tx, c.Id,
                others.Select(id => (id, Roles.Member)).Prepend((callerId, creatorRole)), now);
            var neutral = await views.DetailsAsync(connection, tx, c, null, ct);
            await batch.AppendAsync(ConversationEventTypes.ConversationNew, c.Id, null, new ConversationEvent(c.Id, neutral));
            await hooks.MembersAddedAsync(batch, c, callerId, members.Where(m => m.UserId != callerId).ToList(), ct);
            return (await views.DetailsAsync(connection, tx, c, members[0], ct), true);
        }, ct);
    }

    public async Task<Outcome<ConversationDto>> GetAsync(string callerId, string conversationId, CancellationToken ct)
    {
        await using var connection = await Db.OpenAsync(ct);
        if (await store.GetForMemberAsync(connection, null, conversationId, callerId) is not { } found) return Failure.ConversationNotFound;
        return await views.DetailsAsync(connection, null, found.Conversation, found.Member, ct);
    }

    public Task<Outcome<ConversationDto>> UpdateAsync(string callerId, string conversationId, ConversationChange change, CancellationToken ct) =>
        AsAdminAsync(callerId, conversationId, ct, async (batch, c, me) =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            c.Name = change.Name ?? c.Name;
            c.Description = change.Description ?? c.Description;
            c.Picture = change.Picture ?? c.Picture;
            c.UpdatedAt = Clock.NowMs();
            var slowModeChanged = change.SlowModeSeconds is { } slow && slow != c.SlowModeSeconds;
            c.SlowModeSeconds = change.SlowModeSeconds ?? c.SlowModeSeconds;
            await ConversationStore.UpdateMetadataAsync(connection, tx, c);
            if (slowModeChanged) await hooks.SlowModeChangedAsync(batch, c, callerId);
            var neutral = await views.DetailsAsync(connection, tx, c, null, ct);
            await batch.AppendAsync(ConversationEventTypes.ConversationUpdated, c.Id, null,
                new ConversationUpdatedEvent(c.Id, neutral, callerId));
            return await views.DetailsAsync(connection, tx, c, me, ct);
        });

    public async Task<Outcome<ConversationDto>> AddMembersAsync(string callerId, string conversationId, IReadOnlyList<string> userIds, CancellationToken ct)
    {
        var wanted = userIds.Distinct().ToList();
        var found = (await users.GetManyAsync(wanted, ct)).Where(u => !u.IsDeleted).Select(u => u.Id).ToHashSet();
        return await AsAdminAsync(callerId, conversationId, ct, async (batch, c, me) =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            // Existence of the conversation is checked before the users, so outsiders learn nothing about it.
            var missing = wanted.Where(id => !found.Contains(id)).ToList();
            if (missing.Count > 0) return Failure.NotFound($"User not found: {string.Join(", ", missing)}");
            if ((await ConversationStore.BannedAmongAsync(connection, tx, c.Id, wanted, Clock.NowMs())).FirstOrDefault() is { } banned)
                return Failure.Forbidden($"User {banned} is banned from this conversation");
            var added = await ConversationStore.AddMembersAsync(connection, tx, c.Id, wanted.Select(id => (id, Roles.Member)), Clock.NowMs());
            await hooks.MembersAddedAsync(batch, c, callerId, added, ct);
            return await views.DetailsAsync(connection, tx, c, me, ct);
        });
    }

    public Task<Outcome<ConversationDto>> SetRoleAsync(string callerId, string conversationId, string targetId, string role, CancellationToken ct) =>
        AsAdminAsync(callerId, conversationId, ct, async (batch, c, me) =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            var members = await ConversationStore.MembersAsync(connection, tx, c.Id);
            if (members.FirstOrDefault(m => m.UserId == targetId) is not { } target) return Failure.NotFound("Member not found");
            if (role == Roles.Owner)
            {
                if (me.Role != Roles.Owner) return Failure.Forbidden("Only the owner can hand over ownership");
                if (target.UserId == callerId) return await views.DetailsAsync(connection, tx, c, me, ct);
                await ConversationStore.SetRoleAsync(connection, tx, c.Id, callerId, Roles.Admin);
                await hooks.RoleChangedAsync(batch, c, callerId, callerId, Roles.Admin);
                me.Role = Roles.Admin;
            }
            else if (target.Role == Roles.Owner)
                return Failure.Forbidden("The owner's role cannot be changed; the owner can hand over ownership");
            // As with removal, only the owner acts on another admin (an admin may still step down).
            else if (target.Role == Roles.Admin && role == Roles.Member && me.Role != Roles.Owner && targetId != callerId)
                return Failure.Forbidden("Only the owner can demote an admin");
            if (target.Role != role)
            {
                await ConversationStore.SetRoleAsync(connection, tx, c.Id, targetId, role);
                await hooks.RoleChangedAsync(batch, c, callerId, targetId, role);
            }
            return await views.DetailsAsync(connection, tx, c, me, ct);
        });

    public Task<Outcome<ConversationDto?>> RemoveMemberAsync(string callerId, string conversationId, string targetId, CancellationToken ct) =>
        RemoveMembersAsync(callerId, conversationId, [targetId], ct);

    /// <summary>Removes every target or none (one transaction); the caller, when among them, leaves after the others are gone.</summary>
    public async Task<Outcome<ConversationDto?>> RemoveMembersAsync(string callerId, string conversationId, IReadOnlyList<string> targetIds, CancellationToken ct)
    {
        var others = targetIds.Where(id => id != callerId).Distinct().ToList();
        if (others.Count == 0) return await LeaveAsync(callerId, conversationId, ct);
        var result = await AsAdminAsync(callerId, conversationId, ct, async (batch, c, me) =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            var members = (await ConversationStore.MembersAsync(connection, tx, c.Id)).ToDictionary(m => m.UserId);
            foreach (var targetId in others)
            {
                if (!members.TryGetValue(targetId, out var target)) return Failure.NotFound("Member not found");
                if (target.Role == Roles.Owner) return Failure.Forbidden("The owner cannot be removed");
                if (target.Role == Roles.Admin && me.Role != Roles.Owner) return Failure.Forbidden("Only the owner can remove an admin");
                await ConversationStore.RemoveMemberAsync(connection, tx, c.Id, targetId);
                await hooks.MemberRemovedAsync(batch, c, callerId, targetId, "removed");
            }
            return await views.DetailsAsync(connection, tx, c, me, ct);
        });
        if (!result.Ok) return result.Error!;
        return targetIds.Contains(callerId) ? await LeaveAsync(callerId, conversationId, ct) : result.Value;
    }

    /// <summary>Leaves; when the owner leaves, ownership passes to the oldest admin, else the oldest member.</summary>
    public Task<Outcome<ConversationDto?>> LeaveAsync(string callerId, string conversationId, CancellationToken ct) =>
        scope.TryWriteAsync<ConversationDto?>(async batch =>
        {
            if (await store.GetForMemberAsync(batch.Connection, batch.Transaction, conversationId, callerId) is not { } found) return Failure.ConversationNotFound;
            await LeaveInTransactionAsync(batch, found.Conversation, found.Member);
            return (ConversationDto?)null;
        }, ct);

    /// <summary>A group/channel OWNER or ADMIN deletes it for everyone; anyone else leaves.</summary>
    public Task<Outcome<string>> DeleteOrLeaveAsync(string callerId, string conversationId, CancellationToken ct) =>
        scope.TryWriteAsync<string>(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            if (await store.GetForMemberAsync(connection, tx, conversationId, callerId) is not { } found) return Failure.ConversationNotFound;
            var (c, me) = found;
            if (ConversationTypes.HasRoles(c.Type) && Roles.IsAdmin(me.Role))
            {
                await ConversationStore.SoftDeleteAsync(connection, tx, c.Id, Clock.NowMs());
                await batch.AppendAsync(ConversationEventTypes.ConversationDeleted, c.Id, null,
                    new ConversationDeletedEvent(c.Id, callerId));
                return "deleted";
            }
            await LeaveInTransactionAsync(batch, c, me);
            return "left";
        }, ct);

    /// <summary>For account deletion: leave every conversation inside the caller's transaction.</summary>
    public async Task LeaveAllAsync(EventBatch batch, string userId)
    {
        foreach (var id in await ConversationStore.ConversationIdsOfAsync(batch.Connection, batch.Transaction, userId))
            if (await store.GetForMemberAsync(batch.Connection, batch.Transaction, id, userId) is { } found)
                await LeaveInTransactionAsync(batch, found.Conversation, found.Member);
    }

    private async Task LeaveInTransactionAsync(EventBatch batch, ConversationRow c, MemberRow me)
    {
        var (connection, tx) = (batch.Connection, batch.Transaction);
        await ConversationStore.RemoveMemberAsync(connection, tx, c.Id, me.UserId);
        var rest = await ConversationStore.MembersAsync(connection, tx, c.Id);
        // An AI conversation has one person; without them only the agent would be left in it.
        if (rest.Count == 0 || c.Type == ConversationTypes.Ai)
        {
            await ConversationStore.SoftDeleteAsync(connection, tx, c.Id, Clock.NowMs());
            await batch.AppendAsync(ConversationEventTypes.ConversationDeleted, null, me.UserId,
                new ConversationDeletedEvent(c.Id, me.UserId));
            return;
        }
        await hooks.MemberRemovedAsync(batch, c, me.UserId, me.UserId, "left");
        if (me.Role == Roles.Owner)
        {
            var heir = rest.FirstOrDefault(m => m.Role == Roles.Admin) ?? rest.FirstOrDefault(m => !agents.IsAgent(m.UserId)) ?? rest[0];
            await ConversationStore.SetRoleAsync(connection, tx, c.Id, heir.UserId, Roles.Owner);
            await hooks.RoleChangedAsync(batch, c, me.UserId, heir.UserId, Roles.Owner);
        }
    }

    private delegate Task<Outcome<ConversationDto>> AdminWork(EventBatch batch, ConversationRow c, MemberRow me);

    /// <summary>Membership (else 404), a group or channel (else 400), an OWNER/ADMIN caller (else 403), then the work.</summary>
    private Task<Outcome<ConversationDto>> AsAdminAsync(string callerId, string conversationId, CancellationToken ct, AdminWork work) =>
        scope.TryWriteAsync(async batch =>
        {
            if (await store.GetForMemberAsync(batch.Connection, batch.Transaction, conversationId, callerId) is not { } found) return Failure.ConversationNotFound;
            var (c, me) = found;
            if (!ConversationTypes.HasRoles(c.Type))
                return Failure.BadRequest($"Only group and channel conversations can be changed this way; this one is {c.Type}");
            if (!Roles.IsAdmin(me.Role)) return Failure.Forbidden("Only an owner or admin can do this");
            return await work(batch, c, me);
        }, ct);
}
