using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Hosting.Events;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Hosting.Tests;

public sealed class EventRecorderTests : EmulatorTestBase
{
    private static V1ConfigMap Regarding(string name = "web") =>
        new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "uid-" + name, ResourceVersion = "5" } };

    private EventRecorder Recorder(TimeProvider? time = null, KubeInformersMetrics? metrics = null, int capacity = 1000, int burst = 25) =>
        new(Client, new EventRecorderOptions
        {
            ReportingController = "example.com/test-operator",
            ReportingInstance = "pod-1",
            QueueCapacity = capacity,
            Burst = burst,
            RefillInterval = TimeSpan.FromMinutes(1),
        }, time, metrics);

    private async Task<IList<Eventsv1Event>> EventsAsync() => (await Client.EventsV1.ListNamespacedEventAsync("default")).Items;

    [Fact]
    public async Task RepeatsAggregateIntoOneEventWithASeries_DifferentReasonsDoNot()
    {
        await using var recorder = Recorder();
        recorder.Start();
        var web = Regarding();
        var deployment = new V1Deployment { ApiVersion = "apps/v1", Kind = "Deployment", Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "d-1" } };
        recorder.Normal(web, "DeploymentCreated", "Create", "created deployment web", deployment);
        recorder.Warning(web, "ScaleFailed", "Scale", "quota exceeded");
        recorder.Warning(web, "ScaleFailed", "Scale", "quota exceeded again"); // the note is not part of the identity
        recorder.Warning(web, "ScaleFailed", "Scale", "quota exceeded");
        await Wait.UntilAsync(() => recorder.Written == 4, "four events written");

        var events = await EventsAsync();
        Assert.Equal(2, events.Count);
        var created = Assert.Single(events, e => e.Reason == "DeploymentCreated");
        Assert.Null(created.Series);
        Assert.Equal(("Normal", "Create", "created deployment web"), (created.Type, created.Action, created.Note));
        Assert.Equal(("example.com/test-operator", "pod-1"), (created.ReportingController, created.ReportingInstance));
        Assert.Equal(("ConfigMap", "web", "uid-web"), (created.Regarding.Kind, created.Regarding.Name, created.Regarding.Uid));
        Assert.Equal(("Deployment", "d-1"), (created.Related!.Kind, created.Related.Uid));
        var failed = Assert.Single(events, e => e.Reason == "ScaleFailed");
        Assert.Equal(3, failed.Series!.Count);
        Assert.Equal("Warning", failed.Type);
    }

    [Fact]
    public async Task ARepeatAfterTheSeriesWindow_StartsANewEvent()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var recorder = Recorder(time);
        recorder.Start();
        recorder.Normal(Regarding(), "Synced", "Sync");
        recorder.Normal(Regarding(), "Synced", "Sync");
        await Wait.UntilAsync(() => recorder.Written == 2, "the event and its repeat");
        time.Advance(TimeSpan.FromMinutes(7));
        recorder.Normal(Regarding(), "Synced", "Sync");
        await Wait.UntilAsync(() => recorder.Written == 3, "the repeat after the window");

        var events = (await EventsAsync()).OrderBy(e => e.EventTime).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal(2, events[0].Series!.Count);
        Assert.Null(events[1].Series);
    }

    [Fact]
    public async Task AFullQueue_DropsWithoutBlocking_AndCountsTheDrops()
    {
        using var metrics = new KubeInformersMetrics(new FakeInformerSource());
        using var dropped = new MeterCollector<long>(KubeInformersInstruments.EventsDropped, "controller", "example.com/test-operator");
        await using var recorder = Recorder(metrics: metrics, capacity: 3);
        var accepted = Enumerable.Range(0, 5).Select(i => recorder.Normal(Regarding("o" + i), "Tick", "Tick")).ToArray(); // writer not started

        Assert.Equal([true, true, true, false, false], accepted);
        Assert.Equal(2, recorder.Dropped);
        Assert.Equal(3, recorder.Pending);
        var measured = dropped.Snapshot();
        Assert.Equal(2, measured.Sum(m => m.Value));
        Assert.All(measured, m => Assert.Equal("queue_full", m.Tags["reason"]));

        recorder.Start();
        await Wait.UntilAsync(() => recorder.Written == 3, "the queued events");
        Assert.Equal(["o0", "o1", "o2"], (await EventsAsync()).Select(e => e.Regarding.Name).Order());
    }

    [Fact]
    public async Task TheSpamFilter_LimitsEachObjectToItsBurst_ThenRefills()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var metrics = new KubeInformersMetrics(new FakeInformerSource());
        using var dropped = new MeterCollector<long>(KubeInformersInstruments.EventsDropped, "controller", "example.com/test-operator");
        await using var recorder = Recorder(time, metrics, burst: 2);

        Assert.True(recorder.Normal(Regarding("a"), "R", "A"));
        Assert.True(recorder.Normal(Regarding("a"), "R", "A"));
        Assert.False(recorder.Normal(Regarding("a"), "R", "A"));
        Assert.True(recorder.Normal(Regarding("b"), "R", "A")); // another object has its own bucket
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(recorder.Normal(Regarding("a"), "R", "A"));
        Assert.False(recorder.Normal(Regarding("a"), "R", "A"));

        Assert.Equal(2, recorder.Dropped);
        Assert.All(dropped.Snapshot(), m => Assert.Equal("rate_limited", m.Tags["reason"]));
    }

    [Fact]
    public void Options_WithoutAReportingController_AreRejected() =>
        Assert.Throws<InvalidOperationException>(() => new EventRecorder(Client, new EventRecorderOptions()));
}
