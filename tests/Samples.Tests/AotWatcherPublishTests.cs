using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using k8s;
using Xunit.Abstractions;
using k8s.Models;

namespace KubeInformers.Samples.Tests;

/// <summary>
/// samples/AotWatcher published with Native AOT (once, by <see cref="AotWatcherPublish"/>): the publish prints no trim or
/// AOT warning of ours (only KubernetesClient's own IL2104/IL3053), and the native binary, given a kubeconfig for the
/// in-process emulator, loads it with KubeInformers' <c>KubeConfig</c>, syncs the Pods, sees an update, and rejects a
/// kubeconfig beyond the reader's YAML subset with the reader's own message. Every wait is bounded; a failure shows the
/// binary's output or the publish log's tail.
/// </summary>
public sealed class AotWatcherPublishTests(AotWatcherPublish publish, ITestOutputHelper output) : EmulatorTestBase, IClassFixture<AotWatcherPublish>
{
    private const int Pods = 40;
    private static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(60);

    private string _kubeconfig = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Emulator.SeedMany(Enumerable.Range(0, Pods).Select(i => new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = $"pod-{i}", NamespaceProperty = i % 2 == 0 ? "default" : "kube-system", Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "app", Image = "nginx:1.27" }] },
            Status = new V1PodStatus { Phase = "Running" },
        }));
        _kubeconfig = Path.Combine(publish.OutputDirectory + "-kubeconfigs", Guid.NewGuid().ToString("N") + ".yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(_kubeconfig)!);
        Emulator.WriteKubeconfig(_kubeconfig);
    }

    public override async Task DisposeAsync()
    {
        File.Delete(_kubeconfig);
        await base.DisposeAsync();
    }

    [Fact]
    public void Publish_succeeds_with_no_trim_or_AOT_warning_but_KubernetesClients_own()
    {
        AssertPublished();
        output.WriteLine($"publish: {publish.Elapsed.TotalSeconds:F0} s, binary {new FileInfo(publish.Binary).Length} bytes");
        var summary = string.Join('\n', publish.Warnings.Select(w => $"{w.Code} {w.Text}"));
        Assert.DoesNotContain(publish.Warnings, w => w.Origin.StartsWith("KubeInformers", StringComparison.Ordinal) || w.Origin.StartsWith("AotWatcher", StringComparison.Ordinal));
        Assert.True(
            publish.Warnings.Select(w => (w.Code, w.Origin)).Order().SequenceEqual([("IL2104", "KubernetesClient"), ("IL3053", "KubernetesClient")]),
            $"expected exactly KubernetesClient's IL2104 and IL3053; the publish printed:\n{summary}\n--- publish log tail ---\n{publish.LogTail()}");
    }

    [Fact]
    public async Task Binary_syncs_the_Pods_and_prints_the_benchmark_result_after_an_update()
    {
        AssertPublished();
        using var run = NativeRun.Start(publish.Binary, "--kubeconfig", _kubeconfig, "--objects", Pods.ToString(CultureInfo.InvariantCulture), "--events", "1");

        // The reflector watches once its list is in: then the update arrives as a watch event, not in the list.
        await Wait.UntilAsync(() => Emulator.Faults.OpenWatchCount > 0 || run.HasExited, () => "the binary to open its Pod watch\n" + run.Describe(), RunDeadline);
        Assert.False(run.HasExited, "the binary exited before it watched\n" + run.Describe());
        await UpdatePodAsync("pod-7");

        var result = await run.WaitForLineAsync(l => l.StartsWith("RESULT ", StringComparison.Ordinal), "the RESULT line", RunDeadline);
        Assert.Equal(0, await run.WaitForExitAsync(RunDeadline));
        var fields = result.Split(' ').Skip(1).Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
        Assert.Equal(Pods.ToString(CultureInfo.InvariantCulture), fields["count"]);
        Assert.True(long.Parse(fields["compiled"], CultureInfo.InvariantCulture) >= Pods, "the generated reader decoded the list\n" + run.Describe());
        Assert.Equal("0", fields["fallback"]);
    }

    [Fact]
    public async Task Binary_prints_the_synced_count_then_the_update_made_through_the_emulator()
    {
        AssertPublished();
        using var run = NativeRun.Start(publish.Binary, "--kubeconfig", _kubeconfig);

        var synced = await run.WaitForLineAsync(l => l.StartsWith("synced ", StringComparison.Ordinal), "the synced line", RunDeadline);
        Assert.Equal($"synced {Pods} Pods from {Emulator.BaseUri.ToString().TrimEnd('/')}; watching (Ctrl+C to stop)", synced);
        await Wait.UntilAsync(() => Emulator.Faults.OpenWatchCount > 0 || run.HasExited, () => "the binary to open its Pod watch\n" + run.Describe(), RunDeadline);
        await UpdatePodAsync("pod-12");

        await run.WaitForLineAsync(l => l == "updated pod-12", "the update of pod-12", RunDeadline);
        Assert.DoesNotContain(run.Output, l => l.StartsWith("updated ", StringComparison.Ordinal) && l != "updated pod-12");
        Assert.Empty(run.Errors);
    }

    [Fact]
    public async Task Binary_rejects_a_kubeconfig_beyond_the_readers_YAML_subset_with_a_message_naming_it()
    {
        AssertPublished();
        // Valid YAML that KubernetesClient's loader reads under JIT (a directive); its loader cannot run under Native AOT.
        File.WriteAllText(_kubeconfig, "%YAML 1.1\n---\n" + File.ReadAllText(_kubeconfig));
        Assert.Equal(Emulator.BaseUri.ToString().TrimEnd('/'), KubeConfig.BuildConfigFromConfigFile(_kubeconfig).Host.TrimEnd('/')); // JIT: falls back

        using var run = NativeRun.Start(publish.Binary, "--kubeconfig", _kubeconfig);
        var code = await run.WaitForExitAsync(RunDeadline);

        Assert.True(code == 3, $"exit code {code}, expected 3 (kubeconfig rejected)\n{run.Describe()}");
        var message = string.Join('\n', run.Errors);
        Assert.StartsWith($"cannot load the kubeconfig: The kubeconfig file '{_kubeconfig}' has at line 1 YAML that KubeInformers' kubeconfig reader does not read (a document end marker or a directive)", message, StringComparison.Ordinal);
        Assert.Contains("cannot run under Native AOT", message, StringComparison.Ordinal);
        Assert.DoesNotContain("TypeInitializationException", message, StringComparison.Ordinal);
    }

    private void AssertPublished() =>
        Assert.True(publish.ExitCode == 0 && File.Exists(publish.Binary),
            $"dotnet publish of samples/AotWatcher exited with {publish.ExitCode} after {publish.Elapsed.TotalSeconds:F0} s (Native AOT needs clang and lld; .ci/run installs them)\n--- publish log tail ---\n{publish.LogTail()}");

    private async Task UpdatePodAsync(string name)
    {
        var pod = await Client.CoreV1.ReadNamespacedPodAsync(name, int.Parse(name[4..], CultureInfo.InvariantCulture) % 2 == 0 ? "default" : "kube-system");
        pod.Metadata.Labels["tier"] = "frontend";
        await Client.CoreV1.ReplaceNamespacedPodAsync(pod, pod.Metadata.Name, pod.Metadata.NamespaceProperty);
    }
}
