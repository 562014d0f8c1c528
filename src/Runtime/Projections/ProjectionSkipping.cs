using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace KubeInformers;

/// <summary>
/// How generated projection readers skip the properties they do not need. When the whole object is in memory (a list
/// item decoded by a worker), a large object or array is skipped by finding its end with
/// <see cref="JsonValueScanner"/>, far faster than tokenizing it, and reading resumes after it; otherwise it is
/// skipped token by token. Called by generated code only.
/// </summary>
/// <remarks>
/// A subtree skipped this way is not validated token by token (its brackets and strings are matched, nothing more):
/// JSON the API server never sends, such as a bare word inside a skipped <c>spec</c>, is not reported. Anything a
/// projection reads is validated as always.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ProjectionSkipping
{
    /// <summary>Below this, tokenizing the value costs less than starting a reader after it.</summary>
    private const int MinimumScannedBytes = 96;

    private static ReadOnlySpan<byte> PlaceholderValue => "\"\""u8;

    [ThreadStatic]
    private static Item? t_item;

    private static long s_scannedItems;
    private static long s_retriedItems;

    /// <summary>Items read with at least one scanned skip, and items read again without scanning after an error (for tests).</summary>
    internal static (long Scanned, long Retried) Statistics => (Interlocked.Read(ref s_scannedItems), Interlocked.Read(ref s_retriedItems));

    /// <summary>
    /// At a property name: moves past the property's value, leaving the reader at its last token (or, after a scanned
    /// skip, on a new reader positioned just after the value). False when the data ends first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool SkipValue(ref Utf8JsonReader reader)
    {
        var atName = reader;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && t_item is { } item)
        {
            var start = item.Base + (int)reader.TokenStartIndex;
            var length = JsonValueScanner.ValueLength(item.Bytes.AsSpan(item.Start + start, item.Length - start));
            if (length >= MinimumScannedBytes)
            {
                // The state after a value at this depth: the state at the property name, after a placeholder value.
                var placeholder = new Utf8JsonReader(PlaceholderValue, isFinalBlock: false, atName.CurrentState);
                placeholder.Read();
                item.Base = start + length;
                item.Scanned = true;
                reader = new Utf8JsonReader(item.Bytes.AsSpan(item.Start + item.Base, item.Length - item.Base), isFinalBlock: true, placeholder.CurrentState);
                return true;
            }
        }

        return reader.TrySkip();
    }

    /// <summary>
    /// Reads the complete object in <paramref name="bytes"/>[<paramref name="start"/>..+<paramref name="length"/>] with
    /// a projection converter, skipping large subtrees by scanning. Errors are reported by reading it again without
    /// scanning, so they are exactly what the converter reports on its own.
    /// </summary>
    internal static T Read<T>(IProjectionJsonConverter<T> converter, byte[] bytes, int start, int length, JsonReaderState state, JsonSerializerOptions options)
        where T : class
    {
        var item = t_item = new Item(bytes, start, length);
        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(start, length), isFinalBlock: true, state);
            reader.Read();
            if (converter.TryRead(ref reader, options, out var value) && item.Base + reader.BytesConsumed == length)
            {
                if (item.Scanned)
                {
                    Interlocked.Increment(ref s_scannedItems);
                }

                return value;
            }
        }
        catch (JsonException) when (item.Scanned)
        {
            // Read again below, without scanning, for the converter's own error and position.
        }
        finally
        {
            t_item = null;
        }

        Interlocked.Increment(ref s_retriedItems);
        var plain = new Utf8JsonReader(bytes.AsSpan(start, length), isFinalBlock: true, state);
        plain.Read();
        if (!converter.TryRead(ref plain, options, out var result))
        {
            throw new JsonException("The object ended before its closing brace.");
        }

        if (plain.BytesConsumed != length)
        {
            throw new JsonException("A list item has more after its closing brace.", null, 0, plain.BytesConsumed);
        }

        return result;
    }

    private sealed class Item(byte[] bytes, int start, int length)
    {
        public readonly byte[] Bytes = bytes;
        public readonly int Start = start;
        public readonly int Length = length;
        public int Base;
        public bool Scanned;
    }
}
