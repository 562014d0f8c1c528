using System.Runtime.CompilerServices;
using System.Buffers;
using System.Text.Json;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// Reads a list response (<c>{"kind":"…List","metadata":{…},"items":[…]}</c>) from a stream without buffering the
/// whole body, and deserializes each item from its UTF-8 bytes.
/// </summary>
/// <remarks>
/// With a parallelism of one, items are decoded on the reading thread as they arrive, and the buffer holds at most one
/// item plus one read. With more, the reading thread only finds where each item starts and ends (a scan for quotes,
/// escapes and brackets with <see cref="JsonValueScanner"/>, far cheaper than tokenizing) and hands batches of complete
/// items to up to that many workers, which decode them while the next bytes arrive; items keep their order, and at most
/// two batches per worker are held. A short list that fits in one batch is decoded on the reading thread. Either way
/// each item is decoded by the same code with the same results and errors, except that a projection decoded from a
/// whole item skips large subtrees without validating them (<see cref="ProjectionSkipping"/>).
/// </remarks>
internal static class ListBodyReader
{
    private const int InitialBufferSize = 64 * 1024;

    /// <summary>The smallest batch of item bytes handed to a worker: about 75 realistic Pods of 6.8 KB.</summary>
    internal const int DefaultBatchBytes = 512 * 1024;

    /// <summary>
    /// How far an item may run without ending before the scanner calls the body malformed. The API server stores objects
    /// of at most a few megabytes, so only an unbalanced bracket or quote gets here; without the limit, the buffer would
    /// grow to hold the rest of the body first.
    /// </summary>
    internal const int DefaultMaxItemBytes = 64 * 1024 * 1024;

