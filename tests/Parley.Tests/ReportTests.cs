using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>Reports by users, merged per reporter and target, and the administrators' queue whose every decision is audited once.</summary>
public sealed class ReportTests(AdminApp app) : IClassFixture<AdminApp>
{
    [Fact]
    public async Task A_member_reports_a_message_a_second_report_merges_and_outsiders_get_404()
    {
        var (ann, bob, eve) = (await app.UserAsync("ann"), await app.UserAsync("bob"), await app.UserAsync("eve"));
        var group = await bob.GroupAsync("group", ann);
        var message = await bob.SendAsync(group, "buy cheap watches");

        var first = (await ann.PostAsync("/api/reports", new { messageId = message.Str("id"), reason = "spam" })).Expect(201);
        Assert.Equal("open", first.Str("status"));
        Assert.Equal(bob.Id, first.Str("userId"));
        var merged = (await ann.PostAsync("/api/reports", new { messageId = message.Str("id"), reason = "other", details = "a scam" })).Expect(201);
        Assert.Equal(first.Str("id"), merged.Str("id"));
        Assert.Equal("other", merged.Str("reason"));
        var mine = (await ann.GetAsync("/api/reports")).Expect(200).EnumerateArray().ToList();
        Assert.Equal("a scam", Assert.Single(mine).Str("details"));
        Assert.Empty((await bob.GetAsync("/api/reports")).Expect(200).EnumerateArray());

        (await eve.PostAsync("/api/reports", new { messageId = message.Str("id"), reason = "spam" })).ExpectError(404);
        (await ann.PostAsync("/api/reports", new { messageId = Guid.NewGuid(), reason = "spam" })).ExpectError(404);
        (await ann.PostAsync("/api/reports", new { messageId = message.Str("id"), reason = "boring" })).ExpectError(400);
        (await ann.PostAsync("/api/reports", new { messageId = message.Str("id"), userId = bob.Id, reason = "spam" })).ExpectError(400);
        (await ann.PostAsync("/api/reports", new { reason = "spam" })).ExpectError(400);
        (await ann.PostAsync("/api/reports", new { userId = ann.Id, reason = "spam" })).ExpectError(400);
        (await ann.PostAsync("/api/reports", new { userId = Guid.NewGuid(), reason = "spam" })).ExpectError(404);
        (await ann.PostAsync("/api/reports", new { userId = bob.Id, reason = "spam", details = new string('x', 1001) })).ExpectError(400);
        (await ann.GetAsync("/api/admin/reports")).ExpectError(404);
    }

    [Fact]
    public async Task An_admin_deletes_the_reported_message_and_the_audit_log_records_it_once()
    {
        var (ann, bob) = (await app.UserAsync("ann"), await app.UserAsync("bob"));
        var group = await bob.GroupAsync("group", ann);
        var message = await bob.SendAsync(group, "something hateful");
        var report = (await ann.PostAsync("/api/reports", new { messageId = message.Str("id"), reason = "hate" })).Expect(201);
        await using var annSocket = await ann.OnlineAsync();

        var queue = (await app.Admin.GetAsync("/api/admin/reports?status=open")).Expect(200).EnumerateArray().ToList();
        var queued = queue.Single(r => r.Str("id") == report.Str("id"));
        Assert.Equal("something hateful", queued.Str("messageContent"));
        Assert.Equal(ann.Id, queued.Str("reporterId"));
        (await app.Admin.GetAsync("/api/admin/reports?status=maybe")).ExpectError(400);

        var path = $"/api/admin/reports/{report.Str("id")}";
        var decided = (await app.Admin.PutAsync(path, new { status = "resolved", action = "delete_message" })).Expect(200);
        Assert.Equal("resolved", decided.Str("status"));
        Assert.Equal("delete_message", decided.Str("action"));
        (await app.Admin.PutAsync(path, new { status = "resolved", action = "delete_message" })).Expect(200);
        Assert.Equal("resolved", (await annSocket.NextAsync("report:updated")).Data().Str("status"));
        Assert.True((await ann.HistoryAsync(group)).Single(m => m.Str("id") == message.Str("id")).GetProperty("deleted").GetBoolean());
        Assert.DoesNotContain((await app.Admin.GetAsync("/api/admin/reports?status=open")).Expect(200).EnumerateArray(), r => r.Str("id") == report.Str("id"));
        Assert.Equal("resolved", (await ann.GetAsync("/api/reports")).Expect(200).EnumerateArray().Single().Str("status"));

        var audit = (await app.Admin.GetAsync("/api/admin/audit?limit=100")).Expect(200).EnumerateArray().ToList();
        Assert.Single(audit, e => e.Str("action") == "report.handled" && e.Str("targetId") == report.Str("id"));
        Assert.Single(audit, e => e.Str("action") == "message.deleted" && e.Str("targetId") == message.Str("id"));

        (await app.Admin.PutAsync(path, new { status = "closed" })).ExpectError(400);
        (await app.Admin.PutAsync(path, new { action = "ban_forever" })).ExpectError(400);
        (await app.Admin.PutAsync($"/api/admin/reports/{Guid.NewGuid()}", new { status = "dismissed" })).ExpectError(404);
        (await ann.PutAsync(path, new { status = "dismissed" })).ExpectError(404);
    }

    [Fact]
    public async Task Reports_on_users_lead_to_a_warning_or_a_suspension_each_audited_once()
    {
        var (ann, bob, cat) = (await app.UserAsync("ann"), await app.UserAsync("bob"), await app.UserAsync("cat"));
        var warnReport = (await ann.PostAsync("/api/reports", new { userId = cat.Id, reason = "impersonation" })).Expect(201);
        (await app.Admin.PutAsync($"/api/admin/reports/{warnReport.Str("id")}", new { status = "resolved", action = "warn", note = "use your own name" })).Expect(200);
        var notifications = (await cat.GetAsync("/api/notifications")).Expect(200).GetProperty("notifications").EnumerateArray();
        Assert.Single(notifications, n => n.Str("type") == "moderation.warning");

        var report = (await ann.PostAsync("/api/reports", new { userId = bob.Id, reason = "harassment" })).Expect(201);
        (await app.Admin.PutAsync($"/api/admin/reports/{report.Str("id")}", new { status = "resolved", action = "suspend_user" })).Expect(200);
        (await bob.GetAsync("/api/users/me")).ExpectError(401);
        (await app.Admin.PutAsync($"/api/admin/reports/{report.Str("id")}", new { status = "dismissed" })).Expect(200);

        var audit = (await app.Admin.GetAsync("/api/admin/audit?limit=100")).Expect(200).EnumerateArray().ToList();
        Assert.Equal(2, audit.Count(e => e.Str("action") == "report.handled" && e.Str("targetId") == report.Str("id")));
        Assert.Single(audit, e => e.Str("action") == "report.handled" && e.Str("targetId") == warnReport.Str("id"));
        Assert.Single(audit, e => e.Str("action") == "user.suspended" && e.Str("targetId") == bob.Id);
    }
}
