namespace Parley.Server.Previews;

/// <summary>Previews:* settings.</summary>
public sealed class PreviewOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Hosts ("host" or "host:port") fetched even though they resolve to a refused address, e.g. an intranet wiki, or the
    /// tests' local HTML server. Nothing else on loopback, private, link-local, multicast, CGNAT or metadata addresses is fetched.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public int MaxBytes { get; set; } = 1 << 20;

    public int MaxRedirects { get; set; } = 5;

    /// <summary>Previews fetched at once per node; more wait in a queue of <see cref="QueueSize"/> (beyond it they are skipped).</summary>
    public int Concurrency { get; set; } = 4;

    public int QueueSize { get; set; } = 1000;

    public string UserAgent { get; set; } = "ParleyBot/1.0 (link previews; +https://github.com/parley-chat)";
}
