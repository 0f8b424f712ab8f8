using System.Buffers;
using System.IO.Pipelines;

namespace Parley.Server.Realtime;

/// <summary>
/// A connection's transport as the stream a <see cref="System.Net.WebSockets.WebSocket"/> reads and writes. Reads
/// copy out of the pipe's buffers (a pending read holds no buffer of its own); every write is flushed. Dispose
/// (which <c>WebSocket.Abort</c> calls) wakes a pending read or flush so it fails instead of waiting for ever;
/// the transport itself is completed by Kestrel when the connection ends.
/// </summary>
public sealed class TransportStream(IDuplexPipe transport) : Stream
{
    private volatile bool _disposed;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var input = transport.Input;
        return input.TryRead(out var result) ? new(Take(result, buffer.Span)) : ReadSlowAsync(buffer, cancellationToken);
    }

    private async ValueTask<int> ReadSlowAsync(Memory<byte> buffer, CancellationToken ct) =>
        Take(await transport.Input.ReadAsync(ct), buffer.Span);

    private int Take(ReadResult result, Span<byte> destination)
    {
        var input = transport.Input;
        var data = result.Buffer;
        if (result.IsCanceled || _disposed)
        {
            input.AdvanceTo(data.Start);
            throw new ObjectDisposedException(nameof(TransportStream));
        }
        // A zero-byte read returns once data is there, without taking any of it.
        var count = (int)Math.Min(data.Length, destination.Length);
        data.Slice(0, count).CopyTo(destination);
        input.AdvanceTo(data.GetPosition(count));
        return count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var flush = transport.Output.WriteAsync(buffer, cancellationToken);
        return flush.IsCompletedSuccessfully ? Check(flush.Result) : WriteSlowAsync(flush);
    }

    private async ValueTask WriteSlowAsync(ValueTask<FlushResult> flush) => await Check(await flush);

    private ValueTask Check(FlushResult result)
    {
        if (result.IsCanceled || _disposed) throw new ObjectDisposedException(nameof(TransportStream));
        if (result.IsCompleted) throw new IOException("The connection is closed");
        return ValueTask.CompletedTask;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override void Flush() { }

    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        transport.Input.CancelPendingRead();
        transport.Output.CancelPendingFlush();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
