namespace KubeInformers;

/// <summary>
/// Marks a member of an <see cref="InformerProjectionAttribute">informer projection</see> with the JSON path of the
/// source object it is read from. The path is checked at compile time against the source model.
/// </summary>
/// <remarks>
/// <para>Path rules (dotted JSON property names, as for <see cref="InformerIndexAttribute"/>):</para>
/// <list type="bullet">
/// <item><description>Nested objects: <c>spec.nodeName</c>, <c>status.phase</c>.</description></item>
/// <item><description>Through lists (<c>spec.containers.image</c> or <c>spec.containers[*].image</c>): the member is a
/// list (<c>IReadOnlyList&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c>, <c>IEnumerable&lt;T&gt;</c> or <c>T[]</c>) of every
/// value found, in document order, nulls left out; empty (never null) when there is none.</description></item>
/// <item><description>Into string maps: <c>metadata.labels.app</c> (the rest of the path is the key, so keys may contain dots).</description></item>
/// <item><description>Whole maps and sub-objects: <c>metadata.labels</c> (<c>IDictionary&lt;string, string&gt;</c>,
/// <c>IReadOnlyDictionary&lt;string, string&gt;</c> or <c>Dictionary&lt;string, string&gt;</c>), <c>status.conditions</c>,
/// <c>spec.securityContext</c> (the model's own type).</description></item>
/// </list>
/// <para>
/// The member's type must match the model's type at the path (nullability aside): a string, number, bool, enum or
/// <c>DateTime</c>, a list or map of those, or the model's own sub-object type. A path that is absent or null in the
/// JSON leaves the member at its default. The member needs a <c>set</c> or <c>init</c> accessor (it may be private).
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class JsonPathAttribute : Attribute
{
    /// <summary>Reads the member from <paramref name="path"/> of the source object.</summary>
    /// <param name="path">A dotted JSON path such as <c>spec.nodeName</c>.</param>
    public JsonPathAttribute(string path) => Path = path;

    /// <summary>The dotted JSON path.</summary>
    public string Path { get; }
}
