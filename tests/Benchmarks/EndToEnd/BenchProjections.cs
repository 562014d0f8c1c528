using k8s.Models;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>The "projection" path: the four fields a node-aware controller reads, plus identity metadata.</summary>
[InformerProjection(typeof(V1Pod))]
public partial record BenchPodSummary
{
    /// <summary>The node the Pod runs on.</summary>
    [JsonPath("spec.nodeName")] public string? NodeName { get; init; }

    /// <summary>The Pod's phase.</summary>
    [JsonPath("status.phase")] public string? Phase { get; init; }

    /// <summary>The labels (also on Metadata, for selectors).</summary>
    [JsonPath("metadata.labels")] public IDictionary<string, string>? Labels { get; init; }

    /// <summary>Every container image.</summary>
    [JsonPath("spec.containers.image")] public IReadOnlyList<string> Images { get; init; } = [];
}

/// <summary>The "metadata-only" path: name, namespace, uid and resourceVersion.</summary>
[InformerProjection(typeof(V1Pod))]
public partial class BenchPodMetadata;
