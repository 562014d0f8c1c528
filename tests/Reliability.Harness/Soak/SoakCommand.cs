using System.Diagnostics;
using System.Globalization;
using k8s;
using KubeInformers.Reliability.Harness;

namespace KubeInformers.Benchmarks.Soak;

/// <summary>
/// <c>soak --minutes M [--objects N]</c>: the convergence property's machine (<see cref="ReliabilityRig"/>) run for a long
/// time. N ConfigMaps, three informers over the real HTTP transport (all namespaces list+watch, <c>tier=gold</c> with a
/// streaming list, one namespace) with checking handlers, steady churn at a fixed write rate (the rig's create, update,
/// relabel and delete steps) and one fault every few seconds (the rig's fault kinds, in seeded rounds). Every sample
/// period it prints (and writes to <c>--csv</c>) managed heap, deepest handler buffer, threads, sockets, open watches,
/// and cache counts beside the server's. At the end: faults off, the server checked against the independent model of the
/// writes, a bounded wait until every cache and handler equals the server, the delivery checks, the summary, and a plot
/// of the samples (<c>--plot</c>).
/// Exit code 0: converged, nothing lost, no contract break, and flat (or too few samples to judge, which the summary
/// says); 1: lost, the server differs from the model, or a contract break; 2: not flat; 64: bad arguments.
/// </summary>
public static class SoakCommand
{
    /// <summary>Samples needed before flatness is judged (the first third is the baseline, the last third the verdict).</summary>
    public const int MinimumSamplesForFlatness = 6;

    private static readonly TimeSpan ConvergenceDeadline = TimeSpan.FromMinutes(2);

    /// <summary>The fault kinds a soak cycles through (ContinueExpiry needs a server without watch cache; stalls end by the watchdog).</summary>
    public static readonly FaultKind[] FaultKinds =
    [
        FaultKind.CloseWatches, FaultKind.ResetWatches, FaultKind.StallUntilIdle, FaultKind.CompactAndReset,
        FaultKind.TooManyRequests, FaultKind.InternalError, FaultKind.MalformedLine, FaultKind.Restart,
        FaultKind.TruncateList, FaultKind.TruncateWatch, FaultKind.Unreachable,
    ];

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

