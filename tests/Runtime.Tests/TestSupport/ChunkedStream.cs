namespace KubeInformers.Tests.TestSupport;

/// <summary>
/// A read-only stream over <paramref name="data"/> that returns at most <paramref name="chunk"/> bytes per read, so
/// decoders see a body cut at arbitrary places; with <paramref name="yieldEachRead"/> every read completes on a
/// thread-pool continuation, as a network read would.
/// </summary>
internal sealed class ChunkedStream(byte[] data, int chunk, bool yieldEachRead = false) : Stream
{
    private int _position;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (yieldEachRead)
        {
            await Task.Yield();
        }

        return ReadCore(buffer.Span);
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadCore(buffer.AsSpan(offset, count));

    private int ReadCore(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, chunk), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
