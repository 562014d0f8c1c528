using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace KubeInformers.Generator.IntegrationTests.Model;

/// <summary>The CronTab custom resource of the Kubernetes CRD tutorial (stable.example.com/v1, namespaced).</summary>
[KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "crontabs")]
[GenerateInformer]
[InformerIndex("bySchedule", "spec.cronSpec")]
[InformerIndex("byImage", "spec.images")]
[InformerIndex("byReplicas", "spec.replicas")]
[InformerIndex("byTeam", "metadata.labels.example.com/team")]
public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
{
    /// <inheritdoc/>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "stable.example.com/v1";

    /// <inheritdoc/>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "CronTab";

    /// <inheritdoc/>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The desired state.</summary>
    [JsonPropertyName("spec")]
    public CronTabSpec? Spec { get; set; }
}

/// <summary>The CronTab spec.</summary>
public sealed class CronTabSpec
{
    /// <summary>The cron schedule.</summary>
    [JsonPropertyName("cronSpec")]
    public string? CronSpec { get; set; }

    /// <summary>The images to run.</summary>
    [JsonPropertyName("images")]
    public List<string>? Images { get; set; }

    /// <summary>How many replicas.</summary>
    [JsonPropertyName("replicas")]
    public int? Replicas { get; set; }
}
