using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace KubeInformers;

/// <summary>
/// The one decoder of a Kubernetes object of type <typeparamref name="T"/>, used for list items (<see cref="ListBodyParser{T}"/>,
/// <see cref="ListBatchDecoder{T}"/>) and watch objects (<c>WatchLineDecoder</c>) alike. It owns the choice of reader, made
/// once per type: the generated projection converter when <typeparamref name="T"/> is a projection, else the generated
/// <see cref="CompiledJsonReader{T}">compiled reader</see> (when compiled readers are allowed and one matches the running
/// model), else <c>JsonSerializer</c> with KubernetesClient's options (<see cref="KubernetesJsonCodec.Options"/>).
/// Whatever the compiled reader leaves, and every error, goes through <c>JsonSerializer</c>, so results and errors are
/// exactly what <c>JsonSerializer</c> gives; a compiled reader that throws on an object <c>JsonSerializer</c> decodes is
/// switched off for the process (<see cref="CompiledReaderRegistry"/>).
/// </summary>
/// <remarks>
/// Two instances per type, <see cref="Default"/> and the one without compiled readers, both created on first use and kept
/// for the process. Thread-safe: any number of threads (list workers, watch loops) decode with the same instance; the
/// only state that changes is the cached compiled reader, set once it is found and cleared when it is switched off.
/// Takes no lock. Errors are the exceptions of <c>JsonSerializer</c> and the converters (<see cref="JsonException"/> and the
/// conversion errors <see cref="DecodeErrors.IsConversionError"/> names): callers turn them into
/// <see cref="KubernetesDecodeException"/> with a position and never the content.
/// </remarks>
/// <typeparam name="T">The type decoded.</typeparam>
internal sealed class ItemDecoder<T> where T : class
{
    private static readonly IProjectionJsonConverter<T>? s_projection = FindProjection();
    private static readonly ItemDecoder<T> s_withCompiledReaders = new(compiledReaders: true);
    private static readonly ItemDecoder<T> s_withoutCompiledReaders = new(compiledReaders: false);

    private readonly IProjectionJsonConverter<T>? _projection;
    private readonly JsonSerializerOptions? _options;
    private readonly bool _compiledReaders;
    private CompiledJsonReader<T>? _compiled;

    private ItemDecoder(bool compiledReaders)
    {
        _projection = s_projection;
        _options = KubernetesJsonCodec.Options;
        _compiledReaders = compiledReaders && s_projection is null;
    }

    /// <summary>The decoder that may use a compiled reader.</summary>
    public static ItemDecoder<T> Default => s_withCompiledReaders;

    /// <summary>The decoder with or without compiled readers (the factory's <c>CompiledReaders</c> option).</summary>
    public static ItemDecoder<T> For(bool compiledReaders) => compiledReaders ? s_withCompiledReaders : s_withoutCompiledReaders;

    /// <summary>Whether <typeparamref name="T"/> is read by a generated projection converter.</summary>
    public static bool IsProjection => s_projection is not null;

    /// <summary>
    /// Decodes the value at the reader's current token, which must be complete in the reader's buffer (a watch object, a
    /// list's metadata, an error status); leaves the reader at the value's last token.
    /// </summary>
    public T Decode(ref Utf8JsonReader reader)
    {
        Exception? compiledFailure = null;
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            if (_projection is { } projection)
            {
                // The value is complete in the buffer, so skip JsonSerializer's scoping pass.
                return projection.TryRead(ref reader, _options!, out var projected)
                    ? projected
                    : throw new JsonException("The object ended before its closing brace.");
            }

            if (Compiled is { } compiled)
            {
                // The value is complete, so NeedMoreData cannot really happen; should it, JsonSerializer reports the
                // truncation from the start of the value.
                var saved = reader;
                if (TryReadCompiled(compiled, ref reader, out var value, out compiledFailure) == CompiledReadResult.Done)
                {
                    return value!;
                }

                reader = saved;
            }
        }