        return await new SoakRun(options, output).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class SoakRun(SoakOptions options, TextWriter output)
    {
        private readonly Random _random = new(options.Seed);
        private readonly Random _faultRandom = new(options.Seed + 1);
        private readonly List<SoakSample> _samples = [];
        private readonly object _writeLock = new();
        private long _writes;
        private ReliabilityRig _rig = null!;

        public async Task<int> RunAsync(CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            await output.WriteLineAsync($"soak: {options.Objects} objects, {options.ChurnPerSecond} writes/s, a fault every {options.FaultSeconds} s, {options.Duration.TotalMinutes:0.##} min, sample every {options.SampleSeconds} s, seed {options.Seed}").ConfigureAwait(false);
            try
            {
                _rig = await ReliabilityRig.StartAsync(RigOptions.Soak(options.Objects), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                await output.WriteLineAsync("the informers did not sync: " + ex.Message).ConfigureAwait(false);
                return 1;
            }

            await using var rig = _rig;
            await output.WriteLineAsync($"seeded and synced after {clock.Elapsed.TotalSeconds:0.0} s").ConfigureAwait(false);
            CsvHeader();

            var started = Stopwatch.StartNew();
            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stopLoad.CancelAfter(options.Duration);
            var churn = ChurnAsync(stopLoad.Token, cancellationToken);
            var faults = FaultsAsync(stopLoad.Token);
            using (var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.SampleSeconds)))
            {
                try
                {
                    while (await timer.WaitForNextTickAsync(stopLoad.Token).ConfigureAwait(false))
                    {
                        await SampleAsync(started.Elapsed, keep: true).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (stopLoad.IsCancellationRequested)
                {
                }
            }

            await Task.WhenAll(churn, faults).ConfigureAwait(false);
            var minutes = started.Elapsed.TotalMinutes;
            await output.WriteLineAsync("load stopped; checking the server against the model, then waiting for every cache and handler to equal it").ConfigureAwait(false);

            ServerTruth truth;
            try
            {
                truth = await rig.QuiesceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                await output.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }

            TimeSpan? convergence = null;
            List<string> lost = [];
            try
            {
                convergence = await rig.WaitForConvergenceAsync(truth, ConvergenceDeadline, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                lost = [.. rig.Informers.SelectMany(r => ReliabilityRig.Differences(r, truth))];
                await output.WriteLineAsync(ex.Message.Length > 4000 ? ex.Message[..4000] : ex.Message).ConfigureAwait(false);
                if (lost.Count == 0)
                {
                    lost.Add(ex.Message.Split('\n')[0]);
                }
            }

            // Printed, not used for the flatness verdict: the load has stopped and the full server list is held.
            await SampleAsync(started.Elapsed, keep: false).ConfigureAwait(false);
            var problems = rig.DeliveryProblems(truth, anyFaults: true);
            var stopProblem = "";
            try
            {
                await rig.StopInformersAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                stopProblem = ex.Message.Split('\n')[0];
            }

            var code = await SummarizeAsync(truth, lost, problems, stopProblem, minutes, convergence).ConfigureAwait(false);
            if (options.PlotPath is { } plot)
            {
                SoakPlot.Write(plot, _samples, $"Soak: {options.Objects:N0} objects, {options.ChurnPerSecond} writes/s, a fault every {options.FaultSeconds:0.#} s, {minutes:0} min (shared 2-core machine)");
                await output.WriteLineAsync($"plot written to {plot}").ConfigureAwait(false);
            }

            return code;
        }

        /// <summary>
        /// Writes at the fixed rate until <paramref name="stopLoad"/>. A write that has started is finished (only
        /// <paramref name="abort"/> cancels it): a write cancelled in flight may or may not have reached the server, and
        /// the model could not know which (the end-of-run check then reported a difference the harness had made).
        /// </summary>
        private async Task ChurnAsync(CancellationToken stopLoad, CancellationToken abort)
        {
            var started = Stopwatch.StartNew();
            var interval = TimeSpan.FromSeconds(1.0 / options.ChurnPerSecond);
            try
            {
                for (long i = 0; !stopLoad.IsCancellationRequested; i++)
                {
                    var due = interval * i;
                    var wait = due - started.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, stopLoad).ConfigureAwait(false);
                    }

                    await _rig.ExecuteAsync(NextWrite(), abort).ConfigureAwait(false);
                    Interlocked.Increment(ref _writes);
                }
            }
            catch (OperationCanceledException) when (stopLoad.IsCancellationRequested)
            {
            }
        }

        /// <summary>45 % data updates, 15 % label flips, 22.5 % creates, 22.5 % deletes (creates when nothing is alive).</summary>
        private Step NextWrite()
        {
            lock (_writeLock)
            {
                var roll = _random.NextDouble();
                var target = _random.Next(int.MaxValue);
                return roll switch
                {
                    _ when _rig.LiveCount == 0 || roll < 0.225 => new CreateStep(_random.Next(ReliabilityRig.Namespaces.Length), _random.Next(2) == 0, _random.Next(1000)),
                    < 0.45 => new DeleteStep(target),
                    < 0.6 => new RelabelStep(target),
                    _ => new UpdateStep(target, _random.Next(1_000_000)),
                };
            }
        }

        private async Task FaultsAsync(CancellationToken cancellationToken)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.FaultSeconds));
            var order = new List<FaultKind>();
            try
            {
                // Every kind once per round, in a seeded random order. Faults run beside the churn (the rig allows a fault
                // concurrently with a write), so a stall or an outage sees writes pile up.
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (order.Count == 0)
                    {
                        order.AddRange(FaultKinds.OrderBy(_ => _faultRandom.Next()));
                    }

                    var kind = order[^1];
                    order.RemoveAt(order.Count - 1);
                    await _rig.ExecuteFaultAsync(new FaultStep(kind, 5)).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        private async Task SampleAsync(TimeSpan at, bool keep)
        {
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            var threads = process.Threads.Count;
            var sockets = CountSockets();
            var pending = _rig.Informers.Max(r => r.Registration.PendingNotifications);
            var counts = new List<string>();
            foreach (var r in _rig.Informers)
            {
                var server = await CountOnServerAsync(r.Spec).ConfigureAwait(false);
                counts.Add($"{r.Spec.Name} {r.Informer.CacheCount}/{(server is null ? "?" : server.Value.ToString(CultureInfo.InvariantCulture))}");
            }

            var faults = _rig.Faults.Values.Sum();
            var sample = new SoakSample(at, heap, threads, sockets, _rig.Emulator.Faults.OpenWatchCount, pending, Interlocked.Read(ref _writes), faults, string.Join(" ", counts));
            if (keep)
            {
                _samples.Add(sample);
                CsvLine(sample);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"[{at.TotalSeconds,6:0}s] heap {heap / 1048576.0,6:0.0} MB | pending max {pending,5} | threads {threads,3} | watches {sample.OpenWatches} | sockets {sockets,3} | cache/server {sample.Counts} | writes {sample.Writes} faults {faults}")).ConfigureAwait(false);
        }

        private void CsvHeader()
        {
            if (options.CsvPath is { } path)
            {
                File.WriteAllText(path, "seconds,heap_mb,threads,sockets,open_watches,pending_max,writes,faults,counts\n");
            }
        }

        private void CsvLine(SoakSample s)
        {
            if (options.CsvPath is { } path)
            {
                File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture,
                    $"{s.At.TotalSeconds:0},{s.HeapBytes / 1048576.0:0.0},{s.Threads},{s.Sockets},{s.OpenWatches},{s.PendingMax},{s.Writes},{s.Faults},{s.Counts}\n"));
            }
        }

        /// <summary>The server's count for a selection, from a one-item list's remainingItemCount where possible; null while faults make it fail.</summary>
        private async Task<long?> CountOnServerAsync(InformerSpec spec)
        {
            try
            {
                // The server leaves remainingItemCount out when a label selector is used (as the real one does): list it all then.
                int? limit = spec.LabelSelector is null ? 1 : null;
                var client = _rig.Client;
                var list = spec.Namespace is null
                    ? await client.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: spec.LabelSelector, limit: limit).ConfigureAwait(false)
                    : await client.CoreV1.ListNamespacedConfigMapAsync(spec.Namespace, labelSelector: spec.LabelSelector, limit: limit).ConfigureAwait(false);
                return list.Items.Count + (list.Metadata.RemainingItemCount ?? 0);
            }
            catch (Exception ex) when (ReliabilityRig.IsTransient(ex))
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

        private async Task<int> SummarizeAsync(ServerTruth truth, List<string> lost, List<string> problems, string stopProblem, double minutes, TimeSpan? convergence)
        {
            var flat = SoakFlatness.Judge(_samples, MinimumSamplesForFlatness);
            var handlers = _rig.Informers.SelectMany(r => r.Handlers).ToList();
            var w = output;
            await w.WriteLineAsync("---- soak summary ----").ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"minutes:            {minutes:0.00}")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"objects:            {options.Objects} seeded, {truth.Objects.Count} at the end")).ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"writes:             {Interlocked.Read(ref _writes)} at {options.ChurnPerSecond}/s ({_rig.Model.Writes} in the model, fillers included)")).ConfigureAwait(false);
            await w.WriteLineAsync($"faults injected:    {_rig.Faults.Values.Sum()} ({string.Join(", ", _rig.Faults.OrderBy(kv => kv.Key.ToString(), StringComparer.Ordinal).Select(kv => kv.Key + " " + kv.Value))})").ConfigureAwait(false);
            await w.WriteLineAsync($"server vs model:    equal ({truth.Objects.Count} objects, rv {truth.ResourceVersion})").ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"handler events:     {handlers.Sum(h => (long)h.Adds + h.Updates + h.Deletes)} ({handlers.Sum(h => h.TombstoneDeletes)} finalStateUnknown deletes)")).ConfigureAwait(false);
            await w.WriteLineAsync($"recovery paths:     {string.Join(", ", _rig.RecoveryCounts().Where(kv => kv.Value > 0).Select(kv => kv.Key + "=" + kv.Value))}").ConfigureAwait(false);
            await w.WriteLineAsync(convergence is { } c
                ? string.Create(CultureInfo.InvariantCulture, $"converged:          yes, in {c.TotalMilliseconds:0} ms")
                : "converged:          NO").ConfigureAwait(false);
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"lost:               {lost.Count} (differences after convergence)")).ConfigureAwait(false);
            foreach (var l in lost.Take(10))
            {
                await w.WriteLineAsync("  " + l).ConfigureAwait(false);
            }

            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"contract breaks:    {problems.Count + handlers.Sum(h => h.ViolationCount) - handlers.Sum(h => h.Violations().Count)}")).ConfigureAwait(false);
            foreach (var p in problems.Take(10))
            {
                await w.WriteLineAsync("  " + p).ConfigureAwait(false);
            }

            await w.WriteLineAsync($"stopped:            {(stopProblem.Length == 0 ? "every informer within 10 s" : stopProblem)}").ConfigureAwait(false);
            await w.WriteLineAsync($"samples:            {_samples.Count}").ConfigureAwait(false);
            await w.WriteLineAsync("flat:               " + flat.Describe()).ConfigureAwait(false);
            if (lost.Count > 0 || problems.Count > 0 || stopProblem.Length > 0)
            {
                return 1;
            }

            return flat.Judged && !flat.Flat ? 2 : 0;
        }
    }
}
