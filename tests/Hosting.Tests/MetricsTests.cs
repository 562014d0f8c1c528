using KubeInformers.Hosting.Health;
using KubeInformers.Hosting.Metrics;
using k8s.Models;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Hosting.Tests;

public class MetricsTests
{
    [Fact]
    public void InformerGauges_ReportCacheSizeSyncStateAndActivityAge()
    {
        var time = new FakeTimeProvider();
        var informer = new FakeInformer { CacheCount = 42, LastActivity = time.GetUtcNow() };
        informer.MarkSynced();
        using var metrics = new KubeInformersMetrics(new FakeInformerSource(informer), timeProvider: time);
        using var size = new MetricCollector<int>(metrics.Meter, KubeInformersInstruments.CacheSize);
        using var synced = new MetricCollector<int>(metrics.Meter, KubeInformersInstruments.Synced);
        using var age = new MetricCollector<double>(metrics.Meter, KubeInformersInstruments.LastActivityAge);
        time.Advance(TimeSpan.FromSeconds(7));

        size.RecordObservableInstruments();
        synced.RecordObservableInstruments();
        age.RecordObservableInstruments();

        var s = size.LastMeasurement!;
        Assert.Equal(42, s.Value);
        Assert.Equal("deployments.apps/v1", s.Tags["informer"]);
        Assert.Equal(1, synced.LastMeasurement!.Value);
        Assert.Equal(7, age.LastMeasurement!.Value, 3);
    }

    [Fact]
    public void ErrorsCounter_CountsEachNewErrorTheMonitorSees_WithTheStatusAsReason()
    {
        var informer = new FakeInformer();
        var source = new FakeInformerSource(informer);
        var monitor = new InformerHealthMonitor(source, new InformerLivenessOptions(), new FakeTimeProvider());
        using var metrics = new KubeInformersMetrics(source, monitor: monitor);
        using var errors = new MetricCollector<long>(metrics.Meter, KubeInformersInstruments.Errors);

        informer.LastError = new KubernetesApiException(new V1Status { Code = 403, Reason = "Forbidden", Message = "no" });
        monitor.Sample();
        monitor.Sample();

        var m = Assert.Single(errors.GetMeasurementSnapshot());
        Assert.Equal(1, m.Value);
        Assert.Equal("403 Forbidden", m.Tags["reason"]);
    }

    [Fact]
    public void QueueAndReconcileInstruments_RecordWithTheirTags()
    {
        using var metrics = new KubeInformersMetrics(new FakeInformerSource());
        using var depth = new MetricCollector<int>(metrics.Meter, KubeInformersInstruments.WorkQueueDepth);
        using var duration = new MetricCollector<double>(metrics.Meter, KubeInformersInstruments.ReconcileDuration);
        using var leader = new MetricCollector<int>(metrics.Meter, KubeInformersInstruments.IsLeader);
        var queued = 3;
        metrics.TrackQueue("crontabs", () => queued);
        metrics.TrackLease("crontab-controller", () => true);

        metrics.RecordReconcile("crontabs", "success", TimeSpan.FromMilliseconds(250));
        depth.RecordObservableInstruments();
        leader.RecordObservableInstruments();

        Assert.Equal(3, depth.LastMeasurement!.Value);
        Assert.Equal("crontabs", depth.LastMeasurement.Tags["queue"]);
        Assert.Equal(0.25, duration.LastMeasurement!.Value, 3);
        Assert.Equal("success", duration.LastMeasurement.Tags["result"]);
        Assert.Equal(1, leader.LastMeasurement!.Value);
    }
}
