namespace KubeInformers;

/// <summary>
/// Declares the <c>partial</c> class or record it is placed on as a <em>projection</em> of a Kubernetes resource: a lean
/// cache entry holding only the members marked <see cref="JsonPathAttribute"/> plus the object's identity metadata. The
/// source generator emits a JSON reader that skips every other part of the object without allocating for it, and a
/// typed informer, lister, namespace lister, indexes and factory accessor for the projection, exactly like those of a
/// full informer.
/// </summary>
/// <remarks>
/// <para>
/// The generator completes the type: it implements <c>IKubernetesObject&lt;V1ObjectMeta&gt;</c> (<c>ApiVersion</c>,
/// <c>Kind</c>, <c>Metadata</c>) and attaches a generated <c>JsonConverter</c>. <c>Metadata</c> always carries the name,
/// namespace, uid and resourceVersion; other metadata (labels, annotations, ownerReferences, …) is kept only when a
/// member asks for it with a path such as <c>metadata.labels</c>. Label selectors on the lister see only the labels
/// kept, so project <c>metadata.labels</c> when you list by selector.
/// </para>
/// <code>
/// [InformerProjection(typeof(V1Pod))]
/// public partial record PodSummary
/// {
///     [JsonPath("spec.nodeName")] public string? NodeName { get; init; }
///     [JsonPath("status.phase")] public string? Phase { get; init; }
///     [JsonPath("spec.containers.image")] public IReadOnlyList&lt;string&gt; Images { get; init; } = [];
///     [JsonPath("metadata.labels")] public IDictionary&lt;string, string&gt;? Labels { get; init; }
/// }
/// // factory.Core.V1.PodSummaries: PodSummaryInformer, PodSummaryLister, PodSummaryNamespaceLister, PodSummaryIndexes
///
/// [InformerProjection(typeof(V1Deployment))]
/// public partial class DeploymentMetadata;   // a metadata-only informer: factory.Apps.V1.DeploymentMetadatas
/// </code>
/// <para>
/// The factory accessor is the English plural of the projection's name (<c>PodSummary</c> → <c>PodSummaries</c>,
/// <c>PodStatus</c> → <c>PodStatuses</c>) unless <see cref="Accessor"/> names it. Cached projections are shared by
/// every reader: treat them as read-only. A projection cannot be serialized back (it is not the whole object).
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class InformerProjectionAttribute : Attribute
{
    /// <summary>Declares the type this attribute is placed on as a projection of <paramref name="source"/>.</summary>
    /// <param name="source">The full model whose JSON is read, e.g. <c>typeof(V1Pod)</c> or a custom-resource class.</param>
    public InformerProjectionAttribute(Type source) => Source = source;

    /// <summary>The full model the projection reads from.</summary>
    public Type Source { get; }

    /// <summary>
    /// The name of the projection's property on the generated factory's version class (default: the plural of the
    /// projection's type name).
    /// </summary>
    /// <example><c>[InformerProjection(typeof(V1Pod), Accessor = "PodsByNode")]</c> gives <c>factory.Core.V1.PodsByNode</c>.</example>
    public string? Accessor { get; set; }

    /// <summary>
    /// Whether the source resource is cluster-scoped. Read for custom resources; the scope of KubernetesClient built-ins is
    /// inferred and this value is ignored for them.
    /// </summary>
    public bool ClusterScoped { get; set; }

    /// <summary>The factory group accessor, overriding the default (see <see cref="GenerateInformerAttribute.GroupAccessor"/>).</summary>
    public string? GroupAccessor { get; set; }
}
