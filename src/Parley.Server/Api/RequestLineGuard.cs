using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Parley.Server.Api;

/// <summary>
/// Kestrel answers a request line it refuses (longer than <c>MaxRequestLineSize</c>: 414; <c>%00</c> or a control
/// character in the target: 400) itself, with an empty body, before any application code runs. For the first request
/// of a connection this looks at the request line first (nothing consumed) and answers those in the envelope, then
/// closes. A later request on a kept-alive connection still gets Kestrel's bare answer: Kestrel offers no hook there.
/// </summary>
public sealed class RequestLineGuard(ConnectionDelegate next, IOptions<KestrelServerOptions> kestrel)
{
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(2);

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var limits = kestrel.Value.Limits;
        var problem = await InspectAsync(connection.Transport.Input, limits.MaxRequestLineSize, limits.RequestHeadersTimeout);
        if (problem is null)
        {
            await next(connection);
            return;
        }
        await RespondAsync(connection.Transport.Output, problem.Value.Status, problem.Value.Message, kestrel.Value.AddServerHeader);
        await DrainAsync(connection.Transport.Input);
    }

    /// <summary>What Kestrel would refuse in the first request line, or null (then nothing is consumed).</summary>
    private static async Task<(int Status, string Message)?> InspectAsync(PipeReader input, int maxLine, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        var wake = timeout.Token.UnsafeRegister(static reader => ((PipeReader)reader!).CancelPendingRead(), input);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                // Not plain HTTP/1 (a TLS ClientHello starts with 0x16): not for us, and nothing to wait for.
                if (buffer.Length > 0 && buffer.FirstSpan[0] is < (byte)'A' or > (byte)'Z')
                {
                    input.AdvanceTo(buffer.Start);
                    return null;
                }
                var line = buffer.PositionOf((byte)'\n');
                if (line is null && !result.IsCanceled && !result.IsCompleted && buffer.Length <= maxLine)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }
                var length = line is { } end ? buffer.Slice(0, end).Length : buffer.Length;
                var verdict = length > maxLine ? TooLong(maxLine) : line is { } at ? Check(buffer.Slice(0, at).ToArray()) : null;
                input.AdvanceTo(buffer.Start);
                return verdict;
            }
        }
        catch (IOException)
        {
            return null;
        }
        finally
        {
            wake.Dispose();
            if (timeout.IsCancellationRequested && input.TryRead(out var late)) input.AdvanceTo(late.Buffer.Start);
        }
    }

    private static (int, string) TooLong(int maxLine) => (414, $"The request line is longer than {maxLine} bytes");

    /// <summary>An HTTP/1.x request line whose target holds %00, a control character or a non-ASCII byte.</summary>
    private static (int, string)? Check(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith("\r"u8)) line = line[..^1];
        var first = line.IndexOf((byte)' ');
        var last = line.LastIndexOf((byte)' ');
        if (first < 0 || last <= first || !line[(last + 1)..].StartsWith("HTTP/1."u8)) return null;
        var target = line[(first + 1)..last];
        foreach (var b in target)
            if (b is <= 0x20 or >= 0x7F) return (400, "The request target holds a control character, a space or a non-ASCII byte");
        for (var i = target.IndexOf((byte)'%'); i >= 0 && i + 2 < target.Length; i = target[(i + 1)..].IndexOf((byte)'%') is var n and >= 0 ? i + 1 + n : -1)
            if (target[i + 1] == '0' && target[i + 2] == '0') return (400, "The request target must not contain %00 (NUL)");
        return null;
    }

    private static async Task RespondAsync(PipeWriter output, int status, string message, bool serverHeader)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(ApiError.Body(status, ApiError.CodeFor(status), message), JsonSetup.Default);
        var reason = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
        output.Write(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n" +
            (serverHeader ? "Server: Kestrel\r\n\r\n" : "\r\n")));
        output.Write(body);
        await output.FlushAsync();
    }

    /// <summary>Reads what the client still sends for a while, so closing does not reset the connection before it reads the answer.</summary>
    private static async Task DrainAsync(PipeReader input)
    {
        using var timeout = new CancellationTokenSource(DrainTime);
        try
        {
            long read = 0;
            while (read < 1 << 20)
            {
                var result = await input.ReadAsync(timeout.Token);
                read += result.Buffer.Length;
                var done = result.IsCompleted || result.Buffer.PositionOf((byte)'\n') is not null && EndsHead(result.Buffer);
                input.AdvanceTo(result.Buffer.End);
                if (done) return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException) { }
    }

    private static bool EndsHead(ReadOnlySequence<byte> buffer) => buffer.Length >= 4 && buffer.Slice(buffer.Length - 4).ToArray().AsSpan().SequenceEqual("\r\n\r\n"u8);
}

public static class RequestLineGuardSetup
{
    public static ListenOptions UseRequestLineGuard(this ListenOptions listen)
    {
        listen.Use(next => ActivatorUtilities.CreateInstance<RequestLineGuard>(listen.ApplicationServices, next).OnConnectionAsync);
        return listen;
    }
}
