using System.Buffers.Binary;

namespace Parley.Server.Uploads;

/// <summary>
/// Drops metadata (EXIF with its GPS position, XMP, IPTC, comments, text chunks) from JPEG, PNG and WebP files
/// without re-encoding the picture: a walk over the file's segments or chunks, copying the ones that draw it.
/// </summary>
public static class MetadataStripper
{
    /// <summary>Writes the stripped copy; false when the file does not parse as its format (the caller then keeps none of it).</summary>
    public static bool Strip(string contentType, Stream input, Stream output) => contentType switch
    {
        "image/jpeg" => StripJpeg(new BufferedStream(input, 64 * 1024), output),
        "image/png" => StripPng(input, output),
        "image/webp" => StripWebp(input, output),
        _ => false,
    };

    // APP0 (JFIF), APP2 (ICC colour profile) and APP14 (Adobe colour transform) change how the picture looks; other APPn and COM are metadata.
    private static bool IsJpegMetadata(int marker) => marker is (>= 0xE1 and <= 0xEF) and not 0xE2 and not 0xEE || marker == 0xFE;

    private static bool StripJpeg(Stream input, Stream output)
    {
        if (input.ReadByte() != 0xFF || input.ReadByte() != 0xD8) return false;
        output.Write([0xFF, 0xD8]);
        Span<byte> header = stackalloc byte[2];
        while (true)
        {
            if (input.ReadByte() != 0xFF) return false;
            int marker;
            do marker = input.ReadByte(); while (marker == 0xFF);
            if (marker < 0) return false;
            if (marker is 0xDA or 0xD9)
            {
                // Start of scan: the compressed picture follows; everything from here is copied as it is.
                output.Write([0xFF, (byte)marker]);
                input.CopyTo(output);
                return true;
            }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                output.Write([0xFF, (byte)marker]);
                continue;
            }
            if (input.ReadAtLeast(header, 2, throwOnEndOfStream: false) < 2) return false;
            var length = BinaryPrimitives.ReadUInt16BigEndian(header);
            if (length < 2) return false;
            if (IsJpegMetadata(marker))
            {
                if (!Skip(input, length - 2)) return false;
                continue;
            }
            output.Write([0xFF, (byte)marker, header[0], header[1]]);
            if (!Copy(input, output, length - 2)) return false;
        }
    }

    private static readonly HashSet<string> PngMetadata = ["eXIf", "tEXt", "zTXt", "iTXt", "tIME"];

    private static bool StripPng(Stream input, Stream output)
    {
        Span<byte> head = stackalloc byte[8];
        if (input.ReadAtLeast(head, 8, throwOnEndOfStream: false) < 8) return false;
        output.Write(head);
        while (input.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(head);
            var type = System.Text.Encoding.ASCII.GetString(head[4..]);
            if (PngMetadata.Contains(type))
            {
                if (!Skip(input, length + 4L)) return false;
                continue;
            }
            output.Write(head);
            if (!Copy(input, output, length + 4L)) return false;
            if (type == "IEND") return true;
        }
        return false;
    }

    private static bool StripWebp(Stream input, Stream output)
    {
        if (!input.CanSeek) return false;
        Span<byte> head = stackalloc byte[12];
        if (input.ReadAtLeast(head, 12, throwOnEndOfStream: false) < 12) return false;
        // First pass: the size of what is kept, for the RIFF header.
        long kept = 4;
        var chunks = new List<(long Offset, string Type, long Size)>();
        Span<byte> chunk = stackalloc byte[8];
        while (input.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) == 8)
        {
            var type = System.Text.Encoding.ASCII.GetString(chunk[..4]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            var padded = size + (size & 1);
            chunks.Add((input.Position - 8, type, padded));
            if (type is not ("EXIF" or "XMP ")) kept += 8 + padded;
            input.Seek(padded, SeekOrigin.Current);
        }
        if (input.Position > input.Length) return false;
        output.Write("RIFF"u8);
        Span<byte> size32 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size32, (uint)kept);
        output.Write(size32);
        output.Write("WEBP"u8);
        foreach (var (offset, type, padded) in chunks)
        {
            if (type is "EXIF" or "XMP ") continue;
            input.Seek(offset, SeekOrigin.Begin);
            input.ReadExactly(chunk);
            output.Write(chunk);
            if (type == "VP8X" && padded > 0)
            {
                // Clear the "has EXIF" and "has XMP" flags of the extended header.
                output.WriteByte((byte)(input.ReadByte() & ~0x0C));
                if (!Copy(input, output, padded - 1)) return false;
            }
            else if (!Copy(input, output, padded)) return false;
        }
        return true;
    }

    private static bool Skip(Stream input, long count)
    {
        var buffer = new byte[Math.Min(count, 64 * 1024)];
        while (count > 0)
        {
            var n = input.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (n == 0) return false;
            count -= n;
        }
        return true;
    }

    private static bool Copy(Stream input, Stream output, long count)
    {
        var buffer = new byte[Math.Min(Math.Max(count, 1), 64 * 1024)];
        while (count > 0)
        {
            var n = input.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (n == 0) return false;
            output.Write(buffer, 0, n);
            count -= n;
        }
        return true;
    }
}
