using System.Globalization;
using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Reliability.Tests.Support;

namespace KubeInformers.Reliability.Tests.Convergence;

/// <summary>What one informer of a run selects and how it lists.</summary>
public sealed record InformerSpec(string Name, string? Namespace, string? LabelSelector, bool Streaming, int? PageSize, bool ViaFactory = false)
{
    /// <summary>Whether <paramref name="obj"/> is in this informer's selection (the emulator's truth, filtered).</summary>
    public bool Selects(V1ConfigMap obj) =>
        (Namespace is null || obj.Metadata.NamespaceProperty == Namespace)
        && (LabelSelector is null || (obj.Metadata.Labels is { } l && l.TryGetValue("tier", out var t) && "tier=" + t == LabelSelector));
}

/// <summary>Counters of one run, summed over a sample for the report.</summary>
public sealed record RunStats(int Operations, int Faults, int FinalObjects, int Events, int Tombstones, int Requests, TimeSpan Convergence, IReadOnlyDictionary<string, int> Paths)
{
    public override string ToString() =>
        $"ops={Operations} faults={Faults} objects={FinalObjects} events={Events} tombstones={Tombstones} requests={Requests} converged in {Convergence.TotalMilliseconds:0} ms; " +
        string.Join(" ", Paths.Where(kv => kv.Value > 0).Select(kv => kv.Key + "=" + kv.Value));
}

/// <summary>The runtime's log event ids that show which recovery path a fault took (see ReflectorLog and InformerLog).</summary>
public static class RecoveryPaths
{
    public static readonly IReadOnlyDictionary<string, int> EventIds = new Dictionary<string, int>
    {
        ["relist"] = 1007,
        ["relist-consistent"] = 1003,
        ["continue-expired"] = 1004,
        ["retry"] = 1008,
        ["watch-idle"] = 1010,
        ["decode-failed"] = 1011,
        ["streaming-fallback"] = 1013,
        ["very-short-watch"] = 1016,
        ["store-rejected"] = 1017,
        ["handler-threw"] = 1101,
        ["changes-dropped"] = 1105,
    };
}

