using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using k8s;
using k8s.KubeConfigModels;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>
/// Where <c>BuildConfigFromConfigFile</c>'s time goes in a fresh process: <c>e2e-kubeconfig-probe --kubeconfig F</c>
/// times, in order, reading the file, the YAML deserialization (<c>KubernetesYaml</c>, including its type
/// initializer), building the configuration from the parsed object, a second whole <c>BuildConfigFromConfigFile</c>
/// (warm), and the client's constructor, each with the JIT time and methods compiled during it. One line:
/// <c>RESULT step=ms/jitMs/jitMethods …</c>. Single-threaded.
/// <c>e2e-kubeconfig-probe --kubeconfig F --loader kubernetesclient|kubeinformers</c> instead makes one call, as a
/// program's first line does (KubernetesClient's <c>BuildConfigFromConfigFile</c>, or KubeInformers'
/// <see cref="KubeConfig.BuildConfigFromConfigFile"/>), and prints <c>RESULT loader=L callMs=… jitMs=… mainAtMs=…
/// doneAtMs=…</c>, the last two from process launch.
/// </summary>
public static class KubeconfigProbe
{
    /// <summary>Runs the probe.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var mainAt = DateTime.Now;
        var file = args.Length is 2 or 4 && args[0] == "--kubeconfig" ? args[1] : null;
        if (file is null) { Console.Error.WriteLine("usage: e2e-kubeconfig-probe --kubeconfig F [--loader kubernetesclient|kubeinformers]"); return 2; }
        if (args.Length == 4 && args[2] == "--loader")
        {
            var start = Process.GetCurrentProcess().StartTime;
            var jitBefore = JitInfo.GetCompilationTime(currentThread: false);
            var watch = Stopwatch.StartNew();
            var loaded = args[3] switch
            {
                "kubernetesclient" => KubernetesClientConfiguration.BuildConfigFromConfigFile(file),
                "kubeinformers" => KubeConfig.BuildConfigFromConfigFile(file),
                _ => throw new ArgumentException("--loader is kubernetesclient or kubeinformers"),
            };
            var callMs = watch.Elapsed.TotalMilliseconds;
            var jitMs = (JitInfo.GetCompilationTime(false) - jitBefore).TotalMilliseconds;
            Console.WriteLine(FormattableString.Invariant($"RESULT loader={args[3]} callMs={callMs:F1} jitMs={jitMs:F1} mainAtMs={(mainAt - start).TotalMilliseconds:F0} doneAtMs={(DateTime.Now - start).TotalMilliseconds:F0} fallbacks={RuntimeDegradations.Reported.Count(d => d.Feature == KubeConfig.FallbackFeature)} host={loaded.Host}"));
            return 0;
        }
        var steps = new List<string>();
        T Step<T>(string name, Func<T> action)
        {
            var jit = JitInfo.GetCompilationTime(currentThread: false);
            var methods = JitInfo.GetCompiledMethodCount(currentThread: false);
            var sw = Stopwatch.StartNew();
            var result = action();
            steps.Add(FormattableString.Invariant($"{name}={sw.Elapsed.TotalMilliseconds:F1}/{(JitInfo.GetCompilationTime(false) - jit).TotalMilliseconds:F1}/{JitInfo.GetCompiledMethodCount(false) - methods}"));
            return result;
        }

        var text = Step("read", () => File.ReadAllText(file));
        var parsed = Step("yaml", () => KubernetesYaml.Deserialize<K8SConfiguration>(text));
        var config = Step("fromObject", () => KubernetesClientConfiguration.BuildConfigFromConfigObject(parsed));
        _ = Step("wholeAgain", () => KubernetesClientConfiguration.BuildConfigFromConfigFile(file));
        using var client = Step("client", () => new Kubernetes(config));
        Console.WriteLine("RESULT " + string.Join(' ', steps) + FormattableString.Invariant($" sinceStart={(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds:F0}"));
        await Task.CompletedTask.ConfigureAwait(false);
        return 0;
    }
}
