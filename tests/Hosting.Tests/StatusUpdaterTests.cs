using k8s.Models;
using KubeInformers.Hosting.Controllers;

namespace KubeInformers.Hosting.Tests;

public sealed class StatusUpdaterTests : WidgetFixture
{
    private StatusUpdater<Widget> Updater(int retries = 5) => new(Client, Widget.Resource) { MaxConflictRetries = retries };

    [Fact]
    public async Task AConflict_RereadsAndReappliesTheChange_KeepingTheConcurrentSpecChange()
    {
        var stale = await CreateAsync(Widget.New("w", size: 1));
        await PatchAsync("w", """{"spec":{"size":7}}"""); // another writer changes the spec after our read
        var calls = 0;

        var written = await Updater().UpdateAsync(stale, w =>
        {
            calls++;
            w.Status = new WidgetStatus { Phase = "Ready", ObservedGeneration = w.Metadata.Generation };
        }, CancellationToken.None);

        Assert.Equal(2, calls); // once on the stale copy (409), once on the fresh one
        var server = (await GetAsync("w"))!;
        Assert.Equal(7, server.Spec.Size);
        Assert.Equal("Ready", server.Status!.Phase);
        Assert.Equal(server.Metadata.Generation, server.Status.ObservedGeneration); // computed from the fresh object
        Assert.Equal(server.Metadata.ResourceVersion, written.Metadata.ResourceVersion);
        Assert.Null(stale.Status); // the object given was not modified
    }

    [Fact]
    public async Task AStatusUpdate_NeverWritesTheSpec()
    {
        var w = await CreateAsync(Widget.New("w", size: 3));

        await Updater().UpdateAsync(w, copy =>
        {
            copy.Spec.Size = 99; // a careless change: the /status subresource ignores it
            copy.Status = new WidgetStatus { Phase = "Ready" };
        }, CancellationToken.None);

        var server = (await GetAsync("w"))!;
        Assert.Equal(3, server.Spec.Size);
        Assert.Equal("Ready", server.Status!.Phase);
        Assert.Equal(3, w.Spec.Size);
    }

    [Fact]
    public async Task AnUnchangedStatus_WritesNothing()
    {
        var w = await CreateAsync(Widget.New("w"));
        w = await Updater().UpdateAsync(w, c => c.Status = new WidgetStatus { Phase = "Ready" }, CancellationToken.None);
        var rv = w.Metadata.ResourceVersion;

        var again = await Updater().UpdateAsync(w, c => c.Status = new WidgetStatus { Phase = "Ready" }, CancellationToken.None);

        Assert.Same(w, again);
        Assert.Equal(rv, (await GetAsync("w"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task ConflictsBeyondTheBound_Throw()
    {
        var w = await CreateAsync(Widget.New("w"));
        var n = 0;
        var ex = await Assert.ThrowsAsync<StatusConflictException>(() => Updater(retries: 2).UpdateAsync(w, c =>
        {
            // every attempt races a writer that bumps the resourceVersion first
            PatchAsync("w", "{\"metadata\":{\"labels\":{\"n\":\"" + ++n + "\"}}}").GetAwaiter().GetResult();
            c.Status = new WidgetStatus { Phase = "Ready" };
        }, CancellationToken.None));

        Assert.Equal(3, ex.Attempts);
        Assert.Null((await GetAsync("w"))!.Status);
    }
}
