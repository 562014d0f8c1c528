using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>One measured figure.</summary>
/// <summary>
/// One measured figure. <see cref="Transport"/> says how the client reached the server: <c>https</c> or <c>http</c>
/// for the static server's warm and cold runs (<c>--tls</c>), <c>http</c> for the emulator, <c>memory</c> for the
/// canned stream.
/// </summary>
public sealed record Figure(string Measure, string Path, int Objects, string Mode, double Value, string Unit, int Runs, string Mix = "replica-sets", string Transport = "http");

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

    /// <summary>How the static server is reached: <c>https</c> with <c>--tls</c>, else <c>http</c>.</summary>
    private string ServerTransport => _options.Tls ? "https" : "http";

    /// <summary>Everything measured so far.</summary>
    public IReadOnlyList<Figure> Figures => _figures;

    /// <summary>Runs every measurement.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        _out.WriteLine($"KubeInformers end-to-end benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        // With --tls, one certificate for the run's servers, made before any is timed.
        using var certificate = _options.Tls ? SelfSignedCertificate.Create() : null;
        _out.WriteLine(certificate is null
            ? "Server: plain HTTP on 127.0.0.1 (no TLS)"
            : $"Server: HTTPS (HTTP/1.1) on 127.0.0.1, self-signed ECDSA P-256 certificate {certificate.Thumbprint} as the kubeconfig's certificate-authority-data, verified by every client that connects");
        foreach (var mix in _options.Mixes)
        {
            var sample = RealisticPods.ListJson(1000, mix);
            _out.WriteLine(FormattableString.Invariant($"Pod JSON ({E2eOptions.MixName(mix)}): {sample.Length / 1000.0:F0} bytes on average"));
        }
        if (_options.Cold && _options.ColdPaths.Contains("client-node"))
            await ClientNodePeer.EnsureInstalledAsync(_out, ct).ConfigureAwait(false);

        foreach (var n in _options.Objects)
        {
            var warmMix = _options.Mixes[0];
            var listBody = RealisticPods.ListJson(n, warmMix, StaticPodServer.ListResourceVersion);
            if (_options.Warm)
            {
                await using var server = await StaticPodServer.StartAsync(listBody, [], 0, ct, certificate).ConfigureAwait(false);
                Warm(server, listBody, n, ct);
                await TransferAsync(server, n, ct).ConfigureAwait(false);
                foreach (var path in SyncPaths.All)
                    await WarmSyncAsync(server, path, listBody, n, ct).ConfigureAwait(false);
            }
            if (!_options.Cold) continue;
            foreach (var mix in _options.Mixes)
            {
                var body = mix == warmMix ? listBody : RealisticPods.ListJson(n, mix, StaticPodServer.ListResourceVersion);
                var events = Math.Min(_options.Events, n * 10);
                await using var server = await StaticPodServer.StartAsync(body, StaticPodServer.WatchBody(n, mix, events), events, ct, certificate).ConfigureAwait(false);
                await ColdInterleavedAsync(server, body, n, mix, ct).ConfigureAwait(false);
            }
        }

        if (_options.Events > 0)
        {
            // The in-process watch rates need events to stream; --events 0 asks for sync and memory only.
            await WatchThroughputCannedAsync(ct).ConfigureAwait(false);
            await WatchThroughputEmulatorAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>One fresh process's figures.</summary>
    private sealed record ColdResult(double SyncMs, double MainMs, double ConfigMs, double BytesPerObject, double EventsPerSecond, double PeakRssMb, double WatchAllocBytes);

    /// <summary>
    /// The cold paths in fresh processes, interleaved (every path once per repetition, in turn), so a load spike on
    /// the machine falls on neighbouring runs of different paths alike; each path's ratio to the floor and to the
    /// client-node peer is computed within a repetition and the median of those ratios reported.
    /// </summary>
    private async Task ColdInterleavedAsync(StaticPodServer server, byte[] listBody, int n, PodMix mix, CancellationToken ct)
    {
        var listFile = Path.Combine(Path.GetTempPath(), $"kubeinformers-bench-{E2eOptions.MixName(mix)}-{n}.json");
        if (!File.Exists(listFile) || new FileInfo(listFile).Length != listBody.Length) await File.WriteAllBytesAsync(listFile, listBody, ct).ConfigureAwait(false);
        var kubeconfig = server.WriteKubeconfig(Path.Combine(Path.GetTempPath(), "kubeinformers-bench"));
        var runs = Math.Max(1, _options.Runs);
        var paths = _options.ColdPathsFor(mix);
        var results = paths.ToDictionary(p => p, _ => new List<ColdResult>());
        for (var r = 0; r < runs; r++)
        {
            foreach (var path in paths)
            {
                var result = await RunColdAsync(path, kubeconfig, listFile, n, server.WatchEvents, ct).ConfigureAwait(false);
                results[path].Add(result);
                _out.WriteLine(FormattableString.Invariant($"    run {r + 1}/{runs} {E2eOptions.MixName(mix)} n={n} {path,-14} launch→synced {result.SyncMs,8:F0} ms (Main at {result.MainMs:F0}, kubeconfig {result.ConfigMs:F0}) {result.BytesPerObject / 1024,6:F2} KB/object {result.EventsPerSecond,8:F0} events/s{(double.IsNaN(result.WatchAllocBytes) ? "" : $" {result.WatchAllocBytes,7:F0} B/event")}"));
            }
        }
        _out.WriteLine($"    the server answered {server.VersionRequests} GET /version (the early connections of factories with ConnectEarly on, over https only)");
        var mixName = E2eOptions.MixName(mix);
        foreach (var path in paths)
        {
            var rs = results[path];
            Add("sync", path, n, "cold", Median(rs.Select(x => x.SyncMs)), "ms", runs, mixName);
            Add("main", path, n, "cold", Median(rs.Select(x => x.MainMs)), "ms", runs, mixName);
            if (path != "floor" && path != "client-node") Add("kubeconfig", path, n, "cold", Median(rs.Select(x => x.ConfigMs)), "ms", runs, mixName);
            Add("retained", path, n, "cold", Median(rs.Select(x => x.BytesPerObject)) / 1024.0, "KB/object", runs, mixName);
            if (rs.All(x => !double.IsNaN(x.EventsPerSecond)))
                Add("watch", path, n, "cold", Median(rs.Select(x => x.EventsPerSecond)), "events/s", runs, mixName);
            if (rs.All(x => !double.IsNaN(x.PeakRssMb)))
                Add("peak-rss", path, n, "cold", Median(rs.Select(x => x.PeakRssMb)), "MB", runs, mixName);
            if (rs.All(x => !double.IsNaN(x.WatchAllocBytes)))
                Add("watch-alloc", path, n, "cold", Median(rs.Select(x => x.WatchAllocBytes)), "B/event", runs, mixName);
            foreach (var reference in new[] { "floor", "client-node", _options.RatioTo }.Distinct())
            {
                if (reference is null || reference == path || !results.TryGetValue(reference, out var refs)) continue;
                var suffix = "×" + reference;
                Add("sync" + suffix, path, n, "cold", Median(rs.Zip(refs, (a, b) => a.SyncMs / b.SyncMs)), "ratio", runs, mixName);
                if (reference != "floor")
                {
                    if (rs.All(x => !double.IsNaN(x.WatchAllocBytes)) && refs.All(x => !double.IsNaN(x.WatchAllocBytes)))
                        Add("watch-alloc" + suffix, path, n, "cold", Median(rs.Zip(refs, (a, b) => a.WatchAllocBytes / b.WatchAllocBytes)), "ratio", runs, mixName);
                    Add("retained" + suffix, path, n, "cold", Median(rs.Zip(refs, (a, b) => a.BytesPerObject / b.BytesPerObject)), "ratio", runs, mixName);
                    if (rs.All(x => !double.IsNaN(x.PeakRssMb)) && refs.All(x => !double.IsNaN(x.PeakRssMb)))
                        Add("peak-rss" + suffix, path, n, "cold", Median(rs.Zip(refs, (a, b) => a.PeakRssMb / b.PeakRssMb)), "ratio", runs, mixName);
                    if (rs.All(x => !double.IsNaN(x.EventsPerSecond)))
                        Add("watch" + suffix, path, n, "cold", Median(rs.Zip(refs, (a, b) => a.EventsPerSecond / b.EventsPerSecond)), "ratio", runs, mixName);
                }
            }
        }
    }

    /// <summary>
    /// Runs one cold path in a fresh process. The launch instant is read from the wall clock just before
    /// <c>Process.Start</c>; the child reports the instants of <c>Main</c> and of synced from the same clock.
    /// </summary>
    private async Task<ColdResult> RunColdAsync(string path, string kubeconfig, string listFile, int n, int events, CancellationToken ct)
    {
        var objects = n.ToString(CultureInfo.InvariantCulture);
        var eventCount = events.ToString(CultureInfo.InvariantCulture);
        ProcessStartInfo psi;
        switch (path)
        {
            case "client-node":
                psi = ClientNodePeer.StartInfo(kubeconfig, n, events);
                break;
            case "aot":
            case "aot-projection":
                psi = new ProcessStartInfo(_options.AotBinary ?? throw new InvalidOperationException($"the {path} path needs --aot BINARY"));
                foreach (var a in new[] { "--kubeconfig", kubeconfig, "--objects", objects, "--events", eventCount }) psi.ArgumentList.Add(a);
                if (path == "aot-projection") psi.ArgumentList.Add("--projection");
                break;
            case var external when _options.ExternalPaths.TryGetValue(external, out var binary):
                psi = new ProcessStartInfo(binary);
                foreach (var a in new[] { "--kubeconfig", kubeconfig, "--objects", objects, "--events", eventCount }) psi.ArgumentList.Add(a);
                break;
            default:
                psi = ChildStartInfo("e2e-child", "--path", path, "--kubeconfig", kubeconfig, "--objects", objects, "--events", eventCount, "--list-file", listFile);
                break;
        }
        var (launched, result) = await RunProcessAsync($"cold child for {path}", psi, ct).ConfigureAwait(false);
        double Field(string name, double fallback = double.NaN)
        {
            var token = result.Split(' ').FirstOrDefault(x => x.StartsWith(name + "=", StringComparison.Ordinal));
            return token is null ? fallback : double.Parse(token[(name.Length + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return new ColdResult(Field("synced") - launched, Field("main") - launched, Field("config"), Field("bytes") / n, Field("events"), Field("peakRssMB"), Field("watchAlloc"));
    }

    /// <summary>A client for the warm runs, trusting the server's certificate as a kubeconfig's authority would.</summary>
    private static Kubernetes ClientFor(StaticPodServer server) => new(new KubernetesClientConfiguration
    {
        Host = server.BaseUri.ToString(),
        SslCaCerts = server.Certificate is { } certificate ? [X509CertificateLoader.LoadCertificate(certificate.RawData)] : null,
    });

    private static void Warm(StaticPodServer server, byte[] listBody, int n, CancellationToken ct)
    {
        // One untimed run of every path so the warm figures measure steady state, not JIT.
        using var client = ClientFor(server);
        foreach (var path in SyncPaths.All)
            MeasureOnce(path, client, listBody, n, ct);
    }

    private async Task TransferAsync(StaticPodServer server, int n, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler();
        if (server.Certificate is { } certificate)
        {
            // Trust exactly the server's certificate, as the cold paths do through the kubeconfig.
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(certificate.RawData));
        }
        using var http = new HttpClient(handler);
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

    private Task WarmSyncAsync(StaticPodServer server, string path, byte[] listBody, int n, CancellationToken ct)
    {
        var times = new List<double>();
        var bytes = new List<double>();
        using var client = ClientFor(server);
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

    /// <summary>
    /// How to run this benchmark assembly again as a child (<paramref name="args"/> name the child mode): through its
    /// apphost when there is one, as a user's program starts, else through <c>dotnet</c>.
    /// </summary>
    private static ProcessStartInfo ChildStartInfo(params string[] args)
    {
        var assembly = typeof(E2eRunner).Assembly.Location;
        var apphost = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
        var psi = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo("dotnet");
        if (!File.Exists(apphost)) psi.ArgumentList.Add(assembly);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>
    /// Runs a child and returns the wall-clock instant (Unix ms) read just before it started and the text after
    /// <c>RESULT </c> on its standard output; fails with its standard error. Both streams are drained together so a
    /// chatty child cannot block on a full pipe.
    /// </summary>
    private static async Task<(double Launched, string Result)> RunProcessAsync(string what, ProcessStartInfo psi, CancellationToken ct)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var launched = ColdChild.UnixMs(DateTime.UtcNow);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psi.FileName}");
        var stdoutTask = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = await p.StandardError.ReadToEndAsync(ct).ConfigureAwait(false);
        var stdout = await stdoutTask.ConfigureAwait(false);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{what} failed ({p.ExitCode}): {stderr}");
        return (launched, line["RESULT ".Length..].TrimEnd('\r'));
    }

    private static async Task<string> RunChildAsync(string what, IEnumerable<KeyValuePair<string, string>> environment, CancellationToken ct, params string[] args)
    {
        var psi = ChildStartInfo(args);
        foreach (var (name, value) in environment)
            psi.Environment[name] = value;
        return (await RunProcessAsync(what, psi, ct).ConfigureAwait(false)).Result;
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
        Add("watch", "naive", m, "canned", seen / sw.Elapsed.TotalSeconds, "events/s", 1, transport: "memory");

        var rate = await InformerWatchRateAsync(client, m, ct).ConfigureAwait(false);
        Add("watch", "ours", m, "canned", rate, "events/s", 1, transport: "memory");

        // The same in fresh processes, with the default GC budget and with a 64 MB gen0 budget (DOTNET_GCgen0size):
        // a cache replaces objects that have already been promoted, so a larger gen0 budget pays off under churn.
        foreach (var (mode, gen0) in new[] { ("canned-fresh", (string?)null), ("canned-gen0-64MB", "0x4000000") })
        {
            KeyValuePair<string, string>[] environment = gen0 is null ? [] : [new("DOTNET_GCgen0size", gen0)];
            var result = await RunChildAsync("watch child", environment, ct, "e2e-watch-child", m.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            Add("watch", "ours", m, mode, double.Parse(result, CultureInfo.InvariantCulture), "events/s", 1, transport: "memory");
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
        Add("watch", "ours", m, "emulator", m / elapsed, "events/s", 1, transport: "http");
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

    /// <summary>Records a figure; <paramref name="transport"/> null means the static server's (<see cref="ServerTransport"/>).</summary>
    private void Add(string measure, string path, int objects, string mode, double value, string unit, int runs, string mix = "replica-sets", string? transport = null)
    {
        var f = new Figure(measure, path, objects, mode, value, unit, runs, mix, transport ?? ServerTransport);
        _figures.Add(f);
        _out.WriteLine(FormattableString.Invariant($"  {measure,-9} {mode,-8} {mix,-12} {path,-14} n={objects,-7} {value,12:F2} {unit} (median of {runs}, {f.Transport})"));
    }

    private static double Median(IEnumerable<double> xs)
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
