using System.Text.Json;

namespace KubeInformers.Emulator.Internal;

/// <summary>JSON options shared by the emulator (no escaping surprises, compact).</summary>
internal static class JsonContext
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };
}
