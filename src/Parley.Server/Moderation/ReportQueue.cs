using System.Security.Claims;
using Dapper;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Events;
using Parley.Server.Notifications;
using Parley.Server.Safety;

namespace Parley.Server.Moderation;

public sealed record ReportDecision(string? Status, string? Action, DateTimeOffset? Until, string? Note);

public static class ReportStatuses
{
    public static readonly string[] All = ["open", "resolved", "dismissed"];
    public static readonly string[] Actions = ["none", "delete_message", "suspend_user", "warn"];
}

/// <summary>
/// The administrators' report queue. A decision applies its action through the services that already do it (deleting
/// a message, suspending a user: each audited by them) and is itself audited once, as report.handled.
/// </summary>
public sealed class ReportQueue(Db db, EventScope scope, AdminService admin)
{
    public const string WarningType = "moderation.warning";

    public async Task<Outcome<List<ReportDto>>> ListAsync(string? status, Paging paging, CancellationToken ct)
    {
        if (status is not null && !ReportStatuses.All.Contains(status)) return Failure.Invalid("status", "status must be open, resolved or dismissed");
        await using var connection = await db.OpenAsync(ct);
        return await ReportService.ListAsync(connection, null, "(@status IS NULL OR r.status = @status)", new { status }, paging.Limit, paging.Offset, admin: true);
    }

    public async Task<Outcome<ReportDto>> DecideAsync(string adminId, string reportId, ReportDecision d, CancellationToken ct)
    {
        var status = d.Status?.Trim().ToLowerInvariant() ?? "resolved";
        var action = d.Action?.Trim().ToLowerInvariant() ?? "none";
        if (!ReportStatuses.All.Contains(status)) return Failure.Invalid("status", "status must be open, resolved or dismissed");
        if (!ReportStatuses.Actions.Contains(action)) return Failure.Invalid("action", $"action must be one of: {string.Join(", ", ReportStatuses.Actions)}");
        if (d.Note?.Length > AdminService.MaxReason) return Failure.Invalid("note", $"note must be at most {AdminService.MaxReason} characters");
        if (await GetAsync(reportId, ct) is not { } report) return Failure.NotFound("Report not found");
        if (action == "delete_message" && report.MessageId is null) return Failure.BadRequest("This report is about a user, not a message");

        var applied = action switch
        {
            "delete_message" => (await admin.DeleteMessageAsync(adminId, report.MessageId!, d.Note ?? report.Reason, ct)).Error,
            "suspend_user" => (await admin.SuspendAsync(adminId, report.UserId, new SuspendRequest(d.Until, d.Note ?? report.Reason), ct)).Error,
            _ => null,
        };
        if (applied is not null) return applied;

        var changed = await scope.WriteAsync(async batch =>
        {
            var (connection, tx) = (batch.Connection, batch.Transaction);
            // An open duplicate of the same target would collide with reopening: the reopened one is merged into it instead.
            var updated = await connection.ExecuteAsync(
                """
                UPDATE reports SET status = @status, action = @action, handled_by = @adminId, updated_at = @now
                WHERE id = @reportId AND (status <> @status OR COALESCE(action, 'none') <> @action)
                  AND NOT (@status = 'open' AND EXISTS (SELECT 1 FROM reports o WHERE o.reporter_id = reports.reporter_id
                      AND o.target_key = reports.target_key AND o.status = 'open' AND o.id <> reports.id))
                """, new { status, action, adminId, now = Clock.NowMs(), reportId }, tx);
            if (updated == 0) return false;
            if (action == "warn")
                await NotificationService.CreateAsync(batch, report.UserId, WarningType,
                    $"A moderator warned you about your {(report.MessageId is null ? "behaviour" : "message")} ({report.Reason}).", null,
                    new { reportId, reason = report.Reason, note = d.Note });
            await AuditLog.RecordAsync(batch, adminId, AuditActions.ReportHandled, "report", reportId, report.ConversationId, $"{status}: {action}");
            await batch.AppendAsync(ModerationEventTypes.ReportUpdated, null, report.ReporterId, new ReportUpdatedEvent(reportId, status));
            return true;
        }, ct);
        return await GetAsync(reportId, ct) is { } after ? after : Failure.NotFound("Report not found");
    }

    private async Task<ReportDto?> GetAsync(string reportId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await ReportService.ListAsync(connection, null, "r.id = @reportId", new { reportId }, 1, 0, admin: true)).FirstOrDefault();
    }
}

public static class ReportsApi
{
    public static RouteGroupBuilder MapReports(this RouteGroupBuilder api)
    {
        var mine = api.MapGroup("/reports").WithTags("Reports");
        mine.MapPost("/", async (Body<ReportRequest> body, ClaimsPrincipal user, ReportService service, CancellationToken ct) =>
            (await service.ReportAsync(user.Id(), body.Value, ct)).ToResult(r => Ok.Created(r, "Report received")));
        mine.MapGet("/", async (Paging paging, ClaimsPrincipal user, ReportService service, CancellationToken ct) =>
            Ok.With(await service.MineAsync(user.Id(), paging, ct), "Reports retrieved"));
        return api;
    }

    /// <summary>Under /api/admin (the caller is an administrator).</summary>
    public static RouteGroupBuilder MapReportQueue(this RouteGroupBuilder admin)
    {
        admin.MapGet("/reports", async (string? status, Paging paging, ReportQueue queue, CancellationToken ct) =>
            (await queue.ListAsync(status, paging, ct)).ToResult(r => Ok.With(r, "Reports retrieved")));
        admin.MapPut("/reports/{id}", async (string id, Body<ReportDecision> body, ClaimsPrincipal user, ReportQueue queue, CancellationToken ct) =>
            (await queue.DecideAsync(user.Id(), id, body.Value, ct)).ToResult(r => Ok.With(r, "Report updated")));
        return admin;
    }
}
