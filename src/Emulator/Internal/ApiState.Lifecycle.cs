using System.Text;
using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// The controllers a real cluster runs beside its API server, done synchronously inside the write that triggers
/// them (all under <see cref="ApiState.Gate"/>): the garbage collector (ownerReferences with Background, Foreground
/// and Orphan propagation), the namespace controller (a deleted namespace is <c>Terminating</c> until its content is
/// gone) and the write-time rewrites of the registries (Secret <c>stringData</c> merged into <c>data</c>). Every member
/// must be called with the gate held.
/// </summary>
internal sealed partial class ApiState
{
    private const string ForegroundFinalizer = "foregroundDeletion";

    /// <summary>uid → where the live object with that uid is stored.</summary>
    private readonly Dictionary<string, (ResourceStore Store, string Key)> _byUid = new(StringComparer.Ordinal);

    /// <summary>owner uid → the objects whose ownerReferences name it.</summary>
    private readonly Dictionary<string, HashSet<(ResourceStore Store, string Key)>> _dependents = new(StringComparer.Ordinal);

    private void Append(ResourceStore store, ChangeType type, StoredObject? previous, StoredObject current)
    {
        store.Append(type, previous, current, _time.GetUtcNow(), _options);
        if (previous?.Uid is { } oldUid && type == ChangeType.Deleted)
        {
            _byUid.Remove(oldUid);
        }

        if (type != ChangeType.Deleted && current.Uid is { } uid)
        {
            _byUid[uid] = (store, current.Key);
        }

        if (previous?.OwnerUids is { } oldOwners)
        {
            foreach (var o in oldOwners)
            {
                if (_dependents.TryGetValue(o, out var set) && set.Remove((store, previous.Key)) && set.Count == 0)
                {
                    _dependents.Remove(o);
                }
            }
        }

        if (type != ChangeType.Deleted && current.OwnerUids is { } owners)
        {
            foreach (var o in owners)
            {
                if (!_dependents.TryGetValue(o, out var set))
                {
                    _dependents[o] = set = [];
                }

                set.Add((store, current.Key));
            }
        }
    }

    private static bool IsNamespace(ResourceType rt) => rt.Group.Length == 0 && rt.Plural == "namespaces" && !rt.IsCustom;

    private StoredObject? ByUid(string uid) =>
        _byUid.TryGetValue(uid, out var at) && at.Store.Get(at.Key) is { } o && o.Uid == uid && !at.Store.Removed ? o : null;

    private List<(ResourceStore Store, StoredObject Object)> Dependents(string? uid)
    {
        var result = new List<(ResourceStore, StoredObject)>();
        if (uid is null || !_dependents.TryGetValue(uid, out var set))
        {
            return result;
        }

        foreach (var (store, key) in set.ToList())
        {
            if (!store.Removed && store.Get(key) is { OwnerUids: { } owners } o && owners.Contains(uid, StringComparer.Ordinal))
            {
                result.Add((store, o));
            }
        }

        return result;
    }

    private bool HasDependents(StoredObject owner) => Dependents(owner.Uid).Count > 0;

    /// <summary>A Secret's <c>stringData</c> is written into <c>data</c> (base64) and never stored, as the real registry does.</summary>
    private static void MergeStringData(ResourceType rt, JsonObject body)
    {
        if (rt.IsCustom || rt.Group.Length != 0 || rt.Plural != "secrets" || body["stringData"] is not JsonObject stringData)
        {
            body.Remove("stringData");
            return;
        }

        var data = body["data"] as JsonObject ?? new JsonObject();
        foreach (var (key, value) in stringData.ToList())
        {
            var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? string.Empty;
            data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        }

        body.Remove("stringData");
        body["data"] = data;
    }

    private static void PrepareCreated(ResourceType rt, JsonObject body)
    {
        if (rt.Group.Length == 0 && rt.Plural == "secrets" && !rt.IsCustom)
        {
            MergeStringData(rt, body);
            if (body["type"] is not JsonValue t || !t.TryGetValue<string>(out var type) || type.Length == 0)
            {
                body["type"] = "Opaque"; // the registry's default
            }
        }
    }

    private static void PrepareUpdated(ResourceType rt, JsonObject result, JsonObject pristine)
    {
        _ = pristine;
        if (rt.Group.Length == 0 && rt.Plural == "secrets" && !rt.IsCustom)
        {
            MergeStringData(rt, result);
        }
    }

    // ---------------------------------------------------------------- namespaces

