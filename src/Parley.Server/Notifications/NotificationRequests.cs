using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Server.Api;

namespace Parley.Server.Notifications;

public sealed record SendNotification(string UserId, string Type, string Message, JsonElement? Data);

/// <summary>Seed 002's <c>{userId, message}</c>, plus an optional type and data object; no userId means "to myself".</summary>
public sealed partial record SendNotificationRequest(string? UserId, string? Message, string? Content, string? Type, JsonElement? Data)
{
    public const int MaxMessageLength = 1000;
    public const int MaxDataBytes = 4096;

    public Outcome<SendNotification> Validate(string callerId)
    {
        var v = new Validator();
        var message = (Message ?? Content)?.Trim();
        v.Check(!TextRules.IsBlank(message), "message", "message is required (visible text)");
        v.Check(message is null || message.Length <= MaxMessageLength, "message", $"message must be at most {MaxMessageLength:N0} characters");
        v.Check(UserId is null || UserId.Trim().Length > 0, "userId", "userId must be a user id (or left out to notify yourself)");
        var type = Type?.Trim() ?? NotificationTypes.Custom;
        if (!TypePattern().IsMatch(type)) v.Add("type", "type must be 1 to 50 letters, digits or . _ : -");
        else v.Check(!NotificationTypes.IsReserved(type), "type", "This type is reserved for notifications from the server");
        if (Data is { ValueKind: not JsonValueKind.Null } data)
        {
            if (data.ValueKind != JsonValueKind.Object) v.Add("data", "data must be a JSON object");
            else v.Check(Encoding.UTF8.GetByteCount(JsonSetup.Compact(data)) <= MaxDataBytes, "data", $"data must be at most {MaxDataBytes:N0} bytes of JSON");
        }
        if (v.Failed) return v.ToFailure();
        return new SendNotification(UserId?.Trim() ?? callerId, type, message!, Data is { ValueKind: JsonValueKind.Object } ? Data : null);
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:-]{0,49}$")]
    private static partial Regex TypePattern();
}
