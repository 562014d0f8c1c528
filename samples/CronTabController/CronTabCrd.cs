using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CronTabController;

/// <summary>Installs the generated CronTab CustomResourceDefinition and creates CronTabs.</summary>
public static class CronTabCrd
{
    /// <summary>The CRD's name (generated from <see cref="CronTab"/>).</summary>
    public const string Name = CronTabCustomResourceDefinition.Name;

    /// <summary>Creates the generated CRD unless it exists (the schema, names and status subresource come from the C# types).</summary>
    public static async Task EnsureAsync(IKubernetes client, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(CronTabCustomResourceDefinition.Create(), cancellationToken: cancellationToken);
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
