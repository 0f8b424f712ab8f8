namespace Parley.Server.Uploads;

/// <summary>A file part streamed to a temp file; disposing deletes whatever temp file is left.</summary>
public sealed class ReceivedFile(string path, string name) : IDisposable
{
    private readonly byte[] _head = new byte[ContentSniffer.HeadBytes];
    private int _headLength;

    public string Path { get; private set; } = path;
    public string Name { get; } = name;
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public string? ConversationId { get; set; }

    /// <summary>The first bytes, for sniffing.</summary>
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    public void AddHead(ReadOnlySpan<byte> bytes)
    {
        var n = Math.Min(bytes.Length, _head.Length - _headLength);
        bytes[..n].CopyTo(_head.AsSpan(_headLength));
        _headLength += n;
    }

    /// <summary>Serves <paramref name="other"/> instead (a copy without metadata); its size.</summary>
    public long ReplaceWith(string other)
    {
        File.Delete(Path);
        Path = other;
        return new FileInfo(other).Length;
    }

    public void Dispose()
    {
        File.Delete(Path);
        File.Delete(Path + ".clean");
    }
}

/// <summary>Where uploads wait while they are received: beside the disk storage, so that storing one is a rename.</summary>
public sealed class UploadFolders(string temp)
{
    public string Temp { get; } = temp;

    public string NewTempPath()
    {
        Directory.CreateDirectory(Temp);
        return System.IO.Path.Combine(Temp, Guid.NewGuid().ToString("N"));
    }
}

public static class FileNames
{
    /// <summary>The last path segment, without control characters, at most 255 characters; "file" when nothing is left.</summary>
    public static string Clean(string? name)
    {
        var last = (name ?? "").Replace('\\', '/').Split('/').LastOrDefault() ?? "";
        var clean = new string(last.Where(c => !char.IsControl(c) && c is not ('"' or '<' or '>')).ToArray()).Trim();
        if (clean.Length > 255) clean = clean[^255..];
        return clean is "" or "." or ".." ? "file" : clean;
    }
}
