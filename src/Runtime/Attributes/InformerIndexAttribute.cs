namespace KubeInformers;

/// <summary>
/// Declares a named cache index whose values are read from a JSON path of the object, resolved at compile time against
/// the model's JSON property names. The generator emits the index function, an index-name constant in
/// <c>{Kind}Indexes</c>, typed <c>By{Name}(value)</c> lookups on the listers, and registers the index on the informer.
/// </summary>
/// <remarks>
/// <para>Path rules (segments separated by dots, each matched against <c>[JsonPropertyName]</c> names, or camelCase property names for classes without the attribute):</para>
/// <list type="bullet">
/// <item><description>Nested objects: <c>spec.nodeName</c>.</description></item>
/// <item><description>Lists are multi-valued (the object is indexed under every value): <c>spec.containers.image</c> (or <c>spec.containers[*].image</c>).</description></item>
/// <item><description>String maps take the rest of the path as the key, so keys may contain dots: <c>metadata.labels.app</c>, <c>metadata.labels.app.kubernetes.io/name</c>.</description></item>
/// <item><description>The value must be a string, an enum, a number or a bool (formatted with the invariant culture; bools as <c>true</c>/<c>false</c>). Null values are not indexed.</description></item>
/// </list>
/// <para>On a custom-resource class:</para>
/// <code>
/// [GenerateInformer]
/// [InformerIndex("bySchedule", "spec.cronSpec")]
/// public sealed class CronTab : IKubernetesObject&lt;V1ObjectMeta&gt; { ... }
/// // cronTabs.Lister.BySchedule("*/5 * * * *")
/// </code>
/// <para>On the assembly, for a referenced type such as a built-in:</para>
/// <code>
/// [assembly: GenerateInformer(typeof(V1Pod))]
/// [assembly: InformerIndex(typeof(V1Pod), "byNode", "spec.nodeName")]
/// // factory.Core.V1.Pods.Lister.ByNode("node-1")
/// </code>
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class InformerIndexAttribute : Attribute
{
    /// <summary>Declares an index on the class this attribute is placed on.</summary>
    /// <param name="name">The index name, unique per resource (for example <c>byNode</c>).</param>
    /// <param name="jsonPath">The dotted JSON path of the indexed values (for example <c>spec.nodeName</c>).</param>
    public InformerIndexAttribute(string name, string jsonPath)
    {
        Name = name;
        JsonPath = jsonPath;
    }

    /// <summary>Declares an index on <paramref name="type"/>, a resource declared with <c>[assembly: GenerateInformer(typeof(...))]</c>. Use it on the assembly.</summary>
    /// <param name="type">The resource type, for example <c>typeof(V1Pod)</c>.</param>
    /// <param name="name">The index name, unique per resource (for example <c>byNode</c>).</param>
    /// <param name="jsonPath">The dotted JSON path of the indexed values (for example <c>spec.nodeName</c>).</param>
    public InformerIndexAttribute(Type type, string name, string jsonPath)
    {
        Type = type;
        Name = name;
        JsonPath = jsonPath;
    }

    /// <summary>The resource type of the assembly-level form, or <see langword="null"/> on a class.</summary>
    public Type? Type { get; }

    /// <summary>The index name.</summary>
    public string Name { get; }

    /// <summary>The dotted JSON path of the indexed values.</summary>
    public string JsonPath { get; }
}
