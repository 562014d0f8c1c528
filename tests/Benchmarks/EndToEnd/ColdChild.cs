using System.Globalization;
using k8s;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>
/// One cold measurement in a fresh process, written as a user's program is:
/// <c>e2e-child --path P --kubeconfig F --objects N [--events M] [--list-file F]</c>. Every path but the floor loads
/// the kubeconfig file with <see cref="KubernetesClientConfiguration.BuildConfigFromConfigFile(string, string, string, bool)"/>
/// (<c>ours-kubeconfig</c>: with KubeInformers' <see cref="KubeConfig.BuildConfigFromConfigFile"/>),
/// builds a client and syncs with default options (<c>ours-late</c>: the same with
/// <see cref="SharedInformerFactoryOptions.ConnectEarly"/> off, see <see cref="SyncPaths"/>; the floor only decodes the
/// list file from memory: it has no client and so no connection). Over the harness's <c>--tls</c> server the client
/// verifies the server's certificate against the kubeconfig's <c>certificate-authority-data</c>, as a user's program does. Then it measures the managed bytes the cache retains after a full collection and, for informer paths,
/// the rate at which the watch's <c>M</c> MODIFIED events reach a handler.
/// <para>
/// Time is reported as wall-clock instants (<see cref="DateTime.UtcNow"/> as Unix milliseconds) so the parent, which
/// reads the same clock just before <c>Process.Start</c>, computes launch → synced itself: the figure includes the
/// runtime's start, assembly loading and everything before <c>Main</c>. One line on standard output:
/// <c>RESULT main=… config=… synced=… bytes=… count=… events=… …</c>.
/// </para>
/// </summary>
public static class ColdChild
{
    /// <summary>Runs the child.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var tMain = UnixMs(DateTime.UtcNow);
        string? path = null, kubeconfig = null, listFile = null;
        int objects = 0, events = 0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--path": path = args[++i]; break;
                case "--kubeconfig": kubeconfig = args[++i]; break;
                case "--objects": objects = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--events": events = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--list-file": listFile = args[++i]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (path is null || (kubeconfig is null && path != "floor")) { Console.Error.WriteLine("--path and --kubeconfig are required"); return 2; }

        var baseline = GC.GetTotalMemory(forceFullCollection: false);
        // Only the floor decodes from memory; the other paths would pay for reading a file they never use.
        var listBody = listFile is null || path != "floor" ? null : await File.ReadAllBytesAsync(listFile).ConfigureAwait(false);
        var tConfigStart = UnixMs(DateTime.UtcNow);
        Kubernetes? client = null;
        if (path == "ours-kubeconfig")
            client = new Kubernetes(KubeConfig.BuildConfigFromConfigFile(kubeconfig));
        else if (path != "floor")
            client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var tClient = UnixMs(DateTime.UtcNow);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var updates = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = events > 0 && SyncPaths.Watches(path);
        void Updated() { if (Interlocked.Increment(ref updates) == events) allArrived.TrySetResult(); }
        var cache = await SyncPaths.RunAsync(path, client, listBody, objects, cts.Token, watching ? Updated : null).ConfigureAwait(false);
        var tSynced = UnixMs(DateTime.UtcNow);
        var jitMs = System.Runtime.JitInfo.GetCompilationTime(currentThread: false).TotalMilliseconds;
        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
        var gcPauseMs = GC.GetTotalPauseDuration().TotalMilliseconds;
        var gcs = $"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}";
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        listBody = null;
        var retained = SyncPaths.HeapAfterFullGc() - baseline;
        var count = SyncPaths.Count(cache);
        GC.KeepAlive(cache);

        double rate = double.NaN, watchAlloc = double.NaN;
        if (watching)
        {
            // Counted from here: the events delivered while the heap was measured are left out of the rate. What the
            // process allocates per event does not depend on when the GC runs, unlike the rate.
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var before = Volatile.Read(ref updates);
            var allocBefore = GC.GetTotalAllocatedBytes(precise: true);
            await allArrived.Task.WaitAsync(cts.Token).ConfigureAwait(false);
            rate = (events - before) / sw.Elapsed.TotalSeconds;
            watchAlloc = (GC.GetTotalAllocatedBytes(precise: true) - allocBefore) / (double)(events - before);
        }
        var readers = CompiledReaderRegistry.GetStatistics<k8s.Models.V1Pod>();
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT main={tMain:F3} config={tClient - tConfigStart:F1} synced={tSynced:F3} bytes={retained} count={count} events={rate:F0} watchAlloc={watchAlloc:F0} compiled={readers.Decoded} fallback={readers.FallenBack} jit={jitMs:F0} jitMethods={jitMethods} gcPause={gcPauseMs:F0} gcs={gcs} allocMB={allocated / 1048576} peakRssMB={PeakRssMb()}"));
        await SyncPaths.ReleaseAsync(cache).ConfigureAwait(false);
        client?.Dispose();
        return 0;
    }

    /// <summary>The process's peak resident set in MB (on Linux, VmHWM of /proc/self/status).</summary>
    public static long PeakRssMb()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / 1048576;
    }

    /// <summary>A UTC instant as milliseconds since the Unix epoch: the clock the parent and every child share.</summary>
    public static double UnixMs(DateTime utc) => (utc - DateTime.UnixEpoch).TotalMilliseconds;
}
