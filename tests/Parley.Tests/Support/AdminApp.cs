namespace Parley.Tests.Support;

/// <summary>
/// A server with administrators: "founder" is the first account on the empty server, and the username in
/// Admin:Usernames ("root_admin") is one by configuration.
/// </summary>
public sealed class AdminApp : ParleyApp, IAsyncLifetime
{
    public const string NamedAdmin = "root_admin";

    public TestUser Founder { get; private set; } = null!;
    public TestUser Admin { get; private set; } = null!;

    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Admin:Usernames", "someone_else, " + NamedAdmin)];

    public new async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Founder = await TestUser.RegisterAsync(this, "founder");
        Admin = await TestUser.RegisterAsync(this, NamedAdmin);
    }
}
