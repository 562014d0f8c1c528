using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
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
        // Only a whole item in memory can be skipped by scanning; only then is the state at the name needed.
        var item = t_item is { Active: true } active ? active : null;
        var atName = item is null ? default : reader.CurrentState;
        if (!reader.Read())
        {
            return false;
        }

        if (item is not null && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var start = item.Base + (int)reader.TokenStartIndex;
            var length = JsonValueScanner.ValueLength(item.Bytes.AsSpan(item.Start + start, item.Length - start));
            if (length >= MinimumScannedBytes)
            {
                // The state after a value at this depth: the state at the property name, after a placeholder value.
                var placeholder = new Utf8JsonReader(PlaceholderValue, isFinalBlock: false, atName);
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
    /// a projection converter, skipping large subtrees by scanning. False when the caller should read it token by
    /// token instead: after an error or an inconsistency once something was skipped by scanning, so that errors are
    /// exactly what the converter reports on its own. An error before any scanned skip is thrown as it is.
    /// </summary>
    internal static bool TryReadScanning<T>(IProjectionJsonConverter<T> converter, byte[] bytes, int start, int length, JsonReaderState state, JsonSerializerOptions options, [NotNullWhen(true)] out T? value)
        where T : class
    {
        value = null;
        var item = t_item ??= new Item();
        if (item.Active)
        {
            return false; // a projection read inside another one: not expected, but never mix their positions
        }

        item.Begin(bytes, start, length);
        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(start, length), isFinalBlock: true, state);
            reader.Read();
            if (converter.TryRead(ref reader, options, out value) && item.Base + reader.BytesConsumed == length)
            {
                if (item.Scanned)
                {
                    Interlocked.Increment(ref s_scannedItems);
                }

                return true;
            }

            if (!item.Scanned)
            {
                value = null;
                return false; // incomplete or trailing bytes without any scanning: the token-by-token read says which
            }
        }
        catch (JsonException) when (item.Scanned)
        {
            // Read again, without scanning, for the converter's own error and position.
        }
        finally
        {
            item.End();
        }

        value = null;
        Interlocked.Increment(ref s_retriedItems);
        return false;
    }

    /// <summary>The item being read on this thread (reused: one per thread, not one per item).</summary>
    private sealed class Item
    {
        public byte[] Bytes = [];
        public int Start;
        public int Length;
        public int Base;
        public bool Scanned;
        public bool Active;

        public void Begin(byte[] bytes, int start, int length)
        {
            (Bytes, Start, Length, Base, Scanned, Active) = (bytes, start, length, 0, false, true);
        }

        public void End()
        {
            (Bytes, Active) = ([], false); // do not keep the batch's buffer reachable
        }
    }
}
