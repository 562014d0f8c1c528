using System.Reflection;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// Identifies a listable Kubernetes resource: its API group, version, plural resource name, kind and scope.
/// </summary>
/// <param name="Group">The API group; the empty string for the core group (<c>v1</c> Pods, ConfigMaps, …).</param>
/// <param name="Version">The API version within the group, for example <c>v1</c>.</param>
/// <param name="Plural">The plural resource name used in URLs, for example <c>deployments</c>.</param>
/// <param name="Kind">The object kind, for example <c>Deployment</c>.</param>
/// <param name="Namespaced"><see langword="true"/> for namespaced resources, <see langword="false"/> for cluster-scoped ones.</param>
public sealed record ResourceDescriptor(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    /// <summary>The <c>apiVersion</c> of objects of this resource: <c>v1</c> for the core group, otherwise <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>The group-qualified resource name, for example <c>deployments.apps</c> (just <c>pods</c> for the core group).</summary>
    public string GroupResource => Group.Length == 0 ? Plural : Plural + "." + Group;

    /// <summary>
    /// The URL path of the resource collection, relative to the API server's base address:
    /// <c>api/v1/pods</c>, <c>apis/apps/v1/namespaces/ns1/deployments</c>.
    /// </summary>
    /// <param name="namespace">The namespace to scope to, or <see langword="null"/> (or empty) for all namespaces. Ignored for cluster-scoped resources.</param>
    public string CollectionPath(string? @namespace = null)
    {
        var prefix = Group.Length == 0 ? "api/" + Version : "apis/" + Group + "/" + Version;
        return Namespaced && !string.IsNullOrEmpty(@namespace)
            ? prefix + "/namespaces/" + Uri.EscapeDataString(@namespace) + "/" + Plural
            : prefix + "/" + Plural;
    }

    /// <summary>
    /// The descriptor of a model type from its <see cref="KubernetesEntityAttribute"/> (group, version, kind, plural).
    /// The attribute does not say whether the resource is namespaced, so the caller does.
    /// </summary>
    /// <typeparam name="T">A model type such as <c>V1Deployment</c>, or a custom resource class carrying the attribute.</typeparam>
    /// <param name="namespaced">Whether the resource is namespaced.</param>
    /// <exception cref="ArgumentException">The type has no <see cref="KubernetesEntityAttribute"/>, or it names no plural or version.</exception>
    public static ResourceDescriptor ForEntity<T>(bool namespaced) => ForEntity(typeof(T), namespaced);

    /// <summary>The descriptor of <paramref name="type"/> from its <see cref="KubernetesEntityAttribute"/>; see <see cref="ForEntity{T}(bool)"/>.</summary>
    /// <exception cref="ArgumentException">The type has no <see cref="KubernetesEntityAttribute"/>, or it names no plural or version.</exception>
    public static ResourceDescriptor ForEntity(Type type, bool namespaced)
    {
        ArgumentNullException.ThrowIfNull(type);
        var entity = type.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{type.FullName} has no [KubernetesEntity] attribute; create the ResourceDescriptor by hand.", nameof(type));
        if (string.IsNullOrEmpty(entity.PluralName) || string.IsNullOrEmpty(entity.ApiVersion))
        {
            throw new ArgumentException($"The [KubernetesEntity] attribute of {type.FullName} names no plural or no version; create the ResourceDescriptor by hand.", nameof(type));
        }

        return new ResourceDescriptor(entity.Group ?? "", entity.ApiVersion, entity.PluralName, entity.Kind ?? type.Name, namespaced);
    }

    /// <inheritdoc/>
    public override string ToString() => GroupResource + "/" + Version;
}
