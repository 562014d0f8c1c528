using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal;

/// <summary>RFC 7386 JSON merge patch over <see cref="JsonNode"/> (null deletes, objects merge, the rest replaces).</summary>
internal static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var existing = result[key];
                result.Remove(key);
                result[key] = Apply(existing?.DeepClone(), value);
            }
        }

        return result;
    }
}
