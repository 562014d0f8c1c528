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
    /// Whether to compile one-pass JSON readers for the whole model graph of every built-in (default true). They make
    /// start-up sync and watch decoding faster, but for the whole catalogue they are several megabytes of generated
    /// source (about 90,000 lines, a few seconds of compile time); set false to decode the catalogue with
    /// <c>JsonSerializer</c>. Types you also declare with <see cref="GenerateInformerAttribute"/> keep their readers.
    /// </summary>
    public bool CompiledReaders { get; set; } = true;
}
