using k8s.Models;
using KubeInformers;

namespace RevisionProbe;

/// <summary>A four-field projection of a Pod (plus identity metadata), the same as the e2e harness's projection path.</summary>
[InformerProjection(typeof(V1Pod))]
public partial record PodSummary
{
    /// <summary>The node the Pod runs on.</summary>
    [JsonPath("spec.nodeName")] public string? NodeName { get; init; }

    /// <summary>The Pod's phase.</summary>
    [JsonPath("status.phase")] public string? Phase { get; init; }

    /// <summary>The labels.</summary>
    [JsonPath("metadata.labels")] public IDictionary<string, string>? Labels { get; init; }

    /// <summary>Every container image.</summary>
    [JsonPath("spec.containers.image")] public IReadOnlyList<string> Images { get; init; } = [];
}
