using Microsoft.Extensions.Options;
using Parley.Server.Api;

namespace Parley.Server.Compat;

/// <summary>
/// The dialect a client speaks at the edge. <see cref="Parley"/> is DESIGN.md's own shape (and serves seeds 002 and
/// 003 literally); each other profile is one seed document's shapes, for a client written literally against it.
/// </summary>
public enum CompatProfile : byte { Parley, Seed000, Seed001, Seed004 }

public static class Profiles
{
    /// <summary>The request header that chooses a profile for one HTTP request.</summary>
    public const string Header = "Parley-Profile";

    /// <summary>The query parameter that chooses a profile for one socket (<c>/ws?profile=seed-000</c>, <c>/socket.io/?profile=…</c>).</summary>
    public const string QueryKey = "profile";

    public static readonly string[] Names = ["parley", "seed-000", "seed-001", "seed-004"];

    public static string Name(this CompatProfile profile) => Names[(int)profile];

    public static bool TryParse(string? value, out CompatProfile profile)
    {
        var index = Array.FindIndex(Names, n => string.Equals(n, value?.Trim(), StringComparison.OrdinalIgnoreCase));
        profile = index < 0 ? CompatProfile.Parley : (CompatProfile)index;
        return index >= 0;
    }

    public static Failure Unknown(string? value) =>
        Failure.BadRequest($"Unknown profile '{value}': use {string.Join(", ", Names)}", new Dictionary<string, string[]> { [QueryKey] = [.. Names] });
}

public sealed class CompatOptions
{
    /// <summary><c>Compat__Profile</c>: the profile of requests and sockets that choose none.</summary>
    public string Profile { get; set; } = "parley";
}

/// <summary>The server-wide profile, and the rule every edge uses to pick one: an explicit choice wins, else the server's.</summary>
public sealed class CompatSettings(IOptions<CompatOptions> options)
{
    public CompatProfile Default { get; } = Profiles.TryParse(options.Value.Profile, out var p) ? p
        : throw new InvalidOperationException($"Compat:Profile '{options.Value.Profile}' is not one of {string.Join(", ", Profiles.Names)}");

    /// <summary>The profile a socket asked for with <c>?profile=</c> (null or empty: the server's), or a 400 to refuse the upgrade with.</summary>
    public Outcome<CompatProfile> Choose(string? requested) =>
        string.IsNullOrEmpty(requested) ? Default : Profiles.TryParse(requested, out var p) ? p : Profiles.Unknown(requested);
}

public static class CompatSetup
{
    public static IServiceCollection AddCompatProfiles(this IServiceCollection services)
    {
        services.AddOptions<CompatOptions>().BindConfiguration("Compat");
        services.AddSingleton<CompatSettings>();
        return services;
    }
}