/// <summary>
/// Runs one convergence scenario end to end: an emulator, several informers over the real HTTP transport, the
/// scenario's operations and faults, then (faults off) a bounded wait until every lister and every handler equals the
/// emulator's state for its selection, followed by the delivery checks. Throws with a full description when anything
/// differs; nothing here waits a fixed time for an outcome.
/// </summary>
public sealed class ConvergenceRun
{
    public static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true);
    public static readonly string[] Namespaces = ["rel-a", "rel-b", "rel-c"];

    /// <summary>All namespaces, one namespace, label-selected, streaming list on and off, small pages so lists paginate.</summary>
    public static readonly InformerSpec[] Specs =
    [
        new("all-paged", null, null, Streaming: false, PageSize: 3),
        new("ns-b-stream", "rel-b", null, Streaming: true, PageSize: 500),
        new("gold-paged", null, "tier=gold", Streaming: false, PageSize: 2),
        new("all-stream", null, null, Streaming: true, PageSize: 3),
        new("ns-a-gold", "rel-a", "tier=gold", Streaming: false, PageSize: 1),
        new("factory-ns-c", "rel-c", null, Streaming: false, PageSize: 1, ViaFactory: true),
    ];

    public static readonly TimeSpan ConvergenceDeadline = TimeSpan.FromSeconds(30);

    private readonly Scenario _scenario;
    private readonly Action<string> _log;
    private readonly CapturingLoggerProvider _logs = new(capacity: 600);
    private readonly List<Live> _live = [];
    private readonly HashSet<string> _fillers = new(StringComparer.Ordinal);
    private readonly ServerModel _model = new();
    private readonly List<Running> _running = [];
    private int _nextName;
    private int _operations;
    private (IEventHandlerRegistration Registration, RecordingHandler Handler)? _removed;
    private KubernetesEmulator _emulator = null!;
    private Kubernetes _ops = null!;

    private ConvergenceRun(Scenario scenario, Action<string> log)
    {
        _scenario = scenario;
        _log = log;
    }

    public static async Task<RunStats> RunAsync(Scenario scenario, Action<string> log, CancellationToken cancellationToken = default)
    {
        var run = new ConvergenceRun(scenario, log);
        return await run.RunCoreAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunStats> RunCoreAsync(CancellationToken cancellationToken)
    {
        // A scenario with a ContinueExpiry fault runs against a server without a watch cache (see InjectAsync); the others
        // against one with it, as most clusters are.
        var withoutWatchCache = _scenario.Steps.Any(static s => s is FaultStep { Kind: FaultKind.ContinueExpiry });
        _emulator = await KubernetesEmulator.StartAsync(new EmulatorOptions
        {
            BookmarkInterval = TimeSpan.FromMilliseconds(300),
            LoggerFactory = _logs.Factory("emulator"),
            ServeListsFromWatchCache = !withoutWatchCache,
        }, cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ops = _emulator.CreateClient();
        try
        {
            for (var i = 0; i < _scenario.InitialObjects; i++)
            {
                var seed = NewConfigMap(i % 3, gold: i % 2 == 0, data: i);
                var created = _emulator.Seed(seed);
                _model.Created(seed, created);
                _live.Add(new Live(created.Metadata.NamespaceProperty, created.Metadata.Name, i % 2 == 0));
            }

            foreach (var spec in Specs)
            {
                _running.Add(Start(spec, stop.Token));
            }

            await Poll.UntilAsync(() => _running.All(r => r.Informer.HasSynced && r.Registration.HasSynced), TimeSpan.FromSeconds(20),
                () => "initial sync: " + string.Join(", ", _running.Select(r => $"{r.Spec.Name} synced={r.Informer.HasSynced}")), cancellationToken).ConfigureAwait(false);

            for (var i = 0; i < _scenario.Steps.Length; i++)
            {
                if (i == _scenario.Steps.Length / 2)
                {
                    // A handler added while running (possibly mid-fault) first receives the cache as adds, then every
                    // change; a second one is added now and removed at three quarters: after that it must get nothing.
                    var all = _running[0];
                    var late = new RecordingHandler(all.Spec.Name + "+late");
                    all.Informer.AddEventHandler(late);
                    all.Handlers.Add(late);
                    var removed = new RecordingHandler(all.Spec.Name + "+removed");
                    _removed = (all.Informer.AddEventHandler(removed), removed);
                }

                if (i == _scenario.Steps.Length * 3 / 4 && _removed is (var registration, var handler))
                {
                    _running[0].Informer.RemoveEventHandler(registration);
                    handler.MarkRemoved();
                    _running[0].Informer.RemoveEventHandler(registration);
                }

                await ExecuteAsync(_scenario.Steps[i], cancellationToken).ConfigureAwait(false);
            }

            // Faults off: no pending failures, no latency, stalled watches resume, no more mid-list compactions.
            _emulator.Faults.Clear();
            // A hook taken before the clear may still be writing (a filler from ContinueExpiry): wait for it, or the truth
            // read below misses that write and no informer can ever converge to it (issue 18).
            await Task.WhenAll(_running.Select(r => r.Counter.ClearHooksAsync())).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);

            var (truth, truthRv) = await ListTruthAsync(cancellationToken).ConfigureAwait(false);
            CheckEmulatorAgainstModel(truth);
            var started = DateTime.UtcNow;
            await Poll.UntilAsync(() => _running.All(r => Differences(r, truth).Count == 0), ConvergenceDeadline,
                () => Describe(truth, truthRv), cancellationToken).ConfigureAwait(false);
            var convergence = DateTime.UtcNow - started;
            if (_emulator.ResourceVersion != truthRv)
            {
                throw new InvalidOperationException($"The server was written after the truth was read (list at rv {truthRv}, server now at rv {_emulator.ResourceVersion}): the harness compared the informers with a stale state");
            }

            if (Environment.GetEnvironmentVariable("KI_RELIABILITY_VERBOSE") == "1")
            {
                _log(RecentLogs());
            }

            var problems = new List<string>();
            foreach (var r in _running)
            {
                problems.AddRange(DeliveryProblems(r, truth));
            }

            if (_removed is (_, var removedHandler))
            {
                problems.AddRange(removedHandler.Violations());
            }

            if (_logs.EventCount(RecoveryPaths.EventIds["changes-dropped"]) > 0 || _logs.EventCount(RecoveryPaths.EventIds["store-rejected"]) > 0)
            {
                problems.Add("the informer logged that it dropped changes or that the store rejected one");
            }

            if (problems.Count > 0)
            {
                throw new InvalidOperationException("Delivery contract broken:\n  " + string.Join("\n  ", problems) + "\n" + RecentLogs());
            }

            // Stopping is part of the contract: every informer ends promptly once cancelled.
            await stop.CancelAsync().ConfigureAwait(false);
            var stopped = await Task.WhenAll(_running.Select(async r => (r, Done: await Task.WhenAny(r.Run, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None)).ConfigureAwait(false) == r.Run))).ConfigureAwait(false);
            if (stopped.Where(x => !x.Done).Select(x => x.r.Spec.Name).ToList() is { Count: > 0 } hung)
            {
                throw new InvalidOperationException($"Informers did not stop within 10 s of cancellation: {string.Join(", ", hung)}\n{RecentLogs()}");
            }

            if (stopped.Where(x => x.r.Run.IsFaulted).Select(x => x.r.Spec.Name + ": " + x.r.Run.Exception!.GetBaseException().Message).ToList() is { Count: > 0 } faulted)
            {
                throw new InvalidOperationException($"Informers ended with an exception when cancelled: {string.Join("; ", faulted)}");
            }

            return new RunStats(
                _operations,
                _scenario.FaultCount,
                truth.Count,
                _running.Sum(r => r.Handlers.Sum(h => h.Adds + h.Updates + h.Deletes)),
                _running.Sum(r => r.Handlers.Sum(h => h.TombstoneDeletes)),
                _running.Sum(r => r.Counter.Count),
                convergence,
                RecoveryPaths.EventIds.ToDictionary(kv => kv.Key, kv => _logs.EventCount(kv.Value))
                    .Append(new KeyValuePair<string, int>("truncated-responses", _running.Sum(r => r.Counter.Truncated)))
                    .ToDictionary());
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\n" + RecentLogs(), ex);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var r in _running)
            {
                try
                {
                    await r.Run.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                catch (TimeoutException)
                {
                    _log($"informer {r.Spec.Name} did not stop within 10 s of cancellation");
                }

                r.Client.Dispose();
            }

            _ops.Dispose();
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Running Start(InformerSpec spec, CancellationToken cancellationToken)
    {
        var counter = new RequestCounter();
        var client = new Kubernetes(_emulator.CreateClientConfiguration(), counter);
        var reflectorOptions = new ReflectorOptions
        {
            PageSize = spec.PageSize,
            UseStreamingList = spec.Streaming,
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
            WatchIdleTimeout = TimeSpan.FromSeconds(2),
            MinWatchTimeout = TimeSpan.FromSeconds(3),
        };
        SharedIndexInformer<V1ConfigMap> informer;
        SharedInformerFactory? factory = null;
        if (spec.ViaFactory)
        {
            factory = new SharedInformerFactory(client, new SharedInformerFactoryOptions
            {
                Namespace = spec.Namespace,
                LabelSelector = spec.LabelSelector,
                Reflector = reflectorOptions,
            }, _logs.Factory(spec.Name));
            informer = factory.InformerFor<V1ConfigMap>(ConfigMaps);
        }
        else
        {
            var listWatch = new HttpListWatch<V1ConfigMap>(client, ConfigMaps, new ListWatchOptions { Namespace = spec.Namespace, LabelSelector = spec.LabelSelector });
            informer = new SharedIndexInformer<V1ConfigMap>(listWatch, new SharedIndexInformerOptions<V1ConfigMap>
            {
                Resource = ConfigMaps,
                Reflector = reflectorOptions,
            }, _logs.Factory(spec.Name));
        }

        var handler = new RecordingHandler(spec.Name);
        var registration = informer.AddEventHandler(handler);
        var handlers = new List<RecordingHandler> { handler };
        if (spec.Name == "all-paged")
        {
            // A second handler with a short resync period: resyncs must not break the per-key contract either.
            var resync = new RecordingHandler(spec.Name + "+resync");
            informer.AddEventHandler(resync, TimeSpan.FromSeconds(1));
            handlers.Add(resync);
        }

        Task run;
        if (factory is not null)
        {
            factory.Start();
            run = Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await factory.ShutdownAsync().ConfigureAwait(false);
                }
            }, CancellationToken.None);
        }
        else
        {
            run = Task.Run(() => informer.RunAsync(cancellationToken), CancellationToken.None);
        }

        return new Running(spec, informer, registration, handlers, counter, client, run);
    }

    private async Task ExecuteAsync(Step step, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case CreateStep c:
                {
                    var cm = NewConfigMap(c.Namespace, c.Gold, c.Data);
                    V1ConfigMap? answer = null;
                    await RetryAsync(async () =>
                    {
                        try
                        {
                            answer = await _ops.CoreV1.CreateNamespacedConfigMapAsync(cm, cm.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
                        }
                        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
                        {
                            // An earlier attempt got through but its answer was lost (connection dropped).
                        }
                    }, cancellationToken).ConfigureAwait(false);
                    _model.Created(cm, answer);
                    _live.Add(new Live(cm.Metadata.NamespaceProperty, cm.Metadata.Name, c.Gold));
                    _operations++;
                    break;
                }

            case UpdateStep u when _live.Count > 0:
                {
                    var target = _live[u.Target % _live.Count];
                    var data = u.Data.ToString(CultureInfo.InvariantCulture);
                    var patch = new V1Patch("{\"data\":{\"v\":\"" + data + "\"}}", V1Patch.PatchType.MergePatch);
                    V1ConfigMap answer = null!;
                    await RetryAsync(async () => answer = await _ops.CoreV1.PatchNamespacedConfigMapAsync(patch, target.Name, target.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    _model.Patched(target.Namespace + "/" + target.Name, tier: null, data, answer);
                    _operations++;
                    break;
                }

            case RelabelStep r when _live.Count > 0:
                {
                    var index = r.Target % _live.Count;
                    var target = _live[index] with { Gold = !_live[index].Gold };
                    _live[index] = target;
                    var tier = target.Gold ? "gold" : "silver";
                    var patch = new V1Patch("{\"metadata\":{\"labels\":{\"tier\":\"" + tier + "\"}}}", V1Patch.PatchType.MergePatch);
                    V1ConfigMap answer = null!;
                    await RetryAsync(async () => answer = await _ops.CoreV1.PatchNamespacedConfigMapAsync(patch, target.Name, target.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    _model.Patched(target.Namespace + "/" + target.Name, tier, data: null, answer);
                    _operations++;
                    break;
                }

            case DeleteStep d when _live.Count > 0:
                {
                    var index = d.Target % _live.Count;
                    var target = _live[index];
                    _live.RemoveAt(index);
                    await RetryAsync(async () =>
                    {
                        try
                        {
                            await _ops.CoreV1.DeleteNamespacedConfigMapAsync(target.Name, target.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                        }
                        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
                        {
                            // An earlier attempt got through but its answer was lost.
                        }
                    }, cancellationToken).ConfigureAwait(false);
                    _model.Deleted(target.Namespace + "/" + target.Name);
                    _operations++;
                    break;
                }

            case FaultStep f:
                await InjectAsync(f).ConfigureAwait(false);
                break;

            case SettleStep s:
                {
                    // Pacing only: give the informers up to s.Milliseconds to catch up with the server.
                    var target = long.Parse(_emulator.ResourceVersion, CultureInfo.InvariantCulture);
                    await Poll.TryUntilAsync(() => _running.All(r => CaughtUp(r, target)), TimeSpan.FromMilliseconds(s.Milliseconds), cancellationToken).ConfigureAwait(false);
                    break;
                }
        }
    }

    private static bool CaughtUp(Running r, long target) =>
        long.TryParse(r.Informer.LastSyncResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rv) && rv >= target;

    private async Task InjectAsync(FaultStep fault)
    {
        var faults = _emulator.Faults;
        switch (fault.Kind)
        {
            case FaultKind.CloseWatches:
                faults.CloseWatches();
                break;
            case FaultKind.ResetWatches:
                faults.ResetWatches();
                break;
            case FaultKind.StallWatches:
                faults.StallWatches();
                break;
            case FaultKind.ResumeWatches:
                faults.ResumeWatches();
                break;
            case FaultKind.CompactAndReset:
                // Hold events back so the informers cannot see the write before their watches drop, then resume from a
                // compacted version: 410 Expired, relist.
                faults.StallWatches();
                SeedFiller();
                faults.CompactHistory();
                faults.ResetWatches();
                faults.ResumeWatches();
                break;
            case FaultKind.ContinueExpiry:
                // The server has no watch cache here (RunCoreAsync), so a paged informer whose first list came back
                // paginated also pages its relists at its last version, which the server reads at exactly that version.
                // After the compaction below, its watch resumes into 410, its relist at that version gets 410 from the
                // server, and it falls back to a paginated consistent list; just before that list asks for its next
                // page, a write and a compaction on the emulator expire the continue token.
                foreach (var r in _running.Where(r => !r.Spec.Streaming && r.Spec.PageSize is > 0))
                {
                    r.Counter.Before(RequestCounter.IsContinue, () =>
                    {
                        SeedFiller();
                        faults.CompactHistory();
                    });
                }

                goto case FaultKind.CompactAndReset;
            case FaultKind.TooManyRequests:
                faults.FailNextRequests(fault.Count, 429, retryAfterSeconds: 1);
                faults.ResetWatches();
                break;
            case FaultKind.InternalError:
                faults.FailNextRequests(fault.Count, 500, retryAfterSeconds: 1);
                faults.ResetWatches();
                break;
            case FaultKind.MalformedLine:
                faults.InjectMalformedLine();
                break;
            case FaultKind.Restart:
                await faults.RestartAsync().ConfigureAwait(false);
                break;
            case FaultKind.TruncateList:
                foreach (var r in _running)
                {
                    // Cut somewhere inside the body: a third of it when its length is known, else after 60 bytes.
                    r.Counter.TruncateNext(RequestCounter.IsList, length => length > 0 ? length / 3 : 60, throwAtLimit: fault.Count % 2 == 0);
                }

                goto case FaultKind.CompactAndReset;
            case FaultKind.TruncateWatch:
                foreach (var r in _running)
                {
                    // Cut a watch stream after 40-250 bytes: usually inside the first or second event line.
                    r.Counter.TruncateNext(RequestCounter.IsWatch, _ => 40 + (fault.Count * 53), throwAtLimit: fault.Count % 2 == 1);
                }

                faults.ResetWatches();
                break;
            case FaultKind.Unreachable:
                {
                    // Down until every informer has sent at least one request into the void (bounded at 3 s).
                    var before = _running.Select(r => r.Counter.Count).ToArray();
                    faults.Unreachable = true;
                    await Poll.TryUntilAsync(() => _running.Select((r, i) => r.Counter.Count > before[i]).All(x => x), TimeSpan.FromSeconds(3)).ConfigureAwait(false);
                    faults.Unreachable = false;
                    break;
                }

            case FaultKind.StallUntilIdle:
                {
                    // Silence (not even bookmarks) until a watchdog fires (idle timeout 2 s), bounded at 6 s.
                    var before = _logs.EventCount(RecoveryPaths.EventIds["watch-idle"]);
                    faults.StallWatches();
                    await Poll.TryUntilAsync(() => _logs.EventCount(RecoveryPaths.EventIds["watch-idle"]) > before, TimeSpan.FromSeconds(6)).ConfigureAwait(false);
                    faults.ResumeWatches();
                    break;
                }
        }
    }

    private void SeedFiller()
    {
        lock (_fillers)
        {
            var cm = NewConfigMap(2, gold: true, data: -1, prefix: "filler");
            _model.Created(cm, _emulator.Seed(cm));
            _fillers.Add(cm.Metadata.NamespaceProperty + "/" + cm.Metadata.Name);
        }
    }

    private V1ConfigMap NewConfigMap(int ns, bool gold, int data, string prefix = "cm") => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = prefix + "-" + Interlocked.Increment(ref _nextName).ToString(CultureInfo.InvariantCulture),
            NamespaceProperty = Namespaces[ns],
            Labels = new Dictionary<string, string> { ["tier"] = gold ? "gold" : "silver" },
        },
        Data = new Dictionary<string, string> { ["v"] = data.ToString(CultureInfo.InvariantCulture) },
    };

    /// <summary>Retries an operation that an injected failure or a dropped connection may hit (the scenario's own writes share the faults).</summary>
    private static async Task RetryAsync(Func<Task> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await operation().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt < 100 && IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        HttpOperationException h => h.Response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Gone or HttpStatusCode.InternalServerError or HttpStatusCode.ServiceUnavailable,
        HttpRequestException or IOException => true,
        _ => ex.InnerException is { } inner && IsTransient(inner),
    };

    private async Task<(Dictionary<string, V1ConfigMap> Truth, string ResourceVersion)> ListTruthAsync(CancellationToken cancellationToken)
    {
        V1ConfigMapList list = null!;
        await RetryAsync(async () => list = await _ops.CoreV1.ListConfigMapForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return (list.Items.ToDictionary(o => o.Metadata.NamespaceProperty + "/" + o.Metadata.Name, StringComparer.Ordinal), list.Metadata.ResourceVersion);
    }

    /// <summary>
    /// The emulator must hold exactly what the scenario wrote (plus fillers), as the independent <see cref="ServerModel"/>
    /// computes it from the writes and their answers: otherwise it is the emulator that is wrong.
    /// </summary>
    private void CheckEmulatorAgainstModel(Dictionary<string, V1ConfigMap> truth)
    {
        var problems = _model.Compare(truth);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The emulator's state differs from the model of the writes applied to it:\n  " + string.Join("\n  ", problems));
        }
    }

    private static List<string> Differences(Running r, Dictionary<string, V1ConfigMap> truth)
    {
        var expected = truth.Values.Where(r.Spec.Selects).ToDictionary(o => o.Metadata.NamespaceProperty + "/" + o.Metadata.Name, RecordingHandler.Rv, StringComparer.Ordinal);
        var differences = new List<string>();
        var cached = r.Informer.Indexer.List().ToDictionary(RecordingHandler.Key, RecordingHandler.Rv, StringComparer.Ordinal);
        Compare($"{r.Spec.Name} lister", cached, expected, differences);
        foreach (var h in r.Handlers)
        {
            Compare($"{h.Name} handler", h.Snapshot(), expected, differences);
        }

        return differences;
    }

    private static void Compare(string what, Dictionary<string, string> actual, Dictionary<string, string> expected, List<string> differences)
    {
        foreach (var (key, rv) in expected)
        {
            if (!actual.TryGetValue(key, out var got))
            {
                differences.Add($"{what}: missing {key}@{rv}");
            }
            else if (got != rv)
            {
                differences.Add($"{what}: {key}@{got}, server has @{rv}");
            }
        }

        differences.AddRange(actual.Where(kv => !expected.ContainsKey(kv.Key)).Select(kv => $"{what}: has {kv.Key}@{kv.Value}, which the server no longer has (in this selection)"));
    }

    private List<string> DeliveryProblems(Running r, Dictionary<string, V1ConfigMap> truth)
    {
        var problems = new List<string>();
        foreach (var h in r.Handlers)
        {
            problems.AddRange(h.Violations());
            if (r.Spec.LabelSelector is null)
            {
                // Without a label selector an object only leaves the selection by being deleted; names are never reused.
                problems.AddRange(h.DeletedKeys().Where(truth.ContainsKey).Select(k => $"[{h.Name}] received a delete for {k}, which still exists"));
            }

            if (_scenario.FaultCount == 0 && h.TombstoneDeletes > 0)
            {
                problems.Add($"[{h.Name}] received {h.TombstoneDeletes} finalStateUnknown deletes although no fault could have made it miss one");
            }
        }

        return problems;
    }

    private string Describe(Dictionary<string, V1ConfigMap> truth, string truthRv)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"not converged (truth listed at rv {truthRv} with {truth.Count} objects; server now at rv {_emulator.ResourceVersion}, open watches {_emulator.Faults.OpenWatchCount}):");
        foreach (var r in _running)
        {
            var diff = Differences(r, truth);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"  {r.Spec.Name}: synced={r.Informer.HasSynced} lastRv={r.Informer.LastSyncResourceVersion} lastError={r.Informer.LastError?.GetType().Name}:{r.Informer.LastError?.Message} pending={r.Registration.PendingNotifications} run={r.Run.Status} {diff.Count} differences");
            foreach (var d in diff.Take(8))
            {
                sb.AppendLine("    " + d);
            }
        }

        return sb.ToString();
    }

    private string RecentLogs() => "recent runtime/emulator log:\n    " + string.Join("\n    ", _logs.Lines.TakeLast(150));

    private sealed record Live(string Namespace, string Name, bool Gold);

    private sealed record Running(
        InformerSpec Spec,
        SharedIndexInformer<V1ConfigMap> Informer,
        IEventHandlerRegistration Registration,
        List<RecordingHandler> Handlers,
        RequestCounter Counter,
        Kubernetes Client,
        Task Run);
}
