using Parley.Server.Events;
using StackExchange.Redis;

namespace Parley.Server.Presence;

/// <summary>
/// Presence shared by the nodes of a deployment, kept in Redis under the bus's key prefix + "presence:":
/// <list type="bullet">
/// <item><c>nodes</c>, a sorted set of the nodes, scored by when each stops counting as alive unless it beats again;</item>
/// <item><c>user:{id}</c>, a hash of the nodes holding the user: "0" while it has a socket of theirs, "1" while
/// the grace period after its last one runs;</item>
/// <item><c>node:{id}</c>, the set of users a node holds, so a dead node's users can be found.</item>
/// </list>
/// A user is online while a live node holds them. Each step is one Lua script (atomic, on Redis's clock, so
/// node clocks never matter), and each step that makes a user come online or go offline says so to the one
/// node that ran it: every transition is announced once.
/// </summary>
public sealed class RedisPresence(RedisEventBus bus, NodeId node, TimeSpan nodeTtl)
{
    /// <summary>ARGV[1] is the key prefix, ARGV[2] this node; <c>now</c> is Redis's clock in milliseconds.</summary>
    private const string Prelude =
        """
        local P = ARGV[1]
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local function alive(n)
          local s = redis.call('ZSCORE', P .. 'nodes', n)
          return s ~= false and tonumber(s) > now
        end
        -- True while a live node holds the user; otherwise forgets the dead nodes' claims (the user is offline).
        local function held(user)
          local key = P .. 'user:' .. user
          local nodes = redis.call('HKEYS', key)
          for _, n in ipairs(nodes) do if alive(n) then return true end end
          for _, n in ipairs(nodes) do
            redis.call('HDEL', key, n)
            redis.call('SREM', P .. 'node:' .. n, user)
          end
          return false
        end

        """;

    /// <summary>This node holds a socket of ARGV[3]; 1 when nobody held the user before (they came online).</summary>
    private const string Connect = Prelude +
        """
        local key = P .. 'user:' .. ARGV[3]
        local came = redis.call('EXISTS', key) == 0
        redis.call('HSET', key, ARGV[2], '0')
        redis.call('SADD', P .. 'node:' .. ARGV[2], ARGV[3])
        if came then return 1 end
        return 0
        """;

    /// <summary>This node's last socket of ARGV[3] closed: the grace period runs (the user still counts as online).</summary>
    private const string Leave = Prelude +
        """
        local key = P .. 'user:' .. ARGV[3]
        if redis.call('HGET', key, ARGV[2]) == '0' then redis.call('HSET', key, ARGV[2], '1') end
        return 0
        """;

    /// <summary>The grace period ended without a socket of ARGV[3] coming back here; 1 when no live node holds them now (they went offline).</summary>
    private const string Gone = Prelude +
        """
        local key = P .. 'user:' .. ARGV[3]
        if redis.call('HGET', key, ARGV[2]) ~= '1' then return 0 end
        redis.call('HDEL', key, ARGV[2])
        redis.call('SREM', P .. 'node:' .. ARGV[2], ARGV[3])
        if held(ARGV[3]) then return 0 end
        return 1
        """;

    /// <summary>This node is alive for ARGV[3] more milliseconds. Returns {1 if it was not a known node (new, or swept as dead), dead nodes...}.</summary>
    private const string Beat = Prelude +
        """
        local added = redis.call('ZADD', P .. 'nodes', now + tonumber(ARGV[3]), ARGV[2])
        local result = { added }
        for _, n in ipairs(redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', now)) do result[#result + 1] = n end
        return result
        """;

    /// <summary>Node ARGV[3] stopped beating: forget it and return its users that no live node holds (they went offline). Only one node gets them.</summary>
    private const string Sweep = Prelude +
        """
        local dead = ARGV[3]
        local s = redis.call('ZSCORE', P .. 'nodes', dead)
        if s == false or tonumber(s) > now then return {} end
        redis.call('ZREM', P .. 'nodes', dead)
        local set = P .. 'node:' .. dead
        local offline = {}
        for _, user in ipairs(redis.call('SMEMBERS', set)) do
          if redis.call('HDEL', P .. 'user:' .. user, dead) == 1 and not held(user) then offline[#offline + 1] = user end
        end
        redis.call('DEL', set)
        return offline
        """;

    /// <summary>Which of ARGV[3..] a live node holds: 1 or 0 each.</summary>
    private const string Read = Prelude +
        """
        local known = {}
        local result = {}
        for i = 3, #ARGV do
          local on = 0
          for _, n in ipairs(redis.call('HKEYS', P .. 'user:' .. ARGV[i])) do
            if known[n] == nil then known[n] = alive(n) end
            if known[n] then on = 1; break end
          end
          result[#result + 1] = on
        end
        return result
        """;

    private readonly string _prefix = bus.KeyPrefix + "presence:";
    private readonly string _node = node.Value.ToString("N");

    public async Task<bool> ConnectAsync(string userId) => (long)await RunAsync(Connect, userId) == 1;

    public Task LeaveAsync(string userId) => RunAsync(Leave, userId);

    public async Task<bool> GoneAsync(string userId) => (long)await RunAsync(Gone, userId) == 1;

    /// <summary>Keeps this node alive; says whether it had been forgotten (its users must be claimed again) and which nodes are dead.</summary>
    public async Task<(bool Forgotten, string[] DeadNodes)> BeatAsync(bool first)
    {
        var result = (RedisResult[])(await RunAsync(Beat, ((long)nodeTtl.TotalMilliseconds).ToString()))!;
        return ((long)result[0] == 1 && !first, [.. result.Skip(1).Select(r => (string)r!).Where(n => n != _node)]);
    }

    public async Task<string[]> SweepAsync(string deadNode) => (string[])(await RunAsync(Sweep, deadNode))!;

    public async Task<IEnumerable<string>> OnlineAsync(IReadOnlyList<string> userIds)
    {
        var result = (long[])(await RunAsync(Read, [.. userIds]))!;
        return userIds.Where((_, i) => result[i] == 1);
    }

    private Task<RedisResult> RunAsync(string script, params string[] args) =>
        bus.Database.ScriptEvaluateAsync(script, values: [_prefix, _node, .. args.Select(a => (RedisValue)a)]);
}
