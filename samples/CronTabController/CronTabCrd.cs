using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CronTabController;

/// <summary>Creates the CronTab CustomResourceDefinition (with the status subresource) if it does not exist.</summary>
public static class CronTabCrd
{
    /// <summary>The CRD's name.</summary>
    public const string Name = CronTab.Plural + "." + CronTab.Group;

    /// <summary>Creates the CRD unless it exists.</summary>
    public static async Task EnsureAsync(IKubernetes client, CancellationToken cancellationToken = default)
    {
        var crd = new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = Name },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = CronTab.Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Plural = CronTab.Plural, Singular = "crontab", Kind = "CronTab", ListKind = "CronTabList", ShortNames = ["ct"] },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = CronTab.Version,
                        Served = true,
                        Storage = true,
                        Subresources = new V1CustomResourceSubresources { Status = new object() },
                        Schema = new V1CustomResourceValidation
                        {
                            OpenAPIV3Schema = new V1JSONSchemaProps
                            {
                                Type = "object",
                                Properties = new Dictionary<string, V1JSONSchemaProps>
                                {
                                    ["spec"] = new()
                                    {
                                        Type = "object",
                                        Properties = new Dictionary<string, V1JSONSchemaProps>
                                        {
                                            ["cronSpec"] = new() { Type = "string" },
                                            ["image"] = new() { Type = "string" },
                                            ["replicas"] = new() { Type = "integer" },
                                        },
                                    },
                                    ["status"] = new() { Type = "object", XKubernetesPreserveUnknownFields = true },
                                },
                            },
                        },
                    },
                ],
            },
        };
        try
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }
    }

    /// <summary>Creates a CronTab.</summary>
    public static Task<object> CreateAsync(IKubernetes client, string @namespace, string name, string schedule, string image, int replicas,
        CancellationToken cancellationToken = default) =>
        client.CustomObjects.CreateNamespacedCustomObjectAsync(new CronTab
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
            Spec = new CronTabSpec { CronSpec = schedule, Image = image, Replicas = replicas },
        }, CronTab.Group, CronTab.Version, @namespace, CronTab.Plural, cancellationToken: cancellationToken);
}
