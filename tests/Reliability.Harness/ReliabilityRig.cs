using System.Globalization;
using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers.Emulator;

namespace KubeInformers.Reliability.Harness;

/// <summary>
/// The machine both the convergence property and the soak run on: an in-process emulator, informers over the real HTTP
/// transport (each with its own client, request counter and checking handlers), the harness's writes (create, data
/// update, relabel, delete; retried through faults) recorded in an independent <see cref="ServerModel"/>, the faults
/// (<see cref="FaultKind"/>), and the end of a run: faults off, hooks quiet, the server's state listed and checked against
/// the model, a bounded wait until every lister and handler equals it, the delivery checks, and a prompt stop.
/// Writes are executed one at a time by one caller (<see cref="ExecuteAsync"/> is not reentrant); a fault may be injected
/// concurrently with a write (<see cref="ExecuteFaultAsync"/>, one at a time); the informers, fault hooks and samplers run
/// on other threads and only read what is documented as thread-safe.
/// </summary>
public sealed class ReliabilityRig : IAsyncDisposable
{
    /// <summary>The resource every informer watches.</summary>
    public static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true);

    /// <summary>The namespaces objects are written to.</summary>
    public static readonly string[] Namespaces = ["rel-a", "rel-b", "rel-c"];

    private readonly RigOptions _options;
    private readonly List<Live> _live = [];
    private readonly object _fillerLock = new();
    private readonly Dictionary<FaultKind, int> _faults = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<RunningInformer> _running = [];
    private readonly string _payload;
    private int _nextName;
    private int _operations;
    private KubernetesEmulator _emulator = null!;
    private Kubernetes _ops = null!;
    private bool _stopped;

    private ReliabilityRig(RigOptions options)
    {
        _options = options;
        _payload = new string('x', options.PayloadBytes);
        Logs = new CapturingLoggerProvider(options.LogCapacity);
        Journal = new Journal(options.Record);
    }

    /// <summary>The runtime's and emulator's log (last lines, event counts).</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>The run's timeline (writes, faults, requests, deliveries) when <see cref="RigOptions.Record"/>.</summary>
    public Journal Journal { get; }

    /// <summary>What the server should hold, from the writes and their answers.</summary>
    public ServerModel Model { get; } = new();

    /// <summary>The emulator.</summary>
    public KubernetesEmulator Emulator => _emulator;

    /// <summary>The harness's own client (writes, truth listing; thread-safe).</summary>
    public Kubernetes Client => _ops;

    /// <summary>The informers, in the order of <see cref="RigOptions.Specs"/>.</summary>
    public IReadOnlyList<RunningInformer> Informers => _running;

    /// <summary>Writes executed (create, update, relabel, delete; fillers excluded).</summary>
    public int Operations => Volatile.Read(ref _operations);

    /// <summary>Objects the harness believes are alive (excluding fillers).</summary>
    public int LiveCount => _live.Count;

    /// <summary>Faults injected so far, by kind.</summary>
    public IReadOnlyDictionary<FaultKind, int> Faults
    {
        get
        {
            lock (_faults)
            {
                return new Dictionary<FaultKind, int>(_faults);
            }
        }
    }

    /// <summary>Starts the emulator, seeds the initial objects, starts the informers and waits until all have synced.</summary>
    public static async Task<ReliabilityRig> StartAsync(RigOptions options, CancellationToken cancellationToken)
    {
        var rig = new ReliabilityRig(options);
        try
        {
            await rig.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return rig;
        }
        catch
        {
            await rig.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var emulatorOptions = new EmulatorOptions
        {
            BookmarkInterval = _options.BookmarkInterval,
            LoggerFactory = Logs.Factory("emulator"),
            ServeListsFromWatchCache = _options.ServeListsFromWatchCache,
        };
        if (_options.HistoryMaxAge is { } age)
        {
            emulatorOptions.HistoryMaxAge = age;
        }

        _emulator = await KubernetesEmulator.StartAsync(emulatorOptions, cancellationToken).ConfigureAwait(false);
        _ops = _emulator.CreateClient();
        for (var i = 0; i < _options.InitialObjects; i++)
        {
            var seed = NewConfigMap(i % Namespaces.Length, gold: i % 2 == 0, data: i);
            var created = _emulator.Seed(seed);
            Model.Created(seed, created);
            Journal.Add("seed", ServerModel.Key(created), "created @" + created.Metadata.ResourceVersion);
            _live.Add(new Live(created.Metadata.NamespaceProperty, created.Metadata.Name, i % 2 == 0));
        }

        foreach (var spec in _options.Specs)
        {
            _running.Add(Start(spec, _stop.Token));
        }

        await Wait.UntilAsync(() => _running.All(r => r.Informer.HasSynced && r.Registration.HasSynced), () => "initial sync: " + string.Join(", ", _running.Select(r => $"{r.Spec.Name} synced={r.Informer.HasSynced}")), _options.SyncDeadline, cancellationToken).ConfigureAwait(false);
    }

    private RunningInformer Start(InformerSpec spec, CancellationToken cancellationToken)
    {
        var counter = new RequestCounter { KeepLog = _options.Record, Journal = Journal, Name = spec.Name };
        var client = new Kubernetes(_emulator.CreateClientConfiguration(), counter);
        var reflectorOptions = new ReflectorOptions
        {
            PageSize = spec.PageSize,
            UseStreamingList = spec.Streaming,
            InitialBackoff = _options.InitialBackoff,
            MaxBackoff = _options.MaxBackoff,
            WatchIdleTimeout = _options.WatchIdleTimeout,
            MinWatchTimeout = _options.MinWatchTimeout,
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
            }, Logs.Factory(spec.Name));
            informer = factory.InformerFor<V1ConfigMap>(ConfigMaps);
        }
        else
        {
            var listWatch = new HttpListWatch<V1ConfigMap>(client, ConfigMaps, new ListWatchOptions { Namespace = spec.Namespace, LabelSelector = spec.LabelSelector });
            informer = new SharedIndexInformer<V1ConfigMap>(listWatch, new SharedIndexInformerOptions<V1ConfigMap>
            {
                Resource = ConfigMaps,
                Reflector = reflectorOptions,
            }, Logs.Factory(spec.Name));
        }

        var handler = NewHandler(spec.Name + " handler");
        var registration = informer.AddEventHandler(handler);
        var handlers = new List<RecordingHandler> { handler };
        if (spec.ResyncHandler)
        {
            // A second handler with a short resync period: resyncs must not break the per-key contract either.
            var resync = NewHandler(spec.Name + "+resync handler");
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

        return new RunningInformer(spec, informer, registration, handlers, counter, client, run);
    }

    /// <summary>A checking handler that records into this rig's journal (and remembers deleted keys only when recording).</summary>
    public RecordingHandler NewHandler(string name) => new(name) { OnRecorded = Journal.Enabled ? Journal.Add : null, KeepHistory = _options.Record };

    /// <summary>Executes one step: a write (targets pick among the live objects, index modulo their count), a fault or a pause.</summary>
    public async Task ExecuteAsync(Step step, CancellationToken cancellationToken)
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
                    Model.Created(cm, answer);
                    Journal.Add("harness", ServerModel.Key(cm), $"created tier={(c.Gold ? "gold" : "silver")} @{answer?.Metadata.ResourceVersion ?? "? (answer lost)"}");
                    _live.Add(new Live(cm.Metadata.NamespaceProperty, cm.Metadata.Name, c.Gold));
                    Interlocked.Increment(ref _operations);
                    break;
                }

            case UpdateStep u when _live.Count > 0:
                {
                    var target = _live[u.Target % _live.Count];
                    var data = u.Data.ToString(CultureInfo.InvariantCulture);
                    var patch = new V1Patch("{\"data\":{\"v\":\"" + data + "\"}}", V1Patch.PatchType.MergePatch);
                    V1ConfigMap answer = null!;
                    await RetryAsync(async () => answer = await _ops.CoreV1.PatchNamespacedConfigMapAsync(patch, target.Name, target.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    Model.Patched(target.Key, tier: null, data, answer);
                    Journal.Add("harness", target.Key, $"updated v={data} @{answer.Metadata.ResourceVersion}");
                    Interlocked.Increment(ref _operations);
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
                    Model.Patched(target.Key, tier, data: null, answer);
                    Journal.Add("harness", target.Key, $"relabelled tier={tier} @{answer.Metadata.ResourceVersion}");
                    Interlocked.Increment(ref _operations);
                    break;
                }

            case DeleteStep d when _live.Count > 0:
                {
                    var index = d.Target % _live.Count;
                    var target = _live[index];
                    _live.RemoveAt(index);
                    var answered = true;
                    await RetryAsync(async () =>
                    {
                        try
                        {
                            await _ops.CoreV1.DeleteNamespacedConfigMapAsync(target.Name, target.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                        }
                        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
                        {
                            // An earlier attempt got through but its answer was lost.
                            answered = false;
                        }
                    }, cancellationToken).ConfigureAwait(false);
                    Model.Deleted(target.Key);
                    Journal.Add("harness", target.Key, answered ? "deleted" : "deleted (answer lost; the retry got 404)");
                    Interlocked.Increment(ref _operations);
                    break;
                }

            case FaultStep f:
                await ExecuteFaultAsync(f).ConfigureAwait(false);
                break;

            case SettleStep s:
                {
                    // Pacing only: give the informers up to s.Milliseconds to catch up with the server.
                    var target = long.Parse(_emulator.ResourceVersion, CultureInfo.InvariantCulture);
                    await Wait.TryUntilAsync(() => _running.All(r => CaughtUp(r, target)), TimeSpan.FromMilliseconds(s.Milliseconds * _options.SettleScale), cancellationToken).ConfigureAwait(false);
                    break;
                }
        }
    }

    /// <summary>Injects one fault (may run beside a write; not beside another fault).</summary>
    public async Task ExecuteFaultAsync(FaultStep f)
    {
        lock (_faults)
        {
            _faults[f.Kind] = _faults.GetValueOrDefault(f.Kind) + 1;
        }

        Journal.Add("fault", null, $"{f.Kind}({f.Count}) starts (server rv {_emulator.ResourceVersion})");
        await InjectAsync(f).ConfigureAwait(false);
        Journal.Add("fault", null, $"{f.Kind}({f.Count}) injected (server rv {_emulator.ResourceVersion})");
    }

    private static bool CaughtUp(RunningInformer r, long target) =>
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
                SeedFiller("compact-and-reset");
                faults.CompactHistory();
                faults.ResetWatches();
                faults.ResumeWatches();
                break;
            case FaultKind.ContinueExpiry:
                // Meant for a server without watch cache (RigOptions.ServeListsFromWatchCache = false), where a paged
                // informer whose first list came back paginated also pages its relists at its last version, which the
                // server reads at exactly that version. After the compaction below, its watch resumes into 410, its relist
                // at that version gets 410 from the server, and it falls back to a paginated consistent list; just before
                // that list asks for its next page, a write and a compaction on the emulator expire the continue token.
                // The hook runs on the informer's request thread, possibly much later: QuiesceAsync waits for it.
                foreach (var r in _running.Where(r => !r.Spec.Streaming && r.Spec.PageSize is > 0))
                {
                    r.Counter.Before(RequestCounter.IsContinue, () =>
                    {
                        SeedFiller("continue-expiry hook of " + r.Spec.Name);
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
                    await Wait.TryUntilAsync(() => _running.Select((r, i) => r.Counter.Count > before[i]).All(x => x), TimeSpan.FromSeconds(3)).ConfigureAwait(false);
                    faults.Unreachable = false;
                    break;
                }

            case FaultKind.StallUntilIdle:
                {
                    // Silence (not even bookmarks) until a watchdog fires (idle timeout), bounded at 3 idle timeouts.
                    var before = Logs.EventCount(RecoveryPaths.EventIds["watch-idle"]);
                    faults.StallWatches();
                    await Wait.TryUntilAsync(() => Logs.EventCount(RecoveryPaths.EventIds["watch-idle"]) > before, _options.WatchIdleTimeout * 3).ConfigureAwait(false);
                    faults.ResumeWatches();
                    break;
                }
        }
    }

    private void SeedFiller(string why)
    {
        lock (_fillerLock)
        {
            var cm = NewConfigMap(2, gold: true, data: -1, prefix: "filler");
            var created = _emulator.Seed(cm);
            Model.Created(cm, created);
            Journal.Add("fault", ServerModel.Key(created), $"filler seeded by {why} @{created.Metadata.ResourceVersion}");
        }
    }

    private V1ConfigMap NewConfigMap(int ns, bool gold, int data, string prefix = "cm")
    {
        var cm = new V1ConfigMap
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
        if (_payload.Length > 0)
        {
            cm.Data["payload"] = _payload;
        }

        return cm;
    }

    /// <summary>
    /// Ends the faults and checks the server: faults cleared, hooks cleared and every hook already running finished (a
    /// hook's write after the truth is read would make the truth stale: issue 18), then the server's state listed and
    /// compared with the <see cref="Model"/>. Throws when the emulator differs from the model.
    /// </summary>
    public async Task<ServerTruth> QuiesceAsync(CancellationToken cancellationToken)
    {
        _emulator.Faults.Clear();
        await Task.WhenAll(_running.Select(r => r.Counter.ClearHooksAsync())).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        V1ConfigMapList list = null!;
        await RetryAsync(async () => list = await _ops.CoreV1.ListConfigMapForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var truth = new ServerTruth(list.Items.ToDictionary(ServerModel.Key, StringComparer.Ordinal), list.Metadata.ResourceVersion);
        Journal.Add("harness", null, $"truth listed at rv {truth.ResourceVersion}: {truth.Objects.Count} objects");
        var problems = Model.Compare(truth.Objects);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The emulator's state differs from the model of the writes applied to it:\n  " + string.Join("\n  ", problems.Take(40))
                + "\n" + Journal.Describe(problems.Select(p => p.Split(' ', ':')[0]).Distinct().Take(10).ToList()));
        }

        return truth;
    }

    /// <summary>
    /// Waits (polling, bounded by <paramref name="deadline"/>) until every lister and every handler equals
    /// <paramref name="truth"/> for its selection; then checks the server was not written since. Returns how long it took.
    /// On timeout throws with every difference, each informer's state, the journal of the keys that differ and the log.
    /// </summary>
    public async Task<TimeSpan> WaitForConvergenceAsync(ServerTruth truth, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        try
        {
            await Wait.UntilAsync(() => _running.All(r => Differences(r, truth).Count == 0), () => Describe(truth), deadline, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\n" + RecentLogs(), ex);
        }

        var convergence = DateTime.UtcNow - started;
        if (_emulator.ResourceVersion != truth.ResourceVersion)
        {
            throw new InvalidOperationException($"The server was written after the truth was read (list at rv {truth.ResourceVersion}, server now at rv {_emulator.ResourceVersion}): the harness compared the informers with a stale state");
        }

        return convergence;
    }

    /// <summary>
    /// The delivery contract over the whole run: every handler's recorded violations; without a label selector no delete
    /// for an object that still exists (when deleted keys are recorded); no finalStateUnknown delete in a run without
    /// faults; the informers never logged dropped changes or a rejected store write.
    /// </summary>
    public List<string> DeliveryProblems(ServerTruth truth, bool anyFaults, IEnumerable<RecordingHandler>? extraHandlers = null)
    {
        var problems = new List<string>();
        foreach (var r in _running)
        {
            foreach (var h in r.Handlers)
            {
                problems.AddRange(h.Violations());
                if (r.Spec.LabelSelector is null && h.KeepHistory)
                {
                    // Without a label selector an object only leaves the selection by being deleted; names are never reused.
                    problems.AddRange(h.DeletedKeys().Where(truth.Objects.ContainsKey).Select(k => $"[{h.Name}] received a delete for {k}, which still exists"));
                }

                if (!anyFaults && h.TombstoneDeletes > 0)
                {
                    problems.Add($"[{h.Name}] received {h.TombstoneDeletes} finalStateUnknown deletes although no fault could have made it miss one");
                }
            }
        }

        foreach (var h in extraHandlers ?? [])
        {
            problems.AddRange(h.Violations());
        }

        if (Logs.EventCount(RecoveryPaths.EventIds["changes-dropped"]) > 0 || Logs.EventCount(RecoveryPaths.EventIds["store-rejected"]) > 0)
        {
            problems.Add("the informer logged that it dropped changes or that the store rejected one");
        }

        return problems;
    }

    /// <summary>Cancels the informers and checks each stopped within 10 s without an exception; throws otherwise.</summary>
    public async Task StopInformersAsync()
    {
        _stopped = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        var stopped = await Task.WhenAll(_running.Select(async r => (r, Done: await Task.WhenAny(r.Run, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None)).ConfigureAwait(false) == r.Run))).ConfigureAwait(false);
        if (stopped.Where(x => !x.Done).Select(x => x.r.Spec.Name).ToList() is { Count: > 0 } hung)
        {
            throw new InvalidOperationException($"Informers did not stop within 10 s of cancellation: {string.Join(", ", hung)}\n{RecentLogs()}");
        }

        if (stopped.Where(x => x.r.Run.IsFaulted).Select(x => x.r.Spec.Name + ": " + x.r.Run.Exception!.GetBaseException().Message).ToList() is { Count: > 0 } faulted)
        {
            throw new InvalidOperationException($"Informers ended with an exception when cancelled: {string.Join("; ", faulted)}");
        }
    }

    /// <summary>Recovery paths taken (by name, from the runtime's log event ids), plus responses the transport cut.</summary>
    public Dictionary<string, int> RecoveryCounts() =>
        RecoveryPaths.EventIds.ToDictionary(kv => kv.Key, kv => Logs.EventCount(kv.Value))
            .Append(new KeyValuePair<string, int>("truncated-responses", _running.Sum(r => r.Counter.Truncated)))
            .ToDictionary();

    /// <summary>Every way an informer's lister or handlers differ from <paramref name="truth"/> for its selection.</summary>
    public static List<string> Differences(RunningInformer r, ServerTruth truth)
    {
        var expected = truth.Objects.Values.Where(r.Spec.Selects).ToDictionary(ServerModel.Key, RecordingHandler.Rv, StringComparer.Ordinal);
        var differences = new List<string>();
        var cached = r.Informer.Indexer.List().ToDictionary(RecordingHandler.Key, RecordingHandler.Rv, StringComparer.Ordinal);
        Compare($"{r.Spec.Name} lister", cached, expected, differences);
        foreach (var h in r.Handlers)
        {
            Compare(h.Name, h.Snapshot(), expected, differences);
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

        differences.AddRange(actual.Where(kv => !expected.ContainsKey(kv.Key)).Select(kv => $"{what}: has {kv.Key}@{kv.Value}, which the server does not have (in this selection)"));
    }

    private static IEnumerable<string> KeysIn(IEnumerable<string> differences) =>
        differences.Select(d => d.Split(' ').FirstOrDefault(w => w.Contains('/', StringComparison.Ordinal) && w.Contains('@', StringComparison.Ordinal)))
            .OfType<string>()
            .Select(w => w[..w.IndexOf('@', StringComparison.Ordinal)].TrimEnd(','));

    private string Describe(ServerTruth truth)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"not converged (truth listed at rv {truth.ResourceVersion} with {truth.Objects.Count} objects; server now at rv {_emulator.ResourceVersion}, open watches {_emulator.Faults.OpenWatchCount}):");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in _running)
        {
            var diff = Differences(r, truth);
            keys.UnionWith(KeysIn(diff));
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"  {r.Spec.Name}: synced={r.Informer.HasSynced} lastRv={r.Informer.LastSyncResourceVersion} lastError={r.Informer.LastError?.GetType().Name}:{r.Informer.LastError?.Message} pending={r.Registration.PendingNotifications} run={r.Run.Status} {diff.Count} differences");
            foreach (var d in diff.Take(8))
            {
                sb.AppendLine("    " + d);
            }
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $"faults injected: {string.Join(", ", Faults.Select(kv => kv.Key + "=" + kv.Value))}");
        sb.Append(Journal.Describe(keys.Take(10).ToList()));
        return sb.ToString();
    }

    /// <summary>The last 150 runtime/emulator log lines.</summary>
    public string RecentLogs() => "recent runtime/emulator log:\n    " + string.Join("\n    ", Logs.Lines.TakeLast(150));

    /// <summary>Retries an operation that an injected failure or a dropped connection may hit (the harness's own writes share the faults).</summary>
    public static async Task RetryAsync(Func<Task> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await operation().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt < 200 && IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Math.Min(attempt * 5, 250), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether a failure is one the faults cause (429, 410, 5xx, a dropped connection).</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        HttpOperationException h => h.Response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Gone or HttpStatusCode.InternalServerError or HttpStatusCode.ServiceUnavailable,
        HttpRequestException or IOException => true,
        _ => ex.InnerException is { } inner && IsTransient(inner),
    };

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        foreach (var r in _running)
        {
            try
            {
                await r.Run.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
            }
            catch (Exception)
            {
                // Reported by StopInformersAsync when the caller asked; disposal must not throw.
            }

            r.Client.Dispose();
        }

        _ops?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private sealed record Live(string Namespace, string Name, bool Gold)
    {
        public string Key => Namespace + "/" + Name;
    }
}

/// <summary>The server's state as listed once the faults stopped: objects by key and the list's resourceVersion.</summary>
public sealed record ServerTruth(IReadOnlyDictionary<string, V1ConfigMap> Objects, string ResourceVersion);

/// <summary>One running informer of a rig, its handlers, client and request counter.</summary>
public sealed record RunningInformer(
    InformerSpec Spec,
    SharedIndexInformer<V1ConfigMap> Informer,
    IEventHandlerRegistration Registration,
    List<RecordingHandler> Handlers,
    RequestCounter Counter,
    Kubernetes Client,
    Task Run);
