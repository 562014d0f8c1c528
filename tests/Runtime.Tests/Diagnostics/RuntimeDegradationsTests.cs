using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace KubeInformers.Tests.Diagnostics;

[CollectionDefinition(nameof(RuntimeDegradationsTests), DisableParallelization = true)]
public sealed class RuntimeDegradationsCollection;

/// <summary>
/// An optimisation the runtime switches off because KubernetesClient is not as expected (its private serializer options or
/// HTTP/2 setting moved, a compiled reader fails on the running model) is never silent: it is logged once per process as
/// a warning and observed on the <c>kubeinformers.runtime.degraded</c> counter. The process-wide record is reset around
/// each test; the collection runs alone so no other test reports meanwhile.
/// </summary>
[Collection(nameof(RuntimeDegradationsTests))]
public sealed class RuntimeDegradationsTests : IDisposable
{
    public RuntimeDegradationsTests() => RuntimeDegradations.ResetForTests();

    public void Dispose() => RuntimeDegradations.ResetForTests();

    public sealed class Skewed
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
    }

    public sealed class MalformedInput
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
    }

    [Fact]
    public void Missing_KubernetesClient_serializer_options_are_reported_and_decoding_falls_back()
    {
        Assert.Null(KubernetesJsonCodec.BuildOptions(() => null));

        var reported = Assert.Single(RuntimeDegradations.Reported);
        Assert.Equal("decode_options", reported.Feature);
        Assert.Contains("JsonSerializerOptions field", reported.Cause);
    }

    [Fact]
    public void A_failure_reading_the_serializer_options_is_reported_with_its_cause()
    {
        Assert.Null(KubernetesJsonCodec.BuildOptions(() => throw new FieldAccessException("no access")));

        var reported = Assert.Single(RuntimeDegradations.Reported);
        Assert.Equal("decode_options", reported.Feature);
        Assert.Equal("FieldAccessException: no access", reported.Cause);
    }

    [Fact]
    public void The_real_serializer_options_are_found_and_nothing_is_reported()
    {
        var global = typeof(KubernetesJson).GetField("JsonSerializerOptions", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static);
        Assert.NotNull(KubernetesJsonCodec.BuildOptions(() => global!.GetValue(null)));
        Assert.Empty(RuntimeDegradations.Reported);
    }

    [Fact]
    public void A_missing_DisableHttp2_property_falls_back_to_the_client_default_and_is_reported()
    {
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });

        var (version, policy) = HttpListWatch<k8s.Models.V1ConfigMap>.ChooseHttpVersion(client, disableHttp2: null);

        Assert.Equal(client.HttpClient.DefaultRequestVersion, version);
        Assert.Equal(client.HttpClient.DefaultVersionPolicy, policy);
        Assert.Equal("http2_selection", Assert.Single(RuntimeDegradations.Reported).Feature);
    }

    [Fact]
    public void The_real_DisableHttp2_property_selects_HTTP2_with_fallback_and_nothing_is_reported()
    {
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        var property = typeof(Kubernetes).GetProperty("DisableHttp2", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);

        Assert.Equal((HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower), HttpListWatch<k8s.Models.V1ConfigMap>.ChooseHttpVersion(client, property));
        Assert.Empty(RuntimeDegradations.Reported);
    }

    [Fact]
    public void Each_degradation_is_logged_once_through_the_first_attached_logger_whenever_it_happens()
    {
        RuntimeDegradations.Report("decode_options", "slower decoding", "before any logger");
        var first = new FakeLogger();
        var second = new FakeLogger();

        RuntimeDegradations.AttachLogger(first);  // logs what was reported before
        RuntimeDegradations.AttachLogger(second); // ignored: one logger per process
        RuntimeDegradations.Report("decode_options", "again", "a second report of the same feature");
        RuntimeDegradations.Report("http2_selection", "no HTTP/2", "after the logger");

        var records = first.Collector.GetSnapshot();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(LogLevel.Warning, r.Level));
        Assert.Contains("decode_options", records[0].Message);
        Assert.Contains("before any logger", records[0].Message);
        Assert.Contains("http2_selection", records[1].Message);
        Assert.Equal(0, second.Collector.Count);
        Assert.Equal(["decode_options", "http2_selection"], RuntimeDegradations.Reported.Select(d => d.Feature));
    }

    [Fact]
    public void The_degraded_counter_reports_one_per_feature_to_a_listener_attached_later()
    {
        RuntimeDegradations.Report("decode_options", "slower decoding", "test");
        RuntimeDegradations.Report("http2_selection", "no HTTP/2", "test");

        using var collector = new MetricCollector<long>(ReflectorInstruments.DegradedCounter);
        collector.RecordObservableInstruments();

        var features = collector.GetMeasurementSnapshot()
            .Select(m => (Feature: (string?)m.Tags["feature"], m.Value))
            .OrderBy(m => m.Feature, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal([("decode_options", 1L), ("http2_selection", 1L)], features);
    }

    [Fact]
    public void A_compiled_reader_that_throws_on_an_object_JsonSerializer_decodes_is_switched_off_and_reported()
    {
        var calls = 0;
        CompiledReaderRegistry.Register<Skewed>(_ => (ref Utf8JsonReader reader, out Skewed? value) =>
        {
            Interlocked.Increment(ref calls);
            reader.Skip();
            throw new MissingMethodException("Skewed.set_Removed");
        });

        Assert.Equal("a", Decode<Skewed>("""{"name":"a"}""").Name); // JsonSerializer decoded it
        Assert.Equal("b", Decode<Skewed>("""{"name":"b"}""").Name);

        Assert.Equal(1, calls); // switched off after the first mismatch: no exception per object
        Assert.Null(CompiledReaderRegistry.GetReader<Skewed>());
        var reported = Assert.Single(RuntimeDegradations.Reported);
        Assert.Equal("compiled_reader:Skewed", reported.Feature);
        Assert.Equal("MissingMethodException: Skewed.set_Removed", reported.Cause);
    }

    [Fact]
    public void A_compiled_reader_that_throws_on_input_JsonSerializer_rejects_too_stays_on()
    {
        CompiledReaderRegistry.Register<MalformedInput>(_ => (ref Utf8JsonReader reader, out MalformedInput? value) =>
        {
            value = null;
            while (reader.Read()) { } // Utf8JsonReader throws on the trailing comma, as it does inside JsonSerializer
            return CompiledReadResult.NeedMoreData;
        });

        Assert.ThrowsAny<JsonException>(() => Decode<MalformedInput>("""{"name":"a",}"""));

        Assert.NotNull(CompiledReaderRegistry.GetReader<MalformedInput>());
        Assert.Empty(RuntimeDegradations.Reported);
    }

    private static T Decode<T>(string json) where T : class
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return KubernetesJsonCodec.Deserialize<T>(ref reader);
    }
}
