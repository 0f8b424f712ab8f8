using System.Security.Claims;

namespace Parley.Server.Api;

public static class CurrentUser
{
    /// <summary>The authenticated caller's id; endpoints behind the fallback policy always have one.</summary>
    public static string Id(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No authenticated user");
}
