using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
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
/// the input, so nothing grows under churn. With <c>admitOnSecondSight</c>, a value is only stored once its bytes have
/// been seen before (a 32-bit fingerprint per slot remembers the last key that missed there), so values that never
/// repeat are never kept alive by the cache. Thread-safe: entries are immutable and a race only costs a cache miss.
/// </summary>
internal sealed class Utf8ValueCache<TValue> where TValue : class
{
    private readonly Entry?[] _slots;
    private readonly uint[]? _seen;
    private readonly int _mask;
    private readonly int _maxLength;

    public Utf8ValueCache(int slots, int maxLength, bool admitOnSecondSight = false)
    {
        if (slots <= 0 || (slots & (slots - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(slots), "must be a power of two");
        _slots = new Entry?[slots];
        _seen = admitOnSecondSight ? new uint[slots] : null;
        _mask = slots - 1;
        _maxLength = maxLength;
    }

    /// <summary>The longest key cached; longer ones always miss.</summary>
    public int MaxLength => _maxLength;

    /// <summary>The cached value for <paramref name="utf8"/>, if the table holds it.</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out TValue? value)
    {
        value = null;
        if (utf8.Length > _maxLength)
        {
            return false;
        }

        var entry = Volatile.Read(ref _slots[(int)(Hash(utf8) & (uint)_mask)]);
        if (entry is not null && utf8.SequenceEqual(entry.Utf8))
        {
            value = entry.Value;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Caches <paramref name="value"/> for <paramref name="utf8"/> (replacing the slot's previous value); ignored for
    /// keys longer than <see cref="MaxLength"/>, and, when the cache admits on second sight, for keys whose slot has
    /// not seen them miss before (the slot then remembers this key's fingerprint instead).
    /// </summary>
    public void Set(ReadOnlySpan<byte> utf8, TValue value)
    {
        if (utf8.Length > _maxLength)
        {
            return;
        }

        var hash = Hash(utf8);
        var index = (int)(hash & (uint)_mask);
        if (_seen is not null)
        {
            // Zero marks an empty slot: a key hashing to zero is remembered as one, which only admits it a sight late.
            var fingerprint = hash | 1u;
            if (Volatile.Read(ref _seen[index]) != fingerprint)
            {
                Volatile.Write(ref _seen[index], fingerprint);
                return;
            }
        }

        Volatile.Write(ref _slots[index], new Entry(utf8.ToArray(), value));
    }

    /// <summary>
    /// A 32-bit hash of the bytes for choosing a slot (low bits) and for the second-sight fingerprint (all bits). Eight
    /// bytes per step (a multiply and a rotate each), so the 1-2 KB <c>managedFields</c> documents and collection keys
    /// hash about eight times faster than byte by byte; a tail shorter than a word is read as the last eight (or four)
    /// bytes, overlapping the previous read, so every byte counts. Not a cryptographic hash: collisions only cost a miss.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    internal static uint Hash(ReadOnlySpan<byte> bytes)
    {
        const ulong K = 0x9E3779B97F4A7C15UL;
        var length = bytes.Length;
        var h = K ^ (ulong)length;
        if (length >= 8)
        {
            var i = 0;
            for (; i <= length - 8; i += 8)
            {
                h = BitOperations.RotateLeft((h ^ MemoryMarshal.Read<ulong>(bytes.Slice(i))) * K, 29);
            }

            if (i < length)
            {
                h = BitOperations.RotateLeft((h ^ MemoryMarshal.Read<ulong>(bytes.Slice(length - 8))) * K, 29);
            }
        }
        else if (length >= 4)
        {
            var word = MemoryMarshal.Read<uint>(bytes) | ((ulong)MemoryMarshal.Read<uint>(bytes.Slice(length - 4)) << 32);
            h = BitOperations.RotateLeft((h ^ word) * K, 29);
        }
        else if (length > 0)
        {
            var word = bytes[0] | ((ulong)bytes[length >> 1] << 8) | ((ulong)bytes[length - 1] << 16);
            h = BitOperations.RotateLeft((h ^ word) * K, 29);
        }

        // Finish so that the low bits (the slot) depend on every bit of the state.
        h ^= h >> 32;
        h *= 0xD6E8FEB86659FD93UL;
        h ^= h >> 32;
        return (uint)h;
    }

    private sealed class Entry(byte[] utf8, TValue value)
    {
        public byte[] Utf8 { get; } = utf8;
        public TValue Value { get; } = value;
    }
}

/// <summary>
/// The string flavour of <see cref="Utf8ValueCache{TValue}"/>: a slot holds only the string, compared with the bytes as
/// ASCII, so a miss allocates the string and nothing else (no copy of its bytes, no entry). Only ASCII strings are cached
/// (almost all of a Kubernetes object's repeated strings); others pass through. Thread-safe, bounded, lock-free.
/// </summary>
internal sealed class Utf8StringCache
{
    private readonly string?[] _slots;
    private readonly int _mask;
    private readonly int _maxLength;

    public Utf8StringCache(int slots, int maxLength)
    {
        if (slots <= 0 || (slots & (slots - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(slots), "must be a power of two");
        _slots = new string?[slots];
        _mask = slots - 1;
        _maxLength = maxLength;
    }

    /// <summary>A cached string with the same bytes, or a new one (cached when it is ASCII and not too long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string GetOrCreate(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > _maxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        ref var slot = ref _slots[(int)(Utf8ValueCache<string>.Hash(utf8) & (uint)_mask)];
        var cached = Volatile.Read(ref slot);
        if (cached is not null && cached.Length == utf8.Length && Ascii.Equals(utf8, cached))
        {
            return cached;
        }

        var value = Encoding.UTF8.GetString(utf8);
        if (value.Length == utf8.Length)
        {
            // As many chars as bytes: ASCII (a non-ASCII look-alike would only ever miss in Ascii.Equals).
            Volatile.Write(ref slot, value);
        }

        return value;
    }
}

/// <summary>Decodes JSON strings through a <see cref="Utf8StringCache"/> so repeated strings share one instance.</summary>
internal sealed class DeduplicatingStringConverter : JsonConverter<string>
{
    private readonly Utf8StringCache _cache = new(slots: 16_384, maxLength: 128);

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

        return _cache.GetOrCreate(reader.ValueSpan);
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    /// <summary>Dictionary keys (label and annotation keys, data keys) are deduplicated the same way.</summary>
    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadKey(ref reader);

    /// <summary>The dictionary key at the reader's property name token (shared by <see cref="ReadAsPropertyName"/> and compiled readers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string ReadKey(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped || reader.HasValueSequence
            ? reader.GetString()!
            : _cache.GetOrCreate(reader.ValueSpan);

    /// <inheritdoc/>
    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}

/// <summary>
/// Decodes <c>object</c>-typed values as KubernetesClient does, into a <see cref="JsonElement"/>, through a
/// <see cref="Utf8ValueCache{TValue}"/>, so identical documents share one read-only <see cref="JsonElement"/>: other
/// <c>object</c> values than <c>fieldsV1</c> (CRD schema defaults and examples), and <c>managedFields[].fieldsV1</c>
/// itself when <see cref="DeduplicatingRawJsonConverter"/> is off (<see cref="RawJson.SwitchName"/>), where the
/// controller's managed-fields entry of the Pods of one ReplicaSet is such a document.
/// Documents are admitted on second sight: the kubelet's entry names the Pod's own IP and never repeats, and a
/// document seen once is not kept alive by the cache (not even when a transform drops managedFields from every object);
/// the first object with a repeated document keeps its own copy and the second and later ones share.
/// </summary>
internal sealed class DeduplicatingObjectConverter : JsonConverter<object>
{
    private readonly Utf8ValueCache<object> _cache = new(slots: 4_096, maxLength: 16 * 1024, admitOnSecondSight: true);

    public override bool HandleNull => false;

    public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadValue(ref reader);

    /// <summary>The value at the reader's current token, which must be complete (shared by <see cref="Read"/> and compiled readers).</summary>
    /// <remarks>
    /// An object or array is looked up by its token stream (each token's type and raw bytes), which the reader walks
    /// anyway to reach the value's end: a document seen before is shared without being parsed again; only a new one is
    /// parsed into a <see cref="JsonDocument"/>. Two values with the same tokens are the same JSON, whatever the whitespace.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public object ReadValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            using var scalar = JsonDocument.ParseValue(ref reader);
            return scalar.RootElement.Clone();
        }

        var start = reader;
        var key = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var length = TokenKeys.Write(ref reader, ref key, _cache.MaxLength, out _);
            if (length < 0)
            {
                using var large = JsonDocument.ParseValue(ref start);
                return large.RootElement.Clone();
            }

            if (_cache.TryGet(key.AsSpan(0, length), out var cached))
            {
                return cached;
            }

            using var document = JsonDocument.ParseValue(ref start);
            object value = document.RootElement.Clone(); // boxed once: the cache and this object share the box
            _cache.Set(key.AsSpan(0, length), value);
            return value;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(key);
        }
    }

    public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, options.GetTypeInfo(value.GetType()));
}

/// <summary>
/// Decodes <c>managedFields[].fieldsV1</c> documents as <see cref="RawJson"/> (their minified text) instead of
/// <see cref="JsonElement"/>, through a <see cref="Utf8ValueCache{TValue}"/> keyed by that text, so identical documents
/// share one instance. One pass over the tokens both builds the text and finds the shared copy. Admitted on second sight,
/// as in <see cref="DeduplicatingObjectConverter"/>: a document that never repeats (the kubelet's, keyed by the Pod's IP)
/// is never kept alive by the cache.
/// </summary>
internal sealed class DeduplicatingRawJsonConverter : JsonConverter<object>
{
    private readonly Utf8ValueCache<object> _cache = new(slots: 4_096, maxLength: 16 * 1024, admitOnSecondSight: true);

    public override bool HandleNull => false;

    public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TryReadValue(ref reader, out var value) ? value : throw new JsonException("The JSON data ended before the value did.");

    /// <summary>
    /// The document at the reader's current token, the reader moved to its last token; false when the data ends first (the
    /// reader is then in no useful state: pass a copy). Shared by <see cref="Read"/> and compiled readers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadValue(ref Utf8JsonReader reader, [NotNullWhen(true)] out object? value)
    {
        value = null;
        var buffer = ArrayPool<byte>.Shared.Rent(2048);
        try
        {
            if (!RawJson.TryMinify(ref reader, ref buffer, out var length))
            {
                return false;
            }

            var text = buffer.AsSpan(0, length);
            if (_cache.TryGet(text, out value))
            {
                return true;
            }

            value = RawJson.FromMinified(text.ToArray());
            _cache.Set(text, value);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options)
    {
        if (value is RawJson raw)
        {
            raw.WriteTo(writer);
            return;
        }

        JsonSerializer.Serialize(writer, value, options.GetTypeInfo(value.GetType()));
    }
}

/// <summary>
/// Decodes <see cref="k8s.Models.ResourceQuantity"/> values (container requests and limits, capacities) through a
/// <see cref="Utf8ValueCache{TValue}"/>, so the few distinct quantities of a cluster ("100m", "128Mi") are parsed once and
/// shared instead of being parsed into a new fraction of big integers for every object. A quantity cannot be changed
/// through its public members, so sharing one instance is safe (cached objects must not be mutated anyway). Values
/// other than plain strings, and every error, go to KubernetesClient's converter unchanged.
/// </summary>
internal sealed class DeduplicatingQuantityConverter(JsonConverter<k8s.Models.ResourceQuantity> inner) : JsonConverter<k8s.Models.ResourceQuantity>
{
    private readonly Utf8ValueCache<k8s.Models.ResourceQuantity> _cache = new(slots: 1_024, maxLength: 64);

    public override bool HandleNull => inner.HandleNull;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override k8s.Models.ResourceQuantity? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || reader.HasValueSequence)
        {
            return inner.Read(ref reader, typeToConvert, options);
        }

        // Keyed by the raw bytes: the same bytes always decode to the same quantity, escaped or not.
        if (_cache.TryGet(reader.ValueSpan, out var cached))
        {
            return cached;
        }

        var value = inner.Read(ref reader, typeToConvert, options);
        if (value is not null)
        {
            _cache.Set(reader.ValueSpan, value);
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, k8s.Models.ResourceQuantity value, JsonSerializerOptions options) => inner.Write(writer, value, options);
}
