using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace KubeInformers.Hosting.Tests;

/// <summary>A test custom resource (widgets.test.kubeinformers.io/v1, namespaced, status subresource).</summary>
[KubernetesEntity(Group = Group, ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
public sealed class Widget : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "test.kubeinformers.io";
    public static readonly ResourceDescriptor Resource = new(Group, "v1", "widgets", "Widget", true);

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Group + "/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Widget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public WidgetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public WidgetStatus? Status { get; set; }

    public static Widget New(string name, int size = 1) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" }, Spec = new WidgetSpec { Size = size } };

    /// <summary>Registers the CRD with the status subresource.</summary>
    public static async Task InstallAsync(IKubernetes client)
    {
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = "widgets." + Group },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Plural = "widgets", Singular = "widget", Kind = "Widget", ListKind = "WidgetList" },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = "v1",
                        Served = true,
                        Storage = true,
                        Subresources = new V1CustomResourceSubresources { Status = new object() },
                        Schema = new V1CustomResourceValidation
                        {
                            OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true },
                        },
                    },
                ],
            },
        });
    }
}

public sealed class WidgetSpec
{
    [JsonPropertyName("size")]
    public int Size { get; set; }

    [JsonPropertyName("color")]
    public string? Color { get; set; }
}

public sealed class WidgetStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
