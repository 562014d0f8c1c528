namespace KubeInformers;

/// <summary>
/// Declares a named cache index computed by a method, for values a JSON path cannot express (owner UIDs, derived keys,
/// normalised values). The method must be <c>static</c>, accessible to the assembly (<c>public</c> or <c>internal</c>), in a
/// non-generic class, and have the shape <c>IEnumerable&lt;string&gt; M(T obj)</c> where <c>T</c> is a resource with a
/// generated informer. It must not throw and must not mutate <c>obj</c> (cached objects are shared).
/// </summary>
/// <example>
/// <code>
/// [assembly: GenerateInformer(typeof(V1Pod))]
///
/// public static partial class PodIndexFunctions
/// {
///     [InformerIndexFunction("byOwner")]
///     public static IEnumerable&lt;string&gt; OwnerUids(V1Pod pod)
///         =&gt; pod.Metadata?.OwnerReferences?.Select(o =&gt; o.Uid) ?? [];
/// }
/// // factory.Core.V1.Pods.Lister.ByOwner(uid)
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class InformerIndexFunctionAttribute : Attribute
{
    /// <summary>Declares the method this attribute is placed on as the index function of index <paramref name="name"/>.</summary>
    /// <param name="name">The index name, unique per resource (for example <c>byOwner</c>).</param>
    public InformerIndexFunctionAttribute(string name) => Name = name;

    /// <summary>The index name.</summary>
    public string Name { get; }
}
