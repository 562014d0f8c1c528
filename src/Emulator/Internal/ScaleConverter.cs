using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// The <c>scale</c> subresource (<c>autoscaling/v1 Scale</c>) of a type that has one: read from the object's replica
/// and selector paths, and written back to its spec replicas path. Stateless and thread-safe.
/// </summary>
internal static class ScaleConverter
{
    public static JsonObject ToScale(ResourceType rt, JsonObject obj)
    {
        var scale = rt.Scale!;
        var meta = obj["metadata"] as JsonObject ?? new JsonObject();
        var scaleMeta = new JsonObject();
        foreach (var key in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (meta[key] is { } v)
            {
                scaleMeta[key] = v.DeepClone();
            }
        }

        var status = new JsonObject { ["replicas"] = Read(obj, scale.StatusReplicasPath)?.DeepClone() ?? 0 };
        if (scale.LabelSelectorPath is { } selectorPath && Selector(Read(obj, selectorPath)) is { Length: > 0 } selector)
        {
            status["selector"] = selector;
        }

        var spec = new JsonObject();
        if (Read(obj, scale.SpecReplicasPath) is { } replicas)
        {
            spec["replicas"] = replicas.DeepClone();
        }

        return new JsonObject { ["kind"] = "Scale", ["apiVersion"] = "autoscaling/v1", ["metadata"] = scaleMeta, ["spec"] = spec, ["status"] = status };
    }

    /// <summary>Writes the desired Scale's <c>spec.replicas</c> into <paramref name="current"/> (checking its resourceVersion precondition).</summary>
    public static JsonObject Apply(ResourceType rt, JsonObject current, JsonObject desiredScale)
    {
        var wantedRv = desiredScale["metadata"]?["resourceVersion"] is JsonValue rv && rv.TryGetValue<string>(out var s) ? s : null;
        var currentRv = current["metadata"]?["resourceVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(wantedRv) && wantedRv != currentRv)
        {
            throw ApiException.Conflict(rt, current["metadata"]?["name"]?.GetValue<string>() ?? string.Empty);
        }

        var replicas = desiredScale["spec"]?["replicas"];
        if (replicas is not JsonValue v || !v.TryGetValue<long>(out var n) || n < 0 || n > int.MaxValue)
        {
            throw ApiException.Invalid(rt, current["metadata"]?["name"]?.GetValue<string>() ?? string.Empty, "spec.replicas", "FieldValueInvalid",
                $"Invalid value: {replicas?.ToJsonString() ?? "null"}: must be greater than or equal to 0");
        }

        Write(current, rt.Scale!.SpecReplicasPath, JsonValue.Create((int)n));
        return current;
    }

    private static JsonNode? Read(JsonObject obj, string path)
    {
        JsonNode? cur = obj;
        foreach (var p in path.Split('.'))
        {
            cur = (cur as JsonObject)?[p];
        }

        return cur;
    }

    private static void Write(JsonObject obj, string path, JsonNode value)
    {
        var parts = path.Split('.');
        var cur = obj;
        foreach (var p in parts[..^1])
        {
            if (cur[p] is not JsonObject next)
            {
                next = new JsonObject();
                cur[p] = next;
            }

            cur = next;
        }

        cur[parts[^1]] = value;
    }

    /// <summary>A label selector (LabelSelector object, plain map, or already a string) as its string form.</summary>
    private static string? Selector(JsonNode? node)
    {
        switch (node)
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                return s;
            case JsonObject o when o.ContainsKey("matchLabels") || o.ContainsKey("matchExpressions"):
                {
                    var parts = new List<string>();
                    foreach (var (k, val) in o["matchLabels"] as JsonObject ?? [])
                    {
                        parts.Add(k + "=" + val?.GetValue<string>());
                    }

                    foreach (var e in (o["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        var key = e["key"]?.GetValue<string>();
                        var values = string.Join(",", (e["values"] as JsonArray ?? []).Select(x => x?.GetValue<string>()));
                        parts.Add(e["operator"]?.GetValue<string>() switch
                        {
                            "In" => $"{key} in ({values})",
                            "NotIn" => $"{key} notin ({values})",
                            "Exists" => key!,
                            "DoesNotExist" => "!" + key,
                            _ => key!,
                        });
                    }

                    return string.Join(",", parts);
                }

            case JsonObject map:
                return string.Join(",", map.Select(kv => kv.Key + "=" + kv.Value?.GetValue<string>()));
            default:
                return null;
        }
    }
}
