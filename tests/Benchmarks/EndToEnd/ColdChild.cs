using System.Diagnostics;
using System.Globalization;
using k8s;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>
/// One cold measurement in a fresh process: <c>e2e-child --path P --url U --objects N [--list-file F]</c>.
/// Reports the time from process start to a full cache and the managed bytes the cache retains, as one line
/// <c>RESULT ms=… bytes=…</c> on standard output.
/// </summary>
public static class ColdChild
{
    /// <summary>Runs the child.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string? path = null, url = null, listFile = null;
        var objects = 0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--path": path = args[++i]; break;
                case "--url": url = args[++i]; break;
                case "--objects": objects = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--list-file": listFile = args[++i]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (path is null || url is null) { Console.Error.WriteLine("--path and --url are required"); return 2; }

        var start = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var baseline = GC.GetTotalMemory(forceFullCollection: false);
        // Only the floor decodes from memory; the other paths would pay for reading a file they never use.
        var listBody = listFile is null || path != "floor" ? null : await File.ReadAllBytesAsync(listFile).ConfigureAwait(false);
        var tMain = DateTime.UtcNow - start;
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = url });
        var tClient = DateTime.UtcNow - start;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var cache = await SyncPaths.RunAsync(path, client, listBody, objects, cts.Token).ConfigureAwait(false);
        var elapsed = DateTime.UtcNow - start;
        var jitMs = System.Runtime.JitInfo.GetCompilationTime(currentThread: false).TotalMilliseconds;
        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
        var gcPauseMs = GC.GetTotalPauseDuration().TotalMilliseconds;
        var gcs = $"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}";
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        listBody = null;
        var retained = SyncPaths.HeapAfterFullGc() - baseline;
        var count = SyncPaths.Count(cache);
        GC.KeepAlive(cache);
        var readers = CompiledReaderRegistry.GetStatistics<k8s.Models.V1Pod>();
        Console.WriteLine(FormattableString.Invariant($"RESULT ms={elapsed.TotalMilliseconds:F0} bytes={retained} count={count} main={tMain.TotalMilliseconds:F0} client={tClient.TotalMilliseconds:F0} compiled={readers.Decoded} fallback={readers.FallenBack} jit={jitMs:F0} jitMethods={jitMethods} gcPause={gcPauseMs:F0} gcs={gcs} allocMB={allocated / 1048576}"));
        await SyncPaths.ReleaseAsync(cache).ConfigureAwait(false);
        return 0;
    }
}
