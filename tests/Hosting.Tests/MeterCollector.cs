using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace KubeInformers.Hosting.Tests;

/// <summary>
/// Records one instrument of the process-wide <c>KubeInformers</c> meter, keeping only the measurements whose tag
/// <c>key</c> is <c>value</c>: test classes run in parallel and share the meter, so each test names its own controller,
/// queue, lease or resource and reads only those.
/// </summary>
internal sealed class MeterCollector<T> : IDisposable where T : struct
{
    private readonly MetricCollector<T> _inner;
    private readonly string _key;
    private readonly string _value;

    public MeterCollector(string instrument, string key, string value)
    {
        _inner = new MetricCollector<T>((object?)null, ReflectorInstruments.MeterName, instrument);
        _key = key;
        _value = value;
    }

    public IReadOnlyList<CollectedMeasurement<T>> Snapshot() =>
        _inner.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue(_key, out var v) && Equals(v, _value)).ToList();

    public CollectedMeasurement<T>? Last => Snapshot().LastOrDefault();

    public void RecordObservableInstruments() => _inner.RecordObservableInstruments();

    public void Dispose() => _inner.Dispose();
}
