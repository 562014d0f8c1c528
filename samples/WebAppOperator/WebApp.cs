using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using KubeInformers;

// Informers for the children the operator owns: factory.Apps.V1.Deployments and factory.Core.V1.Services.
[assembly: GenerateInformer(typeof(V1Deployment))]
[assembly: GenerateInformer(typeof(V1Service))]

namespace WebAppOperator;

/// <summary>
/// A web application (webapps.example.com/v1, namespaced). The generator emits its informer and lister
/// (<c>factory.Example.V1.WebApps</c>), <c>DeepCopy()</c>, the CustomResourceDefinition (<c>WebAppCustomResourceDefinition</c>,
/// schema from these classes, with a status subresource) and the informers' RBAC (<c>InformerRbac</c>).
/// </summary>
[KubernetesEntity(Group = Group, ApiVersion = Version, Kind = "WebApp", PluralName = Plural)]
[GenerateInformer]
[PrinterColumn("Image", "string", ".spec.image")]
[PrinterColumn("Ready", "integer", ".status.readyReplicas")]
public sealed class WebApp : IKubernetesObject<V1ObjectMeta>, ISpec<WebAppSpec>
{
    /// <summary>The API group.</summary>
    public const string Group = "example.com";
    /// <summary>The version.</summary>
    public const string Version = "v1";
    /// <summary>The plural resource name.</summary>
    public const string Plural = "webapps";

    /// <summary>The resource, for the finalizer and status helpers.</summary>
    public static readonly ResourceDescriptor Resource = ResourceDescriptor.ForEntity<WebApp>(namespaced: true);

    /// <inheritdoc/>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Group + "/" + Version;

    /// <inheritdoc/>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "WebApp";

    /// <inheritdoc/>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <inheritdoc/>
    [JsonPropertyName("spec")]
    public WebAppSpec Spec { get; set; } = new();

    /// <summary>What the operator last observed (null until it has).</summary>
    [JsonPropertyName("status")]
    public WebAppStatus? Status { get; set; }
}

/// <summary>What the user asks for.</summary>
public sealed class WebAppSpec
{
    /// <summary>The container image to run.</summary>
    [JsonPropertyName("image")]
    [Required]
    public string Image { get; set; } = "";

    /// <summary>How many pods.</summary>
    [JsonPropertyName("replicas")]
    [Range(0, 100)]
    public int Replicas { get; set; } = 1;

    /// <summary>The port the container listens on, exposed by the Service.</summary>
    [JsonPropertyName("port")]
    [Range(1, 65535)]
    public int Port { get; set; } = 8080;
}

/// <summary>What the operator reports.</summary>
public sealed class WebAppStatus
{
    /// <summary>The <c>metadata.generation</c> this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready pods of the Deployment.</summary>
    [JsonPropertyName("readyReplicas")]
    public int? ReadyReplicas { get; set; }

    /// <summary>The <c>Ready</c> condition.</summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
