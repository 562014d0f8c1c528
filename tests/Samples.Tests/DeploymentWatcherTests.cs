using k8s;
using DeploymentWatcher;

namespace KubeInformers.Samples.Tests;

public class DeploymentWatcherTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string[] EventLines(LineWriter output) => output.Lines.Where(l => !l.StartsWith('#')).ToArray();

    [Fact]
    public async Task OnTheEmulator_PrintsTheInitialListThenEveryKindOfEvent_AndStopsCleanly()
    {
        var output = new LineWriter();
        var error = new LineWriter();
        using var cts = new CancellationTokenSource(Deadline);
        var run = WatcherApp.RunAsync(["--emulator", "--resync", "1", "--demo-interval", "150"], output, error, cts.Token);

        bool SawAll()
        {
            var kinds = EventLines(output).Select(l => l.Split(' ')[0]).ToHashSet();
            return kinds.IsSupersetOf(["ADD", "UPDATE", "DELETE", "RESYNC"]) && EventLines(output).Count(l => l.StartsWith("ADD")) >= 4;
        }
        while (!SawAll() && !run.IsCompleted && !cts.IsCancellationRequested)
        {
            await Task.WhenAny(run, Task.Delay(50, CancellationToken.None));
        }
        Assert.True(SawAll(), "Did not see every kind of event within the deadline. Output:\n" + output + "\nErrors:\n" + error);

        await cts.CancelAsync(); // as Ctrl+C does
        var code = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, code);
        var lines = EventLines(output);
        Assert.Contains(output.Lines, l => l.StartsWith("# no kubeconfig found: started the embedded API emulator at http://127.0.0.1:"));
        Assert.Equal(["default/api", "default/web", "shop/cart"], lines[0..3].Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Order());
        Assert.All(lines[0..3], l => Assert.EndsWith("(initial list)", l));
        Assert.Contains(lines, l => l.StartsWith("UPDATE  default/web") && l.Contains("replicas 2->4"));
        Assert.Contains(lines, l => l.StartsWith("UPDATE  default/api") && l.Contains("labels app=api->app=api,tier=backend"));
        Assert.Contains(lines, l => l.StartsWith("DELETE  shop/cart"));
        var deleteAt = Array.FindIndex(lines, l => l.StartsWith("DELETE  shop/cart"));
        Assert.Contains(lines[deleteAt..], l => l.StartsWith("ADD     shop/cart") && !l.EndsWith("(initial list)"));
        Assert.Contains(lines, l => l.StartsWith("RESYNC"));
        Assert.Equal("# stopped", output.Lines[^1]);
        Assert.Empty(error.Lines);
    }

    [Fact]
    public async Task ExitAfter_StopsAfterThatManyEventLines()
    {
        var output = new LineWriter();
        var error = new LineWriter();
        using var cts = new CancellationTokenSource(Deadline);
        var code = await WatcherApp.RunAsync(["--emulator", "--exit-after", "3", "--demo-interval", "60000"], output, error, cts.Token);

        Assert.Equal(0, code);
        var lines = EventLines(output);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("ADD", l));
        Assert.Equal(["default/api", "default/web", "shop/cart"], lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Order());
    }

    [Fact]
    public async Task Namespace_LimitsTheWatchToThatNamespace()
    {
        var output = new LineWriter();
        using var cts = new CancellationTokenSource(Deadline);
        var code = await WatcherApp.RunAsync(["--emulator", "--namespace", "shop", "--exit-after", "3", "--demo-interval", "100"], output, new LineWriter(), cts.Token);

        Assert.Equal(0, code);
        var lines = EventLines(output);
        Assert.Equal(3, lines.Length); // ADD cart, then DELETE and ADD of cart: default/* never appears
        Assert.All(lines, l => Assert.Contains(" shop/cart ", l));
        Assert.Equal(["ADD", "DELETE", "ADD"], lines.Select(l => l.Split(' ')[0]));
    }

    [Fact]
    public async Task AnUnknownOption_PrintsUsageAndExitsWith2()
    {
        var error = new LineWriter();
        var code = await WatcherApp.RunAsync(["--frobnicate"], new LineWriter(), error, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Equal("Unknown option '--frobnicate'.", error.Lines[0]);
        Assert.Contains(error.Lines, l => l.StartsWith("Usage: DeploymentWatcher"));
    }

    [Fact]
    public async Task AMissingKubeconfigFile_IsAClearErrorNotAFallbackToTheEmulator()
    {
        var error = new LineWriter();
        var output = new LineWriter();
        var code = await WatcherApp.RunAsync(["--kubeconfig", "/nonexistent/kubeconfig"], output, error, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/kubeconfig", error.ToString());
        Assert.DoesNotContain(output.Lines, l => l.Contains("emulator"));
    }

    [Fact]
    public async Task WithAKubeconfig_WatchesThatCluster()
    {
        await using var cluster = await KubeInformers.Emulator.KubernetesEmulator.StartAsync();
        var path = Path.Combine(Path.GetTempPath(), "kubeinformers-" + Guid.NewGuid().ToString("N") + ".kubeconfig");
        cluster.WriteKubeconfig(path);
        try
        {
            var client = cluster.CreateClient();
            await client.AppsV1.CreateNamespacedDeploymentAsync(new k8s.Models.V1Deployment
            {
                Metadata = new k8s.Models.V1ObjectMeta { Name = "existing", NamespaceProperty = "default" },
                Spec = new k8s.Models.V1DeploymentSpec
                {
                    Replicas = 7,
                    Selector = new k8s.Models.V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "x" } },
                    Template = new k8s.Models.V1PodTemplateSpec { Metadata = new k8s.Models.V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "x" } }, Spec = new k8s.Models.V1PodSpec { Containers = [new k8s.Models.V1Container { Name = "c", Image = "nginx" }] } },
                },
            }, "default");

            var output = new LineWriter();
            using var cts = new CancellationTokenSource(Deadline);
            var code = await WatcherApp.RunAsync(["--kubeconfig", path, "--exit-after", "1"], output, new LineWriter(), cts.Token);

            Assert.Equal(0, code);
            Assert.StartsWith("# watching Deployments on " + cluster.BaseUri.ToString().TrimEnd('/'), output.Lines[0]);
            var line = Assert.Single(EventLines(output));
            Assert.StartsWith("ADD     default/existing rv=", line);
            Assert.Contains("replicas=7", line);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
