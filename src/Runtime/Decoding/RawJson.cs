using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeInformers;

/// <summary>
/// An immutable JSON value kept as its minified UTF-8 text. The decoder stores each <c>managedFields[].fieldsV1</c>
/// document (<see cref="k8s.Models.V1ManagedFieldsEntry.FieldsV1"/>, declared <c>object</c>) as one, instead of the
/// <see cref="JsonElement"/> KubernetesClient makes, which also keeps a parsed index of every token (on the benchmark
/// Pods, 3.4 KB less per Pod when no document repeats; docs/performance.md, "Memory per cached object"). Identical documents (the controller's entry of the
/// Pods of one ReplicaSet) share one instance. <see cref="ToString"/> gives the JSON text, as
/// <see cref="JsonElement.ToString"/> does; <see cref="ToJsonElement"/> parses it on demand; serializing an object that
/// holds one writes the JSON unchanged. The <see cref="SwitchName"/> <see cref="AppContext"/> switch, set to false before
/// the first decode, keeps <see cref="JsonElement"/> instead. Thread-safe.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public sealed class RawJson : IEquatable<RawJson>
{
    /// <summary>
    /// The <see cref="AppContext"/> switch that, set to false before the first decode, makes the decoder keep
    /// <c>fieldsV1</c> documents as <see cref="JsonElement"/>, as KubernetesClient does.
    /// </summary>
    public const string SwitchName = "KubeInformers.Decoding.RawManagedFields";

    private readonly byte[] _utf8;

    private RawJson(byte[] utf8) => _utf8 = utf8;

    /// <summary>The minified UTF-8 JSON text (escapes in strings kept as they were written).</summary>
    public ReadOnlyMemory<byte> Utf8Json => _utf8;

    /// <summary>The length of <see cref="Utf8Json"/> in bytes.</summary>
    public int Length => _utf8.Length;

    /// <summary>Whether the decoder keeps <c>fieldsV1</c> as <see cref="RawJson"/> (read once, when its options are made).</summary>
    internal static bool EnabledBySwitch => !AppContext.TryGetSwitch(SwitchName, out var enabled) || enabled;

    /// <summary>Parses <paramref name="json"/>, which must hold exactly one JSON value.</summary>
    /// <exception cref="JsonException">The text is not one valid JSON value.</exception>
    public static RawJson Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Parses <paramref name="utf8Json"/>, which must hold exactly one JSON value.</summary>
    /// <exception cref="JsonException">The text is not one valid JSON value.</exception>
    public static RawJson Parse(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read())
        {
            throw new JsonException("Expected a JSON value, found no data.");
        }

        var value = Read(ref reader);
        if (reader.Read())
        {
            throw new JsonException($"Expected one JSON value, found more data after it at byte {reader.TokenStartIndex}.");
        }

        return value;
    }

    /// <summary>The value at the reader's current token, which must be complete; the reader is left at its last token.</summary>
    internal static RawJson Read(ref Utf8JsonReader reader)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            var length = Minify(ref reader, ref buffer);
            return new RawJson(buffer.AsSpan(0, length).ToArray());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A value over bytes <see cref="Minify"/> wrote (taken as they are; the caller gives up the array).</summary>
    internal static RawJson FromMinified(byte[] utf8) => new(utf8);

    /// <summary>
    /// Writes the value at the reader's current token into <paramref name="buffer"/> (a pooled array, replaced by a larger
    /// pooled one when needed) without whitespace, each token's bytes as written, and moves the reader to the value's last
    /// token; returns the length written. Two values with the same tokens give the same bytes, whatever their whitespace.
    /// </summary>
    /// <exception cref="JsonException">The data ends before the value does.</exception>
    internal static int Minify(ref Utf8JsonReader reader, ref byte[] buffer) =>
        TryMinify(ref reader, ref buffer, out var length) ? length : throw new JsonException("The JSON data ended before the value did.");

    /// <summary>
    /// <see cref="Minify"/>, or false when the data ends before the value does (the reader is then in no useful state:
    /// pass a copy and keep the original to read again once more data has come).
    /// </summary>
    internal static bool TryMinify(ref Utf8JsonReader reader, ref byte[] buffer, out int length)
    {
        var depth = reader.CurrentDepth;
        length = 0;
        var comma = false;
        while (true)
        {
            var token = reader.TokenType;
            var separator = comma && token is not (JsonTokenType.EndObject or JsonTokenType.EndArray);
            switch (token)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    Append(ref buffer, ref length, separator, token == JsonTokenType.StartObject ? (byte)'{' : (byte)'[');
                    comma = false;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    Append(ref buffer, ref length, false, token == JsonTokenType.EndObject ? (byte)'}' : (byte)']');
                    comma = true;
                    break;
                case JsonTokenType.PropertyName:
                    AppendValue(ref reader, ref buffer, ref length, separator, quoted: true);
                    Append(ref buffer, ref length, false, (byte)':');
                    comma = false;
                    break;
                case JsonTokenType.String:
                    AppendValue(ref reader, ref buffer, ref length, separator, quoted: true);
                    comma = true;
                    break;
                case JsonTokenType.Number:
                case JsonTokenType.True:
                case JsonTokenType.False:
                case JsonTokenType.Null:
                    AppendValue(ref reader, ref buffer, ref length, separator, quoted: false);
                    comma = true;
                    break;
                default:
                    throw new JsonException($"Unexpected JSON token {token} at byte {reader.TokenStartIndex}.");
            }

            if (reader.CurrentDepth == depth && token is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName))
            {
                return true;
            }

            if (!reader.Read())
            {
                return false;
            }
        }
    }

    private static void AppendValue(ref Utf8JsonReader reader, ref byte[] buffer, ref int length, bool separator, bool quoted)
    {
        if (reader.HasValueSequence)
        {
            var sequence = reader.ValueSequence;
            var size = checked((int)sequence.Length);
            Reserve(ref buffer, length, size + 3);
            if (separator) buffer[length++] = (byte)',';
            if (quoted) buffer[length++] = (byte)'"';
            sequence.CopyTo(buffer.AsSpan(length));
            length += size;
            if (quoted) buffer[length++] = (byte)'"';
            return;
        }

        var span = reader.ValueSpan;
        Reserve(ref buffer, length, span.Length + 3);
        if (separator) buffer[length++] = (byte)',';
        if (quoted) buffer[length++] = (byte)'"';
        span.CopyTo(buffer.AsSpan(length));
        length += span.Length;
        if (quoted) buffer[length++] = (byte)'"';
    }

    private static void Append(ref byte[] buffer, ref int length, bool separator, byte b)
    {
        Reserve(ref buffer, length, 2);
        if (separator) buffer[length++] = (byte)',';
        buffer[length++] = b;
    }

    private static void Reserve(ref byte[] buffer, int length, int more)
    {
        if (length + more <= buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(length + more, buffer.Length * 2));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }

    /// <summary>Parses the JSON into a new <see cref="JsonElement"/> (a parse on every call: keep the result if it is used more than once).</summary>
    public JsonElement ToJsonElement()
    {
        using var document = JsonDocument.Parse(_utf8);
        return document.RootElement.Clone();
    }

    /// <summary>Parses the JSON into a new <see cref="JsonDocument"/>, which the caller disposes.</summary>
    public JsonDocument ToJsonDocument() => JsonDocument.Parse(_utf8);

    /// <summary>Writes the JSON as it is.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRawValue(_utf8, skipInputValidation: true);
    }

    /// <summary>The JSON text.</summary>
    public override string ToString() => Encoding.UTF8.GetString(_utf8);

    /// <summary>Whether both hold the same minified JSON bytes (the same tokens; objects with keys in another order differ).</summary>
    public bool Equals(RawJson? other) => other is not null && (ReferenceEquals(this, other) || _utf8.AsSpan().SequenceEqual(other._utf8));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RawJson other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_utf8);
        return hash.ToHashCode();
    }

    /// <summary>Whether both are null or hold the same JSON bytes.</summary>
    public static bool operator ==(RawJson? left, RawJson? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether they differ.</summary>
    public static bool operator !=(RawJson? left, RawJson? right) => !(left == right);
}

/// <summary>Reads and writes <see cref="RawJson"/> as the JSON value it holds.</summary>
public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    /// <inheritdoc/>
    public override RawJson? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => RawJson.Read(ref reader);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        value.WriteTo(writer);
    }
}
