using Parley.Client;

namespace Parley.Bench;

public static class Setup
{
    /// <summary>Registers <paramref name="count"/> users (a few at a time) and returns them signed in.</summary>
    public static async Task<List<ParleyClient>> UsersAsync(Uri url, int count, string prefix)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var users = new ParleyClient[count];
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var client = new ParleyClient(MessagesScenario.NewHttp(url, 2));
                await client.RegisterAsync($"{prefix}{i}_{run}", "bench-password");
                users[i] = client;
            }
            finally { gate.Release(); }
        }));
        return [.. users];
    }
}
