using System.Diagnostics;
using k8s;
using k8s.Models;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>The ways of getting N Pods from the server into a cache, measured side by side.</summary>
public static class SyncPaths
{
    /// <summary>The paths whose informer delivers watch events to a handler (measured for events/s in a fresh process).</summary>
    public static bool Watches(string path) => path is "ours" or "ours-late" or "ours-kubeconfig" or "ours-1thread" or "ours-stj" or "ours-lean" or "projection" or "metadata-only";

    /// <summary>Every path the harness knows, in report order.</summary>
    public static readonly string[] All = ["floor", "naive", "ours", "ours-late", "ours-kubeconfig", "ours-1thread", "ours-stj", "ours-lean", "projection", "metadata-only"];

    /// <summary>What a path is, for the report.</summary>
    public static string Describe(string path) => path switch
    {
        "floor" => "floor: KubernetesJson.Deserialize<V1PodList> from memory + Dictionary",
        "naive" => "naive: KubernetesClient ListPodForAllNamespacesAsync + Dictionary",
        "ours" => "KubeInformers informer (default options: compiled readers)",
        "ours-late" => "KubeInformers informer, default options but ConnectEarly = false (the connection is opened by the first list)",
        "ours-kubeconfig" => "KubeInformers informer (default options), kubeconfig loaded by KubeInformers' KubeConfig.BuildConfigFromConfigFile instead of KubernetesClient's",
        "ours-1thread" => "KubeInformers informer, list decoded on the reading thread only (ListDecodeParallelism = 1)",
        "ours-stj" => "KubeInformers informer, compiled readers off (JsonSerializer decodes)",
        "ours-lean" => "KubeInformers informer, managedFields dropped by a transform",
        "projection" => "KubeInformers projection informer: 4 fields (nodeName, phase, labels, container images) + identity, generated reader",
        "metadata-only" => "KubeInformers metadata-only projection informer (name, namespace, uid, resourceVersion)",
        "client-node" => "@kubernetes/client-node 1.4.0 `makeInformer` on Node.js (tests/Benchmarks/Peers/client-node), the peer",
        "aot" => "KubeInformers informer (default options) in samples/AotWatcher published with Native AOT; kubeconfig loaded by KubernetesClient.Aot",
        "aot-projection" => "the 4-field projection informer in the same Native AOT binary",
        _ => path,
    };

    internal static readonly ResourceDescriptor Pods = new("", "v1", "pods", "Pod", Namespaced: true);

    /// <summary>
    /// Runs one path and returns the cache it built (kept alive by the caller for memory measurement).
    /// <paramref name="listBody"/> is used by the floor path only; the others talk to <paramref name="client"/>.
    /// <paramref name="onUpdate"/>, when given, is called for every watch update an informer path delivers to a handler.
    /// </summary>
    public static async Task<object> RunAsync(string path, Kubernetes? client, byte[]? listBody, int expected, CancellationToken ct, Action? onUpdate = null)
    {
        switch (path)
        {
            case "floor":
            {
                using var ms = new MemoryStream(listBody ?? throw new ArgumentNullException(nameof(listBody)), writable: false);
                var list = KubernetesJson.Deserialize<V1PodList>(ms);
                return ToDictionary(list.Items);
            }
            case "naive":
            {
                ArgumentNullException.ThrowIfNull(client);
                var list = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false);
                return ToDictionary(list.Items);
            }
            case "ours":
            case "ours-late":
            case "ours-kubeconfig":
            case "ours-1thread":
            case "ours-stj":
            case "ours-lean":
            {
                ArgumentNullException.ThrowIfNull(client);
                var options = new SharedInformerFactoryOptions { CompiledReaders = path != "ours-stj" };
                if (path == "ours-late")
                    options.ConnectEarly = false;
                if (path == "ours-1thread")
                    options.ListDecodeParallelism = 1;
                if (path == "ours-lean")
                    options.StripManagedFields = true;
                var factory = new SharedInformerFactory(client, options);
                var informer = factory.InformerFor<V1Pod>(Pods);
                if (onUpdate is not null) informer.AddEventHandler(new ResourceEventHandler<V1Pod> { Updated = (_, _) => onUpdate() });
                factory.Start();
                await factory.WaitForCacheSyncAsync(ct).ConfigureAwait(false); // throws if it stops or ct is cancelled first
                if (informer.CacheCount != expected)
                    throw new InvalidOperationException($"The informer cached {informer.CacheCount} Pods, expected {expected}.");
                return new InformerHolder(factory, informer);
            }
            case "projection":
                return await ProjectedAsync<BenchPodSummary>(client ?? throw new ArgumentNullException(nameof(client)), expected, onUpdate, ct).ConfigureAwait(false);
            case "metadata-only":
                return await ProjectedAsync<BenchPodMetadata>(client ?? throw new ArgumentNullException(nameof(client)), expected, onUpdate, ct).ConfigureAwait(false);
            default:
                throw new ArgumentException($"Unknown path '{path}'. Known: {string.Join(", ", All)}");
        }
    }

    private static async Task<object> ProjectedAsync<T>(Kubernetes client, int expected, Action? onUpdate, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var factory = new SharedInformerFactory(client);
        var informer = factory.InformerFor<T>(Pods);
        if (onUpdate is not null) informer.AddEventHandler(new ResourceEventHandler<T> { Updated = (_, _) => onUpdate() });
        factory.Start();
        await factory.WaitForCacheSyncAsync(ct).ConfigureAwait(false); // throws if it stops or ct is cancelled first
        if (informer.CacheCount != expected)
            throw new InvalidOperationException($"The projection informer cached {informer.CacheCount} Pods, expected {expected}.");
        return new ProjectionHolder(factory, informer.CacheCount);
    }

    /// <summary>Releases what <see cref="RunAsync"/> built.</summary>
    public static async Task ReleaseAsync(object cache)
    {
        if (cache is InformerHolder h) await h.Factory.DisposeAsync().ConfigureAwait(false);
        if (cache is ProjectionHolder p) await p.Factory.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The number of objects a cache holds.</summary>
    public static int Count(object cache) => cache switch
    {
        Dictionary<string, V1Pod> d => d.Count,
        InformerHolder h => h.Informer.CacheCount,
        ProjectionHolder p => p.Count,
        _ => -1,
    };

    private static Dictionary<string, V1Pod> ToDictionary(IList<V1Pod> items)
    {
        var d = new Dictionary<string, V1Pod>(items.Count);
        foreach (var p in items) d[p.Metadata.NamespaceProperty + "/" + p.Metadata.Name] = p;
        return d;
    }

    /// <summary>Holds an informer and its factory alive.</summary>
    public sealed record InformerHolder(SharedInformerFactory Factory, SharedIndexInformer<V1Pod> Informer);

    /// <summary>Holds a projection informer's factory (and so its cache) alive.</summary>
    public sealed record ProjectionHolder(SharedInformerFactory Factory, int Count);

    /// <summary>Measures <paramref name="action"/> in milliseconds.</summary>
    public static async Task<(double Ms, T Result)> TimeAsync<T>(Func<Task<T>> action)
    {
        var sw = Stopwatch.StartNew();
        var r = await action().ConfigureAwait(false);
        return (sw.Elapsed.TotalMilliseconds, r);
    }

    /// <summary>Managed heap after a full, compacting, blocking collection.</summary>
    public static long HeapAfterFullGc()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