    /// <summary>The default number of threads that decode one list: the processors the process may use, at most four.</summary>
    public static int DefaultParallelism => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Reads a list body.</summary>
    /// <param name="stream">The response body.</param>
    /// <param name="resource">The resource, for error messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="compiledReaders">Whether items may be decoded by a generated <see cref="CompiledJsonReader{T}"/>.</param>
    /// <param name="parallelism">How many threads may decode items (1: only the reading thread).</param>
    /// <param name="batchBytes">The smallest batch handed to a worker (tests make it small).</param>
    /// <param name="maxItemBytes">How long an item may be when decoded by workers (tests make it small).</param>
    public static async Task<(List<T> Items, V1ListMeta? Metadata)> ReadAsync<T>(
        Stream stream, string resource, CancellationToken cancellationToken, bool compiledReaders = true, int parallelism = 1, int batchBytes = DefaultBatchBytes,
        int maxItemBytes = DefaultMaxItemBytes)
        where T : class
    {
        parallelism = Math.Clamp(parallelism, 1, 64);
        var batches = parallelism > 1 ? new BatchBuffers(batchBytes) : null;
        var workers = batches is null ? null : new BatchDecoder<T>(resource, compiledReaders, parallelism, batches);
        var parser = new Parser<T>(compiledReaders, batches, maxItemBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var start = 0;
        var end = 0;
        var stalled = false;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                var final = read == 0;
                end += read;
                if (stalled && !final && end < buffer.Length)
                {
                    // The parser is in the middle of an item it could not finish; re-scanning it after every small read
                    // would cost O(item × reads). Fill the buffer first.
                    continue;
                }

                KubernetesDecodeException? error = null;
                try
                {
                    var consumed = parser.Feed(buffer.AsSpan(start, end - start), final);
                    stalled = consumed == 0;
                    start += consumed;
                }
                catch (JsonException ex)
                {
                    error = new KubernetesDecodeException(
                        $"The list response of {resource} is not valid JSON near byte {parser.ErrorPosition(ex)} (path {ex.Path ?? "$"}).", ex);
                }
                catch (Exception ex) when (DecodeErrors.IsConversionError(ex))
                {
                    error = new KubernetesDecodeException(
                        $"The list response of {resource} has an item whose value could not be converted ({ex.GetType().Name}) near byte {parser.Consumed}.", ex);
                }

                if (error is null && final && !parser.Done)
                {
                    error = new KubernetesDecodeException($"The list response of {resource} ended early, after {parser.Consumed} bytes.");
                }

                if (error is not null)
                {
                    // Workers may hold earlier items that are bad: the first bad item in list order is the error.
                    if (workers is not null)
                    {
                        await workers.CompleteAsync().ConfigureAwait(false);
                        if (parser.TakeBatch(force: true) is { } earlier)
                        {
                            await workers.AddAsync(earlier, inline: true, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    throw error;
                }

                if (workers is not null && parser.TakeBatch(force: parser.Done) is { } batch)
                {
                    await workers.AddAsync(batch, inline: parser.Done && !workers.Started, cancellationToken).ConfigureAwait(false);
                }

                if (parser.Done)
                {
                    return (workers is null ? parser.Items : await workers.CompleteAsync().ConfigureAwait(false), parser.Metadata);
                }

                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, larger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            parser.ReleaseBatch();
            if (workers is not null)
            {
                await workers.AbandonAsync().ConfigureAwait(false);
            }

            batches?.Clear();
        }
    }

    /// <summary>Complete items copied out of the read buffer, for a worker: their bytes and where each starts in the body.</summary>
    private sealed class Batch(byte[] bytes)
    {
        public byte[] Bytes = bytes;
        public int Length;
        public readonly List<(int Start, int Length, long BodyOffset, int Index)> Items = [];
    }

    /// <summary>
    /// The batch buffers of one list response, reused while it is read and dropped after it (not pooled for the process,
    /// so nothing stays allocated once the list is decoded). A batch is handed to a worker once it holds
    /// <see cref="BatchBytes"/>; its buffer has room for one more item of common size.
    /// </summary>
    private sealed class BatchBuffers(int batchBytes)
    {
        private readonly int _size = batchBytes + (64 * 1024);

        public int BatchBytes => batchBytes;

        private readonly Stack<byte[]> _free = new();
        private bool _closed;

        public byte[] Rent(int minimum)
        {
            lock (_free)
            {
                if (minimum <= _size && _free.TryPop(out var reused))
                {
                    return reused;
                }
            }

            return new byte[Math.Max(_size, minimum)];
        }

        public void Return(byte[] buffer)
        {
            if (buffer.Length == _size)
            {
                lock (_free)
                {
                    if (!_closed)
                    {
                        _free.Push(buffer);
                    }
                }
            }
        }

        /// <summary>Drops the free buffers once the list is read, whoever still holds this object.</summary>
        public void Clear()
        {
            lock (_free)
            {
                _closed = true;
                _free.Clear();
            }
        }
    }

    /// <summary>
    /// Decodes batches on worker threads, at most <c>2 × parallelism</c> held at once, and returns the items in the order
    /// of the batches. The first failing item (in list order) is the error.
    /// </summary>
    private sealed class BatchDecoder<T>(string resource, bool compiledReaders, int parallelism, BatchBuffers buffers) where T : class
    {
        private static readonly JsonReaderState s_itemState = new(new JsonReaderOptions { MaxDepth = 64 - 2 });

        private readonly SemaphoreSlim _slots = new(2 * parallelism);
        private readonly Queue<Task<T[]>> _pending = new();
        private readonly List<T> _items = [];

        public bool Started { get; private set; }

        public async ValueTask AddAsync(Batch batch, bool inline, CancellationToken cancellationToken)
        {
            if (inline)
            {
                // The whole list fits in one batch: no thread hop.
                try
                {
                    _items.AddRange(Decode(batch));
                }
                finally
                {
                    buffers.Return(batch.Bytes);
                }

                return;
            }

            Started = true;
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            _pending.Enqueue(Task.Run(() =>
            {
                try
                {
                    return Decode(batch);
                }
                finally
                {
                    buffers.Return(batch.Bytes);
                    _slots.Release();
                }
            }, CancellationToken.None));

            // Collect finished batches in order, so the first error surfaces early and the queue stays short.
            while (_pending.TryPeek(out var head) && head.IsCompleted)
            {
                _items.AddRange(await _pending.Dequeue().ConfigureAwait(false));
            }
        }

        public async Task<List<T>> CompleteAsync()
        {
            while (_pending.TryDequeue(out var task))
            {
                _items.AddRange(await task.ConfigureAwait(false));
            }

            return _items;
        }

        /// <summary>After a failure or cancellation: waits for the workers (so their buffers go back) and observes their errors.</summary>
        public async Task AbandonAsync()
        {
            while (_pending.TryDequeue(out var task))
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The caller already has an error of its own.
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private T[] Decode(Batch batch)
        {
            var result = new T[batch.Items.Count];
            for (var i = 0; i < result.Length; i++)
            {
                var (start, length, bodyOffset, index) = batch.Items[i];
                try
                {
                    // The item sits two levels deep in the list (its object and the items array): the depth limit counts from there.
                    result[i] = KubernetesJsonCodec.DeserializeItem<T>(batch.Bytes, start, length, s_itemState, compiledReaders);
                }
                catch (JsonException ex)
                {
                    var path = ex.Path is { Length: > 1 } p ? p[1..] : "";
                    var position = bodyOffset + (ex.LineNumber is 0 ? ex.BytePositionInLine ?? 0 : 0);
                    throw new KubernetesDecodeException(
                        $"The list response of {resource} is not valid JSON near byte {position} (path $.items[{index}]{path}).", ex);
                }
                catch (Exception ex) when (DecodeErrors.IsConversionError(ex))
                {
                    throw new KubernetesDecodeException(
                        $"The list response of {resource} has an item whose value could not be converted ({ex.GetType().Name}) near byte {bodyOffset} (path $.items[{index}]).", ex);
                }
            }

            return result;
        }
    }

    /// <summary>
    /// An incremental parser: each <see cref="Feed"/> consumes whole units (the opening brace, one top-level property,
    /// one item) and leaves an incomplete unit for the next call, with more data. Given a batch size, it does not decode
    /// items but copies them into batches for workers (<see cref="TakeBatch"/>).
    /// </summary>
    private sealed class Parser<T>(bool compiledReaders, BatchBuffers? batches, int maxItemBytes) where T : class
    {
        private enum Phase { Start, Root, Items, Scan, Done }

        /// <summary>What the scanner saw last between items.</summary>
        private enum Separator { None, Item, Comma }

        private JsonReaderState _state;
        private JsonReaderState _arrayState;
        private Phase _phase;
        private Separator _last;
        private int _itemIndex;
        private Batch? _batch;
        private long _scannedBytes;

        public List<T> Items { get; } = [];
        public V1ListMeta? Metadata { get; private set; }
        public bool Done => _phase == Phase.Done;
        public long Consumed { get; private set; }

        /// <summary>
        /// Where an error from <see cref="Feed"/> lies in the body. The scanner reports positions from where it started;
        /// the token reader's state counts lines and columns over every byte it has read, which excludes the scanned
        /// items. For a body on several lines, the start of the unit being read is the best estimate.
        /// </summary>
        public long ErrorPosition(JsonException ex) =>
            _phase == Phase.Scan ? Consumed + (ex.BytePositionInLine ?? 0) // the scanner throws only while scanning
            : ex.LineNumber is 0 ? (ex.BytePositionInLine ?? 0) + _scannedBytes
            : Consumed;

        public int Feed(ReadOnlySpan<byte> data, bool final)
        {
            var offset = 0;
            while (true)
            {
                if (_phase == Phase.Scan)
                {
                    var scanned = ScanItems(data[offset..]);
                    offset += scanned;
                    Consumed += scanned;
                    _scannedBytes += scanned;
                    if (_phase == Phase.Scan)
                    {
                        return offset;
                    }
                }

                var read = ReadTokens(data[offset..], final);
                offset += read;
                Consumed += read;
                if (_phase != Phase.Scan)
                {
                    return offset;
                }
            }
        }

        /// <summary>The batch of items copied so far, once it is large enough (or <paramref name="force"/>d); the caller then owns its buffer.</summary>
        public Batch? TakeBatch(bool force)
        {
            var batch = _batch;
            if (batch is null || (!force && batch.Length < batches!.BatchBytes))
            {
                return null;
            }

            _batch = null;
            return batch;
        }

        /// <summary>Returns the buffer of a batch nobody took (after an error).</summary>
        public void ReleaseBatch()
        {
            if (_batch is { } batch)
            {
                _batch = null;
                batches?.Return(batch.Bytes);
            }
        }

        /// <summary>
        /// Finds complete items of the <c>items</c> array and copies them into the batch, without decoding them; returns
        /// the bytes consumed. At the closing bracket, hands the rest back to the token reader (the reader's state saved
        /// after the opening bracket is valid there). Checks what lies between items; the items themselves are checked
        /// when they are decoded.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int ScanItems(ReadOnlySpan<byte> data)
        {
            var position = 0;
            var consumed = 0;
            while (true)
            {
                while (position < data.Length && data[position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
                {
                    position++;
                }

                if (position == data.Length)
                {
                    return consumed;
                }

                var next = data[position];
                if (next == (byte)']')
                {
                    if (_last == Separator.Comma)
                    {
                        throw new JsonException("The list's items end with a comma.", null, null, position);
                    }

                    _phase = Phase.Items;
                    _state = _arrayState;
                    return position;
                }

                if (_last == Separator.Item)
                {
                    if (next != (byte)',')
                    {
                        throw new JsonException("A list item is followed by something other than ',' or ']'.", null, null, position);
                    }

                    position++;
                    consumed = position;
                    _last = Separator.Comma;
                    continue;
                }

                if (next != (byte)'{')
                {
                    throw new JsonException("A list item is not a JSON object.", null, null, position);
                }

                var length = JsonValueScanner.ValueLength(data[position..]);
                if (length < 0)
                {
                    if (data.Length - position > maxItemBytes)
                    {
                        throw new JsonException(
                            $"A list item is still open after {data.Length - position} bytes; an object from the API server is far smaller, so the body is malformed (an unbalanced bracket or quote).",
                            null, null, 0);
                    }

                    return consumed;
                }

                AddToBatch(data.Slice(position, length), Consumed + position);
                position += length;
                consumed = position;
                _last = Separator.Item;
            }
        }

        private void AddToBatch(ReadOnlySpan<byte> item, long bodyOffset)
        {
            var batch = _batch ??= new Batch(batches!.Rent(item.Length));
            if (batch.Length + item.Length > batch.Bytes.Length)
            {
                var larger = new byte[Math.Max(batch.Bytes.Length * 2, batch.Length + item.Length)];
                batch.Bytes.AsSpan(0, batch.Length).CopyTo(larger);
                batches!.Return(batch.Bytes);
                batch.Bytes = larger;
            }

            item.CopyTo(batch.Bytes.AsSpan(batch.Length));
            batch.Items.Add((batch.Length, item.Length, bodyOffset, _itemIndex++));
            batch.Length += item.Length;
        }

        /// <summary>Reads tokens from where the data starts; returns the bytes consumed (whole units only).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int ReadTokens(ReadOnlySpan<byte> data, bool final)
        {
            var reader = new Utf8JsonReader(data, final, _state);
            var checkpoint = 0;
            var checkpointState = _state;
            while (_phase is not (Phase.Done or Phase.Scan))
            {
                if (!reader.Read())
                {
                    break;
                }

                switch (_phase)
                {
                    case Phase.Start:
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            throw new JsonException("The list response is not a JSON object.");
                        }

                        _phase = Phase.Root;
                        break;

                    case Phase.Root:
                        if (reader.TokenType == JsonTokenType.EndObject)
                        {
                            _phase = Phase.Done;
                            break;
                        }

                        if (!ReadRootProperty(ref reader))
                        {
                            goto NeedMore;
                        }

                        break;

                    case Phase.Items:
                        if (reader.TokenType == JsonTokenType.EndArray)
                        {
                            _phase = Phase.Root;
                            break;
                        }

                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            throw new JsonException("A list item is not a JSON object.");
                        }

                        // A generated projection reads the item in one pass, straight from the stream's reader.
                        if (!KubernetesJsonCodec.TryReadProjection<T>(ref reader, out var projected, out var handled))
                        {
                            goto NeedMore;
                        }

                        if (handled)
                        {
                            Items.Add(projected!);
                            break;
                        }

                        // A generated compiled reader likewise; what it leaves to JsonSerializer is decoded below.
                        if (compiledReaders)
                        {
                            var compiled = KubernetesJsonCodec.TryReadCompiled<T>(ref reader, out var item);
                            if (compiled == CompiledReadResult.NeedMoreData)
                            {
                                goto NeedMore;
                            }

                            if (compiled == CompiledReadResult.Done)
                            {
                                Items.Add(item!);
                                break;
                            }
                        }

                        var itemReader = reader;
                        if (!reader.TrySkip())
                        {
                            goto NeedMore;
                        }

                        Items.Add(KubernetesJsonCodec.Deserialize<T>(ref itemReader, compiled: false));
                        break;
                }

                checkpoint = (int)reader.BytesConsumed;
                checkpointState = reader.CurrentState;
            }

        NeedMore:
            _state = checkpointState;
            return checkpoint;
        }

        /// <summary>Reads one top-level property; false when its value is not complete yet.</summary>
        private bool ReadRootProperty(ref Utf8JsonReader reader)
        {
            var isItems = reader.ValueTextEquals("items"u8);
            var isMetadata = !isItems && reader.ValueTextEquals("metadata"u8);
            if (!reader.Read())
            {
                return false;
            }

            if (isItems)
            {
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    // With workers, items are only scanned for their ends here; the reader resumes at the closing bracket.
                    _arrayState = reader.CurrentState;
                    _phase = batches is null ? Phase.Items : Phase.Scan;
                    _last = Separator.None;
                    return true;
                }

                if (reader.TokenType == JsonTokenType.Null)
                {
                    return true;
                }

                throw new JsonException("The list's \"items\" is not an array.");
            }

            if (isMetadata && reader.TokenType == JsonTokenType.StartObject)
            {
                var metadataReader = reader;
                if (!reader.TrySkip())
                {
                    return false;
                }

                Metadata = KubernetesJsonCodec.Deserialize<V1ListMeta>(ref metadataReader);
                return true;
            }

            return reader.TrySkip();
        }
    }
}

/// <summary>Which exceptions, thrown while decoding a value, mean the value is bad rather than the code.</summary>
internal static class DecodeErrors
{
    /// <summary>
    /// True for what converters throw on a value they cannot convert: KubernetesClient's quantity parser throws
    /// <see cref="ArgumentException"/> for an unknown suffix, others format, overflow and invalid-operation errors.
    /// </summary>
    public static bool IsConversionError(Exception ex) =>
        ex is FormatException or InvalidOperationException or OverflowException or NotSupportedException or ArgumentException;
}
