using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal;

/// <summary>RFC 6902 JSON patch (add, remove, replace, move, copy, test) over <see cref="JsonNode"/>.</summary>
internal static class JsonPatch
{
    public static JsonObject Apply(JsonObject document, JsonArray operations)
    {
        JsonNode root = document;
        foreach (var op in operations)
        {
            if (op is not JsonObject o)
            {
                throw ApiException.BadRequest("json patch operations must be objects");
            }

            var kind = o["op"]?.GetValue<string>();
            var path = o["path"]?.GetValue<string>() ?? throw ApiException.BadRequest("json patch operation is missing \"path\"");
            switch (kind)
            {
                case "add":
                    Add(root, path, o["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    Add(root, path, o["value"]?.DeepClone());
                    break;
                case "move":
                    {
                        var from = o["from"]?.GetValue<string>() ?? throw ApiException.BadRequest("move requires \"from\"");
                        var value = Get(root, from)?.DeepClone();
                        Remove(root, from);
                        Add(root, path, value);
                        break;
                    }

                case "copy":
                    {
                        var from = o["from"]?.GetValue<string>() ?? throw ApiException.BadRequest("copy requires \"from\"");
                        Add(root, path, Get(root, from)?.DeepClone());
                        break;
                    }

                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), o["value"]))
                    {
                        throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: test operation failed at {path}");
                    }

                    break;
                default:
                    throw ApiException.BadRequest($"Unexpected kind of json patch operation: {kind}");
            }
        }

        return root as JsonObject ?? throw ApiException.BadRequest("json patch must leave an object");
    }

    private static string[] Tokens(string path) =>
        path.Length == 0 ? [] : path[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();

    private static JsonNode? Get(JsonNode root, string path)
    {
        JsonNode? cur = root;
        foreach (var t in Tokens(path))
        {
            cur = cur switch
            {
                JsonObject obj => obj.TryGetPropertyValue(t, out var v) ? v : throw Missing(path),
                JsonArray arr when int.TryParse(t, out var i) && i >= 0 && i < arr.Count => arr[i],
                _ => throw Missing(path),
            };
        }

        return cur;
    }

    private static ApiException Missing(string path) => new(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{path}\"");

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string path)
    {
        var tokens = Tokens(path);
        if (tokens.Length == 0)
        {
            throw ApiException.BadRequest("json patch on the document root is not supported");
        }

        var parent = Get(root, "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0").Replace("/", "~1")))) ?? throw Missing(path);
        if (tokens.Length == 1)
        {
            parent = root;
        }

        return (parent, tokens[^1]);
    }

    private static void Add(JsonNode root, string path, JsonNode? value)
    {
        var (parent, last) = Parent(root, path);
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray arr when last == "-":
                arr.Add(value);
                break;
            case JsonArray arr when int.TryParse(last, out var i) && i >= 0 && i <= arr.Count:
                arr.Insert(i, value);
                break;
            default:
                throw Missing(path);
        }
    }

    private static void Remove(JsonNode root, string path)
    {
        var (parent, last) = Parent(root, path);
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                obj.Remove(last);
                break;
            case JsonArray arr when int.TryParse(last, out var i) && i >= 0 && i < arr.Count:
                arr.RemoveAt(i);
                break;
            default:
                throw Missing(path);
        }
    }
}
