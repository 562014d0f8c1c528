using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Hosting.Tests;

[Collection(MeterCollection.Name)]
public sealed class MetricsTests
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8]; // this test's queue, lease, controller and resource names

    [Fact]
    public void InformerGauges_ReportCacheSizeSyncStateAndActivityAge_TaggedResource()
    {
        var time = new FakeTimeProvider();
        var informer = new FakeInformer("things-" + _id) { CacheCount = 42, LastActivity = time.GetUtcNow() };
        informer.MarkSynced();
        var resource = informer.Resource.ToString();
        using var metrics = new KubeInformersMetrics(new FakeInformerSource(informer), timeProvider: time);
        using var size = new MeterCollector<int>(KubeInformersInstruments.CacheSize, "resource", resource);
        using var synced = new MeterCollector<int>(KubeInformersInstruments.Synced, "resource", resource);
        using var age = new MeterCollector<double>(KubeInformersInstruments.LastActivityAge, "resource", resource);
        time.Advance(TimeSpan.FromSeconds(7));

        size.RecordObservableInstruments();
        synced.RecordObservableInstruments();
        age.RecordObservableInstruments();

        Assert.Equal(42, Assert.Single(size.Snapshot()).Value);
        Assert.Equal(1, Assert.Single(synced.Snapshot()).Value);
        Assert.Equal(7, Assert.Single(age.Snapshot()).Value, 3);
    }

    [Fact]
    public void ADisposedInstance_NoLongerReports()
    {
        var informer = new FakeInformer("things-" + _id) { CacheCount = 1 };
        var metrics = new KubeInformersMetrics(new FakeInformerSource(informer));
        using var size = new MeterCollector<int>(KubeInformersInstruments.CacheSize, "resource", informer.Resource.ToString());
        size.RecordObservableInstruments();
        Assert.Single(size.Snapshot());

        metrics.Dispose();
        size.RecordObservableInstruments();
        Assert.Single(size.Snapshot());
    }

    [Fact]
    public void QueueAndReconcileInstruments_RecordWithTheirTags()
    {
        using var metrics = new KubeInformersMetrics(new FakeInformerSource());
        using var depth = new MeterCollector<int>(KubeInformersInstruments.WorkQueueDepth, "queue", _id);
        using var duration = new MeterCollector<double>(KubeInformersInstruments.ReconcileDuration, "controller", _id);
        using var leader = new MeterCollector<int>(KubeInformersInstruments.IsLeader, "lease", _id);
        var queued = 3;
        metrics.TrackQueue(_id, () => queued);
        metrics.TrackLease(_id, () => true);

        metrics.RecordReconcile(_id, "success", TimeSpan.FromMilliseconds(250));
        depth.RecordObservableInstruments();
        leader.RecordObservableInstruments();

        Assert.Equal(3, depth.Last!.Value);
        Assert.Equal(0.25, duration.Last!.Value, 3);
        Assert.Equal("success", duration.Last.Tags["result"]);
        Assert.Equal(1, leader.Last!.Value);
    }

    /// <summary>One documented row of docs/hosting.md's metric tables.</summary>
    private sealed record DocumentedInstrument(string Name, string Type, string? Unit, string[] Tags);

    private static Dictionary<string, DocumentedInstrument> DocumentedInstruments()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "hosting.md")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var rows = new Dictionary<string, DocumentedInstrument>();
        foreach (var line in File.ReadLines(Path.Combine(dir.FullName, "docs", "hosting.md")))
        {
            if (!line.StartsWith("| `kubeinformers.", StringComparison.Ordinal))
            {
                continue;
            }
            var cells = line.Split('|').Select(c => c.Trim()).ToArray(); // "", name, type, unit, tags, meaning, ""
            var name = cells[1].Trim('`');
            var unit = cells[3].Trim('`');
            // Tag keys are the backticked words outside parentheses (values are listed inside them).
            var tags = Regex.Replace(cells[4], @"\([^)]*\)", "");
            rows.Add(name, new DocumentedInstrument(name, cells[2], unit.Length == 0 ? null : unit,
                [.. Regex.Matches(tags, "`([a-z_]+)`").Select(t => t.Groups[1].Value).Order()]));
        }
        return rows;
    }

    private static string TypeOf(Instrument instrument) => instrument.GetType().GetGenericTypeDefinition().Name switch
    {
        "Counter`1" => "counter",
        "Histogram`1" => "histogram",
        "ObservableGauge`1" => "observable gauge",
        "ObservableCounter`1" => "observable counter",
        var other => other,
    };

    [Fact]
    public void EveryInstrument_IsPublishedOnceOnTheOneKubeInformersMeter_AsDocumented()
    {
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(ReflectorInstruments).TypeHandle);
        using var metrics = new KubeInformersMetrics(new FakeInformerSource());
        var published = new ConcurrentQueue<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == ReflectorInstruments.MeterName) published.Enqueue(instrument);
            },
        };
        listener.Start();

        var instruments = published.ToArray();
        Assert.Single(instruments.Select(i => i.Meter).Distinct());
        Assert.Equal(instruments.Length, instruments.Select(i => i.Name).Distinct().Count());
        Assert.DoesNotContain(instruments, i => i.Name == "kubeinformers.informer.errors"); // the reflector's exact counter is the one

        var documented = DocumentedInstruments();
        Assert.Equal(documented.Keys.Order(), instruments.Select(i => i.Name).Order());
        foreach (var instrument in instruments)
        {
            var doc = documented[instrument.Name];
            Assert.True(doc.Unit == instrument.Unit, $"{instrument.Name}: documented unit '{doc.Unit}', code '{instrument.Unit}'");
            Assert.True(doc.Type == TypeOf(instrument), $"{instrument.Name}: documented type '{doc.Type}', code '{TypeOf(instrument)}'");
        }

        var names = typeof(KubeInformersInstruments).GetFields().Concat(typeof(ReflectorInstruments).GetFields())
            .Where(f => f.IsLiteral && f.Name != nameof(ReflectorInstruments.MeterName)).Select(f => (string)f.GetRawConstantValue()!);
        Assert.Equal(documented.Keys.Order(), names.Order());
    }

    [Fact]
    public async Task EveryHostingInstrument_CarriesExactlyTheDocumentedTagKeys()
    {
        var informer = new FakeInformer("things-" + _id) { CacheCount = 1, LastActivity = DateTimeOffset.UtcNow };
        informer.MarkSynced();
        using var metrics = new KubeInformersMetrics(new FakeInformerSource(informer));
        var seen = new ConcurrentDictionary<string, string[]>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ReflectorInstruments.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var list = tags.ToArray();
            if (list.Any(t => t.Value is string s && s.Contains(_id, StringComparison.Ordinal)))
            {
                seen[instrument.Name] = [.. list.Select(t => t.Key).Order()];
            }
        }
        listener.SetMeasurementEventCallback<long>((i, _, t, _) => Record(i, t));
        listener.SetMeasurementEventCallback<int>((i, _, t, _) => Record(i, t));
        listener.SetMeasurementEventCallback<double>((i, _, t, _) => Record(i, t));
        listener.Start();

        // A real informer for the notification counter and the handler gauge.
        var (typed, run) = await StartedInformerAsync();
        metrics.TrackInformer(typed);
        await Wait.UntilAsync(() => seen.ContainsKey(KubeInformersInstruments.Notifications), "the initial add to be counted");
        metrics.TrackQueue(_id, () => 0);
        metrics.TrackLease(_id, () => false);
        metrics.RecordQueueAdd(_id, "add");
        metrics.RecordRetry(_id);
        metrics.RecordQueueLatency(_id, TimeSpan.Zero);
        metrics.RecordReconcile(_id, "success", TimeSpan.Zero);
        metrics.RecordReconcileError(_id, new TimeoutException());
        metrics.RecordLeaderTransition(_id, acquired: true);
        metrics.RecordEventDropped(_id, "queue_full");
        metrics.RecordEventWritten(_id, "create");
        listener.RecordObservableInstruments();

        var documented = DocumentedInstruments();
        var hosting = typeof(KubeInformersInstruments).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();
        foreach (var name in hosting)
        {
            Assert.True(seen.TryGetValue(name, out var keys), $"no measurement of {name}");
            var expected = documented[name].Tags;
            if (name == KubeInformersInstruments.Notifications)
            {
                // initial_list on adds, final_state_unknown on deletes: an add carries resource, type, initial_list.
                Assert.Equal(["initial_list", "resource", "type"], keys);
                Assert.Equal(["final_state_unknown", "initial_list", "resource", "type"], expected);
                continue;
            }
            Assert.True(expected.SequenceEqual(keys), $"{name}: documented tags [{string.Join(", ", expected)}], measured [{string.Join(", ", keys)}]");
        }

        await run.DisposeAsync();
    }

    private async Task<(SharedIndexInformer<k8s.Models.V1ConfigMap> Informer, IAsyncDisposable Run)> StartedInformerAsync()
    {
        var resource = new ResourceDescriptor("", "v1", "configmaps-" + _id, "ConfigMap", true);
        var source = new OneListSource(new k8s.Models.V1ConfigMap { Metadata = new() { Name = "a", NamespaceProperty = "default", ResourceVersion = "1" } });
        var informer = new SharedIndexInformer<k8s.Models.V1ConfigMap>(source, new SharedIndexInformerOptions<k8s.Models.V1ConfigMap> { Resource = resource });
        var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        Assert.True(await informer.WaitForCacheSyncAsync(new CancellationTokenSource(Wait.Default).Token));
        return (informer, new Stopper(cts, run));
    }

    private sealed class Stopper(CancellationTokenSource cts, Task run) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await cts.CancelAsync();
            await run.WaitAsync(Wait.Default);
            cts.Dispose();
        }
    }

    /// <summary>Lists one object, then watches a stream that stays open until cancelled.</summary>
    private sealed class OneListSource(k8s.Models.V1ConfigMap item) : IListWatch<k8s.Models.V1ConfigMap>
    {
        public Task<ListPage<k8s.Models.V1ConfigMap>> ListAsync(ListRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ListPage<k8s.Models.V1ConfigMap>([item], "1"));

        public async Task<IWatchStream<k8s.Models.V1ConfigMap>> WatchAsync(WatchRequest request, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new OperationCanceledException(cancellationToken);
        }
    }
}
