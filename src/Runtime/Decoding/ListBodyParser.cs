using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// The incremental parser of a list body's top level: each <see cref="Feed"/> consumes whole units (the opening brace,
/// one top-level property, one item) and leaves an incomplete unit for the next call, with more data. Without batch
/// buffers it decodes each item as it arrives, with the type's <see cref="ItemDecoder{T}"/>, into <see cref="Items"/>
/// (in list order); with them it does not decode items but only finds where each ends (<see cref="JsonValueScanner"/>)
/// and copies them into batches for <see cref="ListBatchDecoder{T}"/> (<see cref="TakeBatch"/>).
/// </summary>
/// <remarks>
/// Used by <see cref="ListBodyReader"/> only, from its reading loop; not thread-safe. Errors are
/// <see cref="JsonException"/> (with <see cref="ErrorPosition"/> giving where in the body) and the conversion errors of
/// <see cref="DecodeErrors.IsConversionError"/>; the caller turns them into <see cref="KubernetesDecodeException"/>.
/// </remarks>
internal sealed class ListBodyParser<T>(ItemDecoder<T> decoder, ListBatchBuffers? batches, int maxItemBytes) where T : class
{
    private enum Phase { Start, Root, Items, Scan, Done }

    /// <summary>What the scanner saw last between items.</summary>
    private enum Separator { None, Item, Comma }

    private JsonReaderState _state;
    private JsonReaderState _arrayState;
    private Phase _phase;
    private Separator _last;
    private int _itemIndex;
    private ListItemBatch? _batch;
    private long _scannedBytes;

    /// <summary>The items decoded on the reading thread, in list order (empty when batches go to workers).</summary>
    public List<T> Items { get; } = [];

    /// <summary>The list's metadata, once read.</summary>
    public V1ListMeta? Metadata { get; private set; }

    /// <summary>Whether the list's closing brace was read.</summary>
    public bool Done => _phase == Phase.Done;

    /// <summary>The bytes of the body consumed so far.</summary>
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
    public ListItemBatch? TakeBatch(bool force)
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
        var batch = _batch ??= new ListItemBatch(batches!.Rent(item.Length));
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

                    // A projection or compiled reader reads the item in one pass, straight from the stream's reader.
                    if (!decoder.TryDecodePartial(ref reader, out var item))
                    {
                        goto NeedMore;
                    }

                    Items.Add(item!);
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

            Metadata = ItemDecoder<V1ListMeta>.Default.Decode(ref metadataReader);
            return true;
        }

        return reader.TrySkip();
    }
}
