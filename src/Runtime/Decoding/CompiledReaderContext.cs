using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace KubeInformers;

/// <summary>
/// What <see cref="CompiledJsonReader{T}">compiled readers</see> share with the runtime's decoder: its options, its
/// caches of repeated strings and identical <c>object</c> documents, and the leaf readers generated code calls. Every
/// method reads the value at the reader's current token exactly as <c>JsonSerializer</c> with the decoder's options
/// would, or returns <see cref="CompiledReadResult.Unsupported"/> for anything it does not handle itself (the caller
/// then decodes the whole object with <c>JsonSerializer</c>). Called by generated code only; thread-safe.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CompiledReaderContext
{
    private static readonly Lazy<CompiledReaderContext?> s_default = new(CreateDefault, LazyThreadSafetyMode.PublicationOnly);

    private readonly DeduplicatingStringConverter _strings;
    private readonly DeduplicatingObjectConverter _objects;
    private readonly JsonConverter[] _optionConverters;
    private readonly SharedCollectionCache? _collections;
    private readonly DeduplicatingRawJsonConverter? _managedFields;

    private CompiledReaderContext(JsonSerializerOptions options, DeduplicatingStringConverter strings, DeduplicatingObjectConverter objects,
        DeduplicatingRawJsonConverter? managedFields, bool shareCollections)
    {
        Options = options;
        _strings = strings;
        _objects = objects;
        _managedFields = managedFields;
        _optionConverters = [.. options.Converters];
        _collections = shareCollections ? new SharedCollectionCache() : null;
    }

    /// <summary>The decoder's context, or null when its options are not the ones compiled readers reproduce.</summary>
    internal static CompiledReaderContext? Default => s_default.Value;

    private static CompiledReaderContext? CreateDefault()
    {
        var options = KubernetesJsonCodec.Options;
        var context = Create(options);
        if (context is null && options is not null)
        {
            RuntimeDegradations.Report("compiled_readers",
                "compiled readers are switched off and every object is decoded by JsonSerializer",
                "KubernetesClient's serializer options differ from the ones compiled readers reproduce (naming policy, case sensitivity, number handling or another setting changed)");
        }

        return context;
    }

    /// <summary>The options readers reproduce (and pass to converters).</summary>
    public JsonSerializerOptions Options { get; }

    /// <summary>
    /// A context for <paramref name="options"/>, or null unless they are what generated readers assume: KubernetesClient's
    /// settings plus the decoder's deduplicating converters (camelCase names, case-sensitive, strict numbers, duplicate
    /// properties allowed, unknown ones skipped, no reference handling, default converters for primitives).
    /// </summary>
    /// <param name="options">The decoder's options.</param>
    /// <param name="shareCollections">Whether collections of immutable values are read-only and shared
    /// (<see cref="SharedCollectionCache"/>); by default, unless its <see cref="AppContext"/> switch is false.</param>
    internal static CompiledReaderContext? Create(JsonSerializerOptions? options, bool? shareCollections = null)
    {
        if (options is null
            || options.PropertyNamingPolicy != JsonNamingPolicy.CamelCase
            || options.PropertyNameCaseInsensitive
            || options.NumberHandling != JsonNumberHandling.Strict
            || options.UnmappedMemberHandling != JsonUnmappedMemberHandling.Skip
            || options.PreferredObjectCreationHandling != JsonObjectCreationHandling.Replace
            || !options.AllowDuplicateProperties
            || options.ReferenceHandler is not null
            || options.IncludeFields)
        {
            return null;
        }

        try
        {
            if (options.GetTypeInfo(typeof(string)).Converter is not DeduplicatingStringConverter strings
                || options.GetTypeInfo(typeof(object)).Converter is not DeduplicatingObjectConverter objects)
            {
                return null;
            }

            var builtIn = typeof(JsonSerializer).Assembly;
            foreach (var primitive in (Type[])[typeof(bool), typeof(int), typeof(long), typeof(double)])
            {
                if (options.GetTypeInfo(primitive).Converter.GetType().Assembly != builtIn)
                {
                    return null;
                }
            }

            // The fieldsV1 converter the options' JsonSerializer path uses, if any, so both paths read the same values.
            return new CompiledReaderContext(options, strings, objects, KubernetesJsonCodec.ManagedFieldsConverterOf(options),
                shareCollections ?? SharedCollectionCache.EnabledBySwitch);
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// The converter the options use for <typeparamref name="T"/> (options converters, then the type's
    /// <c>[JsonConverter]</c>, then the built-in one), taken from the type's JSON metadata rather than
    /// <c>GetConverter(Type)</c> so that a source-generated resolver serves it under Native AOT.
    /// </summary>
    public JsonConverter<T> GetConverter<T>() => (JsonConverter<T>)Options.GetTypeInfo(typeof(T)).Converter;

    /// <summary>The converter for <typeparamref name="T"/> made from a property's <c>[JsonConverter]</c> (a converter or a factory).</summary>
    public JsonConverter<T> ResolveConverter<T>(JsonConverter converter) => converter switch
    {
        JsonConverter<T> typed => typed,
        JsonConverterFactory factory => (JsonConverter<T>)factory.CreateConverter(typeof(T), Options)!,
        _ => throw new InvalidOperationException($"The converter {converter.GetType()} cannot convert {typeof(T)}."),
    };

    /// <summary>Whether a converter in the options claims <paramref name="type"/> (generated readers then leave it to <c>JsonSerializer</c>).</summary>
    public bool HasOptionsConverter(Type type)
    {
        foreach (var converter in _optionConverters)
        {
            if (converter is not DeduplicatingStringConverter and not DeduplicatingObjectConverter && converter.CanConvert(type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A string or null, repeated strings shared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CompiledReadResult ReadString(ref Utf8JsonReader reader, out string? value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                value = _strings.ReadValue(ref reader);
                return CompiledReadResult.Done;
            case JsonTokenType.Null:
                value = null;
                return CompiledReadResult.Done;
            default:
                value = null;
                return CompiledReadResult.Unsupported;
        }
    }

    /// <summary>A dictionary key at a property name token, repeated keys shared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string ReadKey(ref Utf8JsonReader reader) => _strings.ReadKey(ref reader);

    /// <summary>An <c>object</c>-typed value (a read-only <see cref="JsonElement"/>; identical documents shared), or null.</summary>
    public CompiledReadResult ReadObject(ref Utf8JsonReader reader, out object? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return CompiledReadResult.Done;
        }

        var copy = reader;
        if (!reader.TrySkip())
        {
            return CompiledReadResult.NeedMoreData;
        }

        value = _objects.ReadValue(ref copy);
        return CompiledReadResult.Done;
    }

    /// <summary>
    /// A <c>managedFields[].fieldsV1</c> document: a <see cref="RawJson"/> (identical documents shared) when the decoder keeps
    /// them so (<see cref="RawJson.SwitchName"/>), otherwise what <see cref="ReadObject"/> reads; or null.
    /// </summary>
    public CompiledReadResult ReadManagedFieldsDocument(ref Utf8JsonReader reader, out object? value)
    {
        if (_managedFields is null)
        {
            return ReadObject(ref reader, out value);
        }

        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return CompiledReadResult.Done;
        }

        var copy = reader;
        if (!_managedFields.TryReadValue(ref copy, out value))
        {
            return CompiledReadResult.NeedMoreData;
        }

        reader = copy;
        return CompiledReadResult.Done;
    }

    /// <summary>Whether <c>fieldsV1</c> documents are read as <see cref="RawJson"/>.</summary>
    internal bool RawManagedFields => _managedFields is not null;

    /// <summary>Whether collections of immutable values are read-only and shared (<see cref="SharedCollectionCache"/>).</summary>
    public bool SharesCollections => _collections is not null;

    /// <summary>
    /// At a list or map of immutable values: the shared read-only collection with the same JSON, or null and the key to
    /// pass to <see cref="ShareMap{T}"/> or <see cref="ShareList{T}(SharedCollectionKey, T[])"/> once the caller has read it,
    /// with the collection's member count (<see cref="SharedCollectionKey.Count"/>) to size it at once. Moves the reader to
    /// the collection's end, except when sharing is off or the token starts no collection (the reader is then left where
    /// it is and the count is -1).
    /// </summary>
    public CompiledReadResult FindShared<TCollection>(ref Utf8JsonReader reader, out SharedCollectionKey key, out TCollection? shared) where TCollection : class
    {
        key = default;
        shared = null;
        if (_collections is null || reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return CompiledReadResult.Done;
        }

        var result = _collections.Find(ref reader, CollectionKind<TCollection>.Value, out key, out var cached);
        shared = cached as TCollection;
        return result;
    }

    private static int s_collectionKinds;

    /// <summary>A number per collection type read through <see cref="FindShared{TCollection}"/>, part of its cache keys.</summary>
    private static class CollectionKind<TCollection>
    {
        public static readonly int Value = Interlocked.Increment(ref s_collectionKinds);
    }

    /// <summary>The map to store: read-only (and offered for sharing under <paramref name="key"/>), or <paramref name="map"/> itself when sharing is off.</summary>
    public IDictionary<string, T> ShareMap<T>(SharedCollectionKey key, Dictionary<string, T> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (_collections is null)
        {
            return map;
        }

        var value = new ReadOnlyDictionary<string, T>(map);
        _collections.Offer(key, value);
        return value;
    }

    /// <summary>The list to store: read-only over an exact-size copy (and offered for sharing under <paramref name="key"/>), or <paramref name="list"/> itself when sharing is off.</summary>
    public IList<T> ShareList<T>(SharedCollectionKey key, List<T> list)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (_collections is null)
        {
            return list;
        }

        var value = new ReadOnlyCollection<T>(list.Count == 0 ? [] : list.ToArray());
        _collections.Offer(key, value);
        return value;
    }

    /// <summary>
    /// The list to store from <paramref name="items"/>, an array the caller sized with <see cref="SharedCollectionKey.Count"/>
    /// and filled: read-only over that array (no copy; the caller must not keep it) and offered for sharing under
    /// <paramref name="key"/>, or a plain mutable list of the items when sharing is off.
    /// </summary>
    public IList<T> ShareList<T>(SharedCollectionKey key, T[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (_collections is null)
        {
            return new List<T>(items);
        }

        var value = new ReadOnlyCollection<T>(items);
        _collections.Offer(key, value);
        return value;
    }

    /// <summary>A <see cref="bool"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CompiledReadResult ReadBoolean(ref Utf8JsonReader reader, out bool value)
    {
        value = reader.TokenType == JsonTokenType.True;
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False ? CompiledReadResult.Done : CompiledReadResult.Unsupported;
    }

    /// <summary>A <see cref="bool"/> or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CompiledReadResult ReadNullableBoolean(ref Utf8JsonReader reader, out bool? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return CompiledReadResult.Done;
        }

        var result = ReadBoolean(ref reader, out var v);
        value = v;
        return result;
    }

    /// <summary>An <see cref="int"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CompiledReadResult ReadInt32(ref Utf8JsonReader reader, out int value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out value) ? CompiledReadResult.Done : CompiledReadResult.Unsupported;
    }

    /// <summary>An <see cref="int"/> or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CompiledReadResult ReadNullableInt32(ref Utf8JsonReader reader, out int? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return CompiledReadResult.Done;
        }

        var result = ReadInt32(ref reader, out var v);
        value = v;
        return result;
    }

    /// <summary>A <see cref="long"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CompiledReadResult ReadInt64(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value) ? CompiledReadResult.Done : CompiledReadResult.Unsupported;
    }

    /// <summary>A <see cref="long"/> or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CompiledReadResult ReadNullableInt64(ref Utf8JsonReader reader, out long? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return CompiledReadResult.Done;
        }

        var result = ReadInt64(ref reader, out var v);
        value = v;
        return result;
    }

    /// <summary>A <see cref="double"/>.</summary>
    public static CompiledReadResult ReadDouble(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out value) ? CompiledReadResult.Done : CompiledReadResult.Unsupported;
    }

    /// <summary>A <see cref="double"/> or null.</summary>
    public static CompiledReadResult ReadNullableDouble(ref Utf8JsonReader reader, out double? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return CompiledReadResult.Done;
        }

        var result = ReadDouble(ref reader, out var v);
        value = v;
        return result;
    }

    /// <summary>A reference-type value through <paramref name="converter"/> (null without calling it unless it handles null).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CompiledReadResult ReadWithConverter<T>(JsonConverter<T> converter, ref Utf8JsonReader reader, out T? value) where T : class
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return converter.HandleNull ? CompiledReadResult.Unsupported : CompiledReadResult.Done;
        }

        return Convert(converter, ref reader, out value);
    }

    /// <summary>A non-nullable value-type value through <paramref name="converter"/> (a null is left to <c>JsonSerializer</c>).</summary>
    public CompiledReadResult ReadValueWithConverter<T>(JsonConverter<T> converter, ref Utf8JsonReader reader, out T value) where T : struct
    {
        value = default;
        return reader.TokenType == JsonTokenType.Null ? CompiledReadResult.Unsupported : Convert(converter, ref reader, out value);
    }

    /// <summary>A nullable value-type value through the converter of its underlying type (null stays null).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CompiledReadResult ReadNullableWithConverter<T>(JsonConverter<T> converter, ref Utf8JsonReader reader, out T? value) where T : struct
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return CompiledReadResult.Done;
        }

        var result = Convert(converter, ref reader, out T v);
        value = v;
        return result;
    }

    /// <summary>
    /// A value of a type compiled readers do not know, through <c>JsonSerializer</c> with the type's metadata from the
    /// options' resolver (KubernetesClient's source-generated context first), which works under Native AOT.
    /// </summary>
    public CompiledReadResult ReadDelegated<T>(ref Utf8JsonReader reader, out T? value)
    {
        value = default;
        var copy = reader;
        if (!reader.TrySkip())
        {
            return CompiledReadResult.NeedMoreData;
        }

        value = JsonSerializer.Deserialize(ref copy, (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)));
        return CompiledReadResult.Done;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private CompiledReadResult Convert<T>(JsonConverter<T> converter, ref Utf8JsonReader reader, out T? value)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            // Converters read a whole value: make sure it is in the buffer, then read it from a copy.
            value = default;
            var copy = reader;
            if (!reader.TrySkip())
            {
                return CompiledReadResult.NeedMoreData;
            }

            value = converter.Read(ref copy, typeof(T), Options);
            return CompiledReadResult.Done;
        }

        value = converter.Read(ref reader, typeof(T), Options);
        return CompiledReadResult.Done;
    }
}
