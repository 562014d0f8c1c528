using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>One measured figure.</summary>
public sealed record Figure(string Measure, string Path, int Objects, string Mode, double Value, string Unit, int Runs);

/// <summary>
/// The end-to-end harness: time to synced, retained memory per object and watch throughput, for our informer beside
/// the floor (the same bytes parsed from memory with the same JSON type info) and the naive KubernetesClient path, over
/// loopback HTTP against the emulator. The emulator's own cost is reported as the "transfer" row (a raw GET that only
/// drains the body) so it can be subtracted by eye, and watch throughput is also measured against a canned in-memory
/// stream with no server at all.
/// </summary>
public sealed class E2eRunner
{
    private readonly E2eOptions _options;
    private readonly TextWriter _out;
    private readonly List<Figure> _figures = [];

    /// <summary>Creates the runner.</summary>
    public E2eRunner(E2eOptions options, TextWriter output)
    {
        _options = options;
        _out = output;
    }

    /// <summary>Everything measured so far.</summary>
    public IReadOnlyList<Figure> Figures => _figures;

    /// <summary>Runs every measurement.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        _out.WriteLine($"KubeInformers end-to-end benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        var sample = RealisticPods.ListJson(100);
        _out.WriteLine(FormattableString.Invariant($"Pod JSON: {sample.Length / 100.0 / 1024:F2} KB on average"));

        foreach (var n in _options.Objects)
        {
            await using var server = await PodServer.StartAsync(n, ct).ConfigureAwait(false);
            var listBody = RealisticPods.ListJson(n);
            Warm(server, listBody, n, ct);
            await TransferAsync(server, n, ct).ConfigureAwait(false);
            foreach (var path in SyncPaths.All)
                await WarmSyncAsync(server, path, listBody, n, ct).ConfigureAwait(false);
            if (_options.Cold)
            {
                foreach (var path in SyncPaths.All)
                    await ColdSyncAsync(server, path, listBody, n, ct).ConfigureAwait(false);

                // The start-up settings docs/performance.md suggests, for the floor and our two main paths.
                foreach (var path in new[] { "floor", "ours", "projection" })
                    await ColdSyncAsync(server, path, listBody, n, ct, TunedEnvironment, "cold-tuned").ConfigureAwait(false);
            }
        }

