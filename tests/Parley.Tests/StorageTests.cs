using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Parley.Server.Data;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// What must hold on both dialects (the suite runs once on SQLite and once on PostgreSQL): text order and
/// LIKE escapes, counts, and concurrent writers, which SQLite serialises and PostgreSQL runs side by side.
/// </summary>
public sealed class StorageTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    private static async Task<ApiResponse> RegisterAsync(ParleyApp app, string username, string? name = null, string? email = null) =>
        await ApiResponse.ReadAsync(await app.Http().PostAsJsonAsync("/api/auth/register",
            new { username, password = "correct-horse", email = email ?? $"{username}@example.com", name }));

    [Fact]
    public async Task User_search_orders_by_bytes_and_matches_wildcards_literally()
    {
        var tag = "s" + Guid.NewGuid().ToString("N")[..6];
        foreach (var (username, name) in new[] { ($"{tag}a", "Plain"), ($"{tag}_a", "Under"), ($"{tag}-a", "Dash"), ($"{tag}.a", "Dot"), ($"{tag}xa", "Ex") })
            (await RegisterAsync(app, username, name)).Expect(201);
        (await RegisterAsync(app, $"n{tag}", $"{tag}%100 \\ {tag}")).Expect(201);
        var me = await app.UserAsync("searcher");

        // Byte order as SQLite's BINARY: '-' < '.' < '_' < letters, whatever the server's locale.
        var all = await me.GetAsync($"/api/users?search={tag}&limit=50");
        Assert.Equal([$"{tag}-a", $"{tag}.a", $"{tag}_a", $"{tag}a", $"{tag}xa"], all.Expect(200).Ids("username").Where(u => u.StartsWith(tag)));
        Assert.Equal("6", all.Raw.Headers.GetValues("X-Total-Count").Single());

        // '_' and '%' are characters, not wildcards; the name matches case-insensitively by prefix.
        Assert.Equal([$"{tag}_a"], (await me.GetAsync($"/api/users?search={tag}_")).Expect(200).Ids("username"));
        Assert.Equal([$"n{tag}"], (await me.GetAsync($"/api/users?search={Uri.EscapeDataString(tag.ToUpperInvariant() + "%1")}")).Expect(200).Ids("username"));
        Assert.Empty((await me.GetAsync($"/api/users?search={Uri.EscapeDataString(tag + "%2")}")).Expect(200).EnumerateArray());
        Assert.Equal([$"n{tag}"], (await me.GetAsync($"/api/users?search={Uri.EscapeDataString(tag + "%100 \\ ")}")).Expect(200).Ids("username"));

        // Paging over the same order (the name match "n{tag}" sorts first).
        var page2 = await me.GetAsync($"/api/users?search={tag}&page=2&limit=2");
        Assert.Equal([$"{tag}.a", $"{tag}_a"], page2.Expect(200).Ids("username"));
    }

    [Fact]
    public async Task Conversation_lists_count_members_and_unread_as_numbers()
    {
        var (owner, a, b) = (await app.UserAsync("owner"), await app.UserAsync("a"), await app.UserAsync("b"));
        var group = (await owner.PostAsync("/api/conversations", new { type = "group", name = "Counts", participantIds = new[] { a.Id, b.Id } })).Expect(201);
        var direct = (await owner.PostAsync("/api/conversations", new { type = "private", participantId = a.Id })).Expect(201);

        var list = (await owner.GetAsync("/api/conversations?limit=10")).Expect(200);
        Assert.Equal([direct.Str("id"), group.Str("id")], list.Ids());
        var listed = list.EnumerateArray().First(c => c.Str("id") == group.Str("id"));
        Assert.Equal(JsonValueKind.Number, listed.GetProperty("memberCount").ValueKind);
        Assert.Equal(3, listed.GetProperty("memberCount").GetInt64());
        Assert.Equal(0, listed.GetProperty("unreadCount").GetInt64());
        Assert.Equal("OWNER", listed.Str("myRole"));
        Assert.Equal(3, listed.GetProperty("members").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("lastMessage").ValueKind);
        Assert.Equal([group.Str("id")], (await owner.GetAsync("/api/conversations?type=group")).Expect(200).Ids());

        // Every change left its events, numbered in order.
        await using var connection = await app.Db.OpenAsync();
        var types = (await connection.QueryAsync<string>(
            "SELECT type FROM events WHERE conversation_id = @id ORDER BY id", new { id = group.Str("id") })).ToList();
        Assert.Equal(["conversation:new", "member:added", "member:added"], types);
    }

    [Fact]
    public async Task Account_deletion_frees_the_name_and_leaves_every_conversation()
    {
        var (gone, other) = (await app.UserAsync("gone"), await app.UserAsync("other"));
        var group = (await gone.PostAsync("/api/conversations", new { type = "group", name = "Left behind", participantIds = new[] { other.Id } })).Expect(201);
        (await gone.DeleteAsync($"/api/users/{gone.Id}")).Expect(200);

        var seen = (await other.GetAsync($"/api/conversations/{group.Str("id")}")).Expect(200);
        Assert.Equal([other.Id], seen.GetProperty("members").Ids("userId"));
        Assert.Equal("OWNER", seen.Str("myRole"));
        (await RegisterAsync(app, gone.Username, email: $"{gone.Username}@example.com")).Expect(201);
        await using var connection = await app.Db.OpenAsync();
        Assert.Equal("deleted:" + gone.Id, await connection.ExecuteScalarAsync<string>("SELECT username_key FROM users WHERE id = @id", new { id = gone.Id }));
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_name_create_one_user()
    {
        var username = "race" + Guid.NewGuid().ToString("N")[..8];
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => RegisterAsync(app, username, email: $"{username}.{i}@example.com")));
        Assert.Single(results, r => r.Code == 201);
        Assert.All(results.Where(r => r.Code != 201), r => r.ExpectError(409, "conflict"));
        await using var connection = await app.Db.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE username_key = @username", new { username }));
    }

    [Fact]
    public async Task Concurrent_requests_for_one_direct_conversation_create_it_once()
    {
        var (a, b) = (await app.UserAsync("a"), await app.UserAsync("b"));
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => i % 2 == 0
            ? a.PostAsync("/api/conversations", new { type = "private", participantId = b.Id })
            : b.PostAsync("/api/conversations", new { type = "private", participantId = a.Id })));
        Assert.Single(results, r => r.Code == 201);
        Assert.All(results, r => Assert.True(r.Code is 200 or 201, r.Root.ToString()));
        Assert.Single(results.Select(r => r.Data.Str("id")).Distinct());
        await using var connection = await app.Db.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM members m JOIN conversations c ON c.id = m.conversation_id WHERE c.type = 'direct' AND m.user_id = @id", new { id = a.Id }));
    }

    [Fact]
    public async Task Owner_and_admin_leaving_at_once_leave_the_last_member_owner()
    {
        for (var round = 0; round < 4; round++)
        {
            var (owner, admin, member) = (await app.UserAsync("owner"), await app.UserAsync("admin"), await app.UserAsync("member"));
            var id = (await owner.PostAsync("/api/conversations", new { type = "group", name = "Heirs", participantIds = new[] { admin.Id, member.Id } }))
                .Expect(201).Str("id");
            (await owner.PutAsync($"/api/conversations/{id}/members/{admin.Id}/role", new { role = "ADMIN" })).Expect(200);

            var left = await Task.WhenAll(owner.DeleteAsync($"/api/conversations/{id}/leave"), admin.DeleteAsync($"/api/conversations/{id}/leave"));
            Assert.All(left, r => r.Expect(200));
            var seen = (await member.GetAsync($"/api/conversations/{id}")).Expect(200);
            Assert.Equal("OWNER", seen.Str("myRole"));
            Assert.Equal([member.Id], seen.GetProperty("members").Ids("userId"));
        }
    }

    [Fact]
    public async Task The_last_two_members_leaving_at_once_delete_the_group()
    {
        for (var round = 0; round < 4; round++)
        {
            var (owner, member) = (await app.UserAsync("owner"), await app.UserAsync("member"));
            var id = (await owner.PostAsync("/api/conversations", new { type = "group", name = "Empty", participantIds = new[] { member.Id } })).Expect(201).Str("id");
            var left = await Task.WhenAll(owner.DeleteAsync($"/api/conversations/{id}/leave"), member.DeleteAsync($"/api/conversations/{id}/leave"));
            Assert.All(left, r => r.Expect(200));
            await using var connection = await app.Db.OpenAsync();
            Assert.NotNull(await connection.ExecuteScalarAsync<long?>("SELECT deleted_at FROM conversations WHERE id = @id", new { id }));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM members WHERE conversation_id = @id", new { id }));
        }
    }

    [Fact]
    public async Task Adding_one_user_twice_at_once_adds_them_once()
    {
        var (owner, newcomer) = (await app.UserAsync("owner"), await app.UserAsync("newcomer"));
        var id = (await owner.PostAsync("/api/conversations", new { type = "group", name = "Twice", participantIds = Array.Empty<string>() })).Expect(201).Str("id");
        var added = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => owner.PostAsync($"/api/conversations/{id}/members", new { user_id = newcomer.Id })));
        Assert.All(added, r => r.Expect(200));
        await using var connection = await app.Db.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM events WHERE conversation_id = @id AND type = 'member:added'", new { id }));
    }

    [Fact]
    public void The_provider_is_chosen_by_configuration()
    {
        Assert.Equal(Dialect.Sqlite, new DataOptions().Dialect);
        Assert.Equal(Dialect.Postgres, new DataOptions { PostgresConnection = "Host=db" }.Dialect);
        Assert.Equal(Dialect.Sqlite, new DataOptions { Provider = "sqlite", PostgresConnection = "Host=db" }.Dialect);
        Assert.Equal(Dialect.Postgres, new DataOptions { Provider = "Postgres", PostgresConnection = "Host=db" }.Dialect);
        var missing = Assert.Throws<InvalidOperationException>(() => new DataOptions { Provider = "postgres" }.Validate());
        Assert.Contains("ConnectionStrings__Postgres", missing.Message);
        Assert.Throws<InvalidOperationException>(() => new DataOptions { Provider = "mysql" }.Dialect);
    }

    [Fact]
    public async Task A_server_told_to_use_postgres_without_a_connection_string_does_not_start()
    {
        await using var broken = new PostgresWithoutConnection();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await broken.InitializeAsync());
        var messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains("ConnectionStrings__Postgres", messages);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }

    private sealed class PostgresWithoutConnection : ParleyApp
    {
        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
            [new("Data:Provider", "postgres"), new("ConnectionStrings:Postgres", "")];
    }
}
