using System.Net;
using System.Net.Sockets;

namespace Parley.Server.Outbound;

/// <summary>An outgoing request that must not be made: its host resolved to a refused address.</summary>
public sealed class RefusedAddressException(string message) : Exception(message);

/// <summary>
/// Addresses an outgoing request (a link preview, a webhook) must never reach: this host, the private networks, link-local (where cloud metadata
/// lives: 169.254.169.254), carrier-grade NAT, multicast, and the reserved and documentation ranges; IPv6 alike,
/// and IPv4 addresses wrapped in IPv6 (mapped, NAT64, 6to4) are judged as the IPv4 address they carry.
/// </summary>
public static class AddressGuard
{
    private static readonly (uint Network, int Bits)[] RefusedV4 =
    [
        (0x00000000, 8), (0x0A000000, 8), (0x64400000, 10), (0x7F000000, 8), (0xA9FE0000, 16), (0xAC100000, 12), (0xC0000000, 24),
        (0xC0000200, 24), (0xC0A80000, 16), (0xC6120000, 15), (0xC6336400, 24), (0xCB007100, 24), (0xE0000000, 4), (0xF0000000, 4),
    ];

    public static bool IsRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            return RefusedV4.Any(r => (value & Mask(r.Bits)) == r.Network);
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true;
        var v6 = address.GetAddressBytes();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast) return true;
        if ((v6[0] & 0xFE) == 0xFC) return true; // fc00::/7 unique local (AWS metadata is fd00:ec2::254)
        if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0D && v6[3] == 0xB8) return true; // 2001:db8::/32 documentation
        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xFF && v6[3] == 0x9B) return IsRefused(new IPAddress(v6[12..16])); // 64:ff9b::/96 NAT64
        if (v6[0] == 0x20 && v6[1] == 0x02) return IsRefused(new IPAddress(v6[2..6])); // 2002::/16 6to4
        // ::/96 (IPv4-compatible, deprecated) and the unspecified address.
        return v6[..12].All(b => b == 0);
    }

    /// <summary>
    /// Connects to <paramref name="endpoint"/> for an outgoing request whose URL someone else chose, unless a name
    /// resolves to a refused address: any refused address refuses the name (one that answers with both a public and a
    /// private address is not trusted), and the socket connects to exactly the addresses checked.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowRefused, string purpose, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        if (addresses.Length == 0 || (!allowRefused && addresses.Any(IsRefused)))
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
    }

    private static uint Mask(int bits) => bits == 0 ? 0 : uint.MaxValue << (32 - bits);
}
