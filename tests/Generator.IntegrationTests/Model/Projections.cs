using k8s.Models;
using KubeInformers;

namespace KubeInformers.Generator.IntegrationTests.Model;

/// <summary>A four-field projection of a Pod: what a typical node-aware controller reads.</summary>
[InformerProjection(typeof(V1Pod))]
[InformerIndex("byNode", "nodeName")]
[InformerIndex("byApp", "metadata.labels.app")]
public partial record PodSummary
{
    /// <summary>The node the pod is bound to.</summary>
    [JsonPath("spec.nodeName")]
    public string? NodeName { get; init; }

    /// <summary>The pod's phase.</summary>
    [JsonPath("status.phase")]
    public string? Phase { get; init; }

    /// <summary>Every container image.</summary>
    [JsonPath("spec.containers.image")]
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>The labels (also kept on Metadata, so label selectors work).</summary>
    [JsonPath("metadata.labels")]
    public IDictionary<string, string>? Labels { get; init; }
}

/// <summary>Paths through lists, maps, sub-objects, numbers, bools and dates.</summary>
[InformerProjection(typeof(V1Pod), Accessor = "PodDetailViews")]
public partial class PodDetails
{
    /// <summary>One label.</summary>
    [JsonPath("metadata.labels.app")]
    public string? App { get; init; }

    /// <summary>A dotted label key.</summary>
    [JsonPath("metadata.labels.app.kubernetes.io/name")]
    public string? AppName { get; init; }

    /// <summary>Every container port (a list in a list).</summary>
    [JsonPath("spec.containers[*].ports[*].containerPort")]
    public int[] Ports { get; init; } = [];

    /// <summary>Container names.</summary>
    [JsonPath("spec.containers.name")]
    public IEnumerable<string> ContainerNames { get; init; } = [];

    /// <summary>A number.</summary>
    [JsonPath("spec.priority")]
    public int? Priority { get; init; }

    /// <summary>A bool.</summary>
    [JsonPath("spec.hostNetwork")]
    public bool? HostNetwork { get; init; }

    /// <summary>A date.</summary>
    [JsonPath("status.startTime")]
    public DateTime? StartTime { get; init; }

    /// <summary>A date in metadata (mirrored on Metadata).</summary>
    [JsonPath("metadata.creationTimestamp")]
    public DateTime? Created { get; init; }

    /// <summary>The model's own sub-object type, through a list.</summary>
    [JsonPath("status.conditions")]
    public IReadOnlyList<V1PodCondition> Conditions { get; init; } = [];

    /// <summary>The model's own sub-object type.</summary>
    [JsonPath("spec.securityContext")]
    public V1PodSecurityContext? SecurityContext { get; init; }

    /// <summary>Owner references (mirrored on Metadata).</summary>
    [JsonPath("metadata.ownerReferences")]
    public IReadOnlyList<V1OwnerReference> Owners { get; init; } = [];

    /// <summary>Node selector map.</summary>
    [JsonPath("spec.nodeSelector")]
    public IReadOnlyDictionary<string, string>? NodeSelector { get; init; }

    /// <summary>Resource limits of every container (maps inside a list).</summary>
    [JsonPath("spec.containers.resources.limits")]
    public IReadOnlyList<IDictionary<string, ResourceQuantity>> Limits { get; init; } = [];
}

/// <summary>A metadata-only projection: identity plus labels and owners, nothing else of the Pod is read.</summary>
[InformerProjection(typeof(V1Pod))]
public partial class PodMetadata
{
    /// <summary>The labels.</summary>
    [JsonPath("metadata.labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>The one-line metadata-only declaration: name, namespace, uid and resourceVersion.</summary>
[InformerProjection(typeof(V1Namespace))]
public partial class NamespaceIdentity;
