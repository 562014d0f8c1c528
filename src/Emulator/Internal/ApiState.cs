using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// The emulator's whole state: the served resources, their objects and history, and the one global
/// resourceVersion. Every mutation (and the event it appends) happens under <see cref="Gate"/>, a single writer
/// lock; readers take it only to capture immutable snapshots, and serialize responses outside it, so slow clients
/// never block writers. The state survives a fault-injected restart.
/// </summary>
internal sealed partial class ApiState
{
    private const string GenerateNameChars = "bcdfghjklmnpqrstvwxz2456789";
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _time;
    private ImmutableDictionary<ResourceId, ResourceStore> _stores;
    private long _rv;
    private TaskCompletionSource _rvAdvanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ApiState(EmulatorOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        _stores = BuiltInResources.All.ToImmutableDictionary(r => r.Id, r => new ResourceStore(r));
        _rv = 1;
        if (options.CreateDefaultNamespaces)
        {
            var ns = Find("", "v1", "namespaces")!;
            foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            {
                Create(ns, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });
            }
        }
    }

    public object Gate { get; } = new();

    public EmulatorOptions Options => _options;

    public long CurrentResourceVersion => Interlocked.Read(ref _rv);

    public IEnumerable<ResourceType> ResourceTypes => Volatile.Read(ref _stores).Values.Select(s => s.Type);

    public IEnumerable<ResourceStore> Stores => Volatile.Read(ref _stores).Values;

    public ResourceStore? Find(string group, string version, string plural) =>
        Volatile.Read(ref _stores).TryGetValue(new ResourceId(group, version, plural), out var s) ? s : null;

    /// <summary>Completes when the global resourceVersion next advances.</summary>
    public Task ResourceVersionAdvanced
    {
        get
        {
            lock (Gate)
            {
                return _rvAdvanced.Task;
            }
        }
    }

    private string Now() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private long NextRv()
    {
        var rv = Interlocked.Increment(ref _rv);
        var old = _rvAdvanced;
        _rvAdvanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
        return rv;
    }

    private static string RvString(long rv) => rv.ToString(CultureInfo.InvariantCulture);

    public StoredObject? Get(ResourceStore store, string? ns, string name)
    {
        lock (Gate)
        {
            return store.Get(StoredObject.MakeKey(ns, name));
        }
    }

    // ---------------------------------------------------------------- create

    public StoredObject Create(ResourceStore store, string? ns, JsonObject body, bool dryRun = false)
    {
        var rt = store.Type;
        PrepareTypeMeta(rt, body);
        var meta = body["metadata"] as JsonObject ?? new JsonObject();
        body["metadata"] = meta;
        var name = meta["name"]?.GetValue<string>() ?? string.Empty;
        var generateName = meta["generateName"]?.GetValue<string>();
        CheckNamespace(rt, ns, meta);
        if (meta["resourceVersion"] is JsonValue rvValue && rvValue.TryGetValue<string>(out var rvText) && rvText.Length > 0)
        {
            // What etcd3 storage answers (a 500, not a validation error).
            throw new ApiException(500, "InternalError", "Internal error occurred: resourceVersion should not be set on objects to be created");
        }

        lock (Gate)
        {
            if (store.Removed)
            {
                throw ApiException.NotFoundPath();
            }

            if (name.Length == 0)
            {
                if (string.IsNullOrEmpty(generateName))
                {
                    throw ApiException.Invalid(rt, string.Empty, "metadata.name", "FieldValueRequired", "Required value: name or generateName is required");
                }

                do
                {
                    name = generateName + RandomSuffix();
                }
                while (store.Get(StoredObject.MakeKey(ns, name)) is not null);
                meta["name"] = name;
            }

            ValidateName(rt, name);
            CheckNamespaceAcceptsContent(rt, ns);
            if (store.Get(StoredObject.MakeKey(rt.Namespaced ? ns : null, name)) is not null)
            {
                throw ApiException.AlreadyExists(rt, name);
            }

            if (rt.Group == "apiextensions.k8s.io" && rt.Plural == "customresourcedefinitions")
            {
                ValidateCrd(rt, name, body);
            }

            Validation.CustomResourceValidation.Apply(this, rt, name, body, creating: true);
            var rv = dryRun ? 0 : NextRv();
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            meta["resourceVersion"] = RvString(rv);
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            if (rt.TracksGeneration)
            {
                meta["generation"] = 1;
            }
            else
            {
                meta.Remove("generation");
            }

            if (rt.IsCustom && rt.HasStatusSubresource)
            {
                body.Remove("status");
            }

            if (rt.Group.Length == 0 && rt.Plural == "namespaces")
            {
                var status = body["status"] as JsonObject ?? new JsonObject();
                status["phase"] ??= "Active";
                body["status"] = status;
            }

            if (rt.Group == "apiextensions.k8s.io" && rt.Plural == "customresourcedefinitions")
            {
                body["status"] = CrdStatus(body);
            }

            PrepareCreated(rt, body);
            if (dryRun)
            {
                meta.Remove("resourceVersion");
                return StoredObject.From(body, rt);
            }

            var stored = StoredObject.From(body, rt);
            Append(store, ChangeType.Added, null, stored);
            if (rt.Group == "apiextensions.k8s.io" && rt.Plural == "customresourcedefinitions")
            {
                RegisterCrd(body);
            }

            return stored;
        }
    }

    private static string RandomSuffix() =>
        string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = GenerateNameChars[Random.Shared.Next(GenerateNameChars.Length)];
            }
        });

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    private static void ValidateName(ResourceType rt, string name)
    {
        if (name.Length > 253 || !DnsSubdomain().IsMatch(name))
        {
            throw ApiException.Invalid(rt, name, "metadata.name", "FieldValueInvalid",
                $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
        }
    }

    private static void PrepareTypeMeta(ResourceType rt, JsonObject body)
    {
        var kind = body["kind"] is JsonValue k && k.TryGetValue<string>(out var ks) ? ks : null;
        var apiVersion = body["apiVersion"] is JsonValue a && a.TryGetValue<string>(out var avs) ? avs : null;
        if (!string.IsNullOrEmpty(kind) && kind != rt.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({rt.Kind})");
        }

        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != rt.ApiVersion)
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({rt.ApiVersion})");
        }

        // The real server defaults both from the request path for built-ins; keep them first for readability.
        body.Remove("kind");
        body.Remove("apiVersion");
        var rest = body.ToList();
        body.Clear();
        body["kind"] = rt.Kind;
        body["apiVersion"] = rt.ApiVersion;
        foreach (var (key, value) in rest)
        {
            body[key] = value;
        }

        if (body["metadata"] is not null and not JsonObject)
        {
            throw ApiException.BadRequest("metadata must be an object");
        }
    }

    private static void CheckNamespace(ResourceType rt, string? ns, JsonObject meta)
    {
        var bodyNs = meta["namespace"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (rt.Namespaced)
        {
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            {
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            meta["namespace"] = ns;
        }
        else
        {
            meta.Remove("namespace");
        }
    }

    // ---------------------------------------------------------------- update / patch

    /// <summary>PUT: replaces the object (or only its status when <paramref name="statusOnly"/>).</summary>
    public StoredObject Update(ResourceStore store, string? ns, string name, JsonObject body, bool statusOnly, bool dryRun = false) =>
        Modify(store, ns, name, _ => body, statusOnly, isPatch: false, dryRun);

    /// <summary>PATCH: <paramref name="patch"/> turns the current object into the desired one.</summary>
    public StoredObject Patch(ResourceStore store, string? ns, string name, Func<JsonObject, JsonObject> patch, bool statusOnly, bool dryRun = false) =>
        Modify(store, ns, name, old => patch(old.ToNode()), statusOnly, isPatch: true, dryRun);

    private StoredObject Modify(ResourceStore store, string? ns, string name, Func<StoredObject, JsonObject> desired, bool statusOnly, bool isPatch, bool dryRun)
    {
        var rt = store.Type;
        lock (Gate)
        {
            var old = store.Get(StoredObject.MakeKey(ns, name)) ?? throw ApiException.NotFound(rt, name);
            var oldNode = old.ToNode(); // taken apart below (status moved); `pristine` stays as stored
            var pristine = old.ToNode();
            var body = desired(old); // a PUT's body is its own; only a patch parses the stored object again
            PrepareTypeMeta(rt, body);
            var meta = body["metadata"] as JsonObject ?? new JsonObject();
            body["metadata"] = meta;
            var bodyName = meta["name"]?.GetValue<string>();
            if (!isPatch && bodyName != name)
            {
                throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            if (isPatch && bodyName != name)
            {
                throw ApiException.BadRequest("metadata.name: Invalid value: the name of the object cannot be changed by a patch");
            }

            CheckNamespace(rt, ns, meta);
            var bodyRv = meta["resourceVersion"] is JsonValue rvv && rvv.TryGetValue<string>(out var rvs) ? rvs : null;
            if (!string.IsNullOrEmpty(bodyRv) && bodyRv != RvString(old.ResourceVersion))
            {
                throw ApiException.Conflict(rt, name);
            }

            var oldMeta = (JsonObject)oldNode["metadata"]!;
            var bodyUid = meta["uid"] is JsonValue uv && uv.TryGetValue<string>(out var us) ? us : null;
            var oldUid = oldMeta["uid"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(bodyUid) && bodyUid != oldUid)
            {
                throw ApiException.Conflict(rt, name, $"Precondition failed: UID in precondition: {bodyUid}, UID in object meta: {oldUid}");
            }

            JsonObject result;
            if (statusOnly)
            {
                result = oldNode;
                result.Remove("status");
                if (body["status"] is JsonNode st)
                {
                    body.Remove("status");
                    result["status"] = st;
                }

                if (isPatch && body["metadata"]?["managedFields"] is JsonNode managed)
                {
                    ((JsonObject)result["metadata"]!)["managedFields"] = managed.DeepClone(); // an apply to status records its manager
                }
            }
            else
            {
                result = body;
                if (rt.HasStatusSubresource)
                {
                    result.Remove("status");
                    if (oldNode["status"] is JsonNode st)
                    {
                        oldNode.Remove("status");
                        result["status"] = st;
                    }
                }

                var newMeta = (JsonObject)result["metadata"]!;
                foreach (var keep in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
                {
                    newMeta.Remove(keep);
                    if (oldMeta[keep] is JsonNode v)
                    {
                        newMeta[keep] = v.DeepClone();
                    }
                }

                newMeta.Remove("generateName");
                if (oldMeta["generateName"] is JsonNode gn)
                {
                    newMeta["generateName"] = gn.DeepClone();
                }

                if (rt.TracksGeneration && !SameExceptMetaAndStatus(pristine, result))
                {
                    var gen = oldMeta["generation"]?.GetValue<long>() ?? 0;
                    newMeta["generation"] = gen + 1;
                }
            }

            Validation.CustomResourceValidation.Apply(this, rt, name, result, creating: false);
            var resultMeta = (JsonObject)result["metadata"]!;
            resultMeta["resourceVersion"] = RvString(old.ResourceVersion);
            if (JsonNode.DeepEquals(result, pristine))
            {
                return old; // a no-op update does not bump the resourceVersion
            }

            PrepareUpdated(rt, result, pristine);
            if (dryRun)
            {
                return StoredObject.From(result, rt);
            }

            var rv = NextRv();
            resultMeta["resourceVersion"] = RvString(rv);
            var deleting = resultMeta["deletionTimestamp"] is not null;
            var finalizers = resultMeta["finalizers"] as JsonArray;
            if (deleting && (finalizers is null || finalizers.Count == 0))
            {
                var gone = StoredObject.From(result, rt);
                Append(store, ChangeType.Deleted, old, gone);
                AfterDelete(rt, gone);
                return gone;
            }

            var stored = StoredObject.From(result, rt);
            Append(store, ChangeType.Modified, old, stored);
            if (rt.Group == "apiextensions.k8s.io" && rt.Plural == "customresourcedefinitions")
            {
                RegisterCrd(result);
            }

            return stored;
        }
    }

    private static bool SameExceptMetaAndStatus(JsonObject a, JsonObject b)
    {
        static bool Ignored(string key) => key is "metadata" or "status" or "kind" or "apiVersion";

        var compared = 0;
        foreach (var (key, value) in a)
        {
            if (Ignored(key))
            {
                continue;
            }

            compared++;
            if (!b.TryGetPropertyValue(key, out var other) || !JsonNode.DeepEquals(value, other))
            {
                return false;
            }
        }

        return compared == b.Count(p => !Ignored(p.Key));
    }

    // ---------------------------------------------------------------- delete

    /// <summary>Deletes, or marks for deletion when finalizers remain. Returns the object and whether it is gone.</summary>
    public (StoredObject Object, bool Deleted) Delete(ResourceStore store, string? ns, string name, JsonObject? deleteOptions, bool dryRun = false, string? propagationPolicy = null)
    {
        var rt = store.Type;
        lock (Gate)
        {
            var old = store.Get(StoredObject.MakeKey(ns, name)) ?? throw ApiException.NotFound(rt, name);
            var current = old.ToNode();
            var meta = (JsonObject)current["metadata"]!;
            if (deleteOptions?["preconditions"] is JsonObject pre)
            {
                var uid = pre["uid"]?.GetValue<string>();
                var prv = pre["resourceVersion"]?.GetValue<string>();
                if (uid is not null && uid != meta["uid"]?.GetValue<string>())
                {
                    throw ApiException.Conflict(rt, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {meta["uid"]}");
                }

                if (prv is not null && prv != RvString(old.ResourceVersion))
                {
                    throw ApiException.Conflict(rt, name, $"Precondition failed: ResourceVersion in precondition: {prv}, ResourceVersion in object meta: {old.ResourceVersion}");
                }
            }

            var hasFinalizers = meta["finalizers"] is JsonArray { Count: > 0 };
            propagationPolicy ??= deleteOptions?["propagationPolicy"] is JsonValue pp && pp.TryGetValue<string>(out var pps) ? pps : null;
            if (propagationPolicy is null && deleteOptions?["orphanDependents"] is JsonValue od && od.TryGetValue<bool>(out var orphan))
            {
                propagationPolicy = orphan ? "Orphan" : "Background";
            }

            if (propagationPolicy is not null and not ("Orphan" or "Background" or "Foreground"))
            {
                throw ApiException.BadRequest($"propagationPolicy: Unsupported value: \"{propagationPolicy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
            }

            if (dryRun)
            {
                return (old, !hasFinalizers && propagationPolicy != "Foreground" && !IsNamespace(rt));
            }

            if (IsNamespace(rt))
            {
                if (meta["deletionTimestamp"] is null)
                {
                    return (BeginNamespaceTermination(store, old, current), false);
                }

                TryFinishNamespace(name);
                return (store.Get(old.Key) ?? old, false);
            }

            if (propagationPolicy == "Orphan")
            {
                OrphanDependents(old);
            }
            else if (propagationPolicy == "Foreground" && meta["deletionTimestamp"] is null && HasDependents(old))
            {
                var list = meta["finalizers"] as JsonArray ?? new JsonArray();
                list.Add("foregroundDeletion");
                meta["finalizers"] = list;
                hasFinalizers = true;
            }

            if (hasFinalizers)
            {
                if (meta["deletionTimestamp"] is not null)
                {
                    return (old, false);
                }

                var rv1 = NextRv();
                meta["deletionTimestamp"] = Now();
                meta["deletionGracePeriodSeconds"] = 0;
                meta["resourceVersion"] = RvString(rv1);
                var marked = StoredObject.From(current, rt);
                Append(store, ChangeType.Modified, old, marked);
                AfterMarked(store, marked);
                return (store.Get(marked.Key) ?? marked, false);
            }

            var rv = NextRv();
            meta["resourceVersion"] = RvString(rv);
            var gone = StoredObject.From(current, rt);
            Append(store, ChangeType.Deleted, old, gone);
            AfterDelete(rt, gone);
            return (gone, true);
        }
    }

    private void AfterDelete(ResourceType rt, StoredObject gone)
    {
        CollectGarbage(rt, gone);

        if (rt.Group == "apiextensions.k8s.io" && rt.Plural == "customresourcedefinitions")
        {
            UnregisterCrd(gone.ToNode());
        }
    }

    // ---------------------------------------------------------------- list

    /// <summary>A consistent page of a list: items at <see cref="ResourceVersion"/>.</summary>
    public sealed record ListPage(IReadOnlyList<StoredObject> Items, long ResourceVersion, string? Continue, long? RemainingItemCount);

    public async Task<ListPage> ListAsync(ResourceStore store, ObjectFilter filter, bool hasSelectors, string? resourceVersion, string? resourceVersionMatch, int? limit, string? continueToken, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(resourceVersionMatch) && resourceVersionMatch is not ("Exact" or "NotOlderThan"))
        {
            throw ApiException.BadRequest($"resourceVersionMatch: Unsupported value: \"{resourceVersionMatch}\": supported values: \"Exact\", \"NotOlderThan\"");
        }

        if (!string.IsNullOrEmpty(resourceVersionMatch) && string.IsNullOrEmpty(resourceVersion))
        {
            throw new ApiException(422, "Invalid", "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
        }

        long? exactRv = null;
        if (!string.IsNullOrEmpty(resourceVersion) && resourceVersion != "0")
        {
            if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var requested))
            {
                throw ApiException.BadRequest($"invalid resource version: {resourceVersion}");
            }

            await WaitForResourceVersionAsync(requested, cancellationToken).ConfigureAwait(false);
            if (resourceVersionMatch == "Exact" || (string.IsNullOrEmpty(resourceVersionMatch) && limit > 0))
            {
                exactRv = requested;
            }
        }

        if (!string.IsNullOrEmpty(continueToken) && !string.IsNullOrEmpty(resourceVersion))
        {
            throw ApiException.BadRequest("specifying resource version is not allowed when using continue");
        }

        ImmutableSortedSet<StoredObject> state;
        long listRv;
        string? afterKey = null;
        // "0" means "any version": with a watch cache the server answers from it, whole; without one it reads storage, paginated.
        var ignoreLimit = resourceVersion == "0" && _options.ServeListsFromWatchCache;
        lock (Gate)
        {
            if (!string.IsNullOrEmpty(continueToken))
            {
                var (tokenRv, after) = ContinueToken.Decode(continueToken);
                afterKey = after;
                if (tokenRv == 0)
                {
                    state = store.Items;
                    listRv = CurrentResourceVersion;
                }
                else
                {
                    state = store.StateAt(tokenRv) ?? throw new ApiException(410, "Expired",
                        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
                    {
                        Continue = ContinueToken.Encode(0, after),
                    };
                    listRv = tokenRv;
                }
            }
            else if (exactRv is long rv)
            {
                state = store.StateAt(rv) ?? throw ApiException.Expired("The resourceVersion for the provided list is too old.");
                listRv = rv;
            }
            else
            {
                state = store.Items;
                listRv = CurrentResourceVersion;
            }
        }

        // Range of keys to scan: the namespace's prefix, after the continue key.
        int start = 0, end = state.Count;
        if (filter.Namespace is not null)
        {
            start = InsertionPoint(state, filter.Namespace + "/");
            end = InsertionPoint(state, filter.Namespace + "0");
        }

        if (afterKey is not null)
        {
            var i = state.IndexOf(StoredObject.Probe(afterKey));
            start = Math.Max(start, i >= 0 ? i + 1 : ~i);
        }

        var items = new List<StoredObject>();
        var max = ignoreLimit || limit is null or <= 0 ? int.MaxValue : limit.Value;
        var pos = start;
        for (; pos < end && items.Count < max; pos++)
        {
            var o = state[pos];
            if (filter.Matches(o))
            {
                items.Add(o);
            }
        }

        string? next = null;
        long? remaining = null;
        if (pos < end && items.Count > 0)
        {
            if (hasSelectors)
            {
                var more = false;
                for (var j = pos; j < end && !more; j++)
                {
                    more = filter.Matches(state[j]);
                }

                if (more)
                {
                    next = ContinueToken.Encode(listRv, items[^1].Key);
                }
            }
            else
            {
                next = ContinueToken.Encode(listRv, items[^1].Key);
                remaining = end - pos;
            }
        }

        return new ListPage(items, listRv, next, remaining);
    }

    private static int InsertionPoint(ImmutableSortedSet<StoredObject> set, string key)
    {
        var i = set.IndexOf(StoredObject.Probe(key));
        return i >= 0 ? i : ~i;
    }

    /// <summary>Waits (bounded by <see cref="EmulatorOptions.TooLargeResourceVersionWait"/>) for the RV to exist, then 504.</summary>
    public async Task WaitForResourceVersionAsync(long requested, CancellationToken cancellationToken)
    {
        if (requested <= CurrentResourceVersion)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_options.TooLargeResourceVersionWait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            while (requested > CurrentResourceVersion)
            {
                await ResourceVersionAdvanced.WaitAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ApiException.TooLargeResourceVersion(requested, CurrentResourceVersion);
        }
    }

    // ---------------------------------------------------------------- faults

    /// <summary>Compacts every resource's history: only the current resourceVersion stays valid.</summary>
    public long CompactNow()
    {
        lock (Gate)
        {
            var rv = CurrentResourceVersion;
            foreach (var s in Volatile.Read(ref _stores).Values)
            {
                s.CompactAll(rv);
            }

            return rv;
        }
    }

    // ---------------------------------------------------------------- custom resource definitions

    private static void ValidateCrd(ResourceType rt, string name, JsonObject body)
    {
        var spec = body["spec"] as JsonObject;
        var group = spec?["group"]?.GetValue<string>();
        var plural = spec?["names"]?["plural"]?.GetValue<string>();
        var kind = spec?["names"]?["kind"]?.GetValue<string>();
        if (string.IsNullOrEmpty(group) || string.IsNullOrEmpty(plural) || string.IsNullOrEmpty(kind))
        {
            throw ApiException.Invalid(rt, name, "spec", "FieldValueRequired", "Required value: spec.group, spec.names.plural and spec.names.kind are required");
        }

        if (name != plural + "." + group)
        {
            throw ApiException.Invalid(rt, name, "metadata.name", "FieldValueInvalid", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group");
        }

        if (spec!["versions"] is not JsonArray { Count: > 0 })
        {
            throw ApiException.Invalid(rt, name, "spec.versions", "FieldValueRequired", "Required value: must have exactly one version marked as storage version");
        }
    }

    private static JsonObject CrdStatus(JsonObject crd)
    {
        var names = crd["spec"]?["names"]?.DeepClone() ?? new JsonObject();
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["acceptedNames"] = names,
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["reason"] = "NoConflicts", ["message"] = "no conflicts found", ["lastTransitionTime"] = now },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted", ["lastTransitionTime"] = now }),
            ["storedVersions"] = new JsonArray((crd["spec"]?["versions"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(v => v["storage"]?.GetValue<bool>() == true).Select(v => (JsonNode?)JsonValue.Create(v["name"]?.GetValue<string>())).ToArray()),
        };
    }

    private static IEnumerable<ResourceType> CrdTypes(JsonObject crd)
    {
        var spec = (JsonObject)crd["spec"]!;
        var group = spec["group"]!.GetValue<string>();
        var names = (JsonObject)spec["names"]!;
        var plural = names["plural"]!.GetValue<string>();
        var kind = names["kind"]!.GetValue<string>();
        var singular = names["singular"]?.GetValue<string>() ?? kind.ToLowerInvariant();
        var shortNames = (names["shortNames"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToArray() ?? [];
        var categories = (names["categories"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToArray() ?? [];
        var namespaced = spec["scope"]?.GetValue<string>() != "Cluster";
        foreach (var v in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (v["served"]?.GetValue<bool>() == false)
            {
                continue;
            }

            var fields = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var f in (v["selectableFields"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var path = f["jsonPath"]?.GetValue<string>()?.TrimStart('.');
                if (!string.IsNullOrEmpty(path))
                {
                    fields[path] = path.Split('.');
                }
            }

            yield return new ResourceType
            {
                Group = group,
                Version = v["name"]!.GetValue<string>(),
                Plural = plural,
                Kind = kind,
                Singular = singular,
                ShortNames = shortNames,
                Namespaced = namespaced,
                HasStatusSubresource = v["subresources"]?["status"] is not null,
                TracksGeneration = true,
                IsCustom = true,
                SelectableFields = fields,
                Categories = categories,
                Scale = v["subresources"]?["scale"] is JsonObject scale ? new ScaleSubresource(
                    scale["specReplicasPath"]?.GetValue<string>()?.TrimStart('.') ?? "spec.replicas",
                    scale["statusReplicasPath"]?.GetValue<string>()?.TrimStart('.') ?? "status.replicas",
                    scale["labelSelectorPath"]?.GetValue<string>()?.TrimStart('.')) : null,
                PrinterColumns = (v["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>().Select(c => new PrinterColumn(
                    c["name"]?.GetValue<string>() ?? string.Empty,
                    c["type"]?.GetValue<string>() ?? "string",
                    c["jsonPath"]?.GetValue<string>()?.TrimStart('.') ?? string.Empty,
                    c["description"]?.GetValue<string>() ?? string.Empty,
                    c["priority"]?.GetValue<int>() ?? 0)).ToArray(),
                CustomSchema = v["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject,
            };
        }
    }

    private void RegisterCrd(JsonObject crd)
    {
        var stores = _stores;
        foreach (var t in CrdTypes(crd))
        {
            if (stores.TryGetValue(t.Id, out var existing))
            {
                if (existing.Type.IsCustom)
                {
                    existing.Type = t;
                }
            }
            else
            {
                // Like the watch cache a real server starts for a new resource, its history begins now: a watch from an
                // older resourceVersion is 410 Expired.
                var created = new ResourceStore(t);
                created.CompactAll(CurrentResourceVersion);
                stores = stores.Add(t.Id, created);
            }
        }

        Volatile.Write(ref _stores, stores);
    }

    private void UnregisterCrd(JsonObject crd)
    {
        var stores = _stores;
        var spec = crd["spec"] as JsonObject;
        var group = spec?["group"]?.GetValue<string>();
        var plural = spec?["names"]?["plural"]?.GetValue<string>();
        foreach (var (id, store) in stores)
        {
            if (store.Type.IsCustom && id.Group == group && id.Plural == plural)
            {
                store.Remove();
                stores = stores.Remove(id);
            }
        }

        Volatile.Write(ref _stores, stores);
    }

    internal static JsonObject ParseObject(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonNode.Parse(utf8) as JsonObject ?? throw ApiException.BadRequest("the request body must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest($"the object provided is unrecognized or malformed: {ex.Message}");
        }
    }
}
