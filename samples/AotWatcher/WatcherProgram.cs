using System.Globalization;
using k8s;
using k8s.Models;
using KubeInformers;

[assembly: GenerateInformer(typeof(V1Pod))]

namespace AotWatcher;

/// <summary>
/// The watcher: kubeconfig (KubeInformers' <see cref="KubeConfig"/> reader, as under JIT) → client → a Pod informer (full model, or a four-field projection) with default options →
/// synced → events. Single-threaded entry point; the informer's handlers run on its own delivery thread.
/// </summary>
public static class WatcherProgram
{
    private static readonly ResourceDescriptor Pods = new("", "v1", "pods", "Pod", Namespaced: true);

    /// <summary>Runs the watcher with the command line <paramref name="args"/>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var tMain = UnixMs();
        string? kubeconfig = null;
        int objects = -1, events = 0;
        var projection = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--kubeconfig": kubeconfig = args[++i]; break;
                case "--objects": objects = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--events": events = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--projection": projection = true; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}; options: --kubeconfig F --objects N --events M --projection"); return 2;
            }
        }

        var baseline = GC.GetTotalMemory(forceFullCollection: false);
        var tConfig = UnixMs();
        KubernetesClientConfiguration config;
        try
        {
            // The same reader hosting uses; under Native AOT a file beyond its YAML subset is a KubeConfigNotSupportedException.
            config = kubeconfig is null ? KubeConfig.BuildDefaultConfig() : KubeConfig.BuildConfigFromConfigFile(kubeconfig);
        }
        catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or KubeConfigFormatException or KubeConfigNotSupportedException)
        {
            Console.Error.WriteLine("cannot load the kubeconfig: " + ex.Message);
            return 3;
        }

        using var client = new Kubernetes(config);
        var tClient = UnixMs();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

        var updates = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var benchmark = objects >= 0;
        void Updated(string what)
        {
            if (Interlocked.Increment(ref updates) == events) allArrived.TrySetResult();
            if (!benchmark) Console.WriteLine($"updated {what}");
        }

        await using var factory = new SharedInformerFactory(client);
        Func<int> count;
        if (projection)
        {
            var informer = factory.InformerFor<PodSummary>(Pods);
            informer.AddEventHandler(new ResourceEventHandler<PodSummary> { Updated = (_, p) => Updated(p.Metadata.Name) });
            count = () => informer.CacheCount;
        }
        else
        {
            var informer = factory.InformerFor<V1Pod>(Pods);
            informer.AddEventHandler(new ResourceEventHandler<V1Pod> { Updated = (_, p) => Updated(p.Metadata.Name) });
            count = () => informer.CacheCount;
        }

        factory.Start();
        try
        {
            await factory.WaitForCacheSyncAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InformerSyncException or OperationCanceledException)
        {
            Console.Error.WriteLine("the informer did not sync: " + ex.Message);
            return 1;
        }

        var tSynced = UnixMs();
        if (!benchmark)
        {
            Console.WriteLine($"synced {count()} Pods from {config.Host}; watching (Ctrl+C to stop)");
            try
            {
                await Task.Delay(Timeout.Infinite, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C.
            }

            return 0;
        }

        if (count() != objects)
        {
            Console.Error.WriteLine($"the informer cached {count()} Pods, expected {objects}");
            return 1;
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var retained = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        var rate = double.NaN;
        if (events > 0)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var before = Volatile.Read(ref updates);
            await allArrived.Task.WaitAsync(cts.Token).ConfigureAwait(false);
            rate = (events - before) / sw.Elapsed.TotalSeconds;
        }

        var readers = CompiledReaderRegistry.GetStatistics<V1Pod>();
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT main={tMain:F3} config={tClient - tConfig:F1} synced={tSynced:F3} bytes={retained} count={count()} events={rate:F0} compiled={readers.Decoded} fallback={readers.FallenBack} peakRssMB={PeakRssMB()}"));
        return 0;
    }

    private static long PeakRssMB()
    {
        // VmHWM: the resident set's high-water mark, in kB (Linux); elsewhere the current working set.
        const string procStatus = "/proc/self/status";
        if (File.Exists(procStatus))
        {
            foreach (var line in File.ReadLines(procStatus))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return Environment.WorkingSet / 1048576;
    }

    private static double UnixMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
}
