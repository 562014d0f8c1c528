using System.Runtime.CompilerServices;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace KubeInformers;

/// <summary>
/// Deserializes Kubernetes objects from UTF-8 JSON with KubernetesClient's global <see cref="KubernetesJson"/> settings
/// (the same ones its own watch uses), without going through strings, sharing repeated strings, quantities and identical
/// <c>managedFields</c> documents between objects. Thread-safe.
/// </summary>
/// <remarks>
/// KubernetesClient keeps its <see cref="JsonSerializerOptions"/> in a private static field; it is read once by
/// reflection. Should a future version move it, decoding falls back to <see cref="JsonDocument"/> plus
/// <see cref="KubernetesJson.Deserialize{TValue}(JsonElement, JsonSerializerOptions)"/>, which is slower but equivalent.
/// </remarks>
internal static class KubernetesJsonCodec
{
    private static readonly Lazy<JsonSerializerOptions?> s_options = new(LoadOptions, LazyThreadSafetyMode.PublicationOnly);

    /// <summary>The last exception a compiled reader threw on this thread, until the fallback decode of that object ends.</summary>
    [ThreadStatic]
    private static (Type Type, Exception Error)? t_compiledFailure;

    /// <summary>KubernetesClient's global options, or null when they cannot be reached.</summary>
    public static JsonSerializerOptions? Options => s_options.Value;

    /// <summary>Deserializes the JSON value at the reader's current token (which must be complete in the reader's buffer).</summary>
    /// <param name="reader">The reader, at the value's first token.</param>
    /// <param name="compiled">Whether a generated <see cref="CompiledJsonReader{T}"/> may decode it (falling back to <c>JsonSerializer</c>).</param>
    public static T Deserialize<T>(ref Utf8JsonReader reader, bool compiled = true) where T : class
    {
        if (compiled)
        {
            // Anything the compiled reader does not handle goes through JsonSerializer below, so errors and odd inputs
            // behave exactly as without it. The value is complete in the buffer, so running out of data cannot happen;
            // should it, JsonSerializer reports the truncation from the start of the value.
            var saved = reader;
            var result = TryReadCompiled<T>(ref reader, out var compiledValue);
            if (result == CompiledReadResult.Done)
            {
                return compiledValue!;
            }

            reader = saved;
        }

        // A compiled reader that threw on this object (here or in the caller just before) while JsonSerializer decodes
        // it does not match the model the app runs with: switch it off instead of paying for the exception every time.
        var failure = t_compiledFailure;
        if (failure is not null)
        {
            t_compiledFailure = null;
        }

        var decoded = DeserializeWithoutCompiled<T>(ref reader);
        if (failure is { } failed && failed.Type == typeof(T))
        {
            CompiledReaderRegistry.Disable<T>(failed.Error.GetType().Name + ": " + failed.Error.Message);
        }

        return decoded;
    }

    private static T DeserializeWithoutCompiled<T>(ref Utf8JsonReader reader) where T : class
    {
        if (ProjectionCache<T>.Converter is { } projection && reader.TokenType == JsonTokenType.StartObject)
        {
            // A generated projection reader: the value is complete in the buffer, so skip JsonSerializer's scoping pass.
            return projection.TryRead(ref reader, Options!, out var value)
                ? value
                : throw new JsonException("The object ended before its closing brace.");
        }

        if (TypeInfoCache<T>.Info is { } info)
        {
            return JsonSerializer.Deserialize(ref reader, info)
                ?? throw new JsonException("The value is null.");
        }

        using var document = JsonDocument.ParseValue(ref reader);
        return KubernetesJson.Deserialize<T>(document.RootElement)
            ?? throw new JsonException("The value is null.");
    }

    /// <summary>
    /// Deserializes the complete object in <paramref name="bytes"/>[<paramref name="start"/>..+<paramref name="length"/>]
    /// (a list item held by a worker) and checks that nothing follows it. A generated projection skips large subtrees by
    /// scanning (<see cref="ProjectionSkipping"/>); everything else, and any error, goes through <see cref="Deserialize{T}"/>.
    /// </summary>
    /// <param name="bytes">The buffer holding the object.</param>
    /// <param name="start">Where the object starts.</param>
    /// <param name="length">The object's length: it must end exactly there.</param>
    /// <param name="state">The reader state to start from (it carries the depth limit).</param>
    /// <param name="compiled">Whether a generated <see cref="CompiledJsonReader{T}"/> may decode it.</param>
    public static T DeserializeItem<T>(byte[] bytes, int start, int length, JsonReaderState state, bool compiled) where T : class
    {
        if (ProjectionCache<T>.Converter is { } projection
            && ProjectionSkipping.TryReadScanning(projection, bytes, start, length, state, Options!, out var projected))
        {
            return projected;
        }

        var reader = new Utf8JsonReader(bytes.AsSpan(start, length), isFinalBlock: true, state);
        reader.Read();
        var value = Deserialize<T>(ref reader, compiled);
        if (reader.BytesConsumed != length)
        {
            throw new JsonException("A list item has more after its closing brace.", null, 0, reader.BytesConsumed);
        }

        return value;
    }

    /// <summary>
    /// For a generated projection type: reads the object at the reader's opening brace in one pass, even if the buffer may
    /// end inside it. Returns <see langword="true"/> with <paramref name="handled"/> false for other types (the caller
    /// decodes them as usual), false when the data ends first (the caller retries with more data).
    /// </summary>
    public static bool TryReadProjection<T>(ref Utf8JsonReader reader, out T? value, out bool handled) where T : class
    {
        value = null;
        handled = ProjectionCache<T>.Converter is not null && reader.TokenType == JsonTokenType.StartObject;
        return !handled || ProjectionCache<T>.Converter!.TryRead(ref reader, Options!, out value);
    }

