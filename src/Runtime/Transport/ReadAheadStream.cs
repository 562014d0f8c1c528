using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace KubeInformers;

/// <summary>
/// A read-only stream that reads its source ahead on a background task, so that receiving a large list body (socket,
/// TLS, chunked decoding) overlaps with parsing it. At most <c>maxChunks</c> chunks of <c>chunkSize</c> bytes are held
/// ahead of the reader, so a slow parser applies back-pressure to the connection as before.
/// </summary>
/// <remarks>
/// Bytes come out in order and unchanged. An error from the source is raised to the reader after every byte that
/// arrived before it, and is the source's own exception. Cancelling a read cancels only that read; disposing the
/// stream stops the background task and disposes the source. One reader at a time (like any stream).
/// </remarks>
internal sealed class ReadAheadStream : Stream
{
    private readonly Stream _source;
    private readonly int _chunkSize;
    private readonly Channel<Chunk> _chunks;
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;
    private Chunk _current;
    private int _offset;
    private bool _ended;
    private int _disposed;

    public ReadAheadStream(Stream source, int chunkSize = 64 * 1024, int maxChunks = 4)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunks, 1);
        _source = source;
        _chunkSize = chunkSize;
        _chunks = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(maxChunks)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_current.Buffer is null || _offset == _current.Length)
        {
            if (_ended)
            {
                return 0;
            }

            ReturnCurrent();
            _pump ??= Task.Run(PumpAsync, CancellationToken.None);
            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _ended = true;
                return 0;
            }

            _chunks.Reader.TryRead(out _current);
            _offset = 0;
            if (_current.Error is { } error)
            {
                _current = default;
                _ended = true;
                error.Throw();
            }
        }

        var n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.Buffer.AsSpan(_offset, n).CopyTo(buffer.Span);
        _offset += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async Task PumpAsync()
    {
        var token = _stop.Token;
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(_chunkSize);
                int read;
                try
                {
                    read = await _source.ReadAsync(buffer.AsMemory(0, _chunkSize), token).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    _chunks.Writer.TryComplete();
                    return;
                }

                if (!await _chunks.Writer.WaitToWriteAsync(token).ConfigureAwait(false) || !_chunks.Writer.TryWrite(new Chunk(buffer, read, null)))
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return;
                }
            }
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            // Delivered in order, after the bytes that came before it. The channel has room for it only when the reader
            // catches up, so wait for that (or for disposal).
            try
            {
                if (await _chunks.Writer.WaitToWriteAsync(token).ConfigureAwait(false))
                {
                    _chunks.Writer.TryWrite(new Chunk(null, 0, ExceptionDispatchInfo.Capture(ex)));
                }
            }
            catch (OperationCanceledException)
            {
            }

            _chunks.Writer.TryComplete();
        }
        catch (Exception)
        {
            // Stopped by disposal: nobody reads any more.
            _chunks.Writer.TryComplete();
        }
    }

    private void ReturnCurrent()
    {
        if (_current.Buffer is { } b)
        {
            ArrayPool<byte>.Shared.Return(b);
        }

        _current = default;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stop.Cancel();
            _source.Dispose();
            DrainAfterPump();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _source.DisposeAsync().ConfigureAwait(false);
            DrainAfterPump();
        }

        GC.SuppressFinalize(this);
    }

    private void DrainAfterPump()
    {
        ReturnCurrent();
        if (_pump is null)
        {
            _stop.Dispose();
            return;
        }

        // Buffers still queued go back to the pool once the pump has stopped (it stops promptly: its token is cancelled
        // and its source disposed).
        _ = _pump.ContinueWith(static (_, state) =>
        {
            var self = (ReadAheadStream)state!;
            while (self._chunks.Reader.TryRead(out var chunk))
            {
                if (chunk.Buffer is { } b)
                {
                    ArrayPool<byte>.Shared.Return(b);
                }
            }

            self._stop.Dispose();
        }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private readonly record struct Chunk(byte[]? Buffer, int Length, ExceptionDispatchInfo? Error);
}
