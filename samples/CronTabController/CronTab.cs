using System.Collections.Generic;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using KubeInformers;

[assembly: GenerateInformer(typeof(V1ConfigMap))]

namespace CronTabController;

/// <summary>
/// The CronTab custom resource of the Kubernetes documentation (stable.example.com/v1, namespaced). The generator emits
/// <c>CronTabInformer</c>, <c>CronTabLister</c> (with <c>BySchedule</c>), and <c>factory.Stable.V1.CronTabs</c>.
/// </summary>
[KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "crontabs")]
[GenerateInformer]
[InformerIndex("bySchedule", "spec.cronSpec")]
public sealed class CronTab : IKubernetesObject<V1ObjectMeta>, ISpec<CronTabSpec>
{
    /// <summary>The API group.</summary>
    public const string Group = "stable.example.com";
    /// <summary>The version.</summary>
    public const string Version = "v1";
    /// <summary>The plural resource name.</summary>
    public const string Plural = "crontabs";

    /// <inheritdoc/>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Group + "/" + Version;

    /// <inheritdoc/>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "CronTab";

    /// <inheritdoc/>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <inheritdoc/>
    [JsonPropertyName("spec")]
    public CronTabSpec Spec { get; set; } = new();

    /// <summary>What the controller last reported (null until it has).</summary>
    [JsonPropertyName("status")]
    public CronTabStatus? Status { get; set; }
}

/// <summary>What the user asks for.</summary>
public sealed class CronTabSpec
{
    /// <summary>A cron schedule, e.g. <c>*/5 * * * *</c>.</summary>
    [JsonPropertyName("cronSpec")]
    public string? CronSpec { get; set; }

    /// <summary>The image to run.</summary>
    [JsonPropertyName("image")]
    public string? Image { get; set; }

    /// <summary>How many copies.</summary>
    [JsonPropertyName("replicas")]
    public int? Replicas { get; set; }
}

/// <summary>What the controller reports.</summary>
public sealed class CronTabStatus
{
    /// <summary>The ConfigMap the controller keeps for this CronTab.</summary>
    [JsonPropertyName("configMapName")]
    public string? ConfigMapName { get; set; }

    /// <summary>The <c>metadata.generation</c> last reconciled.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>How many CronTabs in the namespace share this schedule (read through the typed index).</summary>
    [JsonPropertyName("sameScheduleCount")]
    public int? SameScheduleCount { get; set; }

    /// <summary>The <c>Ready</c> condition: <c>True</c> once the ConfigMap matches the spec; <c>False</c> with reason
    /// <c>ConfigMapExists</c> when a ConfigMap of that name belongs to someone else.</summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
