using System.Text.Json;
using k8s;
using k8s.Models;
using KubeInformers.Hosting.Controllers;

namespace KubeInformers.Hosting.Tests;

/// <summary>StatusUpdater's server-side-apply mode on the emulator: field managers, conflicts, force, and never the spec.</summary>
public sealed class StatusApplyTests : WidgetFixture
{
    private StatusUpdater<Widget> Applier(string manager, bool force = false) =>
        new(Client, Widget.Resource) { FieldManager = manager, ForceApply = force };

    [Fact]
    public async Task Apply_WritesTheStatusAsItsManager_AndNeverTheSpec()
    {
        var stale = await CreateAsync(Widget.New("w", size: 3));
        await PatchAsync("w", """{"spec":{"size":7}}"""); // another writer changes the spec after our read

        var written = await Applier("webapp-operator").ApplyAsync(stale, new WidgetStatus { Phase = "Ready", ObservedGeneration = 2 },
            CancellationToken.None);

        var server = (await GetAsync("w"))!;
        Assert.Equal(7, server.Spec.Size); // no resourceVersion in an apply: no 409, and the spec is untouched
        Assert.Equal("Ready", server.Status!.Phase);
        Assert.Equal(2, server.Status.ObservedGeneration);
        Assert.Equal(server.Metadata.ResourceVersion, written.Metadata.ResourceVersion);
        var mine = Assert.Single(server.Metadata.ManagedFields, m => m.Manager == "webapp-operator");
        Assert.Equal("Apply", mine.Operation);
        var fields = JsonSerializer.Serialize(mine.FieldsV1);
        Assert.Contains("f:phase", fields, StringComparison.Ordinal);
        Assert.DoesNotContain("f:spec", fields, StringComparison.Ordinal);
        Assert.Null(stale.Status); // the object given was not modified
    }

    [Fact]
    public async Task Apply_OfAFieldAnotherManagerOwns_ConflictsWhenNotForced()
    {
        var w = await CreateAsync(Widget.New("w"));
        await Applier("health-checker").ApplyAsync(w, new WidgetStatus { Phase = "Degraded" }, CancellationToken.None);
        await PatchAsync("w", """{"metadata":{"labels":{"tier":"web"}}}"""); // a later write elsewhere keeps the status ownership

        var ex = await Assert.ThrowsAsync<FieldManagerConflictException>(() =>
            Applier("webapp-operator").ApplyAsync(w, new WidgetStatus { Phase = "Ready" }, CancellationToken.None));

        Assert.Equal("webapp-operator", ex.FieldManager);
        Assert.Equal("default/w", ex.Key);
        var conflict = Assert.Single(ex.Conflicts);
        Assert.Contains(".status.phase", conflict, StringComparison.Ordinal);
        Assert.Contains("health-checker", conflict, StringComparison.Ordinal);
        Assert.Equal("Degraded", (await GetAsync("w"))!.Status!.Phase); // nothing written
    }

    [Fact]
    public async Task ForcedApply_TakesOwnershipOfTheField()
    {
        var w = await CreateAsync(Widget.New("w"));
        await Applier("health-checker").ApplyAsync(w, new WidgetStatus { Phase = "Degraded" }, CancellationToken.None);

        await Applier("webapp-operator", force: true).ApplyAsync(w, new WidgetStatus { Phase = "Ready" }, CancellationToken.None);

        var server = (await GetAsync("w"))!;
        Assert.Equal("Ready", server.Status!.Phase);
        var owners = server.Metadata.ManagedFields.Where(m => JsonSerializer.Serialize(m.FieldsV1).Contains("f:phase", StringComparison.Ordinal))
            .Select(m => m.Manager).ToList();
        Assert.Equal(["webapp-operator"], owners);
    }

    [Fact]
    public async Task Apply_RemovesAFieldTheSameManagerAppliedBeforeAndLeavesOutNow()
    {
        var w = await CreateAsync(Widget.New("w"));
        var applier = Applier("webapp-operator");
        await applier.ApplyAsync(w, new WidgetStatus { Phase = "Ready", ObservedGeneration = 1 }, CancellationToken.None);

        await applier.ApplyAsync(w, new WidgetStatus { Phase = "Ready" }, CancellationToken.None);

        var status = (await GetAsync("w"))!.Status!;
        Assert.Equal("Ready", status.Phase);
        Assert.Null(status.ObservedGeneration);
    }

    [Fact]
    public async Task Apply_WithoutAFieldManager_Throws()
    {
        var w = await CreateAsync(Widget.New("w"));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new StatusUpdater<Widget>(Client, Widget.Resource).ApplyAsync(w, new WidgetStatus { Phase = "Ready" }, CancellationToken.None));

        Assert.Contains("FieldManager", ex.Message, StringComparison.Ordinal);
        Assert.Null((await GetAsync("w"))!.Status);
    }

    [Fact]
    public async Task Update_RunsTheChangeOnTheCopyTheGivenCopyFunctionMakes()
    {
        var w = await CreateAsync(Widget.New("w", size: 2));
        var copies = new List<Widget>();
        var updater = new StatusUpdater<Widget>(Client, Widget.Resource)
        {
            Copy = source =>
            {
                var copy = KubernetesJson.Deserialize<Widget>(KubernetesJson.Serialize(source)); // stands in for a generated DeepCopy()
                copies.Add(copy);
                return copy;
            },
        };
        Widget? changed = null;

        await updater.UpdateAsync(w, c =>
        {
            changed = c;
            c.Status = new WidgetStatus { Phase = "Ready" };
        }, CancellationToken.None);

        Assert.Same(Assert.Single(copies), changed);
        Assert.Null(w.Status);
        Assert.Equal("Ready", (await GetAsync("w"))!.Status!.Phase);
    }
}
