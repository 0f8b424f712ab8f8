using System.Buffers;
using Microsoft.Extensions.Options;

namespace Parley.Server.SocketIo;

/// <summary>
/// HTTP long-polling: a GET waits until the session has something to send (at most until the next ping) and returns
/// it as one payload; a POST carries the client's packets and is answered <c>ok</c>. A second GET while one waits,
/// a malformed body or one over maxPayload close the session; every refusal is a 400 with Engine.IO's error body.
/// </summary>
public sealed class PollingTransport(IOptions<SocketIoOptions> options)
{
    private static readonly byte[] Ok = "ok"u8.ToArray();

    public async Task PollAsync(HttpContext http, EngineSession session)
    {
        switch (session.TryBeginPoll())
        {
            case PollStart.Refused:
                await EngineErrors.WriteAsync(http, EngineErrors.UnknownSid);
                return;
            case PollStart.Duplicate:
                session.Close("duplicate poll");
                await EngineErrors.WriteAsync(http, EngineErrors.BadRequest);
                return;
        }
        var frames = new List<EngineFrame>();
        try
        {
            var aborted = http.RequestAborted;
            // After an upgrade the WebSocket takes what is queued; this poll only ends.
            while (frames.Count == 0 && !session.IsClosed && session.Transport == EngineTransport.Polling)
            {
                await session.WaitAsync().WaitAsync(aborted);
                if (session.Transport == EngineTransport.Polling) session.Drain(frames);
            }
            if (session.Transport == EngineTransport.Polling) session.Drain(frames);
            if (frames.Count == 0) frames.Add(session.IsClosed ? EngineFrame.Close : EngineFrame.Noop);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        finally
        {
            session.EndPoll();
        }
        await WriteAsync(http, EngineCodec.EncodePayload(frames));
    }

    public async Task PostAsync(HttpContext http, EngineSession session)
    {
        if (session.IsClosed || session.Transport != EngineTransport.Polling)
        {
            await EngineErrors.WriteAsync(http, EngineErrors.UnknownSid);
            return;
        }
        var body = await ReadBodyAsync(http.Request, options.Value.MaxPayload);
        if (body is null)
        {
            session.Close("payload too large");
            await EngineErrors.WriteAsync(http, EngineErrors.TooLarge, StatusCodes.Status413PayloadTooLarge);
            return;
        }
        var packets = new List<EnginePacket>();
        if (!EngineCodec.TryDecodePayload(body.Value, packets))
        {
            session.Close("invalid payload");
            await EngineErrors.WriteAsync(http, EngineErrors.BadRequest);
            return;
        }
        foreach (var packet in packets)
        {
            if (await session.ReceiveAsync(packet)) continue;
            session.Close("invalid packet");
            await EngineErrors.WriteAsync(http, EngineErrors.BadRequest);
            return;
        }
        await WriteAsync(http, Ok);
    }

    private static async Task WriteAsync(HttpContext http, byte[] body)
    {
        http.Response.ContentType = "text/plain; charset=UTF-8";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body);
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit) return null;
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096));
            if (read == 0) return buffer.WrittenMemory;
            buffer.Advance(read);
            if (buffer.WrittenCount > limit) return null;
        }
    }
}

/// <summary>Engine.IO's HTTP error answers: status 400 with <c>{"code":…,"message":…}</c>.</summary>
public static class EngineErrors
{
    public static readonly (int Code, string Message) UnknownTransport = (0, "Transport unknown"), UnknownSid = (1, "Session ID unknown"),
        BadHandshakeMethod = (2, "Bad handshake method"), BadRequest = (3, "Bad request"), Forbidden = (4, "Forbidden"),
        UnsupportedVersion = (5, "Unsupported protocol version"), TooLarge = (3, "Payload too large");

    public static Task WriteAsync(HttpContext http, (int Code, string Message) error, int status = StatusCodes.Status400BadRequest)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new EngineError(error.Code, error.Message));
    }
}

public sealed record EngineError(int Code, string Message);
