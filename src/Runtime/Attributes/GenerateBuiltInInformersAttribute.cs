namespace KubeInformers;

/// <summary>
/// Generates informers, listers and factory properties for every listable KubernetesClient built-in resource (about 93
/// types: every model with a <c>List*</c> operation), the way client-go's <c>informers</c> package covers all built-ins.
/// Informers are created lazily on first use of their factory property, so unused ones cost nothing at run time.
/// </summary>
/// <remarks>
/// Combine it with <see cref="GenerateInformerAttribute"/> and <see cref="InformerIndexAttribute"/> for the same types to
/// add indexes; the declarations merge.
/// </remarks>
/// <example>
/// <code>
/// [assembly: GenerateBuiltInInformers]
/// // factory.Core.V1.Pods, factory.Apps.V1.Deployments, factory.Networking.V1.Ingresses, factory.Rbac.V1.ClusterRoles, ...
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class GenerateBuiltInInformersAttribute : Attribute
{
    /// <summary>
    /// Whether to compile one-pass JSON readers for the whole model graph of every built-in (default false: the catalogue
    /// is decoded with <c>JsonSerializer</c>). They make start-up sync and watch decoding faster, but for the whole
    /// catalogue they are about 50,000 lines of generated source that the IDE's generator run rebuilds and compares on
    /// every edit (see docs/generator.md for the measured cost), so they are opt-in. Types you also declare with
    /// <see cref="GenerateInformerAttribute"/> always get theirs.
    /// </summary>
    public bool CompiledReaders { get; set; }
}
