using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KubeInformers.Emulator.Internal;

/// <summary>A request for <c>meta.k8s.io Table</c> output (<c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>), as kubectl get sends.</summary>
internal sealed record TableRequest(string ApiVersion, string IncludeObject)
{
    public static TableRequest? From(HttpContext context)
    {
        foreach (var accept in context.Request.Headers.Accept.SelectMany(a => (a ?? string.Empty).Split(',')))
        {
            var parts = accept.Split(';').Select(p => p.Trim()).ToArray();
            if (!parts.Contains("as=Table") || !parts.Contains("g=meta.k8s.io"))
            {
                continue;
            }

            var version = parts.Contains("v=v1beta1") && !parts.Contains("v=v1") ? "v1beta1" : "v1";
            var include = context.Request.Query["includeObject"].ToString();
            return new TableRequest("meta.k8s.io/" + version, include is "None" or "Object" ? include : "Metadata");
        }

        return null;
    }
}

/// <summary>
/// Renders objects as a <c>Table</c>: Name, the type's printer columns (a CRD's <c>additionalPrinterColumns</c>, or
/// the emulator's columns for common built-ins) and Age, one row per object with its metadata
/// (<c>PartialObjectMetadata</c>) or the whole object. Stateless and thread-safe.
/// </summary>
internal static class TableConverter
{
    public static JsonObject Build(ResourceType rt, IReadOnlyList<StoredObject> items, TableRequest request, DateTimeOffset now, long? resourceVersion, string? continueToken, long? remaining)
    {
        var columns = new JsonArray { Column("Name", "string", "name", "Name must be unique within a namespace.", 0) };
        foreach (var c in rt.PrinterColumns)
        {
            columns.Add(Column(c.Name, c.Type == "date" ? "string" : c.Type, string.Empty, c.Description, c.Priority));
        }

        var hasAge = rt.PrinterColumns.Any(c => c.Name.Equals("Age", StringComparison.OrdinalIgnoreCase));
        if (!hasAge)
        {
            columns.Add(Column("Age", "string", string.Empty, "CreationTimestamp is a timestamp representing the server time when this object was created.", 0));
        }

        var rows = new JsonArray();
        foreach (var item in items)
        {
            var node = item.ToNode();
            var cells = new JsonArray { item.Name };
            foreach (var c in rt.PrinterColumns)
            {
                cells.Add(Cell(node, c, now));
            }

            if (!hasAge)
            {
                cells.Add(Age(node["metadata"]?["creationTimestamp"], now));
            }

            var row = new JsonObject { ["cells"] = cells };
            if (request.IncludeObject == "Object")
            {
                node["kind"] ??= rt.Kind;
                row["object"] = node;
            }
            else if (request.IncludeObject == "Metadata")
            {
                row["object"] = new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = node["metadata"]?.DeepClone() };
            }

            rows.Add(row);
        }

        var meta = new JsonObject();
        if (resourceVersion is long rv)
        {
            meta["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        }

        if (continueToken is not null)
        {
            meta["continue"] = continueToken;
        }

        if (remaining is long r)
        {
            meta["remainingItemCount"] = r;
        }

        return new JsonObject { ["kind"] = "Table", ["apiVersion"] = request.ApiVersion, ["metadata"] = meta, ["columnDefinitions"] = columns, ["rows"] = rows };
    }

    private static JsonObject Column(string name, string type, string format, string description, int priority) =>
        new() { ["name"] = name, ["type"] = type, ["format"] = format, ["description"] = description, ["priority"] = priority };

    private static JsonNode? Cell(JsonObject node, PrinterColumn column, DateTimeOffset now)
    {
        var path = column.JsonPath;
        if (path.StartsWith("#count:", StringComparison.Ordinal))
        {
            return path[7..].Split(',').Sum(f => (node[f] as JsonObject)?.Count ?? 0);
        }

        if (path.StartsWith("#ready:", StringComparison.Ordinal))
        {
            var p = path[7..].Split(',');
            return $"{Read(node, p[0])?.ToJsonString() ?? "0"}/{Read(node, p[1])?.ToJsonString() ?? "0"}";
        }

        if (path == "#podready")
        {
            var statuses = node["status"]?["containerStatuses"] as JsonArray ?? [];
            var total = (node["spec"]?["containers"] as JsonArray)?.Count ?? 0;
            return $"{statuses.Count(s => s?["ready"]?.GetValue<bool>() == true)}/{total}";
        }

        if (path == "#restarts")
        {
            return (node["status"]?["containerStatuses"] as JsonArray ?? []).Sum(s => s?["restartCount"]?.GetValue<int>() ?? 0);
        }

        var value = Read(node, path);
        if (column.Type == "date")
        {
            return Age(value, now);
        }

        return value switch
        {
            null => null,
            JsonValue v when v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.DeepClone(),
            _ => value.ToJsonString(),
        };
    }

    private static JsonNode? Read(JsonObject node, string path)
    {
        JsonNode? cur = node;
        foreach (var segment in path.Split('.'))
        {
            var name = segment;
            int? index = null;
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            if (bracket > 0 && segment.EndsWith(']') && int.TryParse(segment[(bracket + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            {
                name = segment[..bracket];
                index = i;
            }

            cur = (cur as JsonObject)?[name];
            if (index is int at)
            {
                cur = cur is JsonArray a && at < a.Count ? a[at] : null;
            }
        }

        return cur;
    }

    /// <summary>Age in kubectl's short form (45s, 5m10s, 3h, 4d, 2y).</summary>
    internal static string Age(JsonNode? timestamp, DateTimeOffset now)
    {
        if (timestamp is not JsonValue v || !v.TryGetValue<string>(out var s) || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return "<unknown>";
        }

        var d = now - t;
        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        var sec = (long)d.TotalSeconds;
        return sec switch
        {
            < 120 => $"{sec}s",
            < 600 => $"{sec / 60}m{sec % 60}s",
            < 3 * 3600 => $"{sec / 60}m",
            < 8 * 3600 => $"{sec / 3600}h{sec % 3600 / 60}m",
            < 48 * 3600 => $"{sec / 3600}h",
            < 8 * 86400 => $"{sec / 86400}d{sec % 86400 / 3600}h",
            < 2 * 365 * 86400 => $"{sec / 86400}d",
            _ => $"{sec / (365 * 86400)}y",
        };
    }
}
