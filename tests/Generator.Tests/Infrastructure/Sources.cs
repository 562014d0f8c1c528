namespace KubeInformers.Generator.Tests.Infrastructure;

/// <summary>Reusable test sources.</summary>
public static class Sources
{
    /// <summary>A namespaced custom resource (stable.example.com/v1 CronTab) with its spec.</summary>
    public const string CronTab = """
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using k8s;
        using k8s.Models;
        using KubeInformers;

        namespace MyApp;

        [KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "crontabs")]
        [GenerateInformer]
        [InformerIndex("bySchedule", "spec.cronSpec")]
        [InformerIndex("byImage", "spec.images")]
        [InformerIndex("byApp", "metadata.labels.app")]
        [InformerIndex("byReplicas", "spec.replicas")]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {
            [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "stable.example.com/v1";
            [JsonPropertyName("kind")] public string Kind { get; set; } = "CronTab";
            [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
            [JsonPropertyName("spec")] public CronTabSpec? Spec { get; set; }
        }

        public sealed class CronTabSpec
        {
            public string? CronSpec { get; set; }
            public List<string>? Images { get; set; }
            public int? Replicas { get; set; }
            public bool Suspend { get; set; }
        }
        """;
}

/// <summary>More reusable test sources.</summary>
public static class MoreSources
{
    /// <summary>Built-in Pods with indexes of every kind: a nested path, a list path, a map path and a method.</summary>
    public const string PodsWithIndexes = """
        using System.Collections.Generic;
        using System.Linq;
        using k8s.Models;
        using KubeInformers;

        [assembly: GenerateInformer(typeof(V1Pod))]
        [assembly: InformerIndex(typeof(V1Pod), "byNode", "spec.nodeName")]
        [assembly: InformerIndex(typeof(V1Pod), "byImage", "spec.containers.image")]
        [assembly: InformerIndex(typeof(V1Pod), "byApp", "metadata.labels.app.kubernetes.io/name")]
        [assembly: InformerIndex(typeof(V1Pod), "byRestarts", "status.containerStatuses[*].restartCount")]

        namespace MyApp;

        public static partial class PodIndexFunctions
        {
            [InformerIndexFunction("byOwner")]
            public static IEnumerable<string> OwnerUids(V1Pod pod)
                => pod.Metadata?.OwnerReferences?.Select(o => o.Uid) ?? Enumerable.Empty<string>();
        }
        """;

    /// <summary>A cluster-scoped built-in (Node) and a cluster-scoped custom resource.</summary>
    public const string ClusterScoped = """
        using System.Text.Json.Serialization;
        using k8s;
        using k8s.Models;
        using KubeInformers;

        [assembly: GenerateInformer(typeof(V1Node))]
        [assembly: InformerIndex(typeof(V1Node), "byUnschedulable", "spec.unschedulable")]

        namespace MyApp.Cluster;

        [KubernetesEntity(Group = "config.example.com", ApiVersion = "v1alpha1", Kind = "ClusterPolicy", PluralName = "clusterpolicies")]
        [GenerateInformer(ClusterScoped = true)]
        [InformerIndex("byMode", "spec.mode")]
        public sealed class ClusterPolicy : IKubernetesObject<V1ObjectMeta>
        {
            public string ApiVersion { get; set; } = "config.example.com/v1alpha1";
            public string Kind { get; set; } = "ClusterPolicy";
            public V1ObjectMeta Metadata { get; set; } = new();
            public ClusterPolicySpec Spec { get; set; } = new();
        }

        public enum PolicyMode { Audit, Enforce }

        public sealed class ClusterPolicySpec
        {
            public PolicyMode Mode { get; set; }
        }
        """;

    /// <summary>A factory over several groups with a custom name and namespace.</summary>
    public const string Factory = """
        using k8s.Models;
        using KubeInformers;

        [assembly: GenerateInformer(typeof(V1Deployment))]
        [assembly: GenerateInformer(typeof(V1Pod))]
        [assembly: GenerateInformer(typeof(V1Node))]
        [assembly: GenerateInformer(typeof(V1Ingress))]
        [assembly: GenerateInformer(typeof(V2HorizontalPodAutoscaler))]
        [assembly: GenerateInformer(typeof(V1HorizontalPodAutoscaler))]
        [assembly: InformerFactory("ClusterInformers", Namespace = "MyApp.Kubernetes")]
        """;
}

/// <summary>Projection declarations.</summary>
public static class ProjectionSources
{
    /// <summary>A four-field projection of built-in Pods with indexes, and a one-line metadata-only projection.</summary>
    public const string PodSummary = """
        using System.Collections.Generic;
        using k8s.Models;
        using KubeInformers;

        namespace MyApp.Lean;

        [InformerProjection(typeof(V1Pod))]
        [InformerIndex("byNode", "nodeName")]
        [InformerIndex("byApp", "metadata.labels.app")]
        public partial record PodSummary
        {
            [JsonPath("spec.nodeName")] public string? NodeName { get; init; }
            [JsonPath("status.phase")] public string? Phase { get; init; }
            [JsonPath("spec.containers[*].ports[*].containerPort")] public IReadOnlyList<int> Ports { get; init; } = [];
            [JsonPath("metadata.labels")] public IDictionary<string, string>? Labels { get; init; }
        }

        [InformerProjection(typeof(V1Deployment))]
        public partial class DeploymentMetadata;
        """;
}
