namespace KubeInformers;

/// <summary>
/// Completes the CustomResourceDefinition the KubeInformers generator emits for a <c>[GenerateInformer]</c> custom
/// resource: names beyond kind and plural, categories, and this class's place among the versions of its kind.
/// </summary>
/// <remarks>
/// <para>
/// Without this attribute a custom resource still gets a CRD: singular = lower-case kind, listKind = kind + "List", no
/// short names, served, and the storage version when it is the only version of its kind. Several classes with the same
/// <c>[KubernetesEntity]</c> group and kind are the versions of one CRD; exactly one of them must set
/// <see cref="Storage"/> (KI0103 otherwise). A class with a JSON <c>status</c> member gets the status subresource unless
/// <see cref="StatusSubresource"/> is false.
/// </para>
/// <code>
/// [KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "crontabs")]
/// [GenerateInformer]
/// [CustomResource(ShortNames = new[] { "ct" }, Categories = new[] { "all" })]
/// public sealed class CronTab : IKubernetesObject&lt;V1ObjectMeta&gt; { ... }
/// </code>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CustomResourceAttribute : Attribute
{
    /// <summary>The singular name (<c>spec.names.singular</c>); defaults to the lower-case kind. Lower-case DNS label.</summary>
    public string? Singular { get; set; }

    /// <summary>The list kind (<c>spec.names.listKind</c>); defaults to the kind followed by <c>List</c>.</summary>
    public string? ListKind { get; set; }

    /// <summary>Short names for kubectl (<c>spec.names.shortNames</c>), e.g. <c>ct</c>. Lower-case DNS labels.</summary>
    public string[]? ShortNames { get; set; }

    /// <summary>Categories (<c>spec.names.categories</c>), e.g. <c>all</c>, so <c>kubectl get all</c> lists the resource.</summary>
    public string[]? Categories { get; set; }

    /// <summary>Whether this version is the storage version. Required on one class when a kind has several versions.</summary>
    public bool Storage { get; set; }

    /// <summary>Whether this version is served by the API (<c>served</c>); default true.</summary>
    public bool Served { get; set; } = true;

    /// <summary>Whether this version is deprecated (<c>deprecated</c>), with <see cref="DeprecationWarning"/> as the warning.</summary>
    public bool Deprecated { get; set; }

    /// <summary>The warning clients get when they use a deprecated version.</summary>
    public string? DeprecationWarning { get; set; }

    /// <summary>Whether the version has the status subresource; default: when the class has a JSON <c>status</c> member.</summary>
    public bool StatusSubresource { get; set; } = true;

    /// <summary>Whether to emit a CustomResourceDefinition for this class at all; default true.</summary>
    public bool GenerateDefinition { get; set; } = true;
}
