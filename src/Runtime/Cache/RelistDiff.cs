namespace KubeInformers;

/// <summary>What a relist means for one cached object.</summary>
internal enum RelistChangeKind : byte
{
    /// <summary>Listed, not cached: a new object.</summary>
    Added,
    /// <summary>Listed and cached with another resourceVersion: the object changed while the watch was down.</summary>
    Updated,
    /// <summary>Listed and cached with the same resourceVersion: unchanged, delivered like a periodic resync.</summary>
    Resynced,
    /// <summary>Cached, not listed: deleted while the watch was down (client-go's <c>DeletedFinalStateUnknown</c>).</summary>
    DeletedFinalStateUnknown,
}

/// <summary>One change a relist implies.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Key">The object's cache key.</param>
/// <param name="Object">The listed object; for a tombstone, the last cached state.</param>
/// <param name="Old">The state it replaces (the cached object, or an earlier item of the same list); null for an add and a tombstone.</param>
internal readonly record struct RelistChange<T>(RelistChangeKind Kind, string Key, T Object, T? Old) where T : class;

/// <summary>
/// The relist diff: given what the cache holds and a full list from the server, the changes that bring the cache to the
/// list, as client-go's DeltaFIFO <c>Replace</c> followed by its pop loop would report them. A pure function: it reads the
/// cache through <see cref="IKnownObjects{T}"/> and changes nothing.
/// </summary>
/// <remarks>
/// <para>Order: the listed keys in the order of their first appearance in the list (a key listed twice gives its changes
/// one after the other, the second an update of the first, as a queue that keeps one entry per key would); then one
/// tombstone per cached key missing from the list, in <see cref="IKnownObjects{T}.ListKeys"/> order.</para>
/// <para>Classification of a listed object: not cached (and not listed before) → <see cref="RelistChangeKind.Added"/>;
/// otherwise its previous state has the same resourceVersion → <see cref="RelistChangeKind.Resynced"/>, else
/// <see cref="RelistChangeKind.Updated"/>. A resourceVersion that is null on both sides counts as the same.</para>
/// <para>Cost: one cache lookup per listed object and one key listing; the result is one array. The first list of an
/// informer does not come here when it can be loaded in one pass (see <see cref="Indexer{T}.TryLoad"/>).</para>
/// </remarks>
internal static class RelistDiff
{
    /// <summary>The changes that turn <paramref name="cache"/> into the list.</summary>
    /// <param name="keys">The listed objects' keys: <c>keys[i]</c> is the key of <c>objects[i]</c>.</param>
    /// <param name="objects">The listed objects, in list order.</param>
    /// <param name="cache">What the cache holds now.</param>
    /// <param name="resourceVersion">Reads an object's resourceVersion.</param>
    public static RelistChange<T>[] Compute<T>(IReadOnlyList<string> keys, IReadOnlyList<T> objects, IKnownObjects<T> cache,
        Func<T, string?> resourceVersion) where T : class
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(resourceVersion);
        if (keys.Count != objects.Count)
        {
            throw new ArgumentException($"{keys.Count} keys for {objects.Count} objects.", nameof(keys));
        }

        var order = ListOrder(keys);
        var cachedKeys = cache.ListKeys();
        var changes = new List<RelistChange<T>>(keys.Count + Math.Max(0, cachedKeys.Count - keys.Count));
        // The latest state of each key listed so far.
        var listed = new Dictionary<string, T>(keys.Count, StringComparer.Ordinal);
        foreach (var i in order)
        {
            var key = keys[i];
            var obj = objects[i];
            T? old;
            if (!listed.TryGetValue(key, out old) && !cache.TryGetByKey(key, out old))
            {
                old = null;
            }

            listed[key] = obj;
            var kind = old is null
                ? RelistChangeKind.Added
                : string.Equals(resourceVersion(old), resourceVersion(obj), StringComparison.Ordinal) ? RelistChangeKind.Resynced : RelistChangeKind.Updated;
            changes.Add(new RelistChange<T>(kind, key, obj, old));
        }

        foreach (var key in cachedKeys)
        {
            // A key that vanished from the cache meanwhile has nothing left to report.
            if (!listed.ContainsKey(key) && cache.TryGetByKey(key, out var gone))
            {
                changes.Add(new RelistChange<T>(RelistChangeKind.DeletedFinalStateUnknown, key, gone, null));
            }
        }

        return [.. changes];
    }

    /// <summary>
    /// The list indexes in the order their changes are reported: list order, except that a repeated key's later items
    /// move up to follow its first one.
    /// </summary>
    private static int[] ListOrder(IReadOnlyList<string> keys)
    {
        var order = new int[keys.Count];
        var first = new Dictionary<string, int>(keys.Count, StringComparer.Ordinal);
        var repeated = false;
        for (var i = 0; i < keys.Count; i++)
        {
            order[i] = i;
            repeated |= !first.TryAdd(keys[i], i);
        }

        if (repeated)
        {
            // Stable: items of one key keep their list order; keys keep the order of their first appearance.
            order = [.. order.OrderBy(i => first[keys[i]]).ThenBy(i => i)];
        }

        return order;
    }
}
