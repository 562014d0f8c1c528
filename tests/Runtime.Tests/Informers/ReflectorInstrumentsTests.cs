using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using k8s.Models;
using KubeInformers.Tests.TestSupport;
using static KubeInformers.Tests.TestSupport.FlowObjects;

namespace KubeInformers.Tests.Informers;

/// <summary>The reflector publishes watch events by type, lists and watch restarts with their reasons, and every error.</summary>
public sealed class ReflectorInstrumentsTests : IDisposable
{
    private readonly TrackingTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, string Tags)> _measurements = new();
    private readonly string _resource = "configmaps-" + Guid.NewGuid().ToString("N"); // tells this test's measurements apart

    public ReflectorInstrumentsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ReflectorInstruments.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Record(instrument, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var list = tags.ToArray();
        if (!list.Any(t => t.Key == "resource" && (string?)t.Value == _resource)) return;
        var rest = string.Join(",", list.Where(t => t.Key != "resource").OrderBy(t => t.Key).Select(t => $"{t.Key}={t.Value}"));
        _measurements.Enqueue((instrument.Name, rest));
    }

    private int Count(string instrument, string tags) => _measurements.Count(m => m.Instrument == instrument && m.Tags == tags);

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Events_lists_restarts_and_errors_are_counted_with_their_reasons()
    {
        var source = new FlowScriptedListWatch<V1ConfigMap>(_time);
        var store = new FlowRecordingStore<V1ConfigMap>();
        source.List("10", Cm("a", "5"))
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(Expired(), Added("b", "11"), Modified("a", "12"), Modified("a", "13")))
            .List("20", Cm("a", "13"), Cm("b", "11"))
            .Watch(FlowFakeWatch<V1ConfigMap>.Open());
        var reflector = new Reflector<V1ConfigMap>(source, store, new ReflectorOptions { WatchIdleTimeout = null, WatchStartTimeout = null }, _time, name: _resource)
        {
            RandomSource = () => 0.0,
        };
        using var stop = new CancellationTokenSource();
        var run = reflector.RunAsync(stop.Token);

        await Wait.DriveUntilAsync(_time, () => source.WatchRequests.Count == 2, "the watch after the relist");
        await Wait.UntilAsync(() => Count(ReflectorInstruments.WatchRestarts, "reason=initial") == 2, "the second watch start to be counted");

        Assert.Equal(1, Count(ReflectorInstruments.WatchEvents, "type=added"));
        Assert.Equal(2, Count(ReflectorInstruments.WatchEvents, "type=modified"));
        Assert.Equal(1, Count(ReflectorInstruments.Lists, "outcome=success,reason=initial"));
        Assert.Equal(1, Count(ReflectorInstruments.Lists, "outcome=success,reason=expired"));
        Assert.Equal(2, _measurements.Count(m => m.Instrument == ReflectorInstruments.ListDuration));
        Assert.Equal(1, Count(ReflectorInstruments.Errors, "reason=410 Expired"));

        await stop.CancelAsync();
        await Wait.ForAsync(run, "the reflector stops");
    }
}
