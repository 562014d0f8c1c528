using KubeInformers.Reliability.Harness;

namespace KubeInformers.Reliability.Tests.Harness;

/// <summary>
/// A convergence failure must explain itself (issue 18): the difference, each informer's state, and the journal of the
/// keys that differ (the write with the resourceVersion the server answered, the faults with their timing, every request
/// the informers sent, every delivery). And the end-of-run check of the server against the model must catch an emulator
/// that lost a write. Both are provoked deterministically here on a real rig.
/// </summary>
public sealed class ConvergenceReportTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_convergence_failure_prints_the_differences_and_the_journal_of_the_keys_that_differ()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var rig = await ReliabilityRig.StartAsync(RigOptions.Convergence(initialObjects: 2, withoutWatchCache: false), cts.Token);
        await rig.ExecuteAsync(new CreateStep(Namespace: 0, Gold: true, Data: 7), cts.Token);
        await rig.ExecuteAsync(new FaultStep(FaultKind.ResetWatches, 1), cts.Token);
        var truth = await rig.QuiesceAsync(cts.Token);
        await rig.WaitForConvergenceAsync(truth, Deadline, cts.Token);

        // Pretend the server no longer has the created object: every informer that selects it now "holds a deleted object".
        const string key = "rel-a/cm-3";
        var rv = truth.Objects[key].Metadata.ResourceVersion;
        var stale = truth with { Objects = truth.Objects.Where(kv => kv.Key != key).ToDictionary(StringComparer.Ordinal) };
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => rig.WaitForConvergenceAsync(stale, TimeSpan.FromMilliseconds(200), cts.Token));

        Assert.Contains($"all-paged lister: has {key}@{rv}, which the server does not have", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"ns-a-gold handler: has {key}@{rv}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("journal for " + key, ex.Message, StringComparison.Ordinal);
        Assert.Matches($@"harness\s+{key}\s+created tier=gold @{rv}", ex.Message);
        Assert.Matches($@"all-paged handler\s+{key}\s+add @{rv}", ex.Message);
        Assert.Matches(@"fault\s+ResetWatches\(1\) injected", ex.Message);
        Assert.Matches(@"all-stream\s+sent watch \?.*resourceVersion=\d+", ex.Message);
        Assert.DoesNotContain("rel-b/cm-2", ex.Message.Split("journal for")[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_is_checked_against_the_model_of_the_writes_not_against_itself()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var rig = await ReliabilityRig.StartAsync(RigOptions.Convergence(initialObjects: 3, withoutWatchCache: false), cts.Token);
        await rig.ExecuteAsync(new UpdateStep(Target: 0, Data: 42), cts.Token);

        // A write the emulator "loses": it happens behind the harness's back, so the model still expects v=42.
        using var sneaky = rig.Emulator.CreateClient();
        await k8s.CoreV1OperationsExtensions.PatchNamespacedConfigMapAsync(sneaky.CoreV1,
            new k8s.Models.V1Patch("{\"data\":{\"v\":\"0\"}}", k8s.Models.V1Patch.PatchType.MergePatch), "cm-1", "rel-a", cancellationToken: cts.Token);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => rig.QuiesceAsync(cts.Token));
        Assert.Contains("rel-a/cm-1: the harness last wrote tier=gold v=42, the server lists tier=gold v=0", ex.Message, StringComparison.Ordinal);
    }
}
