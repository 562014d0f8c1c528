using k8s.Models;
using KubeInformers.Tests.TestSupport;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static KubeInformers.Tests.TestSupport.FlowObjects;

namespace KubeInformers.Tests.Informers;

/// <summary>
/// The informer's pipeline: changes applied to the cache on the reflector's thread, the first list loaded straight into
/// the cache (and its fallback to applying the list object by object through the relist diff), per-key order and
/// handler isolation under many changes.
/// </summary>
public sealed class InformerPipelineTests : IAsyncLifetime
{
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FlowScriptedListWatch<V1ConfigMap> _source;
    private readonly CancellationTokenSource _stop = new();
    private readonly FakeLoggerProvider _logs = new();
    private Task? _run;

    public InformerPipelineTests() => _source = new FlowScriptedListWatch<V1ConfigMap>(_time);

    private SharedIndexInformer<V1ConfigMap> Create(Func<V1ConfigMap, V1ConfigMap>? transform = null,
        IReadOnlyDictionary<string, IndexFunc<V1ConfigMap>>? indexers = null)
    {
        var informer = new SharedIndexInformer<V1ConfigMap>(_source, new SharedIndexInformerOptions<V1ConfigMap>
        {
            Resource = ConfigMaps,
            Indexers = indexers,
            Reflector = new ReflectorOptions { WatchIdleTimeout = null },
        }, new Microsoft.Extensions.Logging.LoggerFactory([_logs]), _time);
        if (transform is not null)
        {
            informer.SetTransform(transform);
        }

        return informer;
    }

