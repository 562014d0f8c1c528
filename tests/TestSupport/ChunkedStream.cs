namespace KubeInformers.TestSupport;

/// <summary>
/// A read-only stream over a byte array that returns at most <c>chunk</c> bytes per read, so decoders see a body cut at
/// arbitrary places (a network read returns what has arrived, not what was asked for). With <c>yieldEachRead</c> every
/// asynchronous read completes on a thread-pool continuation, as a network read would. One reader at a time.
/// </summary>
/// <param name="data">The whole body.</param>
/// <param name="chunk">The most bytes one read returns (at least 1).</param>
/// <param name="yieldEachRead">Whether each asynchronous read yields before it returns.</param>
public sealed class ChunkedStream(byte[] data, int chunk, bool yieldEachRead = false) : Stream
{
    private readonly int _chunk = chunk > 0 ? chunk : throw new ArgumentOutOfRangeException(nameof(chunk), chunk, "a read returns at least one byte");
    private int _position;

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (yieldEachRead)
        {
            await Task.Yield();
        }

        return Read(buffer.Span);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, _chunk), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => data.Length;

    /// <inheritdoc/>
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override void Flush() { }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
