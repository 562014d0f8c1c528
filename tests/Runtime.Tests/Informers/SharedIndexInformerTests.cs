using k8s.Models;
using KubeInformers.Tests.TestSupport;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static KubeInformers.Tests.TestSupport.FlowObjects;

namespace KubeInformers.Tests.Informers;

/// <summary>SEMANTICS 24–29 and the informer's other promises.</summary>
public sealed class SharedIndexInformerTests : IAsyncLifetime
{
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);

    private readonly TrackingTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FlowScriptedListWatch<V1ConfigMap> _source;
    private readonly CancellationTokenSource _stop = new();
    private readonly FakeLoggerProvider _logs = new();
    private SharedIndexInformer<V1ConfigMap>? _informer;
    private Task? _run;

    public SharedIndexInformerTests() => _source = new FlowScriptedListWatch<V1ConfigMap>(_time);

    private SharedIndexInformer<V1ConfigMap> Create(TimeSpan defaultResync = default, Func<V1ConfigMap, V1ConfigMap>? transform = null,
        IReadOnlyDictionary<string, IndexFunc<V1ConfigMap>>? indexers = null)
    {
        _informer = new SharedIndexInformer<V1ConfigMap>(_source, new SharedIndexInformerOptions<V1ConfigMap>
        {
            Resource = ConfigMaps,
            DefaultResyncPeriod = defaultResync,
            Indexers = indexers,
            Reflector = new ReflectorOptions { WatchIdleTimeout = null },
        }, new Microsoft.Extensions.Logging.LoggerFactory([_logs]), _time);
        if (transform is not null)
        {
            _informer.SetTransform(transform);
        }

        return _informer;
    }

    private void Run() => _run = _informer!.RunAsync(_stop.Token);

    private async Task StopAsync()
    {
        _stop.Cancel();
        if (_run is not null)
        {
            await Wait.ForAsync(_run, "the informer to stop");
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await StopAsync();

    [Fact]
    public async Task Initial_list_arrives_as_initial_adds_then_watch_changes_follow_and_the_cache_matches()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10", Cm("a", "5"), Cm("b", "6")).Watch(watch);
        var informer = Create();
        var handler = new RecordingHandler();
        var registration = informer.AddEventHandler(handler);

        Run();
        Assert.True(await Wait.ForAsync(informer.WaitForCacheSyncAsync(), "the cache sync"));
        await Wait.UntilAsync(() => registration.HasSynced, "the registration to sync");
        Assert.Equal(["add a@5 initial", "add b@6 initial"], handler.Events);

        watch.Send(Added("c", "11")).Send(Modified("a", "12")).Send(Deleted("b", "13"));
        await Wait.UntilAsync(() => handler.Count == 5, "the watch changes");

        // A watch DELETED event carries the object's last state (with the delete's resourceVersion).
        Assert.Equal(["add a@5 initial", "add b@6 initial", "add c@11", "update a@5->12", "delete b@13"], handler.Events);
        Assert.Equal(["ns/a", "ns/c"], informer.Indexer.ListKeys().Order());
        Assert.Equal("12", informer.Indexer.GetByKey("ns/a")!.Metadata.ResourceVersion);
        Assert.Equal(["ns/a", "ns/c"], informer.Indexer.IndexKeys(StandardIndexes.Namespace, "ns").Order());
        Assert.Equal(2, informer.CacheCount);
        Assert.Equal("13", informer.LastSyncResourceVersion);
    }

    [Fact]
    public async Task An_empty_initial_list_syncs()
    {
        _source.List("10");
        var informer = Create();

        Run();

        Assert.True(await Wait.ForAsync(informer.WaitForCacheSyncAsync(), "the sync of an empty list"));
        Assert.True(informer.HasSynced);
    }

    // SEMANTICS 24
    [Fact]
    public async Task After_a_watch_reset_a_handler_without_resync_gets_only_changes_and_one_due_for_resync_gets_all()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10", Cm("pod1", "1"), Cm("pod2", "2")).Watch(watch)
            .List("20", Cm("pod1", "1"), Cm("pod2", "3"), Cm("pod3", "4"));
        var informer = Create();
        var plain = new RecordingHandler();
        var resyncing = new RecordingHandler();
        informer.AddEventHandler(plain, TimeSpan.Zero);
        informer.AddEventHandler(resyncing, TimeSpan.FromMinutes(1));
        Run();
        await Wait.UntilAsync(() => plain.Count == 2 && resyncing.Count == 2, "the initial adds");

        await Wait.DriveUntilAsync(_time, () => resyncing.Count == 4, "the periodic resync", step: TimeSpan.FromSeconds(5));
        watch.Fail(Expired());
        await Wait.DriveUntilAsync(_time, () => plain.Count == 4 && resyncing.Count == 7, "the relist's notifications");

        Assert.Equal(["update pod2@2->3", "add pod3@4"], plain.Events.Skip(2));
        Assert.Equal(["resync pod1@1", "update pod2@2->3", "add pod3@4"], resyncing.Events.Skip(4));
    }

    // SEMANTICS 25
    [Fact]
    public async Task Each_handler_is_resynced_on_its_own_period_and_the_informer_checks_at_the_smallest()
    {
        _source.List("10", Cm("a", "5"));
        var informer = Create(defaultResync: TimeSpan.FromHours(12));
        var check = TimeSpan.FromSeconds(5);
        var periods = new[] { TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(55), check };
        var handlers = periods.Select(_ => new RecordingHandler(_time)).ToArray();
        for (var i = 0; i < periods.Length; i++)
        {
            informer.AddEventHandler(handlers[i], periods[i]);
        }

        Assert.Equal(check, informer.ResyncCheckPeriod);
        var start = _time.GetUtcNow(); // the handlers' periods count from here (no fake time passes until the loop below)
        Run();
        await Wait.UntilAsync(() => handlers.All(h => h.Count == 1) && _source.OpenedWatches.Count == 1, "the initial adds and the watch");
        var watch = _source.OpenedWatches.Single();

        // 25 checks (125 s), one at a time. Before each, the informer is parked: the resync check timer is its only timer,
        // the watch has been read, and the 5 s handler (due at every check) has had the previous check's resync, so that
        // check's Sync has been handed to every handler due for it and cannot mix with the next check's.
        const int checks = 25;
        for (var tick = 1; tick <= checks; tick++)
        {
            var timer = await _time.WaitUntilParkedAsync(1, () => watch.IsWaitingForEvents && handlers[3].TimesOf("resync").Count == tick - 1,
                $"the informer idle before resync check {tick}", () => Resyncs(handlers));
            Assert.Equal(start + check * tick, timer[0].Due);
            _time.AdvanceToNextTimer();
        }

        await _time.WaitUntilParkedAsync(1, () => watch.IsWaitingForEvents && handlers[3].TimesOf("resync").Count == checks, "the last check's resync", () => Resyncs(handlers));

        // A real update queues behind every resync already decided: once each handler has it, nothing is left in flight.
        watch.Send(Modified("a", "6"));
        await Wait.UntilAsync(() => handlers.All(h => h.Events.Contains("update a@5->6")), "the update to reach every handler");

        Assert.Empty(handlers[0].TimesOf("resync"));
        Assert.Equal(2, handlers[1].TimesOf("resync").Count);  // at 60 and 120 s
        Assert.Equal(2, handlers[2].TimesOf("resync").Count);  // at 55 and 110 s
        Assert.Equal(checks, handlers[3].TimesOf("resync").Count);
        Assert.Equal([.. Enumerable.Range(1, checks).Select(k => start + check * k)], handlers[3].TimesOf("resync"));

        // A delivery can only lag its check, so "never before its period is due" is exact.
        foreach (var (handler, period) in handlers.Zip(periods).Skip(1))
        {
            var times = handler.TimesOf("resync");
            for (var k = 0; k < times.Count; k++)
            {
                Assert.True(times[k] - start >= period * (k + 1), $"resync {k + 1} of the {period} handler came after only {times[k] - start}");
            }
        }
    }

    private static string Resyncs(IEnumerable<RecordingHandler> handlers) =>
        "resyncs per handler: " + string.Join(", ", handlers.Select(h => h.TimesOf("resync").Count));

    [Fact]
    public void Resync_periods_below_one_second_are_raised_to_one_second()
    {
        var informer = Create();

        informer.AddEventHandler(new RecordingHandler(), TimeSpan.FromMilliseconds(100));

        Assert.Equal(TimeSpan.FromSeconds(1), informer.ResyncCheckPeriod);
    }

    // SEMANTICS 26
    [Fact]
    public async Task A_resync_redelivers_the_same_object_and_a_real_update_does_not_wait_for_it()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10", Cm("a", "5")).Watch(watch);
        var informer = Create();
        V1ConfigMap? oldSeen = null, newSeen = null;
        var resyncs = 0;
        informer.AddEventHandler(new ResourceEventHandler<V1ConfigMap>
        {
            Updated = (o, n) =>
            {
                if (o.Metadata.ResourceVersion == n.Metadata.ResourceVersion)
                {
                    oldSeen = o;
                    newSeen = n;
                    Interlocked.Increment(ref resyncs);
                }
            },
        }, TimeSpan.FromMinutes(1));
        var other = new RecordingHandler();
        informer.AddEventHandler(other, TimeSpan.FromMinutes(1));
        Run();
        await Wait.UntilAsync(() => other.Count == 1, "the initial add");

        await Wait.DriveUntilAsync(_time, () => Volatile.Read(ref resyncs) == 1, "the resync", step: TimeSpan.FromSeconds(1));
        Assert.Same(oldSeen, newSeen);
        Assert.Same(informer.Indexer.GetByKey("ns/a"), newSeen);

        // No fake time passes from here on: the update cannot be waiting for a resync tick.
        watch.Send(Modified("a", "6"));
        await Wait.UntilAsync(() => other.Events.Contains("update a@5->6"), "the real update, with no fake time passing");
    }

    // SEMANTICS 27
    [Fact]
    public async Task Adding_a_handler_to_a_stopped_informer_fails()
    {
        _source.List("10");
        var informer = Create();
        Run();
        await informer.WaitForCacheSyncAsync();

        await StopAsync();

        Assert.True(informer.IsStopped);
        Assert.Throws<InvalidOperationException>(() => informer.AddEventHandler(new RecordingHandler()));
        Assert.Throws<InvalidOperationException>(() => informer.AddIndexers(new Dictionary<string, IndexFunc<V1ConfigMap>> { ["x"] = _ => [] }));
    }

    [Fact]
    public async Task A_handler_added_while_running_gets_the_cache_as_initial_adds_then_later_changes()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10", Cm("a", "5"), Cm("b", "6")).Watch(watch);
        var informer = Create();
        Run();
        await informer.WaitForCacheSyncAsync();
        await Wait.UntilAsync(() => informer.CacheCount == 2, "the cache");

        var late = new RecordingHandler();
        var gate = new ManualResetEventSlim();
        late.Before = _ => gate.Wait(TimeSpan.FromSeconds(20));
        var registration = informer.AddEventHandler(late);
        Assert.False(registration.HasSynced);
        gate.Set();
        await Wait.UntilAsync(() => registration.HasSynced, "the late registration to sync");
        watch.Send(Modified("a", "7"));
        await Wait.UntilAsync(() => late.Count == 3, "the later change");

        Assert.Equal(["add a@5 initial", "add b@6 initial"], late.Events.Take(2).Order());
        Assert.Equal("update a@5->7", late.Events[2]);
    }

    [Fact]
    public async Task The_same_handler_registered_twice_gets_two_independent_registrations()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10", Cm("a", "5")).Watch(watch);
        var informer = Create();
        var handler = new RecordingHandler();
        var first = informer.AddEventHandler(handler);
        var second = informer.AddEventHandler(handler);
        Assert.NotSame(first, second);
        Run();
        await Wait.UntilAsync(() => handler.Count == 2, "both registrations' adds");

        informer.RemoveEventHandler(first);
        informer.RemoveEventHandler(first); // idempotent
        watch.Send(Modified("a", "6"));
        await Wait.UntilAsync(() => handler.Count == 3, "the update through the remaining registration");
        watch.Send(Modified("a", "7"));
        await Wait.UntilAsync(() => handler.Events.Contains("update a@6->7"), "the next update");

        Assert.Equal(["add a@5 initial", "add a@5 initial", "update a@5->6", "update a@6->7"], handler.Events);
    }

    // SEMANTICS 28
    [Fact]
    public async Task A_blocked_handler_does_not_delay_another_handler()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10", Cm("a", "5")).Watch(watch);
        var informer = Create();
        var gate = new ManualResetEventSlim();
        var slow = new RecordingHandler { Before = _ => gate.Wait(TimeSpan.FromSeconds(30)) };
        var fast = new RecordingHandler();
        var slowRegistration = informer.AddEventHandler(slow);
        informer.AddEventHandler(fast);
        Run();

        for (var i = 0; i < 100; i++)
        {
            watch.Send(Modified("a", (6 + i).ToString()));
        }

        await Wait.UntilAsync(() => fast.Count == 101, "the fast handler to get everything while the slow one is blocked");
        Assert.Equal(0, slow.Count);
        Assert.True(slowRegistration.PendingNotifications >= 99, $"pending {slowRegistration.PendingNotifications}");
        Assert.False(slowRegistration.HasSynced);

        gate.Set();
        await Wait.UntilAsync(() => slow.Count == 101, "the slow handler to catch up");
        Assert.Equal(fast.Events, slow.Events);
        Assert.True(slowRegistration.HasSynced);
    }

    // SEMANTICS 29
    [Fact]
    public async Task A_throwing_handler_is_logged_and_stops_neither_the_informer_nor_other_handlers()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10", Cm("a", "5")).Watch(watch);
        var informer = Create();
        var thrower = new RecordingHandler { Before = _ => throw new InvalidOperationException("handler bug") };
        var calls = 0;
        thrower.Before = _ => { Interlocked.Increment(ref calls); throw new InvalidOperationException("handler bug"); };
        var healthy = new RecordingHandler();
        var throwerRegistration = informer.AddEventHandler(thrower);
        informer.AddEventHandler(healthy);
        Run();

        watch.Send(Modified("a", "6")).Send(Added("b", "7"));
        await Wait.UntilAsync(() => healthy.Count == 3 && Volatile.Read(ref calls) == 3, "all notifications to both handlers");

        await Wait.UntilAsync(() => throwerRegistration.HasSynced, "the throwing registration to count as synced");
        Assert.False(informer.IsStopped);
        Assert.Equal(2, informer.CacheCount);
        Assert.Contains(_logs.Collector.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error && r.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task A_delete_missed_during_a_watch_outage_reaches_handlers_as_a_final_state_unknown_tombstone()
    {
        _source.List("10", Cm("a", "5"), Cm("b", "6"))
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(Expired()))
            .List("20", Cm("a", "5"));
        var informer = Create();
        var handler = new RecordingHandler();
        informer.AddEventHandler(handler);

        Run();
        await Wait.DriveUntilAsync(_time, () => handler.Events.Contains("delete b@6 unknown"), "the tombstone");

        Assert.Null(informer.Indexer.GetByKey("ns/b"));
        Assert.Equal(1, informer.CacheCount);
    }

    [Fact]
    public async Task Indexers_added_after_start_index_the_existing_objects_and_duplicates_are_rejected()
    {
        _source.List("10", Cm("a", "5", data: "x"), Cm("b", "6", data: "y"), Cm("c", "7", data: "x"));
        var informer = Create();
        Run();
        await informer.WaitForCacheSyncAsync();
        await Wait.UntilAsync(() => informer.CacheCount == 3, "the cache");

        informer.AddIndexers(new Dictionary<string, IndexFunc<V1ConfigMap>> { ["value"] = cm => cm.Data is { } d ? [d["value"]] : [] });

        Assert.Equal(["ns/a", "ns/c"], informer.Indexer.IndexKeys("value", "x").Order());
        Assert.Throws<ArgumentException>(() => informer.AddIndexers(new Dictionary<string, IndexFunc<V1ConfigMap>> { ["value"] = _ => [] }));
        Assert.Throws<ArgumentException>(() => informer.AddIndexers(new Dictionary<string, IndexFunc<V1ConfigMap>> { [StandardIndexes.Namespace] = _ => [] }));
    }

    [Fact] // SEMANTICS 31 while running: the informer serializes AddIndexers with the writes of its reflector
    public async Task Indexers_added_while_the_watch_delivers_changes_index_every_object()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("1000", Enumerable.Range(0, 1000).Select(i => Cm("k" + i, (i + 1).ToString(), data: "v" + (i % 4))).ToArray()).Watch(watch);
        var informer = Create();
        Run();
        await informer.WaitForCacheSyncAsync();

        var writer = Task.Run(() =>
        {
            for (var i = 1000; i < 3000; i++)
            {
                watch.Send(new WatchEvent<V1ConfigMap>(k8s.WatchEventType.Added, Cm("k" + i, (i + 1).ToString(), data: "v" + (i % 4))));
            }
        });
        informer.AddIndexers(new Dictionary<string, IndexFunc<V1ConfigMap>> { ["value"] = cm => cm.Data is { } d ? [d["value"]] : [] });
        await Wait.ForAsync(writer, "the watch events to be sent");
        await Wait.UntilAsync(() => informer.CacheCount == 3000, "every object in the cache");

        Assert.Equal(3000, informer.Indexer.ListIndexFuncValues("value").Sum(v => informer.Indexer.IndexKeys("value", v).Count));
        Assert.Equal(750, informer.Indexer.ByIndex("value", "v1").Count);
    }

    [Fact]
    public async Task The_watch_error_handler_is_set_before_start_only_and_receives_errors()
    {
        _source.ListFails(ConnectionRefused()).List("10");
        var informer = Create();
        var errors = new List<Exception>();
        informer.SetWatchErrorHandler(e => { lock (errors) errors.Add(e); });
        Run();

        Assert.Throws<InvalidOperationException>(() => informer.SetWatchErrorHandler(_ => { }));
        await Wait.DriveUntilAsync(_time, () => informer.HasSynced, "the sync after the failed list");
        lock (errors) Assert.IsType<HttpRequestException>(Assert.Single(errors));
        Assert.Null(informer.LastError);
        Assert.NotNull(informer.LastActivity);
    }

    [Fact]
    public async Task The_transform_runs_before_caching_and_handlers_see_the_transformed_object()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10", Cm("a", "5", data: "big")).Watch(watch);
        var informer = Create(transform: cm => { cm.Data = null; return cm; });
        var seen = new List<bool>();
        informer.AddEventHandler(new ResourceEventHandler<V1ConfigMap>
        {
            Added = (o, _) => { lock (seen) seen.Add(o.Data is null); },
            Updated = (_, n) => { lock (seen) seen.Add(n.Data is null); },
        });
        Run();
        watch.Send(Modified("a", "6", data: "big"));

        await Wait.UntilAsync(() => { lock (seen) return seen.Count == 2; }, "two notifications");
        lock (seen) Assert.All(seen, Assert.True);
        Assert.Null(informer.Indexer.GetByKey("ns/a")!.Data);
    }

    [Fact]
    public async Task SetTransform_is_allowed_before_start_only_and_the_last_one_set_is_used()
    {
        _source.List("10", Cm("a", "5"));
        var informer = Create();
        informer.SetTransform(_ => throw new InvalidOperationException("replaced, never called"));
        informer.SetTransform(cm => { cm.Data = new Dictionary<string, string> { ["by"] = "transform" }; return cm; });
        Assert.Throws<ArgumentNullException>(() => informer.SetTransform(null!));
        Run();

        Assert.Throws<InvalidOperationException>(() => informer.SetTransform(cm => cm));
        Assert.True(await Wait.ForAsync(informer.WaitForCacheSyncAsync(), "the sync"));
        Assert.Equal("transform", informer.Indexer.GetByKey("ns/a")!.Data["by"]);
    }

    [Fact]
    public async Task The_transform_runs_once_per_object_from_the_server_and_never_on_resyncs_tombstones_or_deletes_of_unknown_objects()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10", Cm("a", "5"), Cm("b", "6"))
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(Expired()))
            .List("20", Cm("a", "5"), Cm("c", "7"))
            .Watch(watch);
        var transformed = new List<string>();
        var informer = Create(transform: cm =>
        {
            lock (transformed) transformed.Add(cm.Metadata.Name + "@" + cm.Metadata.ResourceVersion);
            cm.Metadata.Labels = new Dictionary<string, string> { ["t"] = "1" };
            return cm;
        });
        var handler = new RecordingHandler();
        informer.AddEventHandler(handler, TimeSpan.FromSeconds(1));
        var labelled = new List<bool>();
        informer.AddEventHandler(new ResourceEventHandler<V1ConfigMap>
        {
            Deleted = (o, _) => { lock (labelled) labelled.Add(o.Metadata.Labels?["t"] == "1"); },
        });
        Run();

        await Wait.DriveUntilAsync(_time, () => handler.Events.Contains("delete b@6 unknown"), "the relist's tombstone");
        watch.Send(Modified("a", "8"));
        watch.Send(Deleted("x", "9"));
        watch.Send(Deleted("c", "10"));
        await Wait.UntilAsync(() => handler.Events.Contains("delete c@10"), "the watched delete");
        await Wait.DriveUntilAsync(_time, () => handler.Events.Contains("resync a@8"), "a periodic resync", step: TimeSpan.FromSeconds(1));

        lock (transformed) Assert.Equal(["a@5", "b@6", "a@5", "c@7", "a@8", "c@10"], transformed);
        Assert.DoesNotContain(handler.Events, e => e.Contains("x@", StringComparison.Ordinal));
        lock (labelled) Assert.Equal([true, true], labelled); // the tombstone and the watched delete both carry transformed objects
    }

    [Fact]
    public async Task EnsureIndexers_adds_only_the_missing_indexes_keeps_existing_ones_and_can_be_called_again()
    {
        _source.List("10", Cm("a", "5", data: "x"), Cm("b", "6", data: "y"));
        var informer = Create(indexers: new Dictionary<string, IndexFunc<V1ConfigMap>> { ["name"] = cm => [cm.Metadata.Name] });
        Run();
        Assert.True(await Wait.ForAsync(informer.WaitForCacheSyncAsync(), "the sync"));

        var wanted = new Dictionary<string, IndexFunc<V1ConfigMap>>
        {
            ["name"] = _ => ["replaced?"],
            ["value"] = cm => cm.Data is { } d ? [d["value"]] : [],
        };
        informer.EnsureIndexers(wanted);
        informer.EnsureIndexers(wanted);

        Assert.Equal(["ns/a"], informer.Indexer.IndexKeys("name", "a")); // the existing "name" index is kept
        Assert.Empty(informer.Indexer.IndexKeys("name", "replaced?"));
        Assert.Equal(["ns/b"], informer.Indexer.IndexKeys("value", "y"));
        Assert.Equal(["name", StandardIndexes.Namespace, "value"], informer.Indexer.Indexers.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_cache_is_handed_out_read_only_and_cannot_be_cast_to_a_writer()
    {
        _source.List("10", Cm("a", "5"));
        var informer = Create();
        Run();
        Assert.True(await Wait.ForAsync(informer.WaitForCacheSyncAsync(), "the sync"));

        string[] writers = ["Add", "Update", "Delete", "Replace", "AddIndexers", "Upsert", "DeleteByKey", "TryLoad"];
        var view = informer.Indexer;
        Assert.False(view.GetType().IsVisible); // the concrete cache type is not part of the public surface
        Assert.Same(view, informer.Lister.Indexer);
        foreach (var type in new[] { typeof(IIndexer<V1ConfigMap>), typeof(IKnownObjects<V1ConfigMap>) })
        {
            Assert.DoesNotContain(type.GetMethods(), m => writers.Contains(m.Name));
        }
    }

    [Fact]
    public async Task WaitForCacheSync_returns_false_when_cancelled_or_when_the_informer_stops_first()
    {
        var informer = Create(); // the list never answers
        Run();

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        Assert.False(await informer.WaitForCacheSyncAsync(cancel.Token));

        var waiting = informer.WaitForCacheSyncAsync();
        await StopAsync();
        Assert.False(await Wait.ForAsync(waiting, "the wait to end when the informer stops"));
    }

    [Fact]
    public async Task RunAsync_can_be_called_once_and_a_stopped_informer_cannot_restart()
    {
        _source.List("10");
        var informer = Create();
        Run();

        await Assert.ThrowsAsync<InvalidOperationException>(() => informer.RunAsync(CancellationToken.None));
        await StopAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => informer.RunAsync(CancellationToken.None));
    }
}
