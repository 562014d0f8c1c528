using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// Strategic merge patch for built-in objects, as far as kubectl's <c>apply</c>, <c>patch</c>, <c>label</c> and
/// <c>annotate</c> need it: a JSON merge patch whose lists of the well-known keyed kinds (containers, env, ports,
/// volumes, volumeMounts, conditions, …) merge item by item on their merge key, with the directives
/// <c>$patch: replace|delete</c>, <c>$retainKeys</c>, <c>$deleteFromPrimitiveList/…</c> and <c>$setElementOrder/…</c>
/// (order is kept as merged). The merge keys come from a fixed table rather than the types' OpenAPI extensions.
/// Stateless and thread-safe.
/// </summary>
internal static class StrategicMergePatch
{
    private static readonly Dictionary<string, string> s_mergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name", ["initContainers"] = "name", ["ephemeralContainers"] = "name", ["volumes"] = "name",
        ["env"] = "name", ["imagePullSecrets"] = "name", ["volumeMounts"] = "mountPath", ["volumeDevices"] = "devicePath",
        ["ports"] = "containerPort", ["conditions"] = "type", ["hostAliases"] = "ip", ["ownerReferences"] = "uid",
        ["topologySpreadConstraints"] = "topologyKey", ["resourceClaims"] = "name", ["schedulingGates"] = "name",
    };

    /// <summary>
    /// The merge keys of a list field, in the order to try (server-side apply uses the first one every item carries):
    /// <c>ports</c> are keyed by <c>containerPort</c> in containers and by <c>port</c> in services. Empty for other lists.
    /// </summary>
    public static IReadOnlyList<string> MergeKeysOf(string field) =>
        field == "ports" ? ["containerPort", "port"] : s_mergeKeys.TryGetValue(field, out var key) ? [key] : [];

    public static JsonObject Apply(JsonObject target, JsonObject patch) => (JsonObject)Merge(target, patch)!;

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p)
        {
            return patch?.DeepClone();
        }

        if (p["$patch"] is JsonValue directive && directive.TryGetValue<string>(out var d))
        {
            if (d == "replace")
            {
                var replaced = (JsonObject)p.DeepClone();
                replaced.Remove("$patch");
                return replaced;
            }

            if (d == "delete")
            {
                return null;
            }
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in p)
        {
            if (key == "$patch" || key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                continue;
            }

            if (key == "$retainKeys" && value is JsonArray keep)
            {
                var retained = keep.Select(k => k?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
                foreach (var k in result.Select(x => x.Key).Where(k => !retained.Contains(k) && !p.ContainsKey(k)).ToList())
                {
                    result.Remove(k);
                }

                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal) && value is JsonArray remove)
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray list)
                {
                    foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(r, i))).ToList())
                    {
                        list.Remove(item);
                    }
                }

                continue;
            }

            if (value is null)
            {
                result.Remove(key);
                continue;
            }

            var existing = result[key];
            result.Remove(key);
            if (value is JsonArray patchList && existing is JsonArray currentList && s_mergeKeys.TryGetValue(key, out var mergeKey))
            {
                result[key] = MergeList(currentList, patchList, mergeKey);
            }
            else
            {
                var merged = Merge(existing?.DeepClone(), value);
                if (merged is not null)
                {
                    result[key] = merged;
                }
            }
        }

        return result;
    }

    private static JsonArray MergeList(JsonArray current, JsonArray patch, string mergeKey)
    {
        var result = (JsonArray)current.DeepClone();
        if (patch.OfType<JsonObject>().Any(i => i["$patch"]?.GetValue<string>() == "replace"))
        {
            return new JsonArray(patch.OfType<JsonObject>().Where(i => i["$patch"] is null).Select(i => (JsonNode?)i.DeepClone()).ToArray());
        }

        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem || patchItem[mergeKey] is not { } keyValue)
            {
                result.Add(item?.DeepClone());
                continue;
            }

            var match = result.OfType<JsonObject>().FirstOrDefault(i => JsonNode.DeepEquals(i[mergeKey], keyValue));
            if (patchItem["$patch"]?.GetValue<string>() == "delete")
            {
                if (match is not null)
                {
                    result.Remove(match);
                }

                continue;
            }

            if (match is null)
            {
                result.Add(Merge(null, patchItem));
            }
            else
            {
                var index = result.IndexOf(match);
                result[index] = Merge(match.DeepClone(), patchItem);
            }
        }

        return result;
    }
}
