using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// One stored version of an object: its UTF-8 JSON (with metadata.resourceVersion set) plus the values
/// selectors need (labels, selectable fields), extracted once. Immutable and shared by lists, watches and history;
/// never mutate <see cref="Json"/>.
/// </summary>
internal sealed class StoredObject
{
    private byte[]? _addedLine;

    private StoredObject(string key, string? ns, string name, long rv, byte[] json, Dictionary<string, string>? labels, Dictionary<string, string> fields, string? uid = null, string[]? ownerUids = null)
    {
        Uid = uid;
        OwnerUids = ownerUids;
        Key = key;
        Namespace = ns;
        Name = name;
        ResourceVersion = rv;
        Json = json;
        Labels = labels;
        Fields = fields;
    }

    public string Key { get; }
    public string? Namespace { get; }
    public string Name { get; }
    public long ResourceVersion { get; }
    public byte[] Json { get; }
    public Dictionary<string, string>? Labels { get; }
    public Dictionary<string, string> Fields { get; }

    /// <summary>metadata.uid (null for a dry-run object that has none).</summary>
    public string? Uid { get; }

    /// <summary>The uids of metadata.ownerReferences, or null when there are none.</summary>
    public string[]? OwnerUids { get; }

    /// <summary>A probe used only to search the sorted set by key.</summary>
    public static StoredObject Probe(string key) => new(key, null, string.Empty, 0, [], null, new Dictionary<string, string>());

    public static string MakeKey(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : ns + "/" + name;

    /// <summary>Builds a stored object from a node whose metadata (name, namespace, resourceVersion) is final.</summary>
    public static StoredObject From(JsonObject node, ResourceType type)
    {
        var meta = node["metadata"] as JsonObject;
        var name = meta?["name"]?.GetValue<string>() ?? string.Empty;
        var ns = type.Namespaced ? meta?["namespace"]?.GetValue<string>() : null;
        var rv = long.Parse(meta?["resourceVersion"]?.GetValue<string>() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Dictionary<string, string>? labels = null;
        if (meta?["labels"] is JsonObject l && l.Count > 0)
        {
            labels = new Dictionary<string, string>(l.Count, StringComparer.Ordinal);
            foreach (var (k, v) in l)
            {
                labels[k] = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? string.Empty;
            }
        }

        var fields = new Dictionary<string, string>(2 + type.SelectableFields.Count, StringComparer.Ordinal)
        {
            ["metadata.name"] = name,
            ["metadata.namespace"] = ns ?? string.Empty,
        };
        foreach (var (label, path) in type.SelectableFields)
        {
            fields[label] = ReadPath(node, path);
        }

        string[]? owners = null;
        if (meta?["ownerReferences"] is JsonArray { Count: > 0 } refs)
        {
            owners = refs.OfType<JsonObject>().Select(r => r["uid"] is JsonValue u && u.TryGetValue<string>(out var us) ? us : null).OfType<string>().ToArray();
        }

        var uid = meta?["uid"] is JsonValue uv && uv.TryGetValue<string>(out var uidText) ? uidText : null;
        var json = JsonSerializer.SerializeToUtf8Bytes(node, JsonContext.Options);
        return new StoredObject(MakeKey(ns, name), ns, name, rv, json, labels, fields, uid, owners is { Length: > 0 } ? owners : null);
    }

    private static string ReadPath(JsonObject node, string[] path)
    {
        JsonNode? cur = node;
        foreach (var p in path)
        {
            cur = (cur as JsonObject)?[p];
            if (cur is null)
            {
                return string.Empty;
            }
        }

        return cur switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
            JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
            _ => cur.ToJsonString(),
        };
    }

    public JsonObject ToNode() => JsonNode.Parse(Json)!.AsObject();

    /// <summary>The pre-serialized watch line <c>{"type":"ADDED","object":…}\n</c>, built once.</summary>
    public byte[] AddedLine => _addedLine ??= WatchLines.Build("ADDED", Json);

    /// <summary>Orders stored objects by key (ordinal).</summary>
    public sealed class KeyComparer : IComparer<StoredObject>
    {
        public static KeyComparer Instance { get; } = new();

        public int Compare(StoredObject? x, StoredObject? y) => string.CompareOrdinal(x!.Key, y!.Key);
    }
}
