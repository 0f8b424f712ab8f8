using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;
using Parley.Server.Api;
using Parley.Server.Auth;
using Parley.Server.Compat;

namespace Parley.Server.Realtime;

/// <summary>
/// The gateway's handshake at the connection level, ahead of HTTP: when the first request on a new connection is
/// a WebSocket upgrade to <c>/ws</c> or <c>/ws/{userId}</c> (<see cref="UpgradeRequest"/>), it is answered here and
/// the socket runs straight on the transport, so an idle socket keeps no HttpContext, header collections or
/// request pipeline alive. Same rules and answers as <see cref="Gateway.AcceptAsync"/>. Every other connection
/// (and every request this does not take) goes on to HTTP with nothing consumed.
/// </summary>
public sealed partial class GatewayHandshake(ConnectionDelegate next, Gateway gateway, TokenCheck tokens, SocketSlots slots, CompatSettings profiles,
    IOptions<GatewayOptions> options, IOptionsMonitor<HostFilteringOptions> hosts, ILogger<GatewayHandshake> logger)
{
    private static readonly byte[] AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8.ToArray();

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
        var request = await PeekAsync(connection.Transport.Input, closing);
        if (request is null)
        {
            await next(connection);
            return;
        }
        var user = await AuthorizeAsync(request);
        if (!user.Ok)
        {
            LogRefused(logger, user.Error!.Status, user.Error.Message);
            await RespondAsync(connection.Transport.Output, user.Error!);
            // The request is answered: the connection carries on as ordinary HTTP keep-alive.
            await next(connection);
            return;
        }
        var (userId, pathUserId, profile, accept) = (user.Value, request.PathUserId, profiles.Choose(request.Profile).Value, AcceptKey(request.Key));
        request = null; // the head (with its token) is not kept for the socket's lifetime
        try
        {
            var output = connection.Transport.Output;
            output.Write(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"));
            await output.FlushAsync();
            // Like Kestrel's own upgrade: the socket leaves the HTTP connection count and counts against the socket cap instead.
            connection.Features.Get<IDecrementConcurrentConnectionCountFeature>()?.ReleaseConnection();
            var o = options.Value;
            using var socket = WebSocket.CreateFromStream(new TransportStream(connection.Transport),
                new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = o.KeepAliveInterval, KeepAliveTimeout = o.KeepAliveTimeout });
            await gateway.ServeAsync(socket, userId, pathUserId, profile);
        }
        finally
        {
            slots.Return();
        }
    }

    /// <summary>The first request's head when the fast path takes it (consumed), else null with nothing consumed.</summary>
    private async Task<UpgradeRequest?> PeekAsync(PipeReader input, CancellationToken closing)
    {
        // Waiting for the head is bounded (and ends when the server shuts down); a slow or silent client then goes on
        // to HTTP and its own timeouts.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(closing);
        timeout.CancelAfter(options.Value.AuthTimeout);
        var wake = timeout.Token.UnsafeRegister(static reader => ((PipeReader)reader!).CancelPendingRead(), input);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                UpgradeRequest? request = null;
                var verdict = result.IsCanceled ? UpgradeRequest.Verdict.NotOurs : UpgradeRequest.Read(buffer, out request);
                if (verdict == UpgradeRequest.Verdict.Ours && IsAllowedHost(request!.Host))
                {
                    input.AdvanceTo(buffer.GetPosition(request!.Length));
                    return request;
                }
                if (verdict == UpgradeRequest.Verdict.NeedMore && !result.IsCompleted)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }
                // Not examined: HTTP's first read returns these bytes at once.
                input.AdvanceTo(buffer.Start);
                return null;
            }
        }
        catch (IOException)
        {
            return null; // reset: HTTP sees the same connection and ends it its own way
        }
        finally
        {
            // A timeout that fired after the last read must not cancel the next reader's first read.
            wake.Dispose();
            if (timeout.IsCancellationRequested) ObserveLateCancel(input);
        }
    }

    /// <summary>Hosts that AllowedHosts lets through for certain; any other goes to HTTP, whose host filtering decides.</summary>
    private bool IsAllowedHost(string host)
    {
        if (hosts.CurrentValue.AllowedHosts is not { Count: > 0 } allowed || allowed.Contains("*")) return true;
        var name = host.StartsWith('[') ? host[..(host.IndexOf(']') + 1)] : host.Split(':')[0];
        return allowed.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));
    }

    private static void ObserveLateCancel(PipeReader input)
    {
        try
        {
            if (input.TryRead(out var late)) input.AdvanceTo(late.Buffer.Start);
        }
        catch (IOException) { }
    }

    /// <summary>The token's user (null: an auth frame will say) and a socket slot taken, or the answer before the upgrade (401, 403, 503).</summary>
    private async Task<Outcome<string?>> AuthorizeAsync(UpgradeRequest request)
    {
        if (profiles.Choose(request.Profile).Error is { } unknownProfile) return unknownProfile;
        string? userId = null;
        if (request.Token is { } token)
        {
            Outcome<string> user;
            try
            {
                user = await tokens.UserOfAsync(token, CancellationToken.None);
            }
            catch (Exception e)
            {
                // As UseParleyErrors answers a crash on the HTTP way in (the stamp check may need the database).
                LogFailed(logger, e);
                return new Failure(500, "internal_error", "Internal server error");
            }
            if (!user.Ok) return user.Error!;
            if (request.PathUserId is { } pathUserId && pathUserId != user.Value) return Gateway.NotYourSocket;
            userId = user.Value;
        }
        return slots.TryTake() ? userId : SocketSlots.Full;
    }

    private static string AcceptKey(string key)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData([.. Encoding.ASCII.GetBytes(key), .. AcceptGuid], hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>The error envelope, as <see cref="ApiError.Result"/> writes it (401s also say how to authenticate).</summary>
    private static async Task RespondAsync(PipeWriter output, Failure failure)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(ApiError.Body(failure.Status, failure.Code, failure.Message, failure.Details), JsonSetup.Default);
        var reason = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(failure.Status);
        var challenge = failure.Status == 401 ? "WWW-Authenticate: Bearer\r\n" : "";
        output.Write(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {failure.Status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {body.Length}\r\n{challenge}\r\n"));
        output.Write(body);
        await output.FlushAsync();
    }

    [LoggerMessage(LogLevel.Error, "Checking the token of a WebSocket upgrade failed")]
    private static partial void LogFailed(ILogger logger, Exception error);

    [LoggerMessage(LogLevel.Debug, "Refused a WebSocket upgrade with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string reason);
}

public static class GatewayHandshakeSetup
{
    /// <summary>Puts the connection-level handshake in front of HTTP on an endpoint.</summary>
    public static ListenOptions UseGatewayHandshake(this ListenOptions listen)
    {
        listen.Use(next => ActivatorUtilities.CreateInstance<GatewayHandshake>(listen.ApplicationServices, next).OnConnectionAsync);
        return listen;
    }
}
