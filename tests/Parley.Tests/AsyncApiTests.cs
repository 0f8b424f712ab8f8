using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Events;
using Parley.Tests.Support;

namespace Parley.Tests;

/// <summary>
/// /asyncapi.json against the gateway itself: AsyncAPI 3.0 in shape, naming every request the dispatcher takes and every
/// event the server raises, every frame a real socket receives in a busy scenario valid against its message's schema, and
/// every request it documents accepted.
/// </summary>
public sealed class AsyncApiTests(ParleyApp app) : IClassFixture<ParleyApp>
{
    [Fact]
    public async Task The_document_is_AsyncAPI_3_and_its_references_resolve()
    {
        var spec = await AsyncApiSpec.FetchAsync(app);
        var doc = spec.Document;
        Assert.Equal("3.0.0", doc["asyncapi"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(doc["info"]!["title"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(doc["info"]!["version"]!.GetValue<string>()));
        Assert.Equal("ws", doc["servers"]!["parley"]!["protocol"]!.GetValue<string>());
        Assert.Equal("/ws", doc["channels"]!["gateway"]!["address"]!.GetValue<string>());

        var references = Walk(doc).OfType<JsonObject>().Select(o => o["$ref"]).OfType<JsonValue>().Select(r => r.GetValue<string>()).Distinct().ToList();
        Assert.NotEmpty(references);
        foreach (var reference in references)
            Assert.True(Resolve(doc, reference) is not null, $"{reference} does not resolve");

        var operations = doc["operations"]!.AsObject();
        Assert.All(operations, o => Assert.Contains(o.Value!["action"]!.GetValue<string>(), new[] { "send", "receive" }));
        Assert.All(spec.Messages, m => Assert.NotNull(m.Value!["payload"]));
        // Every message of the channel is used by an operation (the ack as the requests' reply).
        var used = operations.SelectMany(o => o.Value!["messages"]!.AsArray().Concat(o.Value["reply"]?["messages"]?.AsArray() ?? []))
            .Select(m => m!["$ref"]!.GetValue<string>().Split('/')[^1]).ToHashSet();
        Assert.Equal(spec.Messages.Select(m => m.Key).Order(), used.Order());

        // Served again from the cache, byte for byte.
        Assert.Equal(await app.Http().GetStringAsync("/asyncapi.json"), await app.Http().GetStringAsync("/asyncapi.json"));
    }

    [Fact]
    public async Task Every_request_the_gateway_takes_and_every_event_the_server_raises_is_documented()
    {
        var spec = await AsyncApiSpec.FetchAsync(app);
        var documented = spec.Messages.Select(m => m.Key).ToHashSet();

        // The dispatcher lists what it takes when asked for something it does not know.
        var ann = await app.UserAsync("ann");
        await using var socket = await ann.OnlineAsync();
        var unknown = await socket.RequestAsync("no:such:request", new { });
        Assert.Equal("unknown_request", unknown.GetProperty("error").Str("code"));
        var accepted = unknown.GetProperty("error").GetProperty("details").GetProperty("type").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.Contains("message:send", accepted);
        Assert.Equal(accepted.Select(t => "request." + AsyncApiSpec.Key(t)).Order(), documented.Where(k => k.StartsWith("request.", StringComparison.Ordinal)).Order());

        // Every event name a feature declares (its XxxEventTypes class) is in the catalog, and the catalog is the document.
        var declared = typeof(EventCatalog).Assembly.GetTypes().Where(t => t.Name.EndsWith("EventTypes", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)).Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!).Where(t => !t.StartsWith(ChatEvent.InternalPrefix, StringComparison.Ordinal)).Distinct().ToList();
        Assert.Contains("message:new", declared);
        var catalog = app.Services.GetRequiredService<IOptions<EventCatalog>>().Value.Types.Select(t => t.Type).ToList();
        Assert.Empty(declared.Except(catalog));
        Assert.Equal(catalog.Select(t => "event." + AsyncApiSpec.Key(t)).Order(), documented.Where(k => k.StartsWith("event.", StringComparison.Ordinal)).Order());
        Assert.Subset(documented, new HashSet<string> { "ready", "ack", "error" });
    }

    [Fact]
    public async Task Every_documented_request_is_accepted()
    {
        var spec = await AsyncApiSpec.FetchAsync(app);
        var ann = await app.UserAsync("ann");
        await using var socket = await ann.OnlineAsync();
        foreach (var (key, message) in spec.Messages.Where(m => m.Key.StartsWith("request.", StringComparison.Ordinal)))
        {
            var sample = spec.Sample(message!["payload"])!.AsObject();
            sample["id"] = key;
            Assert.Empty(spec.Problems(key, JsonSerializer.SerializeToElement(sample)));
            await socket.SendTextAsync(sample.ToJsonString());
            var ack = await socket.NextAsync(f => f.Str("type") == "ack" && f.GetProperty("id").GetString() == key);
            Assert.Empty(spec.Problems("ack", ack));
            if (!ack.GetProperty("ok").GetBoolean()) Assert.NotEqual("unknown_request", ack.GetProperty("error").Str("code"));
        }
    }

    [Fact]
    public async Task Every_frame_a_socket_receives_matches_its_message_schema()
    {
        var spec = await AsyncApiSpec.FetchAsync(app);
        var (ann, bob, cat) = (await app.UserAsync("ann"), await app.UserAsync("bob"), await app.UserAsync("cat"));
        var frames = new List<JsonElement>();
        await using var a = await WsClient.ConnectAsync(ann);
        await using var b = await WsClient.ConnectAsync(bob);
        frames.Add(await a.NextAsync("ready"));
        frames.Add(await b.NextAsync("ready"));
        async Task<JsonElement> Ask(WsClient socket, string type, object data)
        {
            var ack = await socket.RequestAsync(type, data);
            frames.Add(ack);
            Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
            return ack.GetProperty("data");
        }

        var group = await ann.GroupAsync(bob, cat);
        var root = (await Ask(a, "message:send", new { conversationId = group, content = $"Plans, @{bob.Username}?" })).Str("id");
        await Ask(a, "message:edit", new { messageId = root, content = "Plans for Friday?" });
        await Ask(b, "reaction:add", new { messageId = root, emoji = "👍" });
        await Ask(b, "reaction:remove", new { messageId = root, emoji = "👍" });
        await Ask(b, "typing:start", new { conversationId = group });
        await Ask(b, "typing:stop", new { conversationId = group });
        await Ask(b, "message:read", new { conversationId = group, messageId = root });
        Success(await ann.PutAsync($"/api/conversations/{group}/pins/{root}"));
        Success(await ann.DeleteAsync($"/api/conversations/{group}/pins/{root}"));
        await Ask(b, "message:send", new { conversationId = group, content = "in the thread", threadId = root });
        var later = (await Ask(a, "message:send", new { conversationId = group, content = "one more" })).Str("id");
        Success(await bob.PostAsync($"/api/conversations/{group}/unread", new { messageId = later }));
        Success(await bob.PutAsync($"/api/conversations/{group}/mute", new { }));
        Success(await bob.DeleteAsync($"/api/conversations/{group}/mute"));
        Success(await ann.PutAsync($"/api/conversations/{group}", new { name = "Friday" }));
        Success(await ann.PutAsync($"/api/conversations/{group}/members/{bob.Id}/role", new { role = "ADMIN" }));
        Success(await bob.PutAsync($"/api/users/{cat.Id}/block"));
        Success(await bob.DeleteAsync($"/api/users/{cat.Id}/block"));
        await Ask(b, "presence:set", new { status = "busy" });
        await Ask(a, "message:delete", new { messageId = later });
        Success(await ann.PutAsync($"/api/conversations/{group}/members/{cat.Id}/timeout", new { until = DateTimeOffset.UtcNow.AddHours(1), reason = "calm" }));
        Success(await ann.PutAsync($"/api/conversations/{group}/bans/{cat.Id}", new { reason = "spam" }));
        Success(await ann.DeleteAsync($"/api/conversations/{group}/bans/{cat.Id}"));
        Success(await ann.DeleteAsync($"/api/conversations/{group}"));

        // Each socket's events come in the order they were raised: the deletion is the last of both.
        frames.AddRange(await a.UntilAsync(f => f.Is("conversation:deleted", group)));
        frames.AddRange(await b.UntilAsync(f => f.Is("conversation:deleted", group)));

        var problems = frames.SelectMany(f => spec.Problems(AsyncApiSpec.MessageOf(f), f).Select(p => $"{p}\n  in {f}")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        string[] expected = ["ready", "ack", "conversation:new", "member:added", "message:new", "notification:new", "message:updated", "reaction:added",
            "reaction:removed", "typing", "message:read", "message:pinned", "message:unpinned", "thread:updated", "conversation:unread",
            "conversation:muted", "conversation:updated", "member:role", "user:blocked", "user:unblocked", "presence", "message:deleted",
            "member:timeout", "member:banned", "member:removed", "member:unbanned", "conversation:deleted"];
        Assert.Empty(expected.Except(frames.Select(f => f.Str("type"))));
    }

    private static void Success(ApiResponse response) => Assert.True(response.Code is >= 200 and < 300, $"{response.Code}: {response.Root}");

    private static JsonNode? Resolve(JsonNode root, string reference) =>
        reference.StartsWith("#/", StringComparison.Ordinal)
            ? reference[2..].Split('/').Aggregate((JsonNode?)root, (node, part) => node is JsonObject o ? o[part.Replace("~1", "/").Replace("~0", "~")] : null)
            : null;

    private static IEnumerable<JsonNode> Walk(JsonNode? node)
    {
        if (node is null) yield break;
        yield return node;
        var children = node switch { JsonObject o => o.Select(p => p.Value), JsonArray a => a.AsEnumerable(), _ => [] };
        foreach (var child in children)
            foreach (var inner in Walk(child)) yield return inner;
    }
}
