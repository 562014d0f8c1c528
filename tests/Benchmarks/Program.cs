using BenchmarkDotNet.Running;

namespace KubeInformers.Benchmarks;

/// <summary>
/// Entry point.
/// <list type="bullet">
/// <item><c>micro [BenchmarkDotNet args]</c>: the micro benchmarks (watch parsing, DeltaFifo, indexer, lister, work queue).</item>
/// <item><c>e2e [--objects N[,N…]] [--events M] [--cold] [--tls] [--quick]</c>: the end-to-end harness (all options: <see cref="EndToEnd.E2eOptions.Parse"/>).</item>
/// <item><c>serve [--objects N]</c>: serves N realistic Pods for hand-run <c>e2e-child</c> processes.</item>
/// <item><c>soak --minutes M [--objects N]</c>: steady churn with periodic faults; prints heap, threads, buffers and convergence.</item>
/// </list>
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var verb = args.Length > 0 ? args[0] : "help";
        var rest = args.Skip(1).ToArray();
        switch (verb)
        {
            case "micro":
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
                return 0;
            case "e2e":
            {
                var options = EndToEnd.E2eOptions.Parse(rest);
                var runner = new EndToEnd.E2eRunner(options, Console.Out);
                await runner.RunAsync(CancellationToken.None);
                if (options.JsonPath is not null) await runner.WriteJsonAsync(options.JsonPath, CancellationToken.None);
                if (options.DocsDirectory is not null) await EndToEnd.Report.WriteAsync(runner.Figures, options, args, options.DocsDirectory);
                return 0;
            }
            case "soak":
                return await Soak.SoakCommand.RunAsync(rest);
            case "e2e-watch-child":
                return await EndToEnd.E2eRunner.WatchChildAsync(rest);
            case "e2e-kubeconfig-probe":
                return await EndToEnd.KubeconfigProbe.RunAsync(rest);
            case "e2e-child":
                return await EndToEnd.ColdChild.RunAsync(rest);
            case "serve":
            {
                // For A/B runs of single cold children: serve N realistic Pods until standard input closes.
                var n = rest.Length > 1 && rest[0] == "--objects" ? int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
                await using var server = await EndToEnd.PodServer.StartAsync(n, CancellationToken.None);
                var listFile = Path.Combine(Path.GetTempPath(), $"kubeinformers-bench-{n}.json");
                await File.WriteAllBytesAsync(listFile, RealisticPods.ListJson(n));
                Console.WriteLine($"serving {n} Pods at {server.BaseUri} (list body in {listFile}); close standard input to stop");
                Console.Out.Flush();
                await Console.In.ReadToEndAsync();
                return 0;
            }
            default:
                Console.Error.WriteLine("usage: micro [BenchmarkDotNet args] | e2e [--objects N[,N...]] [--events M] [--cold] [--runs R] [--tls] [--quick] [--json FILE] [--docs DIR] | soak --minutes M [--objects N]");
                return verb == "help" ? 0 : 2;
        }
    }
}