    private void Run(SharedIndexInformer<V1ConfigMap> informer) => _run = informer.RunAsync(_stop.Token);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await Wait.ForAsync(_run, "the informer to stop");
        }
    }

    [Fact]
    public async Task The_first_list_is_cached_transformed_and_indexed_and_delivered_as_initial_adds_in_list_order()
    {
        var names = Enumerable.Range(0, 50).Select(i => $"cm-{i:D2}").ToArray();
        _source.List("10", [.. names.Select((n, i) => Cm(n, (100 + i).ToString(), data: i % 2 == 0 ? "even" : "odd"))])
            .Watch(FlowFakeWatch<V1ConfigMap>.Open());
        var informer = Create(
            transform: cm => { cm.Metadata.Labels = new Dictionary<string, string> { ["t"] = "1" }; return cm; },
            indexers: new Dictionary<string, IndexFunc<V1ConfigMap>> { ["data"] = cm => cm.Data?.Values ?? [] });
        var handler = new RecordingHandler();
        var registration = informer.AddEventHandler(handler);

        Run(informer);
        Assert.True(await Wait.ForAsync(informer.WaitForCacheSyncAsync(), "the cache sync"));
        await Wait.UntilAsync(() => registration.HasSynced, "the registration to sync");

        Assert.Equal([.. names.Select((n, i) => $"add {n}@{100 + i} initial")], handler.Events);
        Assert.Equal(50, informer.CacheCount);
        Assert.All(informer.Indexer.List(), cm => Assert.Equal("1", cm.Metadata.Labels["t"]));
        Assert.Equal(25, informer.Indexer.ByIndex("data", "even").Count);
        Assert.Equal(50, informer.Indexer.IndexKeys(StandardIndexes.Namespace, "ns").Count);
    }

    [Fact]
    public async Task A_first_list_with_a_repeated_key_is_applied_object_by_object_and_handlers_see_an_add_then_an_update()
    {
        _source.List("10", Cm("a", "1"), Cm("b", "2"), Cm("a", "3")).Watch(FlowFakeWatch<V1ConfigMap>.Open());
        var informer = Create();
        var handler = new RecordingHandler();
        var registration = informer.AddEventHandler(handler);

        Run(informer);
        Assert.True(await Wait.ForAsync(informer.WaitForCacheSyncAsync(), "the cache sync"));
        await Wait.UntilAsync(() => registration.HasSynced && handler.Count == 3, "the registration to sync");

        Assert.Equal(["add a@1 initial", "update a@1->3", "add b@2 initial"], handler.Events);
        Assert.Equal("3", informer.Indexer.GetByKey("ns/a")!.Metadata.ResourceVersion);
        Assert.Equal(2, informer.CacheCount);
    }

    [Fact]
    public async Task A_first_list_whose_index_function_fails_for_one_object_still_syncs_the_others_and_logs_the_failure()
    {
        _source.List("10", Cm("a", "1"), Cm("bad", "2"), Cm("c", "3")).Watch(FlowFakeWatch<V1ConfigMap>.Open());
        var informer = Create(indexers: new Dictionary<string, IndexFunc<V1ConfigMap>>
        {
            ["picky"] = cm => cm.Metadata.Name == "bad" ? throw new InvalidOperationException("index bug") : [cm.Metadata.Name],
        });
        var handler = new RecordingHandler();
        informer.AddEventHandler(handler);

        Run(informer);
        Assert.True(await Wait.ForAsync(informer.WaitForCacheSyncAsync(), "the cache sync"));
        await Wait.UntilAsync(() => handler.Count == 2, "the two good objects");

        Assert.Equal(["add a@1 initial", "add c@3 initial"], handler.Events);
        Assert.Equal(["ns/a", "ns/c"], informer.Indexer.ListKeys().Order());
        Assert.Equal(["ns/a"], informer.Indexer.IndexKeys("picky", "a"));
        Assert.Contains(_logs.Collector.GetSnapshot(), r => r.Id.Id == 1105 && r.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Many_interleaved_changes_reach_every_handler_in_per_key_order_and_the_cache_ends_at_the_last_state()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10", Cm("k0", "1")).Watch(watch);
        var informer = Create();
        var first = new RecordingHandler();
        var second = new RecordingHandler();
        informer.AddEventHandler(first);
        informer.AddEventHandler(second);
        Run(informer);
        Assert.True(await Wait.ForAsync(informer.WaitForCacheSyncAsync(), "the cache sync"));

        var expected = new Dictionary<string, List<string>> { ["k0"] = ["add k0@1 initial"] };
        var last = new Dictionary<string, string> { ["k0"] = "1" };
        var total = 1;
        for (var i = 0; i < 600; i++)
        {
            var key = "k" + (i % 7);
            var rv = (100 + i).ToString();
            if (last.TryGetValue(key, out var previous))
            {
                watch.Send(Modified(key, rv));
                expected[key].Add($"update {key}@{previous}->{rv}");
            }
            else
            {
                watch.Send(Added(key, rv));
                expected[key] = [$"add {key}@{rv}"];
            }

            last[key] = rv;
            total++;
        }

        await Wait.UntilAsync(() => first.Count == total && second.Count == total, "every change to both handlers");
        foreach (var handler in new[] { first, second })
        {
            foreach (var (key, events) in expected)
            {
                Assert.Equal(events, handler.Events.Where(e => e.Split(' ')[1].StartsWith(key + "@", StringComparison.Ordinal)));
            }
        }

        Assert.All(last, kv => Assert.Equal(kv.Value, informer.Indexer.GetByKey("ns/" + kv.Key)!.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task A_blocked_handler_holds_up_neither_the_cache_nor_the_watch()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10", Cm("a", "5")).Watch(watch);
        var informer = Create();
        using var gate = new ManualResetEventSlim();
        var blocked = new RecordingHandler { Before = _ => gate.Wait(TimeSpan.FromSeconds(30)) };
        var registration = informer.AddEventHandler(blocked);
        Run(informer);

        for (var i = 0; i < 200; i++)
        {
            watch.Send(Modified("a", (6 + i).ToString()));
        }

        // The changes are applied on the reflector's thread, so a handler that never returns must not stall it.
        await Wait.UntilAsync(() => informer.Indexer.GetByKey("ns/a")?.Metadata.ResourceVersion == "205", "the cache to reach the last change");
        Assert.Equal("205", informer.LastSyncResourceVersion);
        Assert.Equal(0, blocked.Count);
        Assert.True(registration.PendingNotifications >= 200, $"pending {registration.PendingNotifications}");

        gate.Set();
        await Wait.UntilAsync(() => blocked.Count == 201, "the handler to catch up");
    }
}
