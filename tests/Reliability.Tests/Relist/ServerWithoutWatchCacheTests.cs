using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Reliability.Harness;

namespace KubeInformers.Reliability.Tests.Relist;

/// <summary>
/// The reflector against a server without a watch cache (<see cref="EmulatorOptions.ServeListsFromWatchCache"/> false):
/// its first list comes back paginated, so it pages its relists at its last version too; after a compaction the server
/// answers that relist 410 Gone, and the reflector falls back to a consistent list and ends up with the server's state.
/// With the watch cache, the same faults never make a list fail: the relist is unpaginated and served newest.
/// </summary>
public sealed class ServerWithoutWatchCacheTests
{
    private const string ListTooOld = "The resourceVersion for the provided list is too old.";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task After_compaction_the_exact_relist_gets_410_from_a_server_without_a_watch_cache_and_a_consistent_list_recovers(bool watchCache)
    {
        await using var emulator = await KubernetesEmulator.StartAsync(new EmulatorOptions { ServeListsFromWatchCache = watchCache });
        for (var i = 0; i < 5; i++)
        {
            emulator.Seed(ConfigMap("cm" + i));
        }

        using var client = new Kubernetes(emulator.CreateClientConfiguration());
        var store = new ReplaceRecordingStore();
        var errors = new List<Exception>();
        var reflector = new Reflector<V1ConfigMap>(new HttpListWatch<V1ConfigMap>(client, ReliabilityRig.ConfigMaps, new ListWatchOptions { Namespace = "rel" }), store,
            new ReflectorOptions { PageSize = 2, WatchIdleTimeout = null });
        reflector.SetWatchErrorHandler(e => { lock (errors) errors.Add(e); });
        using var stop = new CancellationTokenSource();
        var run = reflector.RunAsync(stop.Token);
        try
        {
            await Wait.UntilAsync(() => store.Replaces.Count == 1 && emulator.Faults.OpenWatchCount == 1, () => $"the first sync and watch: {store}", TimeSpan.FromSeconds(20));

            // A change the reflector cannot see (its watch is stalled), then the history is compacted and the watch dropped.
            emulator.Faults.StallWatches();
            emulator.Seed(ConfigMap("later"));
            emulator.Faults.CompactHistory();
            emulator.Faults.ResetWatches();
            emulator.Faults.ResumeWatches();

            await Wait.UntilAsync(() => store.Replaces.Count == 2, () => $"the relist: {store}; errors: {Describe(errors)}", TimeSpan.FromSeconds(20));
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(6, store.Replaces[^1]);
        lock (errors)
        {
            var listTooOld = errors.OfType<KubernetesApiException>().Count(e => e.IsExpired && e.Status.Message == ListTooOld);
            Assert.Equal(watchCache ? 0 : 1, listTooOld);
        }
    }

    private static string Describe(List<Exception> errors)
    {
        lock (errors)
        {
            return string.Join("; ", errors.Select(e => e.Message));
        }
    }

    private static V1ConfigMap ConfigMap(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "rel" },
    };

    /// <summary>Records the size of each Replace (each completed list).</summary>
    private sealed class ReplaceRecordingStore : IReflectorStore<V1ConfigMap>
    {
        private readonly object _gate = new();
        private readonly List<int> _replaces = [];

        public IReadOnlyList<int> Replaces { get { lock (_gate) return [.. _replaces]; } }

        public void Add(V1ConfigMap obj) { }
        public void Update(V1ConfigMap obj) { }
        public void Delete(V1ConfigMap obj) { }
        public void Replace(IReadOnlyList<V1ConfigMap> list, string resourceVersion) { lock (_gate) _replaces.Add(list.Count); }
        public void Resync() { }

        public override string ToString() => "replaces [" + string.Join(", ", Replaces) + "]";
    }
}
