using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>
/// One resource to generate an informer for, as parsed from one declaration. Holds only strings, bools and equatable
/// arrays (never symbols, syntax or locations), so the incremental driver can compare it by value.
/// </summary>
/// <param name="ModelType">The fully qualified (<c>global::</c>) model type, e.g. <c>global::k8s.Models.V1Pod</c>.</param>
/// <param name="ModelName">The model type's simple name, for docs.</param>
/// <param name="Kind">The object kind, e.g. <c>Pod</c>.</param>
/// <param name="Group">The API group (empty for core).</param>
/// <param name="Version">The API version, e.g. <c>v1</c>.</param>
/// <param name="Plural">The plural resource name, e.g. <c>pods</c>.</param>
/// <param name="Namespaced">Whether the resource is namespaced.</param>
/// <param name="IsBuiltIn">Whether the model is a KubernetesClient built-in.</param>
/// <param name="IsPublic">Whether the model type is public (generated types match its accessibility).</param>
/// <param name="TypeNamespace">For custom resources, the namespace of the model (generated types go next to it); null for built-ins.</param>
/// <param name="GroupAccessor">An explicit group accessor name, or null for the default.</param>
/// <param name="Indexes">The indexes declared with the resource (class-level attributes).</param>
public sealed record ResourceSpec(
    string ModelType,
    string ModelName,
    string Kind,
    string Group,
    string Version,
    string Plural,
    bool Namespaced,
    bool IsBuiltIn,
    bool IsPublic,
    string? TypeNamespace,
    string? GroupAccessor,
    EquatableArray<IndexSpec> Indexes)
{
    /// <summary>The projection this resource caches, or null for the full model.</summary>
    public ProjectionSpec? Projection { get; init; }

    /// <summary>The stem of the generated type names: the projection's name, else the kind (<c>PodSummary</c>, <c>Pod</c>).</summary>
    public string Stem => Projection?.TypeName ?? Kind;
}

/// <summary>The factory naming options from <c>[assembly: InformerFactory]</c>.</summary>
/// <param name="TypeName">The factory type name.</param>
/// <param name="Namespace">The factory namespace, or null for the default.</param>
public sealed record FactoryOptions(string TypeName, string? Namespace);