    private void CheckNamespaceAcceptsContent(ResourceType rt, string? ns)
    {
        if (!rt.Namespaced || ns is null || Find("", "v1", "namespaces") is not { } namespaces)
        {
            return;
        }

        if (namespaces.Get(ns) is { } n && n.ToNode()["metadata"]?["deletionTimestamp"] is not null)
        {
            var details = new JsonObject
            {
                ["name"] = ns,
                ["kind"] = rt.Plural,
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "NamespaceTerminating", ["message"] = $"namespace {ns} is being terminated", ["field"] = "metadata.namespace" }),
            };
            throw new ApiException(403, "Forbidden", $"{rt.GroupResource} is forbidden: unable to create new content in namespace {ns} because it is being terminated", details);
        }
    }

    /// <summary>
    /// The first DELETE of a namespace: it becomes <c>Terminating</c> (deletionTimestamp, <c>status.phase</c>,
    /// <c>spec.finalizers: [kubernetes]</c>), its content is deleted, and once nothing is left it is gone.
    /// </summary>
    private StoredObject BeginNamespaceTermination(ResourceStore store, StoredObject old, JsonObject current)
    {
        var meta = (JsonObject)current["metadata"]!;
        meta["deletionTimestamp"] = Now();
        meta["deletionGracePeriodSeconds"] = 0;
        meta["resourceVersion"] = RvString(NextRv());
        var status = current["status"] as JsonObject ?? new JsonObject();
        status["phase"] = "Terminating";
        current["status"] = status;
        var spec = current["spec"] as JsonObject ?? new JsonObject();
        spec["finalizers"] = new JsonArray("kubernetes");
        current["spec"] = spec;
        var marked = StoredObject.From(current, store.Type);
        Append(store, ChangeType.Modified, old, marked);
        foreach (var s in Volatile.Read(ref _stores).Values.Where(s => s.Type.Namespaced))
        {
            var items = s.Items;
            var start = InsertionPoint(items, marked.Name + "/");
            var end = InsertionPoint(items, marked.Name + "0");
            for (var i = start; i < end; i++)
            {
                if (s.Get(items[i].Key) is not null)
                {
                    Delete(s, marked.Name, items[i].Name, null, propagationPolicy: "Background");
                }
            }
        }

        TryFinishNamespace(marked.Name);
        return store.Get(marked.Key) ?? marked;
    }

    private void TryFinishNamespace(string ns)
    {
        if (Find("", "v1", "namespaces") is not { } namespaces || namespaces.Get(ns) is not { } n)
        {
            return;
        }

        var node = n.ToNode();
        if (node["metadata"]?["deletionTimestamp"] is null)
        {
            return;
        }

        foreach (var s in Volatile.Read(ref _stores).Values.Where(s => s.Type.Namespaced && !s.Removed))
        {
            var items = s.Items;
            if (InsertionPoint(items, ns + "/") < InsertionPoint(items, ns + "0"))
            {
                return;
            }
        }

        if (node["metadata"]?["finalizers"] is JsonArray { Count: > 0 })
        {
            return; // metadata finalizers of the namespace itself hold it
        }

        var meta = (JsonObject)node["metadata"]!;
        meta["resourceVersion"] = RvString(NextRv());
        if (node["spec"] is JsonObject spec)
        {
            spec["finalizers"] = new JsonArray();
        }

        var gone = StoredObject.From(node, namespaces.Type);
        Append(namespaces, ChangeType.Deleted, n, gone);
    }

    // ---------------------------------------------------------------- garbage collection

    private void OrphanDependents(StoredObject owner)
    {
        foreach (var (store, dependent) in Dependents(owner.Uid))
        {
            Patch(store, dependent.Namespace, dependent.Name, node => WithoutOwner(node, owner.Uid!), statusOnly: false);
        }
    }

    private static JsonObject WithoutOwner(JsonObject node, string ownerUid)
    {
        if (node["metadata"]?["ownerReferences"] is JsonArray refs)
        {
            foreach (var r in refs.OfType<JsonObject>().Where(r => r["uid"]?.GetValue<string>() == ownerUid).ToList())
            {
                refs.Remove(r);
            }

            if (refs.Count == 0)
            {
                ((JsonObject)node["metadata"]!).Remove("ownerReferences");
            }
        }

        return node;
    }

    /// <summary>An object was marked for deletion: in foreground deletion its dependents go first, then it.</summary>
    private void AfterMarked(ResourceStore store, StoredObject marked)
    {
        if (marked.ToNode()["metadata"]?["finalizers"] is not JsonArray finalizers || !finalizers.Any(f => f?.GetValue<string>() == ForegroundFinalizer))
        {
            return;
        }

        foreach (var (s, dependent) in Dependents(marked.Uid))
        {
            if (s.Get(dependent.Key) is not null)
            {
                Delete(s, dependent.Namespace, dependent.Name, null, propagationPolicy: "Foreground");
            }
        }

        TryFinishForeground(marked.Uid);
        _ = store;
    }

    private void TryFinishForeground(string? ownerUid)
    {
        if (ownerUid is null || ByUid(ownerUid) is not { } owner || HasDependents(owner) || !_byUid.TryGetValue(ownerUid, out var at))
        {
            return;
        }

        var node = owner.ToNode();
        if (node["metadata"]?["deletionTimestamp"] is null || node["metadata"]?["finalizers"] is not JsonArray finalizers
            || !finalizers.Any(f => f?.GetValue<string>() == ForegroundFinalizer))
        {
            return;
        }

        Patch(at.Store, owner.Namespace, owner.Name, n =>
        {
            var list = (JsonArray)n["metadata"]!["finalizers"]!;
            foreach (var f in list.Where(f => f?.GetValue<string>() == ForegroundFinalizer).ToList())
            {
                list.Remove(f);
            }

            return n;
        }, statusOnly: false);
    }

    /// <summary>
    /// After an object is gone: its dependents whose every owner is gone are deleted (in the background), others lose
    /// the dangling reference; an owner waiting in foreground deletion finishes once its last dependent is gone; a
    /// terminating namespace finishes once it is empty; a deleted CRD stops being served.
    /// </summary>
    private void CollectGarbage(ResourceType rt, StoredObject gone)
    {
        foreach (var (store, dependent) in Dependents(gone.Uid))
        {
            if (store.Get(dependent.Key) is not { } current)
            {
                continue;
            }

            var alive = current.OwnerUids!.Any(o => o != gone.Uid && ByUid(o) is not null);
            if (alive)
            {
                Patch(store, current.Namespace, current.Name, node => WithoutOwner(node, gone.Uid!), statusOnly: false);
            }
            else if (current.ToNode()["metadata"]?["deletionTimestamp"] is null)
            {
                Delete(store, current.Namespace, current.Name, null, propagationPolicy: "Background");
            }
        }

        foreach (var ownerUid in gone.OwnerUids ?? [])
        {
            TryFinishForeground(ownerUid);
        }

        if (rt.Namespaced && gone.Namespace is { } ns)
        {
            TryFinishNamespace(ns);
        }
    }
}
