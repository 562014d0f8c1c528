using System.Buffers;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// An open HTTP watch: reads newline-separated events from the response stream into a pooled buffer and decodes each
/// line from its bytes (no string per line) with <see cref="WatchLineDecoder"/> and the type's
/// <see cref="ItemDecoder{T}"/>, chosen once per stream. Events are yielded in stream order. Read once, by one consumer
/// (the reflector's loop); disposing, from any thread, closes the connection.
/// </summary>
internal sealed class HttpWatchStream<T> : IWatchStream<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private const int InitialBufferSize = 64 * 1024;
    private const int MaxLineBytes = 256 * 1024 * 1024;

    private readonly HttpResponseMessage _response;
    private readonly Stream _stream;
    private readonly string _resource;
    private readonly ItemDecoder<T> _decoder;
    private int _reading;
    private int _disposed;

    public HttpWatchStream(HttpResponseMessage response, Stream stream, string resource, bool compiledReaders = true)
    {
        _decoder = ItemDecoder<T>.For(compiledReaders);
        _response = response;
        _stream = stream;
        _resource = resource;
    }

    public async IAsyncEnumerable<WatchEvent<T>> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException("A watch stream can be read only once.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var start = 0;        // first byte of the current (incomplete) line
        var end = 0;          // end of the data in the buffer
        var scanned = 0;      // bytes from start already searched for a newline
        long bufferOffset = 0; // stream offset of buffer[0]
        long lineNumber = 0;
        try
        {
            while (true)
            {
                int newline;
                while ((newline = buffer.AsSpan(start + scanned, end - start - scanned).IndexOf((byte)'\n')) >= 0)
                {
                    var length = scanned + newline;
                    lineNumber++;
                    var lineOffset = bufferOffset + start;
                    var hasEvent = TryDecode(buffer.AsSpan(start, length), lineNumber, lineOffset, out var watchEvent);
                    start += length + 1;
                    scanned = 0;
                    if (hasEvent)
                    {
                        yield return watchEvent;
                    }
                }

                scanned = end - start;
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    bufferOffset += start;
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    if (buffer.Length >= MaxLineBytes)
                    {
                        throw new KubernetesDecodeException($"Watch line {lineNumber + 1} (stream byte {bufferOffset}) of {_resource} is longer than {MaxLineBytes} bytes.");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, larger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await _stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    // The server ended the stream. A last line without a newline still counts.
                    lineNumber++;
                    if (end > start && TryDecode(buffer.AsSpan(start, end - start), lineNumber, bufferOffset + start, out var last))
                    {
                        start = end;
                        yield return last;
                    }

                    yield break;
                }

                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    private bool TryDecode(ReadOnlySpan<byte> line, long lineNumber, long offset, out WatchEvent<T> watchEvent)
    {
        line = line.Trim(" \t\r"u8);
        if (line.IsEmpty)
        {
            watchEvent = default;
            return false;
        }

        watchEvent = WatchLineDecoder.Decode(line, lineNumber, offset, _resource, _decoder);
        return true;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stream.Dispose();
            _response.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
