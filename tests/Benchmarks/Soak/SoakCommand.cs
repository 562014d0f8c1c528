using System.Diagnostics;
using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers.Emulator;

namespace KubeInformers.Benchmarks.Soak;

/// <summary>
/// <c>soak --minutes M [--objects N]</c>: N ConfigMaps in an in-process emulator, steady churn at a fixed write rate,
/// a fault every few seconds, three informers (all namespaces with list+watch, label-selected with a streaming list,
/// one namespace) over the real HTTP transport, each with a checking handler. Every sample period it prints managed
/// heap, handler buffer depth, threads, open watches and sockets, and cache counts beside the server's; at the end it
/// stops churn and faults, waits (bounded) for every cache and handler to equal the server, and prints a summary:
/// writes, faults, objects, minutes, objects lost (must be 0) and whether memory and threads stayed flat.
/// Exit code 0: converged, nothing lost, flat; 1: lost or contract broken; 2: not flat; 64: bad arguments.
/// </summary>
public static class SoakCommand
{
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true);
    private static readonly string[] Namespaces = ["soak-a", "soak-b", "soak-c"];
    private static readonly TimeSpan ConvergenceDeadline = TimeSpan.FromMinutes(2);

    /// <summary>Runs the soak; <paramref name="args"/> are the arguments after (or including) <c>soak</c>.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, CancellationToken.None);

    /// <summary>Runs the soak, writing to <paramref name="output"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        SoakOptions options;
        try
        {
            options = SoakOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await output.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 64;
        }

        var run = new SoakRun(options, output);
        return await run.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed record Watched(string Name, string? Namespace, string? LabelSelector, bool Streaming)
    {
        public bool Selects(V1ConfigMap o) =>
            (Namespace is null || o.Metadata.NamespaceProperty == Namespace)
            && (LabelSelector is null || (o.Metadata.Labels is { } l && l.TryGetValue("tier", out var t) && "tier=" + t == LabelSelector));
    }

    private sealed record Running(Watched Spec, SharedIndexInformer<V1ConfigMap> Informer, IEventHandlerRegistration Registration, SoakHandler Handler, Kubernetes Client, Task Run);

    private sealed record Sample(TimeSpan At, long HeapBytes, int Threads, int Sockets, int OpenWatches, int PendingMax, string Counts);

    private sealed class SoakRun(SoakOptions options, TextWriter output)
    {
        private static readonly Watched[] Specs =
        [
            new("all", null, null, Streaming: false),
            new("gold", null, "tier=gold", Streaming: true),
            new("soak-b", "soak-b", null, Streaming: false),
        ];

        private readonly Random _random = new(options.Seed);
        private readonly Random _faultRandom = new(options.Seed + 1);
        private readonly List<(string Namespace, string Name, bool Gold)> _live = [];
        private readonly Dictionary<string, int> _faults = new(StringComparer.Ordinal);
        private readonly EventCountingLoggerFactory _logs = new();
        private readonly List<Sample> _samples = [];
        private readonly object _modelLock = new();
        private long _writes;
        private int _nextName;
        private KubernetesEmulator _emulator = null!;
        private Kubernetes _ops = null!;

        public async Task<int> RunAsync(CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            // History kept 20 s (the real watch cache keeps 75 s): the emulator's own memory reaches its plateau within the
            // first sample periods, so the heap figures show the informers' trend rather than the server's warm-up.
            _emulator = await KubernetesEmulator.StartAsync(new EmulatorOptions
            {
                BookmarkInterval = TimeSpan.FromSeconds(5),
                HistoryMaxAge = TimeSpan.FromSeconds(20),
            }, cancellationToken).ConfigureAwait(false);
            _ops = _emulator.CreateClient();
            var running = new List<Running>();
            using var stopInformers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                await output.WriteLineAsync($"soak: {options.Objects} objects, {options.ChurnPerSecond} writes/s, a fault every {options.FaultSeconds} s, {options.Duration.TotalMinutes:0.##} min, sample every {options.SampleSeconds} s").ConfigureAwait(false);
                for (var i = 0; i < options.Objects; i++)
                {
                    var cm = NewConfigMap(i % Namespaces.Length, gold: i % 2 == 0);
                    _emulator.Seed(cm);
                    _live.Add((cm.Metadata.NamespaceProperty, cm.Metadata.Name, i % 2 == 0));
                }

                await output.WriteLineAsync($"seeded {options.Objects} objects in {clock.Elapsed.TotalSeconds:0.0} s").ConfigureAwait(false);
                foreach (var spec in Specs)
                {
                    running.Add(Start(spec, stopInformers.Token));
                }

                using (var syncDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    syncDeadline.CancelAfter(TimeSpan.FromMinutes(2));
                    foreach (var r in running)
                    {
                        if (!await r.Informer.WaitForCacheSyncAsync(syncDeadline.Token).ConfigureAwait(false))
                        {
                            await output.WriteLineAsync($"informer {r.Spec.Name} did not sync within 2 minutes").ConfigureAwait(false);
                            return 1;
                        }
                    }
                }

                await output.WriteLineAsync($"informers synced after {clock.Elapsed.TotalSeconds:0.0} s").ConfigureAwait(false);

                var started = Stopwatch.StartNew();
                using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                stopLoad.CancelAfter(options.Duration);
                var churn = ChurnAsync(stopLoad.Token);
                var faults = FaultsAsync(stopLoad.Token);
                using (var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.SampleSeconds)))
                {
                    try
                    {
                        while (await timer.WaitForNextTickAsync(stopLoad.Token).ConfigureAwait(false))
                        {
                            await SampleAsync(started.Elapsed, running).ConfigureAwait(false);
                        }
                    }
                    catch (OperationCanceledException) when (stopLoad.IsCancellationRequested)
                    {
                    }
                }

                await Task.WhenAll(churn, faults).ConfigureAwait(false);
                _emulator.Faults.Clear();
                var minutes = started.Elapsed.TotalMinutes;

                await output.WriteLineAsync("load stopped; waiting for every cache and handler to equal the server").ConfigureAwait(false);
                var truth = await ListTruthAsync(cancellationToken).ConfigureAwait(false);
                var convergence = Stopwatch.StartNew();
                var lost = Differences(running, truth);
                while (lost.Count > 0 && convergence.Elapsed < ConvergenceDeadline)
                {
                    await Task.Delay(250, cancellationToken).ConfigureAwait(false);
                    lost = Differences(running, truth);
                }

                // Printed, not used for the flatness verdict: the load has stopped and the full server list is held.
                await SampleAsync(started.Elapsed, running, keep: false).ConfigureAwait(false);
                return await SummarizeAsync(running, truth, lost, minutes, convergence.Elapsed).ConfigureAwait(false);
            }
            finally
            {
                await stopInformers.CancelAsync().ConfigureAwait(false);
                foreach (var r in running)
                {
                    try
                    {
                        await r.Run.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
                    {
                    }

                    r.Client.Dispose();
                }

                _ops.Dispose();
                await _emulator.DisposeAsync().ConfigureAwait(false);
            }
        }

        private Running Start(Watched spec, CancellationToken cancellationToken)
        {
            var client = _emulator.CreateClient();
            var informer = new SharedIndexInformer<V1ConfigMap>(
                new HttpListWatch<V1ConfigMap>(client, ConfigMaps, new ListWatchOptions { Namespace = spec.Namespace, LabelSelector = spec.LabelSelector }),
                new SharedIndexInformerOptions<V1ConfigMap>
                {
                    Resource = ConfigMaps,
                    Reflector = new ReflectorOptions
                    {
                        UseStreamingList = spec.Streaming,
                        InitialBackoff = TimeSpan.FromMilliseconds(100),
                        MaxBackoff = TimeSpan.FromSeconds(2),
                        WatchIdleTimeout = TimeSpan.FromSeconds(20),
                        MinWatchTimeout = TimeSpan.FromSeconds(30),
                    },
                },
                _logs);
            var handler = new SoakHandler();
            var registration = informer.AddEventHandler(handler);
            var run = Task.Run(() => informer.RunAsync(cancellationToken), CancellationToken.None);
            return new Running(spec, informer, registration, handler, client, run);
        }

        private async Task ChurnAsync(CancellationToken cancellationToken)
        {
            var started = Stopwatch.StartNew();
            var interval = TimeSpan.FromSeconds(1.0 / options.ChurnPerSecond);
            try
            {
                for (long i = 0; !cancellationToken.IsCancellationRequested; i++)
                {
                    var due = interval * i;
                    var wait = due - started.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    }

                    await WriteOnceAsync(cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _writes);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        private async Task WriteOnceAsync(CancellationToken cancellationToken)
        {
            var roll = _random.NextDouble();
            if (_live.Count == 0 || roll < 0.225)
            {
                var gold = _random.Next(2) == 0;
                var cm = NewConfigMap(_random.Next(Namespaces.Length), gold);
                await RetryAsync(async () =>
                {
                    try
                    {
                        await _ops.CoreV1.CreateNamespacedConfigMapAsync(cm, cm.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                    catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
                    {
                    }
                }, cancellationToken).ConfigureAwait(false);
                lock (_modelLock)
                {
                    _live.Add((cm.Metadata.NamespaceProperty, cm.Metadata.Name, gold));
                }

                return;
            }

            var index = _random.Next(_live.Count);
            var target = _live[index];
            if (roll < 0.45)
            {
                lock (_modelLock)
                {
                    _live[index] = _live[^1];
                    _live.RemoveAt(_live.Count - 1);
                }

                await RetryAsync(async () =>
                {
                    try
                    {
                        await _ops.CoreV1.DeleteNamespacedConfigMapAsync(target.Name, target.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                    catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
                    {
                    }
                }, cancellationToken).ConfigureAwait(false);
            }
            else if (roll < 0.6)
            {
                lock (_modelLock)
                {
                    _live[index] = target with { Gold = !target.Gold };
                }

                var patch = new V1Patch("{\"metadata\":{\"labels\":{\"tier\":\"" + (target.Gold ? "silver" : "gold") + "\"}}}", V1Patch.PatchType.MergePatch);
                await RetryAsync(() => _ops.CoreV1.PatchNamespacedConfigMapAsync(patch, target.Name, target.Namespace, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var patch = new V1Patch("{\"data\":{\"v\":\"" + _random.Next().ToString(CultureInfo.InvariantCulture) + "\"}}", V1Patch.PatchType.MergePatch);
                await RetryAsync(() => _ops.CoreV1.PatchNamespacedConfigMapAsync(patch, target.Name, target.Namespace, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task FaultsAsync(CancellationToken cancellationToken)
        {
            var kinds = new[] { "close", "reset", "stall", "compact", "429", "500", "malformed", "restart" };
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.FaultSeconds));
            var faults = _emulator.Faults;
            try
            {
                // Every kind once per round, in a seeded random order.
                var order = new List<string>();
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (order.Count == 0)
                    {
                        order.AddRange(kinds.OrderBy(_ => _faultRandom.Next()));
                    }

                    var kind = order[^1];
                    order.RemoveAt(order.Count - 1);
                    lock (_faults)
                    {
                        _faults[kind] = _faults.GetValueOrDefault(kind) + 1;
                    }

                    switch (kind)
                    {
                        case "close":
                            faults.CloseWatches();
                            break;
                        case "reset":
                            faults.ResetWatches();
                            break;
                        case "stall":
                            faults.StallWatches();
                            try
                            {
                                await Task.Delay(TimeSpan.FromSeconds(Math.Min(3, options.FaultSeconds / 2)), cancellationToken).ConfigureAwait(false);
                            }
                            finally
                            {
                                faults.ResumeWatches();
                            }

                            break;
                        case "compact":
                            faults.StallWatches();
                            faults.CompactHistory();
                            faults.ResetWatches();
                            faults.ResumeWatches();
                            break;
                        case "429":
                            faults.FailNextRequests(5, 429, retryAfterSeconds: 1);
                            faults.ResetWatches();
                            break;
                        case "500":
                            faults.FailNextRequests(5, 500, retryAfterSeconds: 1);
                            faults.ResetWatches();
                            break;
                        case "malformed":
                            faults.InjectMalformedLine();
                            break;
                        case "restart":
                            await faults.RestartAsync().ConfigureAwait(false);
                            break;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        private async Task SampleAsync(TimeSpan at, List<Running> running, bool keep = true)
        {
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            var threads = process.Threads.Count;
            var sockets = CountSockets();
            var pending = running.Max(r => r.Registration.PendingNotifications);
            var counts = new List<string>();
            foreach (var r in running)
            {
                var server = await CountOnServerAsync(r.Spec).ConfigureAwait(false);
                counts.Add($"{r.Spec.Name} {r.Informer.CacheCount}/{(server is null ? "?" : server.Value.ToString(CultureInfo.InvariantCulture))}");
            }

            var sample = new Sample(at, heap, threads, sockets, _emulator.Faults.OpenWatchCount, pending, string.Join(" ", counts));
            if (keep)
            {
                _samples.Add(sample);
            }
            int faults;
            lock (_faults)
            {
                faults = _faults.Values.Sum();
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"[{at.TotalSeconds,6:0}s] heap {heap / 1048576.0,6:0.0} MB | pending max {pending,5} | threads {threads,3} | watches {sample.OpenWatches} | sockets {sockets,3} | cache/server {sample.Counts} | writes {Interlocked.Read(ref _writes)} faults {faults}")).ConfigureAwait(false);
        }

        /// <summary>The server's count for a selection, from a one-item list's remainingItemCount where possible; null while faults make it fail.</summary>
        private async Task<long?> CountOnServerAsync(Watched spec)
        {
            try
            {
                // The server leaves remainingItemCount out when a label selector is used (as the real one does): list it all then.
                int? limit = spec.LabelSelector is null ? 1 : null;
                var list = spec.Namespace is null
                    ? await _ops.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: spec.LabelSelector, limit: limit).ConfigureAwait(false)
                    : await _ops.CoreV1.ListNamespacedConfigMapAsync(spec.Namespace, labelSelector: spec.LabelSelector, limit: limit).ConfigureAwait(false);
                return list.Items.Count + (list.Metadata.RemainingItemCount ?? 0);
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                return null;
            }
        }

        private static int CountSockets()
        {
            try
            {
                return Directory.EnumerateFileSystemEntries("/proc/self/fd")
                    .Count(fd =>
                    {
                        try
                        {
                            return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
                        }
                        catch (IOException)
                        {
                            return false;
                        }
                    });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return -1;
            }
        }

        private async Task<Dictionary<string, string>> ListTruthAsync(CancellationToken cancellationToken)
        {
            V1ConfigMapList list = null!;
            await RetryAsync(async () => list = await _ops.CoreV1.ListConfigMapForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return list.Items.Where(o => Namespaces.Contains(o.Metadata.NamespaceProperty))
                .ToDictionary(SoakHandler.Key, o => o.Metadata.ResourceVersion + "|" + ((o.Metadata.Labels is { } l && l.TryGetValue("tier", out var t) ? t : "")), StringComparer.Ordinal);
        }

        /// <summary>Every key where a cache or a handler differs from the server (missing, extra or stale).</summary>
        private static List<string> Differences(List<Running> running, Dictionary<string, string> truth)
        {
            var differences = new List<string>();
            foreach (var r in running)
            {
                var expected = truth.Where(kv => r.Spec.Selects(FromKey(kv.Key, kv.Value))).ToDictionary(kv => kv.Key, kv => kv.Value.Split('|')[0], StringComparer.Ordinal);
                var cached = r.Informer.Indexer.List().ToDictionary(SoakHandler.Key, o => o.Metadata.ResourceVersion ?? "", StringComparer.Ordinal);
                Compare(r.Spec.Name + " cache", cached, expected, differences);
                Compare(r.Spec.Name + " handler", new Dictionary<string, string>(r.Handler.LastSeen, StringComparer.Ordinal), expected, differences);
            }

            return differences;
        }

        private static V1ConfigMap FromKey(string key, string value)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            return new V1ConfigMap
            {
                Metadata = new V1ObjectMeta
                {
                    NamespaceProperty = key[..slash],
                    Name = key[(slash + 1)..],
                    Labels = new Dictionary<string, string> { ["tier"] = value.Split('|')[1] },
                },
            };
        }

        private static void Compare(string what, Dictionary<string, string> actual, Dictionary<string, string> expected, List<string> differences)
        {
            foreach (var (key, rv) in expected)
            {
                if (!actual.TryGetValue(key, out var got) || got != rv)
                {
                    differences.Add($"{what}: {key} server @{rv}, has @{got ?? "(missing)"}");
                }
            }

            differences.AddRange(actual.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"{what}: {k} deleted on the server, still held"));
        }

        private async Task<int> SummarizeAsync(List<Running> running, Dictionary<string, string> truth, List<string> lost, double minutes, TimeSpan convergence)
        {
            var third = Math.Max(1, _samples.Count / 3);
            var first = _samples.Take(third).ToList();
            var last = _samples.Skip(_samples.Count - third).ToList();
            double Mean(IEnumerable<Sample> s, Func<Sample, double> f) => s.Average(f);
            var heapFirst = Mean(first, s => s.HeapBytes) / 1048576.0;
            var heapLast = Mean(last, s => s.HeapBytes) / 1048576.0;
            var threadsFirst = Mean(first, s => s.Threads);
            var threadsLast = Mean(last, s => s.Threads);
            var socketsFirst = Mean(first, s => s.Sockets);
            var socketsLast = Mean(last, s => s.Sockets);
            var heapFlat = heapLast <= heapFirst * 1.2 + 8;
            var threadsFlat = threadsLast <= threadsFirst + 8;
            var socketsFlat = socketsLast <= socketsFirst + 8;
            var violations = running.Sum(r => r.Handler.Violations);
            string faults;
            lock (_faults)
            {
                faults = $"{_faults.Values.Sum()} ({string.Join(", ", _faults.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + " " + kv.Value))})";
            }

            var w = output;
            await w.WriteLineAsync("---- soak summary ----").ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"minutes:            {minutes:0.00}")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"objects:            {options.Objects} seeded, {truth.Count} at the end")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"writes (iterations): {Interlocked.Read(ref _writes)} at {options.ChurnPerSecond}/s")).ConfigureAwait(false);
            await w.WriteLineAsync($"faults injected:    {faults}").ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"handler events:     {running.Sum(r => r.Handler.Events)} ({running.Sum(r => r.Handler.Tombstones)} finalStateUnknown deletes)")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"recovery paths:     relists {_logs.Count(1007) + _logs.Count(1003)}, continue expired {_logs.Count(1004)}, retries {_logs.Count(1008)}, idle watches {_logs.Count(1010)}, decode failures {_logs.Count(1011)}, streaming fallbacks {_logs.Count(1013)}, changes dropped {_logs.Count(1105)}")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"converged in:       {convergence.TotalSeconds:0.0} s after the load stopped")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"lost:               {lost.Count} (cache or handler entries missing, stale or not deleted){(lost.Count == 0 ? "" : ": " + string.Join("; ", lost.Take(10)))}")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"contract breaks:    {violations}")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"managed heap:       first third {heapFirst:0.0} MB, last third {heapLast:0.0} MB -> {(heapFlat ? "flat" : "GROWING")}")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"threads:            first third {threadsFirst:0.0}, last third {threadsLast:0.0} -> {(threadsFlat ? "flat" : "GROWING")}")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"sockets:            first third {socketsFirst:0.0}, last third {socketsLast:0.0} -> {(socketsFlat ? "flat" : "GROWING")}")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"handler buffer:     max pending {_samples.Max(s => s.PendingMax)} over {_samples.Count} samples")).ConfigureAwait(false);
            if (lost.Count > 0 || violations > 0 || _logs.Count(1105) > 0)
            {
                return 1;
            }

            return heapFlat && threadsFlat && socketsFlat ? 0 : 2;
        }

        private V1ConfigMap NewConfigMap(int ns, bool gold) => new()
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta
            {
                Name = "soak-" + Interlocked.Increment(ref _nextName).ToString(CultureInfo.InvariantCulture),
                NamespaceProperty = Namespaces[ns],
                Labels = new Dictionary<string, string> { ["tier"] = gold ? "gold" : "silver", ["app"] = "soak" },
            },
            Data = new Dictionary<string, string> { ["v"] = "0", ["payload"] = new string('x', 200) },
        };

        private static async Task RetryAsync(Func<Task> operation, CancellationToken cancellationToken)
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
                    await Task.Delay(Math.Min(attempt * 10, 500), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private static bool IsTransient(Exception ex) => ex switch
        {
            HttpOperationException h => h.Response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.ServiceUnavailable,
            HttpRequestException or IOException => true,
            _ => ex.InnerException is { } inner && IsTransient(inner),
        };
    }
}