        await WatchThroughputCannedAsync(ct).ConfigureAwait(false);
        await WatchThroughputEmulatorAsync(ct).ConfigureAwait(false);
    }

    private static void Warm(PodServer server, byte[] listBody, int n, CancellationToken ct)
    {
        // One untimed run of every path so the warm figures measure steady state, not JIT.
        using var client = server.CreateClient();
        foreach (var path in SyncPaths.All)
            MeasureOnce(path, client, listBody, n, ct);
    }

    private async Task TransferAsync(PodServer server, int n, CancellationToken ct)
    {
        using var http = new HttpClient();
        var times = new List<double>();
        for (var r = 0; r < Math.Max(1, _options.Runs); r++)
        {
            var sw = Stopwatch.StartNew();
            using var response = await http.GetAsync(new Uri(server.BaseUri, "api/v1/pods"), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var buffer = new byte[81920];
            while (await body.ReadAsync(buffer, ct).ConfigureAwait(false) > 0) { }
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        Add("sync", "transfer", n, "warm", Median(times), "ms", times.Count);
    }

    private Task WarmSyncAsync(PodServer server, string path, byte[] listBody, int n, CancellationToken ct)
    {
        var times = new List<double>();
        var bytes = new List<double>();
        using var client = server.CreateClient();
        for (var r = 0; r < Math.Max(1, _options.Runs); r++)
        {
            var (ms, perObject) = MeasureOnce(path, client, listBody, n, ct);
            times.Add(ms);
            bytes.Add(perObject);
        }
        Add("sync", path, n, "warm", Median(times), "ms", times.Count);
        Add("retained", path, n, "warm", Median(bytes) / 1024.0, "KB/object", bytes.Count);
        return Task.CompletedTask;
    }

    /// <summary>
    /// One timed run and its retained bytes per object. Synchronous and never inlined on purpose: an async caller keeps
    /// the finished task (and the locals hoisted into its state machine, such as the cache) reachable from its awaiter
    /// until the next await, which would make the next run's baseline include this run's cache.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (double Ms, double BytesPerObject) MeasureOnce(string path, Kubernetes client, byte[] listBody, int n, CancellationToken ct)
    {
        var before = SyncPaths.HeapAfterFullGc();
        var sw = Stopwatch.StartNew();
        var cache = SyncPaths.RunAsync(path, client, listBody, n, ct).GetAwaiter().GetResult();
        var ms = sw.Elapsed.TotalMilliseconds;
        var after = SyncPaths.HeapAfterFullGc();
        GC.KeepAlive(cache);
        SyncPaths.ReleaseAsync(cache).GetAwaiter().GetResult();
        return (ms, (after - before) / (double)n);
    }

    /// <summary>Tiered PGO off and a 64 MB gen0 budget: the start-up settings docs/performance.md measures and suggests.</summary>
    private static readonly KeyValuePair<string, string>[] TunedEnvironment =
        [new("DOTNET_TieredPGO", "0"), new("DOTNET_GCgen0size", "0x4000000")];

    private async Task ColdSyncAsync(PodServer server, string path, byte[] listBody, int n, CancellationToken ct,
        KeyValuePair<string, string>[]? environment = null, string mode = "cold")
    {
        var listFile = Path.Combine(Path.GetTempPath(), $"kubeinformers-bench-{n}.json");
        if (!File.Exists(listFile) || new FileInfo(listFile).Length != listBody.Length) await File.WriteAllBytesAsync(listFile, listBody, ct).ConfigureAwait(false);
        var times = new List<double>();
        for (var r = 0; r < Math.Max(1, _options.Runs); r++)
        {
            var result = await RunChildAsync($"cold child for {path}", environment ?? [], ct,
                "e2e-child", "--path", path, "--url", server.BaseUri.ToString(), "--objects", n.ToString(CultureInfo.InvariantCulture), "--list-file", listFile).ConfigureAwait(false);
            var ms = double.Parse(result.Split(' ').First(x => x.StartsWith("ms=", StringComparison.Ordinal))[3..], CultureInfo.InvariantCulture);
            times.Add(ms);
        }
        Add("sync", path, n, mode, Median(times), "ms", times.Count);
    }

    /// <summary>
    /// Runs this benchmark assembly again as a child (<paramref name="args"/> name the child mode) with the given
    /// environment and returns the text after <c>RESULT </c> on its standard output; fails with its standard error.
    /// Both streams are drained together so a chatty child cannot block on a full pipe.
    /// </summary>
    private static async Task<string> RunChildAsync(string what, IEnumerable<KeyValuePair<string, string>> environment, CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
            psi.Environment[name] = value;
        psi.ArgumentList.Add(typeof(E2eRunner).Assembly.Location);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start a child process");
        var stdoutTask = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = await p.StandardError.ReadToEndAsync(ct).ConfigureAwait(false);
        var stdout = await stdoutTask.ConfigureAwait(false);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{what} failed ({p.ExitCode}): {stderr}");
        return line["RESULT ".Length..].TrimEnd('\r');
    }

    private async Task WatchThroughputCannedAsync(CancellationToken ct)
    {
        var m = _options.Events;
        var handler = new CannedApiHandler(EmptyPodList(), CannedApiHandler.WatchStream(m));
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, handler);

        // Reference: KubernetesClient's own watch enumeration over the same bytes.
        var sw = Stopwatch.StartNew();
        var seen = 0;
        await foreach (var (_, pod) in client.CoreV1.WatchListPodForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false))
            if (pod is not null) seen++;
        Add("watch", "naive", m, "canned", seen / sw.Elapsed.TotalSeconds, "events/s", 1);

        var rate = await InformerWatchRateAsync(client, m, ct).ConfigureAwait(false);
        Add("watch", "ours", m, "canned", rate, "events/s", 1);

        // The same in fresh processes, with the default GC budget and with a 64 MB gen0 budget (DOTNET_GCgen0size):
        // a cache replaces objects that have already been promoted, so a larger gen0 budget pays off under churn.
        foreach (var (mode, gen0) in new[] { ("canned-fresh", (string?)null), ("canned-gen0-64MB", "0x4000000") })
        {
            KeyValuePair<string, string>[] environment = gen0 is null ? [] : [new("DOTNET_GCgen0size", gen0)];
            var result = await RunChildAsync("watch child", environment, ct, "e2e-watch-child", m.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            Add("watch", "ours", m, mode, double.Parse(result, CultureInfo.InvariantCulture), "events/s", 1);
        }
    }

    /// <summary>Child process: informer watch throughput over the canned stream, after one warm-up pass; prints <c>RESULT events/s</c>.</summary>
    public static async Task<int> WatchChildAsync(string[] args)
    {
        var m = int.Parse(args[0], CultureInfo.InvariantCulture);
        var handler = new CannedApiHandler(EmptyPodList(), CannedApiHandler.WatchStream(m));
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, handler);
        await InformerWatchRateAsync(client, Math.Min(m, 5_000), CancellationToken.None).ConfigureAwait(false); // warm-up
        var rate = await InformerWatchRateAsync(client, m, CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine(FormattableString.Invariant($"RESULT {rate:F0}"));
        return 0;
    }

    private async Task WatchThroughputEmulatorAsync(CancellationToken ct)
    {
        var m = _options.Events;
        await using var server = await PodServer.StartAsync(1_000, ct).ConfigureAwait(false);
        using var client = server.CreateClient();
        var delivered = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var factory = new SharedInformerFactory(client);
        var informer = factory.InformerFor<V1Pod>(SyncPaths.Pods);
        informer.AddEventHandler(new ResourceEventHandler<V1Pod>
        {
            Updated = (_, _) => { if (Interlocked.Increment(ref delivered) == m) done.TrySetResult(); },
        });
        factory.Start();
        await factory.WaitForCacheSyncAsync(ct).ConfigureAwait(false);
        var sw = Stopwatch.StartNew();
        var writer = server.UpdateManyAsync(m, ct);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
        var elapsed = sw.Elapsed.TotalSeconds;
        await writer.ConfigureAwait(false);
        Add("watch", "ours", m, "emulator", m / elapsed, "events/s", 1);
    }

    private static async Task<double> InformerWatchRateAsync(Kubernetes client, int m, CancellationToken ct)
    {
        var delivered = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var factory = new SharedInformerFactory(client);
        var informer = factory.InformerFor<V1Pod>(SyncPaths.Pods);
        void Count() { if (Interlocked.Increment(ref delivered) == m) done.TrySetResult(); }
        informer.AddEventHandler(new ResourceEventHandler<V1Pod> { Added = (_, _) => Count(), Updated = (_, _) => Count() });
        var sw = Stopwatch.StartNew();
        factory.Start();
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
        return m / sw.Elapsed.TotalSeconds;
    }

    private static byte[] EmptyPodList() => System.Text.Encoding.UTF8.GetBytes(
        KubernetesJson.Serialize(new V1PodList { ApiVersion = "v1", Kind = "PodList", Metadata = new V1ListMeta { ResourceVersion = "1" }, Items = [] }));

    private void Add(string measure, string path, int objects, string mode, double value, string unit, int runs)
    {
        var f = new Figure(measure, path, objects, mode, value, unit, runs);
        _figures.Add(f);
        _out.WriteLine(FormattableString.Invariant($"  {measure,-9} {mode,-8} {path,-10} n={objects,-7} {value,12:F1} {unit} (median of {runs})"));
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>Writes the figures as JSON.</summary>
    public async Task WriteJsonAsync(string path, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(_figures, new JsonSerializerOptions { WriteIndented = true }), ct).ConfigureAwait(false);
    }
}
