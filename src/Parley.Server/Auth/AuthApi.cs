using Microsoft.AspNetCore.Identity;
using Parley.Server.Api;
using Parley.Server.Data;
using Parley.Server.Presence;
using Parley.Server.Users;

namespace Parley.Server.Auth;

public sealed record RegisterRequest(string? Username, string? Password, string? Email, string? Name, string? ProfilePicture);

public sealed record LoginRequest(string? Username, string? Email, string? Login, string? Password);

public static class AuthApi
{
    public static RouteGroupBuilder MapAuth(this RouteGroupBuilder api)
    {
        foreach (var prefix in new[] { "/auth", "/users" })
        {
            var group = api.MapGroup(prefix).WithTags("Auth").AllowAnonymous();
            group.MapPost("/register", Register);
            group.MapPost("/login", Login);
        }
        return api;
    }

    private static async Task<IResult> Register(Body<RegisterRequest> body, UserStore users, IPasswordHasher<UserRow> hasher,
        TokenService tokens, PresenceTracker presence, ServerAdmins admins, CancellationToken ct)
    {
        var r = body.Value;
        var v = new Validator();
        UserRules.Username(v, r.Username, required: true);
        UserRules.Password(v, r.Password, required: true);
        UserRules.Email(v, Blank(r.Email));
        UserRules.Name(v, r.Name);
        UserRules.Picture(v, "profilePicture", r.ProfilePicture);
        if (v.Failed) return v.Result();

        var now = Clock.NowMs();
        var user = new UserRow
        {
            Id = Guid.CreateVersion7().ToString(), Username = r.Username!, Email = Blank(r.Email), Name = r.Name?.Trim(),
            ProfilePicture = Blank(r.ProfilePicture), IsAdmin = admins.IsNamed(r.Username!), SecurityStamp = Guid.NewGuid().ToString("N"), CreatedAt = now, UpdatedAt = now,
        };
        user.PasswordHash = hasher.HashPassword(user, r.Password!);
        var taken = await users.CreateAsync(user, ct);
        if (taken.Count > 0) return Taken(taken).ToResult();

        var token = tokens.Issue(user.Id, user.SecurityStamp);
        return Ok.Created(new AuthResponse(token.Token, "Bearer", token.ExpiresAt, UserDto.From(user, await presence.StatusOfAsync(user, user.Id, ct))),
            "User registered successfully");
    }

    private static async Task<IResult> Login(Body<LoginRequest> body, HttpContext http, UserStore users, IPasswordHasher<UserRow> hasher,
        TokenService tokens, LoginThrottle throttle, PresenceTracker presence, CancellationToken ct)
    {
        var r = body.Value;
        var login = Blank(r.Username) ?? Blank(r.Email) ?? Blank(r.Login);
        var v = new Validator();
        v.Check(login is not null, "username", "Username or email is required");
        v.Check(!string.IsNullOrEmpty(r.Password), "password", "Password is required");
        if (v.Failed) return v.Result();

        var user = await users.FindByLoginAsync(login!, ct);
        // Counted per account when there is one, so typing the username one time and the email the next gains nothing.
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.TryAcquire(address, user?.Id ?? login!) is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
            return Failure.TooMany("Too many login attempts; try again later").ToResult();
        }

        // Verify against a throwaway hash when the user is unknown, so timing does not reveal which usernames exist.
        var check = hasher.VerifyHashedPassword(user ?? UnknownUser, user?.PasswordHash ?? UnknownHash(hasher), r.Password!);
        if (user is null || check == PasswordVerificationResult.Failed)
            return Failure.Unauthorized("Invalid username or password").ToResult();
        if (user.IsSuspended(Clock.NowMs())) return Failure.Forbidden("Your account is suspended").ToResult();
        if (check == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, r.Password!);
            user.UpdatedAt = Clock.NowMs();
            await users.UpdateAsync(user, stampChanged: false, ct);
        }

        var token = tokens.Issue(user.Id, user.SecurityStamp);
        return Ok.With(new AuthResponse(token.Token, "Bearer", token.ExpiresAt, UserDto.From(user, await presence.StatusOfAsync(user, user.Id, ct))),
            "Login successful");
    }

    internal static Failure Taken(List<string> fields) =>
        new(409, "conflict", $"{string.Join(" and ", fields.Select(f => char.ToUpperInvariant(f[0]) + f[1..]))} already taken",
            fields.ToDictionary(f => f, f => new[] { $"This {f} is already taken" }));

    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static readonly UserRow UnknownUser = new() { Id = "unknown" };
    private static string? _unknownHash;
    private static string UnknownHash(IPasswordHasher<UserRow> hasher) =>
        _unknownHash ??= hasher.HashPassword(UnknownUser, Guid.NewGuid().ToString());
}
