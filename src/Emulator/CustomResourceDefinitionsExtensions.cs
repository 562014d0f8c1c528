using System.Net;
using System.Reflection;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeInformers.Emulator;

/// <summary>
/// Installs the CustomResourceDefinitions the KubeInformers generator emitted into an assembly (its
/// <see cref="GeneratedManifestAttribute"/>s of kind <c>CustomResourceDefinition</c>) into a running emulator.
/// Thread-safe as the emulator is; each call creates its own client.
/// </summary>
public static class CustomResourceDefinitionsExtensions
{
    /// <summary>
    /// Creates each generated CRD of <paramref name="assembly"/>, or replaces it when it exists, and returns them as
    /// stored. The emulator serves and validates a CRD as soon as it is stored (it is <c>Established</c> at once).
    /// </summary>
    /// <param name="emulator">The running emulator.</param>
    /// <param name="assembly">An assembly compiled with the KubeInformers generator.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public static async Task<IReadOnlyList<V1CustomResourceDefinition>> ApplyCustomResourceDefinitionsAsync(
        this KubernetesEmulator emulator, Assembly assembly, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(assembly);
        using var client = emulator.CreateClient();
        var applied = new List<V1CustomResourceDefinition>();
        foreach (var manifest in assembly.GetCustomAttributes<GeneratedManifestAttribute>().Where(m => m.Kind == "CustomResourceDefinition" && m.Json is not null))
        {
            var crd = KubernetesJson.Deserialize<V1CustomResourceDefinition>(manifest.Json!);
            try
            {
                applied.Add(await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken).ConfigureAwait(false));
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
            {
                var existing = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                crd.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
                applied.Add(await client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(crd, crd.Metadata.Name, cancellationToken: cancellationToken).ConfigureAwait(false));
            }
        }

        return applied;
    }
}
