using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Parley.Server.Api;

namespace Parley.Server.Notifications;

/// <summary>The "Notifications" settings section.</summary>
public sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>How many notifications one user may send per <see cref="SendWindow"/>.</summary>
    public int SendLimit { get; set; } = 30;
    public TimeSpan SendWindow { get; set; } = TimeSpan.FromMinutes(1);
}

public static class NotificationLimits
{
    public const string SendPolicy = "notifications-send";

    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton<NotificationStore>();
        services.AddNotificationEvents();
        services.AddOptions<NotificationsOptions>().BindConfiguration(NotificationsOptions.Section)
            .Validate(o => o.SendLimit > 0 && o.SendWindow > TimeSpan.Zero, "Notifications:SendLimit and SendWindow must be positive")
            .ValidateOnStart();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectInEnvelope;
        });
        // Per sender: each user has a fixed window of their own.
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<NotificationsOptions>>((limits, settings) =>
            limits.AddPolicy(SendPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.Value.SendLimit, Window = settings.Value.SendWindow, QueueLimit = 0 })));
        return services;
    }

    /// <summary>Any rate limiter rejection leaves as a 429 in the envelope, with Retry-After in whole seconds.</summary>
    private static async ValueTask RejectInEnvelope(OnRejectedContext rejected, CancellationToken ct)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
        rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString();
        await ApiError.WriteAsync(rejected.HttpContext, 429, ApiError.CodeFor(429), $"Too many requests; try again in {seconds} s",
            new { retryAfterSeconds = seconds });
    }
}
