using Parley.Tests.Support;

namespace Parley.Tests;

public static class ErrorAssertions
{
    /// <summary>Asserts the status and code and that the error's details name each field; returns the details.</summary>
    public static System.Text.Json.JsonElement ExpectFieldErrors(this ApiResponse response, int status, string code, params string[] fields)
    {
        response.ExpectError(status, code);
        var details = response.Error.GetProperty("details");
        foreach (var field in fields)
            Assert.True(details.TryGetProperty(field, out var problems) && problems.GetArrayLength() > 0, $"no details for {field}: {details}");
        return details;
    }
}
