using System.Net;
using System.Net.Sockets;

namespace Parley.Server.Outbound;

/// <summary>An outgoing request that must not be made: its host resolved to a refused address.</summary>
public sealed class RefusedAddressException(string message) : Exception(message);

/// <summary>
/// The connect step of every server-side HTTP client that fetches URLs users or administrators chose (link previews,
/// webhooks): names are resolved here and every address is checked at connect time, so a redirect, or a name that
/// re-resolves to 127.0.0.1, is checked too. Any refused address refuses the name: one that answers with both a public
/// and a private address is not trusted.
/// </summary>
public static class GuardedConnect
{
    /// <param name="exempt">Whether this host (and port) may be reached even on a refused address (an allow list, a setting).</param>
    /// <param name="purpose">Named in the refusal, e.g. "link previews".</param>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Create(Func<DnsEndPoint, bool> exempt, string purpose) =>
        async (context, ct) =>
        {
            var endpoint = context.DnsEndPoint;
            var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
            if (addresses.Length == 0 || (!exempt(endpoint) && addresses.Any(AddressGuard.IsRefused)))
                throw new RefusedAddressException($"{endpoint.Host} resolves to an address {purpose} may not reach");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, endpoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
