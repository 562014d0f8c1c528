using k8s;
using KubeInformers.Tests.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace KubeInformers.Tests.Configuration;

/// <summary>
/// A kubeconfig file beyond the fast reader's YAML subset is never read silently by KubernetesClient's slower loader: the
/// first such file is reported as the runtime degradation <c>kubeconfig_fast_reader</c> (logged once as a warning,
/// observed on <c>kubeinformers.runtime.degraded</c>). Where that loader cannot run (Native AOT, simulated here with
/// the loader's internal switch) the file fails with <see cref="KubeConfigNotSupportedException"/> naming the file,
/// the line and the construct. Runs in the degradation collection, which resets the process-wide record alone.
/// </summary>
[Collection(nameof(RuntimeDegradationsTests))]
public sealed class KubeConfigFallbackReportTests : IDisposable
{
    private readonly KubeconfigCorpus _corpus = new();

    public KubeConfigFallbackReportTests() => RuntimeDegradations.ResetForTests();

    public void Dispose()
    {
        RuntimeDegradations.ResetForTests();
        _corpus.Dispose();
    }

    [Fact]
    public void A_supported_file_reports_nothing()
    {
        var path = _corpus.Write("basic.yaml", KubeconfigCorpus.Supported["basic-auth-and-switch"]);
        _ = KubeConfig.BuildConfigFromConfigFile(path);
        Assert.Empty(RuntimeDegradations.Reported);
    }

    [Fact]
    public void Fallbacks_are_reported_once_with_the_first_files_construct_and_logged_once()
    {
        var anchors = _corpus.Write("anchors.yaml", KubeconfigCorpus.Unsupported["anchors-and-aliases"]);
        var tag = _corpus.Write("tag.yaml", KubeconfigCorpus.Unsupported["tag"]);
        var logger = new FakeLogger();

        _ = KubeConfig.BuildConfigFromConfigFile(anchors);
        _ = KubeConfig.BuildConfigFromConfigFile(tag);
        _ = KubeConfig.BuildConfigFromConfigFile(anchors);
        RuntimeDegradations.AttachLogger(logger); // as the first informer started with logging does

        var reported = Assert.Single(RuntimeDegradations.Reported);
        Assert.Equal(KubeConfig.FallbackFeature, reported.Feature);
        Assert.StartsWith(Path.GetFullPath(anchors) + " line 6: ", reported.Cause, StringComparison.Ordinal);
        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains("kubeconfig_fast_reader", record.Message, StringComparison.Ordinal);
        Assert.Contains("KubernetesClient's slower YAML loader", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fallback_is_one_on_the_degraded_counter()
    {
        _ = KubeConfig.BuildConfigFromConfigFile(_corpus.Write("anchors.yaml", KubeconfigCorpus.Unsupported["anchors-and-aliases"]));

        using var collector = new MetricCollector<long>(ReflectorInstruments.DegradedCounter);
        collector.RecordObservableInstruments();

        var measurement = Assert.Single(collector.GetMeasurementSnapshot());
        Assert.Equal(1L, measurement.Value);
        Assert.Equal(KubeConfig.FallbackFeature, measurement.Tags["feature"]);
    }

    public static TheoryData<string> UnsupportedNames() => new(KubeconfigCorpus.Unsupported.Keys);

    [Theory]
    [MemberData(nameof(UnsupportedNames))]
    public void Without_KubernetesClients_loader_an_unsupported_file_names_the_file_the_construct_and_the_way_out(string name)
    {
        var path = _corpus.Write(name + ".yaml", KubeconfigCorpus.Unsupported[name]);
        var construct = Assert.Throws<KubeConfigBeyondSubsetException>(() => KubeConfig.Parse(_corpus.Expand(KubeconfigCorpus.Unsupported[name])));

        var error = Assert.Throws<KubeConfigNotSupportedException>(() => KubeConfig.LoadKubeConfig(new FileInfo(path), useRelativePaths: true, fallbackAvailable: false));

        Assert.Equal(Path.GetFullPath(path), error.FilePath);
        Assert.Equal(construct.Line, error.Line);
        Assert.Equal(construct.Reason, error.Construct);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(construct.Reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("Native AOT", error.Message, StringComparison.Ordinal);
        Assert.Contains("kubectl config view --flatten", error.Message, StringComparison.Ordinal);
        Assert.Empty(RuntimeDegradations.Reported); // nothing fell back
    }

    [Fact]
    public void Without_KubernetesClients_loader_a_supported_file_loads_as_before()
    {
        var path = _corpus.Write("basic.yaml", KubeconfigCorpus.Supported["basic-auth-and-switch"]);
        Assert.Equal(
            KubernetesYaml.Serialize(KubeConfig.LoadKubeConfig(new FileInfo(path))),
            KubernetesYaml.Serialize(KubeConfig.LoadKubeConfig(new FileInfo(path), useRelativePaths: true, fallbackAvailable: false)));
    }
}
