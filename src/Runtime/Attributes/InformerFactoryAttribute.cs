namespace KubeInformers;

/// <summary>
/// Names the informer factory the generator emits for this assembly. Without it the factory is
/// <c>InformerFactory</c> in the project's root namespace (the assembly name when the root namespace is not visible to the
/// compiler). Built-in informers go to the <c>{Namespace}.Informers.{Group}.{Version}</c> namespaces.
/// </summary>
/// <example>
/// <code>
/// [assembly: InformerFactory("ClusterInformers", Namespace = "MyOperator.Kubernetes")]
/// // var factory = new MyOperator.Kubernetes.ClusterInformers(client);
/// // factory.Apps.V1.Deployments.Lister.List();
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class InformerFactoryAttribute : Attribute
{
    /// <summary>Names the generated factory.</summary>
    /// <param name="typeName">The factory's type name, a valid C# identifier.</param>
    public InformerFactoryAttribute(string typeName) => TypeName = typeName;

    /// <summary>The factory's type name.</summary>
    public string TypeName { get; }

    /// <summary>The factory's namespace; the project's root namespace when unset.</summary>
    public string? Namespace { get; set; }
}
