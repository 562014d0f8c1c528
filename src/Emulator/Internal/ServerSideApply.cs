using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// Server-side apply (<c>application/apply-patch+yaml</c>) and field ownership (<c>metadata.managedFields</c>,
/// <c>FieldsV1</c>). A simplification of the real structured-merge-diff: a field is a path of object keys; lists and
/// scalars are leaves (lists are atomic, not merged by key); the server-owned metadata is not tracked, nor is
/// <c>status</c> except by an apply to the status subresource. An apply sets what it names, removes what the same manager applied before and no longer names (when no
/// other manager owns it), and conflicts (409) on a field another manager owns with a different value unless forced,
/// which moves ownership. Other writes (create, update, patch) give their manager ownership of the fields they
/// changed. Stateless and thread-safe.
/// </summary>
internal static class ServerSideApply
{
    private static readonly HashSet<string> s_untrackedMeta =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "generateName"];

    /// <summary>Parses an apply body (YAML or JSON) into one object.</summary>
    public static JsonObject Parse(byte[] body)
    {
        List<JsonObject> objects;
        try
        {
            objects = SeedLoader.Parse(Encoding.UTF8.GetString(body)).ToList();
        }
        catch (FormatException ex)
        {
            throw ApiException.BadRequest($"error decoding YAML: {ex.Message}");
        }

        return objects.Count == 1 ? objects[0] : throw ApiException.BadRequest("the apply body must hold exactly one object");
    }

    /// <summary>The object an apply creates (it did not exist): the applied fields, owned by the manager.</summary>
    public static JsonObject ForCreate(JsonObject applied, string manager, DateTimeOffset now)
    {
        var result = (JsonObject)applied.DeepClone();
        SetEntry(result, manager, "Apply", Fields(applied), now, applied["apiVersion"]?.GetValue<string>());
        return result;
    }

    /// <summary>Applies <paramref name="applied"/> for <paramref name="manager"/> to the current object.</summary>
    /// <remarks>On the <c>status</c> subresource (<paramref name="subresource"/>) only the applied status is tracked, in an entry
    /// of its own (<c>subresource: status</c>), as on the API server.</remarks>
    public static JsonObject Apply(JsonObject current, JsonObject applied, string manager, bool force, DateTimeOffset now, string? subresource = null)
    {
        var entries = Entries(current);
        var mine = subresource == "status" ? StatusFields(applied) : Fields(applied);
        bool Own(Entry e) => e.Manager == manager && e.Operation == "Apply" && e.Subresource == subresource;
        var previous = entries.FirstOrDefault(Own)?.Fields ?? [];
        var conflicts = new List<(string Manager, string ApiVersion, string Path)>();
        foreach (var e in entries.Where(e => !Own(e)))
        {
            foreach (var path in e.Fields.Where(mine.Contains))
            {
                if (!JsonNode.DeepEquals(Read(current, path), Read(applied, path)))
                {
                    conflicts.Add((e.Manager, e.ApiVersion, path));
                }
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            var causes = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
            {
                ["reason"] = "FieldManagerConflict",
                ["message"] = $"conflict with \"{c.Manager}\" using {c.ApiVersion}",
                ["field"] = "." + c.Path,
            }).ToArray());
            var text = string.Join("\n", conflicts.Select(c => $"- conflict with \"{c.Manager}\" using {c.ApiVersion}: .{c.Path}"));
            var name = current["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;
            throw new ApiException(409, "Conflict", $"Apply failed with {conflicts.Count.ToString(CultureInfo.InvariantCulture)} conflict{(conflicts.Count == 1 ? string.Empty : "s")}:\n{text}",
                new JsonObject { ["name"] = name, ["causes"] = causes });
        }

        var result = (JsonObject)current.DeepClone();
        var ownedByOthers = entries.Where(e => !Own(e)).SelectMany(e => e.Fields).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in previous.Where(p => !mine.Contains(p) && !ownedByOthers.Contains(p)))
        {
            Remove(result, gone);
        }

        foreach (var path in mine)
        {
            Write(result, path, Read(applied, path)!.DeepClone());
        }

        // Forced fields (and fields applied with the same value) move to / are shared with this manager.
        var taken = conflicts.Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var e in entries.Where(e => !Own(e)))
        {
            e.Fields.RemoveWhere(taken.Contains);
        }

        WriteEntries(result, entries.Where(e => !Own(e)).ToList());
        SetEntry(result, manager, "Apply", mine, now, applied["apiVersion"]?.GetValue<string>(), subresource);
        return result;
    }

    /// <summary>A non-apply write by <paramref name="manager"/>: it owns the fields it changed (as an Update entry).</summary>
    public static JsonObject RecordUpdate(JsonObject? old, JsonObject updated, string manager, DateTimeOffset now)
    {
        var oldFields = old is null ? [] : Fields(old);
        var newFields = Fields(updated);
        var changed = newFields.Where(p => old is null || !oldFields.Contains(p) || !JsonNode.DeepEquals(Read(old, p), Read(updated, p))).ToHashSet(StringComparer.Ordinal);
        if (old is not null && changed.Count == 0 && oldFields.SetEquals(newFields))
        {
            // A write that changes no field keeps the ownership as it was, timestamps included, as the API server does
            // (it ignores managedFields timestamp changes), so the update stays a no-op that does not bump the resourceVersion.
            var meta = updated["metadata"] as JsonObject ?? new JsonObject();
            updated["metadata"] = meta;
            meta.Remove("managedFields");
            if (old["metadata"]?["managedFields"] is JsonNode kept)
            {
                meta["managedFields"] = kept.DeepClone();
            }

            return updated;
        }

        var entries = old is null ? Entries(updated) : Entries(old);
        foreach (var e in entries)
        {
            // Status fields (owned through the status subresource) are not this write's to take or drop.
            e.Fields.RemoveWhere(p => !p.StartsWith("status.", StringComparison.Ordinal) && (!newFields.Contains(p) || (changed.Contains(p) && e.Manager != manager)));
        }

        var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update")?.Fields ?? [];
        mine.UnionWith(changed);
        WriteEntries(updated, entries.Where(e => !(e.Manager == manager && e.Operation == "Update")).ToList());
        if (mine.Count > 0)
        {
            SetEntry(updated, manager, "Update", mine, now, updated["apiVersion"]?.GetValue<string>());
        }

        return updated;
    }

    private sealed record Entry(string Manager, string Operation, string ApiVersion, string? Time, string? Subresource, HashSet<string> Fields);

    private static List<Entry> Entries(JsonObject obj)
    {
        var result = new List<Entry>();
        foreach (var e in (obj["metadata"]?["managedFields"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var fields = new HashSet<string>(StringComparer.Ordinal);
            if (e["fieldsV1"] is JsonObject f)
            {
                FromFieldsV1(f, string.Empty, fields);
            }

            result.Add(new Entry(e["manager"]?.GetValue<string>() ?? string.Empty, e["operation"]?.GetValue<string>() ?? "Update",
                e["apiVersion"]?.GetValue<string>() ?? string.Empty, e["time"]?.GetValue<string>(), e["subresource"]?.GetValue<string>(), fields));
        }

        return result;
    }

    private static void WriteEntries(JsonObject obj, List<Entry> entries)
    {
        var meta = obj["metadata"] as JsonObject ?? new JsonObject();
        obj["metadata"] = meta;
        var array = new JsonArray();
        foreach (var e in entries.Where(e => e.Fields.Count > 0))
        {
            var entry = new JsonObject { ["manager"] = e.Manager, ["operation"] = e.Operation, ["apiVersion"] = e.ApiVersion };
            if (e.Time is not null)
            {
                entry["time"] = e.Time;
            }

            entry["fieldsType"] = "FieldsV1";
            entry["fieldsV1"] = ToFieldsV1(e.Fields);
            if (e.Subresource is not null)
            {
                entry["subresource"] = e.Subresource;
            }

            array.Add(entry);
        }

        if (array.Count > 0)
        {
            meta["managedFields"] = array;
        }
        else
        {
            meta.Remove("managedFields");
        }
    }

    private static void SetEntry(JsonObject obj, string manager, string operation, HashSet<string> fields, DateTimeOffset now, string? apiVersion,
        string? subresource = null)
    {
        var entries = Entries(obj).Where(e => !(e.Manager == manager && e.Operation == operation && e.Subresource == subresource)).ToList();
        entries.Add(new Entry(manager, operation, apiVersion ?? string.Empty, now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), subresource, fields));
        WriteEntries(obj, entries);
    }

    /// <summary>The leaf paths under <c>status</c> ("status.phase"), what an apply to the status subresource owns.</summary>
    private static HashSet<string> StatusFields(JsonObject obj)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (obj["status"] is JsonNode status)
        {
            Collect(status, "status", result);
        }

        return result;
    }

    /// <summary>The tracked leaf paths of an object ("spec.replicas", "metadata.labels.app"; lists are leaves).</summary>
    private static HashSet<string> Fields(JsonObject obj)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind" or "status")
            {
                continue;
            }

            if (key == "metadata" && value is JsonObject meta)
            {
                foreach (var (mk, mv) in meta)
                {
                    if (!s_untrackedMeta.Contains(mk))
                    {
                        Collect(mv, "metadata." + Escape(mk), result);
                    }
                }

                continue;
            }

            Collect(value, Escape(key), result);
        }

        return result;
    }

    private static void Collect(JsonNode? node, string path, HashSet<string> into)
    {
        if (node is JsonObject o && o.Count > 0)
        {
            foreach (var (k, v) in o)
            {
                Collect(v, path + "." + Escape(k), into);
            }
        }
        else
        {
            into.Add(path);
        }
    }

    // Keys may contain dots (labels such as app.kubernetes.io/name): they are escaped as "\." in paths.
    private static string Escape(string key) => key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(".", "\\.", StringComparison.Ordinal);

    private static List<string> Split(string path)
    {
        var parts = new List<string>();
        var sb = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 1 < path.Length)
            {
                sb.Append(path[++i]);
            }
            else if (path[i] == '.')
            {
                parts.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(path[i]);
            }
        }

        parts.Add(sb.ToString());
        return parts;
    }

    private static JsonNode? Read(JsonObject obj, string path)
    {
        JsonNode? cur = obj;
        foreach (var p in Split(path))
        {
            cur = (cur as JsonObject)?[p];
        }

        return cur;
    }

    private static void Write(JsonObject obj, string path, JsonNode value)
    {
        var parts = Split(path);
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

    private static void Remove(JsonObject obj, string path)
    {
        var parts = Split(path);
        var cur = obj;
        foreach (var p in parts[..^1])
        {
            if (cur[p] is not JsonObject next)
            {
                return;
            }

            cur = next;
        }

        cur.Remove(parts[^1]);
    }

    private static JsonObject ToFieldsV1(HashSet<string> fields)
    {
        var root = new JsonObject();
        foreach (var path in fields.OrderBy(f => f, StringComparer.Ordinal))
        {
            var cur = root;
            foreach (var p in Split(path))
            {
                var key = "f:" + p;
                if (cur[key] is not JsonObject next)
                {
                    next = new JsonObject();
                    cur[key] = next;
                }

                cur = next;
            }
        }

        return root;
    }

    private static void FromFieldsV1(JsonObject node, string prefix, HashSet<string> into)
    {
        foreach (var (key, value) in node)
        {
            if (!key.StartsWith("f:", StringComparison.Ordinal))
            {
                continue; // "." and list keys (k:, v:, i:) of the real format are not tracked apart
            }

            var path = prefix.Length == 0 ? Escape(key[2..]) : prefix + "." + Escape(key[2..]);
            if (value is JsonObject child && child.Any(c => c.Key.StartsWith("f:", StringComparison.Ordinal)))
            {
                FromFieldsV1(child, path, into);
            }
            else
            {
                into.Add(path);
            }
        }
    }
}
