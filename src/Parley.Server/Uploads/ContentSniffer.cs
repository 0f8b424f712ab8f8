using System.Text;

namespace Parley.Server.Uploads;

/// <summary>
/// The content type from the first bytes (magic numbers), never from the client's word. Unknown binary is
/// application/octet-stream; markup that a browser would run (HTML, SVG, XML) is named so that it is served
/// only as an attachment.
/// </summary>
public static class ContentSniffer
{
    public const int HeadBytes = 4096;
    public const string Binary = "application/octet-stream";

    private static readonly (string Type, int Offset, byte[] Magic)[] Signatures =
    [
        ("image/jpeg", 0, [0xFF, 0xD8, 0xFF]),
        ("image/png", 0, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        ("image/gif", 0, "GIF87a"u8.ToArray()),
        ("image/gif", 0, "GIF89a"u8.ToArray()),
        ("image/tiff", 0, [0x49, 0x49, 0x2A, 0x00]),
        ("image/tiff", 0, [0x4D, 0x4D, 0x00, 0x2A]),
        ("image/x-icon", 0, [0x00, 0x00, 0x01, 0x00]),
        ("application/pdf", 0, "%PDF-"u8.ToArray()),
        ("application/zip", 0, [(byte)'P', (byte)'K', 0x03, 0x04]),
        ("application/gzip", 0, [0x1F, 0x8B]),
        ("application/x-7z-compressed", 0, [(byte)'7', (byte)'z', 0xBC, 0xAF, 0x27, 0x1C]),
        ("application/vnd.rar", 0, "Rar!\x1A\x07"u8.ToArray()),
        ("audio/ogg", 0, "OggS"u8.ToArray()),
        ("audio/flac", 0, "fLaC"u8.ToArray()),
        ("audio/mpeg", 0, "ID3"u8.ToArray()),
        ("video/webm", 0, [0x1A, 0x45, 0xDF, 0xA3]),
        ("application/x-executable", 0, [0x7F, (byte)'E', (byte)'L', (byte)'F']),
        ("application/x-mach-binary", 0, [0xCF, 0xFA, 0xED, 0xFE]),
        ("application/x-mach-binary", 0, [0xCA, 0xFE, 0xBA, 0xBE]),
        ("application/wasm", 0, [0x00, (byte)'a', (byte)'s', (byte)'m']),
    ];

    private static readonly string[] MarkupStarts = ["<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<svg", "<?xml", "<!--", "<div", "<a ", "<img", "<style", "<meta", "<title"];

    public static string Sniff(ReadOnlySpan<byte> head)
    {
        foreach (var (type, offset, magic) in Signatures)
            if (head.Length >= offset + magic.Length && head.Slice(offset, magic.Length).SequenceEqual(magic)) return type;
        // Two-letter magics need more than the letters, or a text that starts "BM" or "MZ" would be called binary.
        if (head.Length >= 18 && head.StartsWith("BM"u8) && BitConverter.ToInt32(head.Slice(14, 4)) is 12 or 40 or 52 or 56 or 64 or 108 or 124)
            return "image/bmp";
        if (head.Length >= 64 && head.StartsWith("MZ"u8) && head[..64].Contains((byte)0)) return "application/x-msdownload";
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8))
        {
            var kind = head.Slice(8, 4);
            if (kind.SequenceEqual("WEBP"u8)) return "image/webp";
            if (kind.SequenceEqual("WAVE"u8)) return "audio/wav";
            if (kind.SequenceEqual("AVI "u8)) return "video/x-msvideo";
        }
        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(head.Slice(8, 4));
            return brand switch
            {
                "heic" or "heix" or "mif1" or "msf1" => "image/heic",
                "avif" => "image/avif",
                "qt  " => "video/quicktime",
                "M4A " => "audio/mp4",
                _ => "video/mp4",
            };
        }
        if (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0) return "audio/mpeg";
        return SniffText(head);
    }

    private static string SniffText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty) return "text/plain";
        if (head.Contains((byte)0)) return Binary;
        var text = head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? head[3..] : head;
        // A cut multi-byte character at the end of the sample is not a reason to call it binary.
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true);
        try { decoder.GetCharCount(text[..TrimPartial(text)]); }
        catch (DecoderFallbackException) { return Binary; }
        var start = Encoding.UTF8.GetString(text[..Math.Min(text.Length, 512)]).TrimStart().ToLowerInvariant();
        if (start.StartsWith("#!", StringComparison.Ordinal)) return "text/x-shellscript";
        foreach (var markup in MarkupStarts)
            if (start.StartsWith(markup, StringComparison.Ordinal))
                return start.Contains("<svg", StringComparison.Ordinal) ? "image/svg+xml" : markup == "<?xml" ? "application/xml" : "text/html";
        return "text/plain";
    }

    private static int TrimPartial(ReadOnlySpan<byte> text)
    {
        var end = text.Length;
        for (var i = 1; i <= Math.Min(3, text.Length); i++)
        {
            var b = text[^i];
            if ((b & 0xC0) == 0x80) continue;
            if ((b & 0xC0) == 0xC0) end = text.Length - i;
            break;
        }
        return end;
    }

    /// <summary>Types a browser may show in place: they cannot run script in our origin (and nosniff keeps them what they are).</summary>
    public static bool IsInlineSafe(string contentType) =>
        contentType is "image/jpeg" or "image/png" or "image/gif" or "image/webp" or "image/bmp" or "image/avif" or "application/pdf" or "text/plain"
        || contentType.StartsWith("audio/", StringComparison.Ordinal) || contentType.StartsWith("video/", StringComparison.Ordinal);

    /// <summary>Raster images we make thumbnails of.</summary>
    public static bool IsImage(string contentType) => contentType is "image/jpeg" or "image/png" or "image/gif" or "image/webp" or "image/bmp";
}
