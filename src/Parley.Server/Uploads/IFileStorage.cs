namespace Parley.Server.Uploads;

/// <summary>Where file bytes live: a folder on disk or an S3 bucket. Keys are relative paths ("files/ab/…").</summary>
public interface IFileStorage
{
    /// <summary>Stores the local file under the key (the file is the caller's to delete afterwards, unless moved).</summary>
    Task PutAsync(string key, string localPath, string contentType, CancellationToken ct);

    /// <summary>The bytes from <paramref name="offset"/>, <paramref name="length"/> of them (all the rest when null); null when the key is missing.</summary>
    Task<Stream?> OpenReadAsync(string key, long offset, long? length, CancellationToken ct);

    /// <summary>Deletes the key; a missing key is fine.</summary>
    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>Every key under the prefix.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct);
}
