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
        sb.AppendLine("Every figure in a table comes from that one run; compare ratios, not absolute values, across machines.").AppendLine();
        foreach (var path in SyncPaths.All) sb.AppendLine(inv, $"- `{path}`: {SyncPaths.Describe(path)}");
        sb.AppendLine("- `transfer`: a raw GET of the list that only drains the body: the emulator's and loopback's own cost, included in every path above except `floor`.").AppendLine();

        sb.AppendLine("Modes: `warm` runs in the harness process after one untimed run of every path; `cold` is a fresh process per run, timed from process start (median); `cold-tuned` is the same with `DOTNET_TieredPGO=0` and `DOTNET_GCgen0size=0x4000000`, the start-up settings [performance.md](performance.md) discusses. The informer paths decode a list on up to four threads (`ListDecodeParallelism`, the processor count here); `ours-1thread`, `floor` and `naive` decode on one.").AppendLine();
        sb.AppendLine("## Time to synced").AppendLine();
        sb.AppendLine(inv, $"![time to synced]({chartFile})").AppendLine();
        sb.AppendLine("| objects | mode | path | ms | × floor |").AppendLine("|---:|---|---|---:|---:|");
        foreach (var g in figures.Where(f => f.Measure == "sync").GroupBy(f => (f.Objects, f.Mode)))
        {
            var floor = g.FirstOrDefault(f => f.Path == "floor")?.Value;
            foreach (var f in g)
                sb.AppendLine(inv, $"| {f.Objects:N0} | {f.Mode} | {f.Path} | {f.Value:F0} | {(floor is > 0 ? (f.Value / floor.Value).ToString("F2", inv) : "")} |");
        }

        sb.AppendLine().AppendLine("## Retained memory per object (after a full GC)").AppendLine();
        sb.AppendLine("| objects | path | KB/object | × naive |").AppendLine("|---:|---|---:|---:|");
        foreach (var g in figures.Where(f => f.Measure == "retained").GroupBy(f => f.Objects))
        {
            var naive = g.FirstOrDefault(f => f.Path == "naive")?.Value;
            foreach (var f in g)
                sb.AppendLine(inv, $"| {f.Objects:N0} | {f.Path} | {f.Value:F2} | {(naive is > 0 ? (f.Value / naive.Value).ToString("F2", inv) : "")} |");
        }

        sb.AppendLine().AppendLine("## Watch throughput").AppendLine();
        sb.AppendLine("| events | source | path | events/s |").AppendLine("|---:|---|---|---:|");
        foreach (var f in figures.Where(f => f.Measure == "watch"))
            sb.AppendLine(inv, $"| {f.Objects:N0} | {f.Mode} | {f.Path} | {f.Value:N0} |");
        sb.AppendLine().AppendLine("`canned`: the watch stream is served from memory inside the client's HTTP pipeline (no server, no socket), so the figure is the client's own ceiling. `emulator`: label changes written over HTTP by four writers and delivered over a loopback watch; the emulator's write path bounds it. `canned-fresh` and `canned-gen0-64MB`: the canned stream in a fresh process after a warm-up pass, with the default GC budget and with `DOTNET_GCgen0size=0x4000000`.");

        await File.WriteAllTextAsync(Path.Combine(docsDirectory, "benchmarks.md"), sb.ToString()).ConfigureAwait(false);
    }

    private static void WriteChart(IReadOnlyList<Figure> figures, string file)
    {
        var plot = new Plot();
        var sync = figures.Where(f => f.Measure == "sync" && f.Path != "transfer").ToList();
        var groups = sync.Select(f => (f.Objects, f.Mode)).Distinct().ToList();
        var paths = SyncPaths.All;
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        for (var gi = 0; gi < groups.Count; gi++)
        {
            for (var pi = 0; pi < paths.Length; pi++)
            {
                var f = sync.FirstOrDefault(x => x.Objects == groups[gi].Objects && x.Mode == groups[gi].Mode && x.Path == paths[pi]);
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
        plot.Axes.Left.Label.Text = "time to synced (ms)";
        plot.Title("Time to synced: realistic Pods over loopback");
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(file, 1000, 500);
    }
}
