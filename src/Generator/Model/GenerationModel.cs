using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>
/// Everything one resource's generated file needs: the resource with every index attached and the names it is emitted
/// under. Value equality, so an unchanged resource is not re-emitted.
/// </summary>
/// <param name="Resource">The resource, indexes merged and sorted by name.</param>
/// <param name="Namespace">The namespace of the generated types (empty for the global namespace).</param>
/// <param name="GroupAccessor">The factory's group property, e.g. <c>Apps</c>.</param>
/// <param name="VersionAccessor">The group's version property, e.g. <c>V1</c>.</param>
/// <param name="ResourceAccessor">The version's resource property, e.g. <c>Deployments</c>.</param>
public sealed record ResourceOutput(
    ResourceSpec Resource,
    string Namespace,
    string GroupAccessor,
    string VersionAccessor,
    string ResourceAccessor)
{
    /// <summary>The fully qualified informer wrapper type.</summary>
    public string InformerType => Qualify(Resource.Stem + "Informer");

    /// <summary>The file hint name.</summary>
    public string HintName => (Namespace.Length == 0 ? string.Empty : Namespace + ".") + Resource.Stem + "Informer.g.cs";

    /// <summary>Qualifies a generated type name with <c>global::</c> and the namespace.</summary>
    public string Qualify(string typeName) => "global::" + (Namespace.Length == 0 ? string.Empty : Namespace + ".") + typeName;
}

/// <summary>The generated factory: its name and the group → version → resource tree, sorted ordinally.</summary>
/// <param name="Namespace">The factory namespace (empty for the global namespace).</param>
/// <param name="TypeName">The factory type name.</param>
/// <param name="IsPublic">Whether the factory is public (false when any resource type is internal).</param>
/// <param name="Groups">The groups, sorted by accessor.</param>
public sealed record FactorySpec(string Namespace, string TypeName, bool IsPublic, EquatableArray<FactoryGroup> Groups);

/// <summary>A group of the factory.</summary>
/// <param name="Accessor">The property name, e.g. <c>Apps</c>.</param>
/// <param name="Group">The API group.</param>
/// <param name="Versions">The versions, sorted by accessor.</param>
public sealed record FactoryGroup(string Accessor, string Group, EquatableArray<FactoryVersion> Versions);

/// <summary>A version of a factory group.</summary>
/// <param name="Accessor">The property name, e.g. <c>V1</c>.</param>
/// <param name="Version">The API version.</param>
/// <param name="Resources">The resources, sorted by accessor.</param>
public sealed record FactoryVersion(string Accessor, string Version, EquatableArray<FactoryResource> Resources);

/// <summary>A resource property of a factory version.</summary>
/// <param name="Accessor">The property name, e.g. <c>Deployments</c>.</param>
/// <param name="InformerType">The fully qualified generated informer type.</param>
/// <param name="ModelType">The fully qualified model type.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Namespaced">Whether the resource is namespaced.</param>
public sealed record FactoryResource(string Accessor, string InformerType, string ModelType, string Kind, bool Namespaced);

/// <summary>The assembled model of one compilation: every resource to emit, and the factory.</summary>
/// <param name="Resources">The resources, sorted by generated type name.</param>
/// <param name="Factory">The factory, or null when there is no resource.</param>
public sealed record GenerationModel(EquatableArray<ResourceOutput> Resources, FactorySpec? Factory);
