using KubeInformers.Benchmarks.EndToEnd;

namespace KubeInformers.Benchmarks.Tests;

/// <summary>
/// The end-to-end harness's quick mode runs in CI as a smoke test: every path syncs and every measure is produced,
/// in the harness's process and in fresh processes that load a kubeconfig file as a user's program does (the
/// client-node peer is left out: CI need not have Node.js). It asserts no figure: speed is reported by the harness,
/// never asserted by a test.
/// </summary>
public sealed class QuickModeSmokeTests
{
    [Fact]
    public async Task Quick_mode_measures_every_path_warm_and_cold_and_writes_the_report()
    {
        var docs = Directory.CreateTempSubdirectory("kubeinformers-bench-").FullName;
        try
        {
            var options = E2eOptions.Parse(["--quick", "--cold", "--no-peer", "--ratio-to", "ours"]) with { DocsDirectory = docs };
            var output = new StringWriter();
            var runner = new E2eRunner(options, output);
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));

            await runner.RunAsync(cts.Token);
            await Report.WriteAsync(runner.Figures, options, ["e2e", "--quick", "--cold", "--no-peer", "--ratio-to", "ours"], docs);

            foreach (var path in SyncPaths.All)
            {
                Assert.Contains(runner.Figures, f => f.Measure == "sync" && f.Path == path);
                Assert.Contains(runner.Figures, f => f.Measure == "retained" && f.Path == path);
            }
            foreach (var path in options.ColdPaths)
            {
                Assert.Contains(runner.Figures, f => f.Measure == "sync" && f.Mode == "cold" && f.Path == path && f.Value > 0);
                Assert.Contains(runner.Figures, f => f.Measure == "retained" && f.Mode == "cold" && f.Path == path);
                Assert.Contains(runner.Figures, f => f.Measure == "peak-rss" && f.Mode == "cold" && f.Path == path && f.Value > 0);
                if (SyncPaths.Watches(path))
                {
                    Assert.Contains(runner.Figures, f => f.Measure == "watch" && f.Mode == "cold" && f.Path == path && f.Value > 0);
                    Assert.Contains(runner.Figures, f => f.Measure == "watch-alloc" && f.Mode == "cold" && f.Path == path && f.Value > 0);
                }
                if (path != "ours")
                {
                    // --ratio-to: every other path is compared with ours, repetition by repetition.
                    Assert.Contains(runner.Figures, f => f.Measure == "sync×ours" && f.Path == path && f.Value > 0);
                    if (SyncPaths.Watches(path))
                        Assert.Contains(runner.Figures, f => f.Measure == "watch-alloc×ours" && f.Path == path && f.Value > 0);
                }
                if (path != "floor")
                    Assert.Contains(runner.Figures, f => f.Measure == "kubeconfig" && f.Mode == "cold" && f.Path == path);
            }
            Assert.Contains(runner.Figures, f => f.Measure == "watch" && f.Path == "ours" && f.Mode == "canned");
            Assert.Contains(runner.Figures, f => f.Measure == "watch" && f.Path == "ours" && f.Mode == "emulator");
            Assert.All(runner.Figures, f => Assert.False(double.IsNaN(f.Value), $"{f.Measure}/{f.Path} has a value"));
            var report = await File.ReadAllTextAsync(Path.Combine(docs, "benchmarks.md"));
            Assert.Contains("## Cold: a user's program, launch → synced", report);
            Assert.Contains("## Warm: in the harness's process", report);
            Assert.True(new FileInfo(Path.Combine(docs, "benchmarks-sync.png")).Length > 1000, "the chart was drawn");
        }
        finally
        {
            Directory.Delete(docs, recursive: true);
        }
    }

    [Fact]
    public async Task Quick_mode_over_tls_syncs_every_cold_path_over_https_and_compares_ours_with_ours_late()
    {
        string[] args = ["--quick", "--cold", "--no-warm", "--tls", "--cold-paths", "floor,ours,ours-late", "--ratio-to", "ours-late"];
        var docs = Directory.CreateTempSubdirectory("kubeinformers-bench-tls-").FullName;
        try
        {
            var options = E2eOptions.Parse(args);
            var output = new StringWriter();
            var runner = new E2eRunner(options, output);
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));

            await runner.RunAsync(cts.Token);
            await Report.WriteAsync(runner.Figures, options, ["e2e", .. args], docs);

            foreach (var path in new[] { "ours", "ours-late" })
            {
                Assert.Contains(runner.Figures, f => f.Measure == "sync" && f.Mode == "cold" && f.Path == path && f.Transport == "https" && f.Value > 0);
                Assert.Contains(runner.Figures, f => f.Measure == "watch" && f.Mode == "cold" && f.Path == path && f.Transport == "https" && f.Value > 0);
                Assert.Contains(runner.Figures, f => f.Measure == "kubeconfig" && f.Mode == "cold" && f.Path == path);
            }
            Assert.Contains(runner.Figures, f => f.Measure == "sync" && f.Mode == "cold" && f.Path == "floor" && f.Value > 0);
            Assert.Contains(runner.Figures, f => f.Measure == "sync×ours-late" && f.Path == "ours" && f.Value > 0);
            Assert.Contains(runner.Figures, f => f.Measure == "watch-alloc×ours-late" && f.Path == "ours" && f.Value > 0);
            Assert.DoesNotContain(runner.Figures, f => f.Mode == "warm");
            Assert.All(runner.Figures.Where(f => f.Mode == "cold"), f => Assert.Equal("https", f.Transport));
            // One repetition: ours connected early once, ours-late not at all.
            Assert.Contains("the server answered 1 GET /version", output.ToString(), StringComparison.Ordinal);
            var report = await File.ReadAllTextAsync(Path.Combine(docs, "benchmarks.md"));
            Assert.Contains("Server: HTTPS", report, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(docs, recursive: true);
        }
    }
}
