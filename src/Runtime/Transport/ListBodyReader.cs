using System.Runtime.CompilerServices;
using System.Buffers;
using System.Text.Json;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// Reads a list response (<c>{"kind":"…List","metadata":{…},"items":[…]}</c>) from a stream without buffering the
/// whole body: the buffer holds at most one item plus one read, and each item is deserialized from its UTF-8 bytes.
/// </summary>
internal static class ListBodyReader
{
    private const int InitialBufferSize = 64 * 1024;

    /// <summary>Reads a list body.</summary>
    /// <param name="stream">The response body.</param>
    /// <param name="resource">The resource, for error messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="compiledReaders">Whether items may be decoded by a generated <see cref="CompiledJsonReader{T}"/>.</param>
    public static async Task<(List<T> Items, V1ListMeta? Metadata)> ReadAsync<T>(Stream stream, string resource, CancellationToken cancellationToken, bool compiledReaders = true)
        where T : class
    {
        var parser = new Parser<T>(compiledReaders);
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

                try
                {
                    var consumed = parser.Feed(buffer.AsSpan(start, end - start), final);
                    stalled = consumed == 0;
                    start += consumed;
                }
                catch (JsonException ex)
                {
                    throw new WatchDecodeException(
                        $"The list response of {resource} is not valid JSON near byte {parser.Consumed + (ex.BytePositionInLine ?? 0)} (path {ex.Path ?? "$"}).", ex);
                }
                catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException or NotSupportedException)
                {
                    throw new WatchDecodeException(
                        $"The list response of {resource} has an item whose value could not be converted ({ex.GetType().Name}) near byte {parser.Consumed}.", ex);
                }

                if (parser.Done)
                {
                    return (parser.Items, parser.Metadata);
                }

                if (final)
                {
                    throw new WatchDecodeException($"The list response of {resource} ended early, after {parser.Consumed} bytes.");
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
        }
    }

    /// <summary>
    /// An incremental parser: each <see cref="Feed"/> consumes whole units (the opening brace, one top-level property,
    /// one item) and leaves an incomplete unit for the next call, with more data.
    /// </summary>
    private sealed class Parser<T>(bool compiledReaders) where T : class
    {
        private enum Phase { Start, Root, Items, Done }

        private JsonReaderState _state;
        private Phase _phase;

        public List<T> Items { get; } = [];
        public V1ListMeta? Metadata { get; private set; }
        public bool Done => _phase == Phase.Done;
        public long Consumed { get; private set; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Feed(ReadOnlySpan<byte> data, bool final)
        {
            var reader = new Utf8JsonReader(data, final, _state);
            var checkpoint = 0;
            var checkpointState = _state;
            while (_phase != Phase.Done)
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
            Consumed += checkpoint;
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
                    _phase = Phase.Items;
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
