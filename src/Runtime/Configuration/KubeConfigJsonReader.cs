using System.Text.Json;

namespace KubeInformers;

/// <summary>
/// Reads a kubeconfig written as JSON (a file whose first non-blank character is <c>{</c>) into
/// <see cref="KubeConfigNode"/>s with <see cref="Utf8JsonReader"/>-backed <see cref="JsonDocument"/>: strings become
/// quoted scalars, numbers, booleans and null plain ones, as YAML reads the same JSON. Duplicate keys throw
/// <see cref="KubeConfigBeyondSubsetException"/>; invalid JSON throws <see cref="JsonException"/> (the caller then
/// lets the full YAML parser decide, since YAML's flow syntax accepts more than JSON). Stateless.
/// </summary>
internal static class KubeConfigJsonReader
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    public static KubeConfigNode Read(string text)
    {
        using var document = JsonDocument.Parse(text, Options);
        return Convert(document.RootElement);
    }

    private static KubeConfigNode Convert(JsonElement element)
    {
        // JsonDocument keeps no line numbers; 0 means "unknown" in messages.
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var mapping = KubeConfigNode.Mapping(0);
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!keys.Add(property.Name))
                    {
                        throw new KubeConfigBeyondSubsetException($"the duplicate key '{property.Name}'", 0);
                    }
                    mapping.Entries.Add(new KeyValuePair<string, KubeConfigNode>(property.Name, Convert(property.Value)));
                }
                return mapping;
            case JsonValueKind.Array:
                var sequence = KubeConfigNode.Sequence(0);
                foreach (var item in element.EnumerateArray())
                {
                    sequence.Items.Add(Convert(item));
                }
                return sequence;
            case JsonValueKind.String:
                return KubeConfigNode.Scalar(element.GetString()!, isPlain: false, 0);
            case JsonValueKind.Null:
                return KubeConfigNode.Null(0);
            default:
                // Numbers, true and false: their JSON text is what a YAML parser sees as a plain scalar.
                return KubeConfigNode.Scalar(element.GetRawText(), isPlain: true, 0);
        }
    }
}
