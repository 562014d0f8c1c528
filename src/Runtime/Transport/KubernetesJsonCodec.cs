using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace KubeInformers;

/// <summary>
/// Deserializes Kubernetes objects from UTF-8 JSON with KubernetesClient's global <see cref="KubernetesJson"/> settings
/// (the same ones its own watch uses), without going through strings. Thread-safe.
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

    /// <summary>Deserializes the JSON value at the reader's current token (which must be complete in the reader's buffer).</summary>
    public static T Deserialize<T>(ref Utf8JsonReader reader) where T : class
    {
        if (TypeInfoCache<T>.Info is { } info)
        {
            return JsonSerializer.Deserialize(ref reader, info)
                ?? throw new JsonException("The value is null.");
        }

        using var document = JsonDocument.ParseValue(ref reader);
        return KubernetesJson.Deserialize<T>(document.RootElement)
            ?? throw new JsonException("The value is null.");
    }

    private static JsonSerializerOptions? LoadOptions()
    {
        try
        {
            var field = typeof(KubernetesJson).GetField("JsonSerializerOptions", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static);
            return field?.GetValue(null) as JsonSerializerOptions;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static class TypeInfoCache<T>
    {
        public static readonly JsonTypeInfo<T>? Info = Load();

        private static JsonTypeInfo<T>? Load()
        {
            try
            {
                return Options?.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>;
            }
            catch (Exception)
            {
                return null;
            }
        }
    }
}
