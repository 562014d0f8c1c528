namespace KubeInformers;

/// <summary>
/// Asks the KubeInformers source generator for a typed informer, lister, namespace lister (namespaced resources only),
/// index functions and a property on the generated informer factory for one Kubernetes resource.
/// </summary>
/// <remarks>
/// <para>
/// On a class, it declares a custom resource. The class must carry <c>[KubernetesEntity]</c> with <c>Group</c>,
/// <c>ApiVersion</c>, <c>Kind</c> and a non-empty <c>PluralName</c>, and implement
/// <c>IKubernetesObject&lt;V1ObjectMeta&gt;</c>. Custom resources are namespaced unless <see cref="ClusterScoped"/> is set.
/// </para>
/// <code>
/// [KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "crontabs")]
/// [GenerateInformer]
/// public sealed class CronTab : IKubernetesObject&lt;V1ObjectMeta&gt; { ... }
/// // generates CronTabInformer, CronTabLister, CronTabNamespaceLister, CronTabIndexes and factory.Stable.V1.CronTabs
/// </code>
/// <para>
/// On the assembly, with a type argument, it declares a referenced type, typically a KubernetesClient built-in. The
/// attribute may be repeated. A built-in's scope is inferred from KubernetesClient's operations
/// (<c>ListNamespaced{Kind}</c> means namespaced), so <see cref="ClusterScoped"/> is only read for types from other
/// assemblies.
/// </para>
/// <code>
/// [assembly: GenerateInformer(typeof(V1Deployment))]   // factory.Apps.V1.Deployments
/// [assembly: GenerateInformer(typeof(V1Pod))]          // factory.Core.V1.Pods
/// [assembly: GenerateInformer(typeof(V1Node))]         // factory.Core.V1.Nodes (cluster-scoped, inferred)
/// </code>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class GenerateInformerAttribute : Attribute
{
    /// <summary>Declares the class this attribute is placed on as a custom resource to generate an informer for.</summary>
    public GenerateInformerAttribute()
    {
    }

    /// <summary>Declares <paramref name="type"/> (for example <c>typeof(V1Deployment)</c>) as a resource to generate an informer for. Use it on the assembly.</summary>
    /// <param name="type">A class carrying <c>[KubernetesEntity]</c> and implementing <c>IKubernetesObject&lt;V1ObjectMeta&gt;</c>.</param>
    public GenerateInformerAttribute(Type type) => Type = type;

    /// <summary>The resource type named by the assembly-level form, or <see langword="null"/> on a class.</summary>
    public Type? Type { get; }

    /// <summary>
    /// Whether the resource is cluster-scoped (no namespace, no namespace lister). Read for custom resources; the scope of
    /// KubernetesClient built-ins is inferred and this value is ignored for them.
    /// </summary>
    /// <example><c>[GenerateInformer(ClusterScoped = true)]</c></example>
    public bool ClusterScoped { get; set; }

    /// <summary>
    /// The name of the group's property on the generated factory, overriding the default (the PascalCase of the first
    /// DNS label of the group: <c>stable.example.com</c> → <c>Stable</c>; the core group → <c>Core</c>). Use it when two
    /// groups would otherwise get the same accessor. Every resource of a group must agree on it.
    /// </summary>
    /// <example><c>[GenerateInformer(GroupAccessor = "StableExample")]</c> gives <c>factory.StableExample.V1.CronTabs</c>.</example>
    public string? GroupAccessor { get; set; }
}