    /// <summary>
    /// For a model type with a generated <see cref="CompiledJsonReader{T}"/>: reads the object at the reader's opening
    /// brace in one pass, even if the buffer may end inside it. Returns <see cref="CompiledReadResult.Done"/> with the
    /// value, <see cref="CompiledReadResult.NeedMoreData"/> when the data ends first (the caller retries with more data),
    /// or <see cref="CompiledReadResult.Unsupported"/> with the reader restored when there is no compiled reader or it
    /// met something it leaves to <c>JsonSerializer</c> (the caller decodes the object as usual).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CompiledReadResult TryReadCompiled<T>(ref Utf8JsonReader reader, out T? value) where T : class
    {
        value = null;
        if (reader.TokenType != JsonTokenType.StartObject || CompiledReaderRegistry.Get<T>() is not { } compiled)
        {
            return CompiledReadResult.Unsupported;
        }

        var saved = reader;
        var result = TryCompiled(compiled, ref reader, out value);
        if (result == CompiledReadResult.Unsupported)
        {
            CompiledReaderRegistry.CountFallback<T>();
            reader = saved;
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static CompiledReadResult TryCompiled<T>(CompiledJsonReader<T> compiled, ref Utf8JsonReader reader, out T? value) where T : class
    {
        try
        {
            var result = compiled(ref reader, out value);
            if (result == CompiledReadResult.Done)
            {
                CompiledReaderRegistry.CountDecoded<T>();
            }

            return result;
        }
        catch (Exception error)
        {
            // A converter threw: JsonSerializer, called on the saved reader, throws the same error with its usual wrapping.
            // Should JsonSerializer succeed instead, the reader does not match the running model (see NoteFallbackDecoded).
            value = null;
            t_compiledFailure = (typeof(T), error);
            return CompiledReadResult.Unsupported;
        }
    }

    private static JsonSerializerOptions? LoadOptions() =>
        BuildOptions(() => typeof(KubernetesJson).GetField("JsonSerializerOptions", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)?.GetValue(null));

    /// <summary>
    /// The decoder's options, made from KubernetesClient's global options as <paramref name="readGlobal"/> finds them; null,
    /// reported as a degradation, when they are missing or unusable.
    /// </summary>
    internal static JsonSerializerOptions? BuildOptions(Func<object?> readGlobal)
    {
        try
        {
            if (readGlobal() is not JsonSerializerOptions global)
            {
                ReportOptionsMissing("KubernetesClient's KubernetesJson has no static JsonSerializerOptions field (it was renamed or removed)");
                return null;
            }

            // A private copy for decoding only: the same settings plus converters that make repeated strings and identical
            // managedFields documents share one instance (bounded caches; see DecodeDeduplication.cs) and parse timestamps
            // without culture-aware matching. Reading is otherwise identical; KubernetesClient's own options are left untouched.
            var options = new JsonSerializerOptions(global);
            options.Converters.Insert(0, new DeduplicatingStringConverter());
            options.Converters.Insert(0, new DeduplicatingObjectConverter());

            // Repeated quantities are parsed once and shared.
            if (global.GetTypeInfo(typeof(k8s.Models.ResourceQuantity)).Converter is JsonConverter<k8s.Models.ResourceQuantity> quantities)
            {
                options.Converters.Insert(0, new DeduplicatingQuantityConverter(quantities));
            }

            // API-server timestamps are parsed from their bytes; anything else goes to KubernetesClient's converter.
            if (global.GetTypeInfo(typeof(DateTime)).Converter is JsonConverter<DateTime> dates)
            {
                options.Converters.Insert(0, new KubernetesTimestampConverter(dates));
            }

            return options;
        }
        catch (Exception error)
        {
            ReportOptionsMissing(error.GetType().Name + ": " + error.Message);
            return null;
        }
    }

    private static void ReportOptionsMissing(string cause) =>
        RuntimeDegradations.Report("decode_options",
            "decoding goes through JsonDocument and KubernetesJson.Deserialize: slower, no sharing of repeated strings and managedFields documents, no compiled readers",
            cause);

    private static class TypeInfoCache<T>
    {
        public static readonly JsonTypeInfo<T>? Info = Load();

        private static JsonTypeInfo<T>? Load()
        {
            try
            {
                return Options?.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>;
            }
            catch (Exception error)
            {
                RuntimeDegradations.Report("type_info:" + typeof(T).Name,
                    $"objects of {typeof(T).FullName} are decoded through JsonDocument and KubernetesJson.Deserialize (slower)",
                    error.GetType().Name + ": " + error.Message);
                return null;
            }
        }
    }

    /// <summary>
    /// The generated projection converter of <typeparamref name="T"/>, called directly; null for other types. Only a type
    /// whose <c>[JsonConverter]</c> is a projection converter has its JSON metadata resolved (to honour an options
    /// converter that would override it); model types never pay for building System.Text.Json metadata here.
    /// </summary>
    private static class ProjectionCache<T>
    {
        public static readonly IProjectionJsonConverter<T>? Converter =
            typeof(T).GetCustomAttribute<JsonConverterAttribute>(inherit: false)?.ConverterType is { } type
            && typeof(IProjectionJsonConverter<T>).IsAssignableFrom(type)
                ? TypeInfoCache<T>.Info?.Converter as IProjectionJsonConverter<T>
                : null;
    }
}
