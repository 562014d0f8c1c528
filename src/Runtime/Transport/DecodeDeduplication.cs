using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeInformers;

/// <summary>
/// A bounded, lock-free cache of values decoded from UTF-8 JSON, keyed by their bytes: a direct-mapped table where a
/// value's slot is chosen by a hash of its bytes and a new value simply replaces the slot's old one. Values that repeat
/// across objects (namespaces, label keys and values, image names, node names, condition types, identical
/// <c>managedFields</c> documents of one ReplicaSet's Pods) come back as one shared instance, so a cache of many similar
/// objects keeps one copy; unique values (uids, names) just pass through. Memory is bounded by the table size whatever
/// the input, so nothing grows under churn. Thread-safe: entries are immutable and a race only costs a cache miss.
/// </summary>
internal sealed class Utf8ValueCache<TValue> where TValue : class
{
    private readonly Entry?[] _slots;
    private readonly int _mask;
    private readonly int _maxLength;

    public Utf8ValueCache(int slots, int maxLength)
    {
        if (slots <= 0 || (slots & (slots - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(slots), "must be a power of two");
        _slots = new Entry?[slots];
        _mask = slots - 1;
        _maxLength = maxLength;
    }

    /// <summary>The value for <paramref name="utf8"/>: a cached instance with the same bytes, or a new one made by <paramref name="create"/>.</summary>
    public TValue GetOrCreate(ReadOnlySpan<byte> utf8, Func<ReadOnlySpan<byte>, TValue> create)
        => GetOrCreate(utf8, create, static (bytes, create) => create(bytes));

    /// <summary>
    /// The value for <paramref name="utf8"/>: a cached instance with the same bytes, or a new one made by
    /// <paramref name="create"/> from <paramref name="state"/> (pass a static lambda: nothing is captured, nothing allocated).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TValue GetOrCreate<TState>(ReadOnlySpan<byte> utf8, TState state, Func<ReadOnlySpan<byte>, TState, TValue> create)
    {
        if (utf8.Length > _maxLength)
        {
            return create(utf8, state);
        }

        var slot = (int)(Hash(utf8) & (uint)_mask);
        var entry = Volatile.Read(ref _slots[slot]);
        if (entry is not null && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Value;
        }

        var value = create(utf8, state);
        Volatile.Write(ref _slots[slot], new Entry(utf8.ToArray(), value));
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static uint Hash(ReadOnlySpan<byte> bytes)
    {
        // FNV-1a: fast and good enough for choosing a slot; collisions only cost a miss.
        var h = 2166136261u;
        foreach (var b in bytes)
        {
            h = (h ^ b) * 16777619u;
        }

        return h;
    }

    private sealed class Entry(byte[] utf8, TValue value)
    {
        public byte[] Utf8 { get; } = utf8;
        public TValue Value { get; } = value;
    }
}

/// <summary>Decodes JSON strings through a <see cref="Utf8ValueCache{TValue}"/> so repeated strings share one instance.</summary>
internal sealed class DeduplicatingStringConverter : JsonConverter<string>
{
    private readonly Utf8ValueCache<string> _cache = new(slots: 16_384, maxLength: 128);

    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadValue(ref reader);

    /// <summary>The string at the reader's string token (shared by <see cref="Read"/> and compiled readers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string? ReadValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return reader.GetString();
        }

        return _cache.GetOrCreate(reader.ValueSpan, static utf8 => Encoding.UTF8.GetString(utf8));
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    /// <summary>Dictionary keys (label and annotation keys, data keys) are deduplicated the same way.</summary>
    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadKey(ref reader);

    /// <summary>The dictionary key at the reader's property name token (shared by <see cref="ReadAsPropertyName"/> and compiled readers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string ReadKey(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped || reader.HasValueSequence
            ? reader.GetString()!
            : _cache.GetOrCreate(reader.ValueSpan, static utf8 => Encoding.UTF8.GetString(utf8));

    /// <inheritdoc/>
    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}

/// <summary>
/// Decodes <c>object</c>-typed values (in Kubernetes models: <c>managedFields[].fieldsV1</c>, which KubernetesClient
/// keeps as a <see cref="JsonElement"/>) through a <see cref="Utf8ValueCache{TValue}"/>, so identical documents, such as
/// the managed-fields sets of the Pods of one ReplicaSet, share one read-only <see cref="JsonElement"/>.
/// </summary>
internal sealed class DeduplicatingObjectConverter : JsonConverter<object>
{
    private readonly Utf8ValueCache<object> _cache = new(slots: 4_096, maxLength: 16 * 1024);

    public override bool HandleNull => false;

    public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadValue(ref reader);

    /// <summary>The value at the reader's current token, which must be complete (shared by <see cref="Read"/> and compiled readers).</summary>
    public object ReadValue(ref Utf8JsonReader reader)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return root.Clone();
        }

        // The root is passed as state: a lambda capturing it would allocate a closure on every value, hit or miss.
        return _cache.GetOrCreate(JsonMarshal.GetRawUtf8Value(root), root, static (_, element) => element.Clone());
    }

    public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, value.GetType(), options);
}
