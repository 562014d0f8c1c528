using System.Diagnostics;
using System.Text;
using k8s;
using k8s.Models;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

public sealed class StandaloneTests
{
    private const string SeedYaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: crontabs.stable.example.com
        spec:
          group: stable.example.com
          scope: Namespaced
          names: {plural: crontabs, singular: crontab, kind: CronTab, listKind: CronTabList}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        ---
        apiVersion: stable.example.com/v1
        kind: CronTab
        metadata:
          name: seeded
          namespace: default
        spec:
          cronSpec: "*/5 * * * *"
          replicas: 3
          enabled: true
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: kube-system
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: nginx}]}
        """;

    /// <summary>Thread-safe writer the test can poll.</summary>
    private sealed class Output : StringWriter
    {
        private readonly object _gate = new();

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }
        }

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return ToString();
                }
            }
        }
    }

    private static Uri? ListeningUri(string output)
    {
        const string marker = "listening on ";
        var i = output.IndexOf(marker, StringComparison.Ordinal);
        if (i < 0)
        {
            return null;
        }

        var end = output.IndexOf('\n', i);
        return end < 0 ? null : new Uri(output[(i + marker.Length)..end].Trim());
    }

    [Fact]
    public async Task Program_serves_seeds_writes_a_kubeconfig_and_stops_on_cancel()
    {
        var dir = Directory.CreateTempSubdirectory("emu-");
        try
        {
            var seed = Path.Combine(dir.FullName, "seed.yaml");
            var kubeconfig = Path.Combine(dir.FullName, "config");
            await File.WriteAllTextAsync(seed, SeedYaml);
            using var stop = new CancellationTokenSource();
            var output = new Output();

            var run = EmulatorProgram.RunAsync(["--port", "0", "--seed", seed, "--kubeconfig", kubeconfig, "--token", "tok"], output, stop.Token);
            await Wait.UntilAsync(() => ListeningUri(output.Text) is not null || run.IsCompleted, "the URL is printed");
            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "kube-system", cancellationToken: Timeout());
            var tabs = await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<CronTabList>("stable.example.com", "v1", "default", "crontabs", cancellationToken: Timeout());
            using var raw = new HttpClient();
            raw.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "tok"); // the admin endpoint needs the token too
            var statusJson = await raw.GetStringAsync(new Uri(ListeningUri(output.Text)!, "emulator/status"));
            stop.Cancel();
            var exit = await run.WaitAsync(Timeout());

            Assert.Contains("seeded 3 objects", output.Text);
            Assert.Equal(2, deployment.Spec.Replicas);
            Assert.Equal("*/5 * * * *", tabs.Body.Items.Single().Spec!.CronSpec);
            Assert.Contains("\"ok\":true", statusJson);
            Assert.Equal(0, exit);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Program_rejects_unknown_arguments_with_usage()
    {
        var output = new Output();

        var exit = await EmulatorProgram.RunAsync(["--bogus"], output, Timeout());

        Assert.Equal(2, exit);
        Assert.Contains("unknown argument '--bogus'", output.Text);
        Assert.Contains("usage:", output.Text);
    }

    [Fact]
    public async Task SeedText_accepts_a_json_List_and_rejects_unknown_kinds_clearly()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();

        var n = emu.SeedText("""{"kind":"List","apiVersion":"v1","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"kube-system"}}]}""");
        var ex = Assert.Throws<InvalidOperationException>(() => emu.SeedText("""{"apiVersion":"nope.example.com/v1","kind":"Thing","metadata":{"name":"x"}}"""));

        Assert.Equal(2, n);
        Assert.Equal("a", (await client.CoreV1.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout())).Metadata.Name);
        Assert.Equal("b", (await client.CoreV1.ReadNamespacedConfigMapAsync("b", "kube-system", cancellationToken: Timeout())).Metadata.Name);
        Assert.Contains("nope.example.com/v1/Thing", ex.Message);
    }

    [Fact]
    public async Task Built_executable_starts_and_serves_until_killed()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "KubeInformers.Emulator.Tool.dll");
        Assert.True(File.Exists(dll), dll);
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet", [dll, "--port", "0"]) { RedirectStandardOutput = true, UseShellExecute = false },
        };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.Start();
        try
        {
            process.BeginOutputReadLine();
            Uri? uri = null;
            await Wait.UntilAsync(() =>
            {
                lock (output)
                {
                    uri = ListeningUri(output.ToString());
                }

                return uri is not null;
            }, "the standalone emulator prints its URL", TimeSpan.FromSeconds(30));
            using var client = new Kubernetes(new KubernetesClientConfiguration { Host = uri!.ToString() });

            var namespaces = await client.CoreV1.ListNamespaceAsync(cancellationToken: Timeout());

            Assert.Contains(namespaces.Items, n => n.Metadata.Name == "kube-system");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Timeout());
        }
    }
}
