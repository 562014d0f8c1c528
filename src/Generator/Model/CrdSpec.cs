using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>
/// One version of a custom resource, as parsed from one <c>[GenerateInformer]</c> class (value equality; no symbols).
/// </summary>
/// <param name="ModelType">The fully qualified model type.</param>
/// <param name="TypeNamespace">The model's namespace (generated code goes next to it).</param>
/// <param name="IsPublic">Whether the model is public.</param>
/// <param name="Group">The API group.</param>
/// <param name="Version">The version name.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Plural">The plural resource name.</param>
/// <param name="Singular">The singular name.</param>
/// <param name="ListKind">The list kind.</param>
/// <param name="ShortNames">Short names.</param>
/// <param name="Categories">Categories.</param>
/// <param name="Namespaced">Whether the resource is namespaced.</param>
/// <param name="Served">Whether the version is served.</param>
/// <param name="Storage">Whether storage was set explicitly on this version.</param>
/// <param name="Deprecated">Whether the version is deprecated.</param>
/// <param name="DeprecationWarning">The deprecation warning, or null.</param>
/// <param name="StatusSubresource">Whether the version has the status subresource.</param>
/// <param name="Scale">The scale subresource, or null.</param>
/// <param name="PrinterColumns">The printer columns, in declaration order.</param>
/// <param name="Schema">The OpenAPI v3 schema of the whole object.</param>
public sealed record CrdVersionSpec(
    string ModelType,
    string TypeNamespace,
    bool IsPublic,
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    string ListKind,
    EquatableArray<string> ShortNames,
    EquatableArray<string> Categories,
    bool Namespaced,
    bool Served,
    bool Storage,
    bool Deprecated,
    string? DeprecationWarning,
    bool StatusSubresource,
    CrdScale? Scale,
    EquatableArray<CrdPrinterColumn> PrinterColumns,
    CrdSchema Schema);

/// <summary>The scale subresource's paths.</summary>
/// <param name="SpecReplicasPath">The desired replicas path.</param>
/// <param name="StatusReplicasPath">The observed replicas path.</param>
/// <param name="LabelSelectorPath">The label selector path, or null.</param>
public sealed record CrdScale(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);

/// <summary>One <c>additionalPrinterColumns</c> entry.</summary>
/// <param name="Name">The header.</param>
/// <param name="Type">The OpenAPI type.</param>
/// <param name="JsonPath">The JSON path.</param>
/// <param name="Format">The format, or null.</param>
/// <param name="Description">The description, or null.</param>
/// <param name="Priority">The priority.</param>
public sealed record CrdPrinterColumn(string Name, string Type, string JsonPath, string? Format, string? Description, int Priority);

/// <summary>
/// A whole CustomResourceDefinition: the versions of one group and kind, sorted by version name, with exactly one
/// storage version (the assembler drops a kind whose versions disagree).
/// </summary>
/// <param name="Name">The CRD name, <c>plural.group</c>.</param>
/// <param name="TypeNamespace">The namespace of the generated class (the storage version's).</param>
/// <param name="ClassName">The generated class, e.g. <c>CronTabCustomResourceDefinition</c>.</param>
/// <param name="IsPublic">Whether the generated class is public.</param>
/// <param name="StorageVersion">The storage version's name.</param>
/// <param name="SourceTypes">The model types the versions come from, for the header.</param>
/// <param name="Versions">The versions.</param>
public sealed record CrdSpec(
    string Name,
    string TypeNamespace,
    string ClassName,
    bool IsPublic,
    string StorageVersion,
    EquatableArray<string> SourceTypes,
    EquatableArray<CrdVersionSpec> Versions);

/// <summary>One RBAC rule of the assembly's role: some verbs on one group's resources.</summary>
/// <param name="Group">The API group (empty for core).</param>
/// <param name="Resources">The plural resource names (or <c>plural/status</c>), sorted.</param>
/// <param name="Verbs">The verbs, sorted.</param>
/// <param name="Namespaced">Whether these resources are namespaced (a Role can grant them).</param>
public sealed record RbacRule(string Group, EquatableArray<string> Resources, EquatableArray<string> Verbs, bool Namespaced);

/// <summary>What a toolkit type the assembly uses writes, and so which verbs it needs.</summary>
public enum RbacWriteKind
{
    /// <summary><c>StatusUpdater&lt;T&gt;</c>: get, update, patch on <c>plural/status</c>, get on the resource.</summary>
    Status,

    /// <summary><c>Finalizer&lt;T&gt;</c>: get, update, patch on the resource.</summary>
    Finalizer,

    /// <summary><c>EventRecorder</c>: create, patch on events.events.k8s.io.</summary>
    Events,
}

/// <summary>One use of a writing toolkit type found in the compilation.</summary>
/// <param name="Kind">What it writes.</param>
/// <param name="Group">The written resource's API group.</param>
/// <param name="Plural">The written resource's plural name.</param>
public sealed record RbacWrite(RbacWriteKind Kind, string Group, string Plural);

/// <summary>The RBAC manifests of one assembly's informers.</summary>
/// <param name="Namespace">The namespace of the generated class.</param>
/// <param name="RoleName">The ClusterRole / Role name.</param>
/// <param name="Rules">The rules, sorted by group.</param>
public sealed record RbacSpec(string Namespace, string RoleName, EquatableArray<RbacRule> Rules);