        return DecodeWithSerializer(ref reader, compiledFailure);
    }

    /// <summary>
    /// Decodes the object at the reader's opening brace when the buffer may end inside it (a list item read from the
    /// stream). False when the data ends first: the reader is then in no useful state and the caller retries from its
    /// own checkpoint with more data. On success the reader is at the object's closing brace.
    /// </summary>
    public bool TryDecodePartial(ref Utf8JsonReader reader, out T? value)
    {
        if (_projection is { } projection)
        {
            return projection.TryRead(ref reader, _options!, out value);
        }

        Exception? compiledFailure = null;
        if (Compiled is { } compiled)
        {
            var saved = reader;
            switch (TryReadCompiled(compiled, ref reader, out value, out compiledFailure))
            {
                case CompiledReadResult.Done:
                    return true;
                case CompiledReadResult.NeedMoreData:
                    return false;
            }

            reader = saved;
        }

        // JsonSerializer needs the whole value: find its end first. Should the data end before it, a reader that threw
        // will throw again on the retry, which then decides whether to switch it off.
        var itemReader = reader;
        if (!reader.TrySkip())
        {
            value = null;
            return false;
        }

        value = DecodeWithSerializer(ref itemReader, compiledFailure);
        return true;
    }

    /// <summary>
    /// Decodes the complete object in <paramref name="bytes"/>[<paramref name="start"/>..+<paramref name="length"/>] (a
    /// list item held by a worker) and checks that nothing follows it. A projection skips large subtrees by scanning
    /// (<see cref="ProjectionSkipping"/>); should that fail, the item is read again token by token for the exact error.
    /// </summary>
    /// <param name="bytes">The buffer holding the object.</param>
    /// <param name="start">Where the object starts.</param>
    /// <param name="length">The object's length: it must end exactly there.</param>
    /// <param name="state">The reader state to start from (it carries the depth limit).</param>
    public T DecodeWhole(byte[] bytes, int start, int length, JsonReaderState state)
    {
        if (_projection is { } projection
            && ProjectionSkipping.TryReadScanning(projection, bytes, start, length, state, _options!, out var projected))
        {
            return projected;
        }

        var reader = new Utf8JsonReader(bytes.AsSpan(start, length), isFinalBlock: true, state);
        reader.Read();
        var value = Decode(ref reader);
        if (reader.BytesConsumed != length)
        {
            throw new JsonException("A list item has more after its closing brace.", null, 0, reader.BytesConsumed);
        }

        return value;
    }

    /// <summary>
    /// The compiled reader, looked up in <see cref="CompiledReaderRegistry"/> until it hands one out (a module that
    /// registers it may load later), then kept; null without compiled readers, for projections, or once switched off.
    /// </summary>
    private CompiledJsonReader<T>? Compiled => _compiled ?? (_compiledReaders ? _compiled = CompiledReaderRegistry.Get<T>() : null);

    /// <summary>
    /// Runs the compiled reader at an opening brace. <see cref="CompiledReadResult.Unsupported"/> (counted as a fallback)
    /// also when it threw: the exception is handed back so the caller can tell, after <c>JsonSerializer</c> has decoded the
    /// object, whether the reader or the input is at fault.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static CompiledReadResult TryReadCompiled(CompiledJsonReader<T> compiled, ref Utf8JsonReader reader, out T? value, out Exception? failure)
    {
        failure = null;
        CompiledReadResult result;
        try
        {
            result = compiled(ref reader, out value);
        }
        catch (Exception error)
        {
            value = null;
            failure = error;
            result = CompiledReadResult.Unsupported;
        }

        if (result == CompiledReadResult.Done)
        {
            CompiledReaderRegistry.CountDecoded<T>();
        }
        else if (result == CompiledReadResult.Unsupported)
        {
            CompiledReaderRegistry.CountFallback<T>();
        }

        return result;
    }

    /// <summary>
    /// Decodes the complete value at the reader with <c>JsonSerializer</c>. When a compiled reader threw on this value and
    /// <c>JsonSerializer</c> decodes it, the reader does not match the model the app runs with: it is switched off instead
    /// of paying for the exception on every object. When <c>JsonSerializer</c> throws too, the input is bad and the reader
    /// stays on.
    /// </summary>
    private T DecodeWithSerializer(ref Utf8JsonReader reader, Exception? compiledFailure)
    {
        T decoded;
        if (SerializerMetadata.Info is { } info)
        {
            decoded = JsonSerializer.Deserialize(ref reader, info) ?? throw new JsonException("The value is null.");
        }
        else
        {
            using var document = JsonDocument.ParseValue(ref reader);
            decoded = KubernetesJson.Deserialize<T>(document.RootElement) ?? throw new JsonException("The value is null.");
        }

        if (compiledFailure is not null)
        {
            // The registry first, so a thread that looks the reader up meanwhile gets null; should one still cache the old
            // reader, its next failure lands here again.
            CompiledReaderRegistry.Disable<T>(compiledFailure.GetType().Name + ": " + compiledFailure.Message);
            _compiled = null;
        }

        return decoded;
    }

    /// <summary>
    /// The generated projection converter of <typeparamref name="T"/>, called directly; null for other types. Only a type
    /// whose <c>[JsonConverter]</c> is a projection converter has its JSON metadata resolved here (to honour an options
    /// converter that would override it); model types never pay for building System.Text.Json metadata unless an
    /// object falls back to <c>JsonSerializer</c>.
    /// </summary>
    private static IProjectionJsonConverter<T>? FindProjection() =>
        typeof(T).GetCustomAttribute<JsonConverterAttribute>(inherit: false)?.ConverterType is { } type
        && typeof(IProjectionJsonConverter<T>).IsAssignableFrom(type)
            ? SerializerMetadata.Info?.Converter as IProjectionJsonConverter<T>
            : null;

    /// <summary><c>JsonSerializer</c>'s metadata of <typeparamref name="T"/>, resolved on first use (a nested class, so lazily).</summary>
    private static class SerializerMetadata
    {
        public static readonly JsonTypeInfo<T>? Info = Load();

        private static JsonTypeInfo<T>? Load()
        {
            try
            {
                return KubernetesJsonCodec.Options?.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>;
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
}
