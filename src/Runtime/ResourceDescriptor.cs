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

    /// <inheritdoc/>
    public override string ToString() => GroupResource + "/" + Version;
}
