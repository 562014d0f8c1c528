using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// The decoder's <see cref="JsonSerializerOptions"/>: KubernetesClient's global <see cref="KubernetesJson"/> settings (the
/// same ones its own watch uses) plus converters that share repeated strings, quantities and identical
/// <c>managedFields</c> documents between objects. <see cref="ItemDecoder{T}"/> decodes with them. Thread-safe.
/// </summary>
/// <remarks>
/// KubernetesClient keeps its <see cref="JsonSerializerOptions"/> in a private static field; it is read once by
/// reflection. Should a future version move it, decoding falls back to <see cref="JsonDocument"/> plus
/// <see cref="KubernetesJson.Deserialize{TValue}(JsonElement, JsonSerializerOptions)"/>, which is slower but equivalent.
/// </remarks>
internal static class KubernetesJsonCodec
{
    private static readonly Lazy<JsonSerializerOptions?> s_options = new(LoadOptions, LazyThreadSafetyMode.PublicationOnly);

    /// <summary>KubernetesClient's global options, or null when they cannot be reached.</summary>
    public static JsonSerializerOptions? Options => s_options.Value;

    /// <summary>
    /// Decodes one complete value at the reader's current token with <see cref="ItemDecoder{T}"/> (for single values
    /// outside lists and watches, such as an error response's status).
    /// </summary>
    /// <param name="reader">The reader, at the value's first token.</param>
    /// <param name="compiled">Whether a generated <see cref="CompiledJsonReader{T}"/> may decode it (falling back to <c>JsonSerializer</c>).</param>
    public static T Deserialize<T>(ref Utf8JsonReader reader, bool compiled = true) where T : class =>
        ItemDecoder<T>.For(compiled).Decode(ref reader);

    private static readonly ConditionalWeakTable<JsonSerializerOptions, DeduplicatingRawJsonConverter> s_managedFields = new();

    /// <summary>The converter that reads <c>fieldsV1</c> as <see cref="RawJson"/> in options <see cref="BuildOptions"/> made, or null when they keep <see cref="JsonElement"/>.</summary>
    internal static DeduplicatingRawJsonConverter? ManagedFieldsConverterOf(JsonSerializerOptions options) =>
        s_managedFields.TryGetValue(options, out var converter) ? converter : null;

    private static JsonSerializerOptions? LoadOptions() =>
        BuildOptions(() => typeof(KubernetesJson).GetField("JsonSerializerOptions", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)?.GetValue(null));

    /// <summary>
    /// The decoder's options, made from KubernetesClient's global options as <paramref name="readGlobal"/> finds them; null,
    /// reported as a degradation, when they are missing or unusable.
    /// </summary>
    /// <param name="readGlobal">Reads KubernetesClient's options.</param>
    /// <param name="rawManagedFields">Whether <c>fieldsV1</c> documents are kept as <see cref="RawJson"/>; by default,
    /// unless its <see cref="AppContext"/> switch is false. Either way only where KubernetesClient's options can write a
    /// <see cref="RawJson"/> back (see <see cref="CanWriteRawJson"/>).</param>
    internal static JsonSerializerOptions? BuildOptions(Func<object?> readGlobal, bool? rawManagedFields = null)
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
            var raw = (rawManagedFields ?? RawJson.EnabledBySwitch) && CanWriteRawJson(global);
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

            // managedFields[].fieldsV1 (declared object) is kept as RawJson, its minified text, rather than a JsonElement
            // that also holds a parsed index of every token; identical documents are shared.
            if (raw && options.TypeInfoResolver is { } resolver)
            {
                var documents = new DeduplicatingRawJsonConverter();
                s_managedFields.AddOrUpdate(options, documents);
                options.TypeInfoResolver = resolver.WithAddedModifier(info =>
                {
                    if (info.Type == typeof(V1ManagedFieldsEntry))
                    {
                        foreach (var property in info.Properties)
                        {
                            if (property.PropertyType == typeof(object) && property.Name == "fieldsV1")
                            {
                                property.CustomConverter = documents;
                            }
                        }
                    }
                });
            }

            return options;
        }
        catch (Exception error)
        {
            ReportOptionsMissing(error.GetType().Name + ": " + error.Message);
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="global"/> writes a <see cref="RawJson"/> through its converter: true with reflection
    /// metadata, false with a source-generated resolver that does not know the type (Native AOT on KubernetesClient.Aot),
    /// where an object holding one could not be sent back.
    /// </summary>
    private static bool CanWriteRawJson(JsonSerializerOptions global)
    {
        try
        {
            return global.GetTypeInfo(typeof(RawJson)).Converter is RawJsonConverter;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static void ReportOptionsMissing(string cause) =>
        RuntimeDegradations.Report("decode_options",
            "decoding goes through JsonDocument and KubernetesJson.Deserialize: slower, no sharing of repeated strings and managedFields documents, no compiled readers",
            cause);
}
