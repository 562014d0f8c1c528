using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace KubeInformers;

/// <summary>
/// The cache key of a JSON object or array: each token's type and raw bytes, in order, so two values with the same tokens
/// (the same JSON, whatever the whitespace) have the same key. Used by the decoder's caches of whole values
/// (<see cref="DeduplicatingObjectConverter"/>, <see cref="SharedCollectionCache"/>). Stateless and thread-safe.
/// </summary>
internal static class TokenKeys
{
    /// <summary>
    /// Moves the reader to the end of the object or array it is at, writing each token's type and raw bytes into
    /// <paramref name="key"/> (a pooled array, replaced by a larger pooled one when needed); returns the key's length, or
    /// -1 when it is longer than <paramref name="maxLength"/> (the reader still moves to the end).
    /// </summary>
    /// <param name="reader">At a start token.</param>
    /// <param name="key">A rented array; the caller returns whatever it holds afterwards.</param>
    /// <param name="maxLength">The longest key wanted.</param>
    /// <param name="complete">False when the data ended before the value did (the reader is then in no useful state).</param>
    public static int Write(ref Utf8JsonReader reader, ref byte[] key, int maxLength, out bool complete) =>
        Write(ref reader, ref key, maxLength, out complete, out _);

    /// <summary>
    /// As <see cref="Write(ref Utf8JsonReader, ref byte[], int, out bool)"/>, also counting the value's members: the
    /// property names of an object, the values of an array (a nested object or array counts once).
    /// </summary>
    /// <param name="reader">At a start token.</param>
    /// <param name="key">A rented array; the caller returns whatever it holds afterwards.</param>
    /// <param name="maxLength">The longest key wanted.</param>
    /// <param name="complete">False when the data ended before the value did (the reader is then in no useful state).</param>
    /// <param name="members">The value's members, counted even when the key is too long.</param>
    public static int Write(ref Utf8JsonReader reader, ref byte[] key, int maxLength, out bool complete, out int members)
    {
        var depth = reader.CurrentDepth;
        var memberToken = reader.TokenType == JsonTokenType.StartObject ? JsonTokenType.PropertyName : JsonTokenType.None;
        var length = 0;
        members = 0;
        do
        {
            var token = reader.TokenType;
            if (reader.CurrentDepth == depth + 1
                && (memberToken == JsonTokenType.None ? token is not (JsonTokenType.EndObject or JsonTokenType.EndArray) : token == memberToken))
            {
                members++;
            }

            if (length >= 0)
            {
                var value = token is JsonTokenType.PropertyName or JsonTokenType.String or JsonTokenType.Number
                    ? (reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan)
                    : ReadOnlySpan<byte>.Empty;
                var needed = length + 5 + value.Length;
                if (needed > maxLength)
                {
                    length = -1;
                }
                else
                {
                    if (needed > key.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, key.Length * 2));
                        key.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(key);
                        key = larger;
                    }

                    key[length] = (byte)token;
                    BinaryPrimitives.WriteInt32LittleEndian(key.AsSpan(length + 1), value.Length);
                    value.CopyTo(key.AsSpan(length + 5));
                    length = needed;
                }
            }

            if (token is (JsonTokenType.EndObject or JsonTokenType.EndArray) && reader.CurrentDepth == depth)
            {
                complete = true;
                return length;
            }
        }
        while (reader.Read());

        complete = false;
        return length;
    }
}
