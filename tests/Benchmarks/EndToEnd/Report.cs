using System.Globalization;
using System.Text;
using ScottPlot;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>Writes <c>benchmarks.md</c> (table, ratios, how to reproduce) and a chart into the docs folder.</summary>
public static class Report
{
    /// <summary>Writes the report.</summary>
    public static async Task WriteAsync(IReadOnlyList<Figure> figures, E2eOptions options, string[] args, string docsDirectory)
    {
        Directory.CreateDirectory(docsDirectory);
        var chartFile = "benchmarks-sync.png";
        WriteChart(figures, Path.Combine(docsDirectory, chartFile));

        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("# Benchmarks").AppendLine();
        sb.AppendLine(inv, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, with:").AppendLine();
        sb.AppendLine("```sh").AppendLine(inv, $"dotnet run -c Release --project tests/Benchmarks -- {string.Join(' ', args)}").AppendLine("```").AppendLine();
        sb.AppendLine("Every figure comes from that one run; compare ratios, not absolute values, across machines.").AppendLine();
        if (options.Note is { } note) sb.AppendLine(note).AppendLine();
        sb.AppendLine(options.Tls
            ? "Server: HTTPS (HTTP/1.1, `--tls`) on 127.0.0.1 with a self-signed ECDSA P-256 certificate made at start; the kubeconfig carries it as `certificate-authority-data` (and a token user), so every client that connects verifies it. The TLS handshake is part of every cold path but the floor's, which does not connect. The static server's figures (warm and cold) are labelled `\"Transport\": \"https\"` in the JSON; the in-process watch rates use the canned stream and the plain-HTTP emulator."
            : "Server: plain HTTP on 127.0.0.1 (no TLS; `--tls` measures over HTTPS).").AppendLine();

        sb.AppendLine("## The data").AppendLine();
        foreach (var mix in options.Mixes)
        {
            var bytes = RealisticPods.ListJson(1000, mix).Length / 1000.0;
            sb.AppendLine(string.Create(inv, $"- `{E2eOptions.MixName(mix)}`: {bytes:F0} bytes of JSON per Pod. ") + (mix == PodMix.AllUnique
                ? "Every Pod is its own ReplicaSet: no managedFields document repeats (the pessimistic end)."
                : "Pods come in ReplicaSets of 3–10 replicas (sizes from a fixed seed, 6.5 on average): the replicas of one set share the ownerReference uid, the controller's managedFields entry (which names that uid) and the pod-template-hash."));
        }
        sb.AppendLine("- Unique per Pod in both: name, uid, resourceVersion, podIP(s), hostIP(s), startTime, containerIDs, the projected token volume's name, and the kubelet's managedFields entry, keyed by the Pod's own IP (`k:{\"ip\":\"10.244.3.17\"}`). Shared cluster-wide: images and image IDs (one per app), node names (a pool of 200), namespaces (8), label and annotation keys, probes, resources, tolerations. Built by `tests/Benchmarks/RealisticPods.cs`.").AppendLine();

        sb.AppendLine("## Cold: a user's program, launch → synced").AppendLine();
        sb.AppendLine("Each figure is a fresh process, written as a user writes it: kubeconfig file → `KubernetesClientConfiguration.BuildConfigFromConfigFile` → client → informer with default options → wait for sync. Timed from process launch: the harness reads the wall clock (UTC) just before `Process.Start`, the child reports the instant it synced from the same clock, so the figure includes the runtime's start and everything before `Main`. Then the child measures the heap its cache retains after a full collection (against a baseline taken at the top of `Main`; node: `global.gc()`, `heapUsed`), and the rate at which the server's watch events reach an update handler (counted from after that measurement). The server is neutral (`StaticPodServer`): it answers the list and the watch from precomputed bytes. Paths run interleaved (every path once per repetition, in turn) and each ratio is computed within a repetition; the table gives medians.").AppendLine();
        foreach (var path in figures.Where(f => f.Mode == "cold").Select(f => f.Path).Distinct())
            sb.AppendLine(inv, $"- `{path}`: {SyncPaths.Describe(path)}");
        sb.AppendLine();
        foreach (var g in figures.Where(f => f.Mode == "cold" && f.Measure == "sync").GroupBy(f => (f.Objects, f.Mix)))
        {
            sb.AppendLine(inv, $"### {g.Key.Objects:N0} Pods, {g.Key.Mix} ({g.First().Runs} repetitions)").AppendLine();
            sb.AppendLine("| path | launch → synced ms | × client-node | × floor | Main at ms | kubeconfig ms | retained KB/Pod | × client-node | watch events/s | × client-node | peak RSS MB | × client-node |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var f in g)
            {
                string V(string measure, string format) => figures.FirstOrDefault(x => x.Mode == "cold" && x.Objects == f.Objects && x.Mix == f.Mix && x.Path == f.Path && x.Measure == measure) is { } v && !double.IsNaN(v.Value) ? v.Value.ToString(format, inv) : "";
                sb.AppendLine(inv, $"| {f.Path} | {f.Value:F0} | {V("sync×client-node", "F2")} | {V("sync×floor", "F2")} | {V("main", "F0")} | {V("kubeconfig", "F0")} | {V("retained", "F2")} | {V("retained×client-node", "F2")} | {V("watch", "N0")} | {V("watch×client-node", "F2")} | {V("peak-rss", "F0")} | {V("peak-rss×client-node", "F2")} |");
            }
            sb.AppendLine();
        }

        if (figures.Any(f => f.Mode == "warm"))
        {
            sb.AppendLine("## Warm: in the harness's process").AppendLine();
            sb.AppendLine("After one untimed run of every path, against the same server, with a client built from its URL; the informer paths decode a list on up to four threads (`ListDecodeParallelism`), `ours-1thread`, `floor` and `naive` on one. `transfer` is a raw GET that only drains the body.").AppendLine();
            foreach (var path in SyncPaths.All)
                sb.AppendLine(inv, $"- `{path}`: {SyncPaths.Describe(path)}");
            sb.AppendLine();
            sb.AppendLine("| objects | path | ms | × floor | retained KB/object | × naive |").AppendLine("|---:|---|---:|---:|---:|---:|");
            foreach (var g in figures.Where(f => f.Mode == "warm" && f.Measure == "sync").GroupBy(f => f.Objects))
            {
                var floor = g.FirstOrDefault(f => f.Path == "floor")?.Value;
                var naive = figures.FirstOrDefault(f => f.Mode == "warm" && f.Measure == "retained" && f.Objects == g.Key && f.Path == "naive")?.Value;
                foreach (var f in g)
                {
                    var retained = figures.FirstOrDefault(x => x.Mode == "warm" && x.Measure == "retained" && x.Objects == f.Objects && x.Path == f.Path)?.Value;
                    sb.AppendLine(inv, $"| {f.Objects:N0} | {f.Path} | {f.Value:F0} | {(floor is > 0 ? (f.Value / floor.Value).ToString("F2", inv) : "")} | {(retained is { } r ? r.ToString("F2", inv) : "")} | {(retained is { } r2 && naive is > 0 ? (r2 / naive.Value).ToString("F2", inv) : "")} |");
                }
            }
            sb.AppendLine();
        }

        sb.AppendLine("## Watch throughput in the harness's process").AppendLine();
        sb.AppendLine("| events | source | path | events/s |").AppendLine("|---:|---|---|---:|");
        foreach (var f in figures.Where(f => f.Measure == "watch" && f.Mode != "cold"))
            sb.AppendLine(inv, $"| {f.Objects:N0} | {f.Mode} | {f.Path} | {f.Value:N0} |");
        sb.AppendLine().AppendLine("`canned`: the watch stream is served from memory inside the client's HTTP pipeline (no server, no socket), so the figure is the client's own ceiling. `emulator`: label changes written over HTTP by four writers and delivered over a loopback watch; the emulator's write path bounds it. `canned-fresh` and `canned-gen0-64MB`: the canned stream in a fresh process after a warm-up pass, with the default GC budget and with `DOTNET_GCgen0size=0x4000000`.");

        await File.WriteAllTextAsync(Path.Combine(docsDirectory, "benchmarks.md"), sb.ToString()).ConfigureAwait(false);
    }

    private static void WriteChart(IReadOnlyList<Figure> figures, string file)
    {
        var plot = new Plot();
        var sync = figures.Where(f => f.Measure == "sync" && f.Mode == "cold").ToList();
        var groups = sync.Select(f => (f.Objects, Mode: f.Mix)).Distinct().ToList();
        var paths = sync.Select(f => f.Path).Distinct().ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        for (var gi = 0; gi < groups.Count; gi++)
        {
            for (var pi = 0; pi < paths.Length; pi++)
            {
                var f = sync.FirstOrDefault(x => x.Objects == groups[gi].Objects && x.Mix == groups[gi].Mode && x.Path == paths[pi]);
                if (f is null) continue;
                bars.Add(new Bar { Position = gi * (paths.Length + 1) + pi, Value = f.Value, FillColor = palette.GetColor(pi) });
            }
            ticks.Add(new Tick(gi * (paths.Length + 1) + (paths.Length - 1) / 2.0, $"{groups[gi].Objects:N0} {groups[gi].Mode}"));
        }
        plot.Add.Bars(bars);
        for (var pi = 0; pi < paths.Length; pi++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = paths[pi], FillColor = palette.GetColor(pi) });
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.Axes.Left.Label.Text = "launch → synced (ms)";
        plot.Title("Cold: launch → synced, fresh processes, realistic Pods over loopback");
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(file, 1000, 500);
    }
}
