using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator;

/// <summary>
/// Every diagnostic the KubeInformers analyzer reports. IDs are stable and never reused; each has a section in
/// <c>docs/diagnostics.md</c> (keep them in sync) reached through <see cref="DiagnosticDescriptor.HelpLinkUri"/>.
/// The analyzer reports them; the generator skips what they describe and itself reports only
/// <see cref="GeneratorInternalError"/> (a bug of its own, which no analyzer can see).
/// </summary>
public static class DiagnosticDescriptors
{
    /// <summary>The base of every help link.</summary>
    public const string HelpLinkBase = "https://github.com/kubeinformers/kubeinformers/blob/main/docs/diagnostics.md#";

    private const string Category = "KubeInformers";

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity, params string[] tags)
        => new(id, title, message, Category, severity, isEnabledByDefault: true,
            helpLinkUri: HelpLinkBase + id.ToLowerInvariant(), customTags: tags);

    /// <summary>KI0001: the type has no <c>[KubernetesEntity]</c>.</summary>
    public static readonly DiagnosticDescriptor NotKubernetesEntity = Create(
        "KI0001", "Not a Kubernetes entity",
        "'{0}' has no [KubernetesEntity] attribute; an informer needs its group, version, kind and plural",
        DiagnosticSeverity.Error);

    /// <summary>KI0002: the type does not implement <c>IKubernetesObject&lt;V1ObjectMeta&gt;</c>.</summary>
    public static readonly DiagnosticDescriptor MissingKubernetesObject = Create(
        "KI0002", "Type does not implement IKubernetesObject<V1ObjectMeta>",
        "'{0}' must implement k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> to be cached by an informer",
        DiagnosticSeverity.Error);

    /// <summary>KI0003: the entity's plural (or kind, or version) is missing.</summary>
    public static readonly DiagnosticDescriptor MissingResourceName = Create(
        "KI0003", "Missing plural, kind or version",
        "[KubernetesEntity] on '{0}' has an empty {1}; informers need it to build the resource URL",
        DiagnosticSeverity.Error);

    /// <summary>KI0004: an index path segment does not exist.</summary>
    public static readonly DiagnosticDescriptor UnknownIndexPath = Create(
        "KI0004", "Unknown index path",
        "Index '{0}': '{1}' is not a JSON property of {2} (at '{3}'); valid members: {4}",
        DiagnosticSeverity.Error);

    /// <summary>KI0005: an index path ends at a type that cannot be an index value.</summary>
    public static readonly DiagnosticDescriptor IndexLeafNotIndexable = Create(
        "KI0005", "Index value type is not indexable",
        "Index '{0}': path '{1}' ends at {2}; an index value must be a string, an enum, a number or a bool",
        DiagnosticSeverity.Error);

    /// <summary>KI0006: two indexes of a resource share a name.</summary>
    public static readonly DiagnosticDescriptor DuplicateIndexName = Create(
        "KI0006", "Duplicate index name",
        "Index '{0}' is declared more than once for '{1}' (index names, and their generated member names, must be unique per resource)",
        DiagnosticSeverity.Error);

    /// <summary>KI0007: two different types claim the same resource or the same generated names.</summary>
    public static readonly DiagnosticDescriptor DuplicateResource = Create(
        "KI0007", "Duplicate resource",
        "'{0}' and '{1}' both declare {2}; only '{1}' gets an informer",
        DiagnosticSeverity.Error, WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>KI0008: two groups map to the same factory accessor.</summary>
    public static readonly DiagnosticDescriptor AccessorCollision = Create(
        "KI0008", "Factory accessor collision",
        "Groups '{0}' and '{1}' both map to the factory accessor '{2}'; set GroupAccessor on [GenerateInformer] to tell them apart",
        DiagnosticSeverity.Error, WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>KI0009: the declaration has an unsupported shape.</summary>
    public static readonly DiagnosticDescriptor UnsupportedDeclaration = Create(
        "KI0009", "Unsupported resource declaration",
        "'{0}' cannot have an informer: {1}",
        DiagnosticSeverity.Error);

    /// <summary>KI0010: an index method has the wrong signature or accessibility.</summary>
    public static readonly DiagnosticDescriptor InvalidIndexMethod = Create(
        "KI0010", "Invalid index function",
        "Index function '{0}' {1}; it must be 'static IEnumerable<string> {0}(T obj)', public or internal, in a non-generic class",
        DiagnosticSeverity.Error);

    /// <summary>KI0011: an attribute argument is wrong (null type, empty or invalid name).</summary>
    public static readonly DiagnosticDescriptor InvalidAttributeArgument = Create(
        "KI0011", "Invalid attribute argument",
        "{0}",
        DiagnosticSeverity.Error);

    /// <summary>KI0012: a referenced KubernetesClient type has no list operation.</summary>
    public static readonly DiagnosticDescriptor NotListable = Create(
        "KI0012", "Resource is not listable",
        "'{0}' has no List operation in KubernetesClient, so it cannot be listed and watched",
        DiagnosticSeverity.Error);

    /// <summary>KI0013: the same type is declared twice.</summary>
    public static readonly DiagnosticDescriptor RedundantDeclaration = Create(
        "KI0013", "Resource declared more than once",
        "'{0}' is already declared for informer generation; this declaration is redundant",
        DiagnosticSeverity.Warning, WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>KI0014: an index targets a type that gets no informer.</summary>
    public static readonly DiagnosticDescriptor IndexWithoutInformer = Create(
        "KI0014", "Index for a resource without an informer",
        "Index '{0}' targets '{1}', which has no [GenerateInformer] declaration; the index is ignored",
        DiagnosticSeverity.Warning, WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>KI0015: the projection type has an unsupported shape.</summary>
    public static readonly DiagnosticDescriptor InvalidProjection = Create(
        "KI0015", "Unsupported projection declaration",
        "'{0}' cannot be an informer projection: {1}",
        DiagnosticSeverity.Error);

    /// <summary>KI0016: a projection member's path segment does not exist in the source model.</summary>
    public static readonly DiagnosticDescriptor UnknownProjectionPath = Create(
        "KI0016", "Unknown projection path",
        "Member '{0}': '{1}' is not a JSON property of {2} (at '{3}'); valid members: {4}",
        DiagnosticSeverity.Error);

    /// <summary>KI0017: a projection member's type does not match the model's type at its path.</summary>
    public static readonly DiagnosticDescriptor ProjectionTypeMismatch = Create(
        "KI0017", "Projection member type does not match its path",
        "Member '{0}' is {1}, but path '{2}' {3}; declare it as {4}",
        DiagnosticSeverity.Error);

    /// <summary>KI0018: a projection member cannot be filled or its path is malformed.</summary>
    public static readonly DiagnosticDescriptor InvalidProjectionMember = Create(
        "KI0018", "Invalid projection member",
        "Member '{0}' {1}",
        DiagnosticSeverity.Error);

    /// <summary>KI0019: a projection's factory accessor is already taken.</summary>
    public static readonly DiagnosticDescriptor ProjectionAccessorCollision = Create(
        "KI0019", "Projection accessor collision",
        "Projection '{0}' would be reached as factory.{1}, which is taken by {2}; set Accessor on [InformerProjection] to another name",
        DiagnosticSeverity.Error, WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>KI0020: a <c>[JsonPath]</c> member on a type that is not a projection.</summary>
    public static readonly DiagnosticDescriptor JsonPathOutsideProjection = Create(
        "KI0020", "[JsonPath] outside a projection",
        "Member '{0}' has [JsonPath], but '{1}' has no [InformerProjection]; the path is ignored",
        DiagnosticSeverity.Warning);

    /// <summary>KI0021: a custom resource's <c>[KubernetesEntity]</c> has no group, or one without a dot.</summary>
    public static readonly DiagnosticDescriptor CustomResourceWithoutGroup = Create(
        "KI0021", "Custom resource without an API group",
        "[KubernetesEntity] on '{0}' has {1}; a custom resource's group must be a domain with at least one dot, as CustomResourceDefinitions require (for example Group = \"stable.example.com\")",
        DiagnosticSeverity.Error);

    /// <summary>KI0022: the generator hit a bug of its own; reported by the generator (the only diagnostic it reports).</summary>
    public static readonly DiagnosticDescriptor GeneratorInternalError = Create(
        "KI0022", "KubeInformers generator internal error",
        "The KubeInformers generator failed while {0} ({1}: {2}) and left that output out; this is a bug in KubeInformers, please report it with the declaration involved at https://github.com/kubeinformers/kubeinformers/issues",
        DiagnosticSeverity.Warning);

    /// <summary>KI0100: a member's type has no CRD schema; the member is emitted as <c>x-kubernetes-preserve-unknown-fields</c>.</summary>
    public static readonly DiagnosticDescriptor UnsupportedSchemaType = Create(
        "KI0100", "Member type has no CRD schema",
        "'{0}' ({1}) has no OpenAPI schema: {2}; the CRD keeps it as x-kubernetes-preserve-unknown-fields, unchecked",
        DiagnosticSeverity.Warning);

    /// <summary>KI0101: a member the CRD schema cannot express exactly (recursion, non-string map keys, flags enums).</summary>
    public static readonly DiagnosticDescriptor InexpressibleSchemaMember = Create(
        "KI0101", "Member the CRD schema cannot express",
        "'{0}': {1}; the CRD keeps it as x-kubernetes-preserve-unknown-fields, unchecked",
        DiagnosticSeverity.Warning);

    /// <summary>KI0102: two members of one type serialize under the same JSON name.</summary>
    public static readonly DiagnosticDescriptor ConflictingJsonNames = Create(
        "KI0102", "Conflicting JSON names",
        "'{0}' and '{1}' of {2} both serialize as '{3}'; give one of them another [JsonPropertyName]",
        DiagnosticSeverity.Error);

    /// <summary>KI0103: the versions of one custom resource kind disagree (storage version, names, scope).</summary>
    public static readonly DiagnosticDescriptor InconsistentCrdVersions = Create(
        "KI0103", "Inconsistent custom resource versions",
        "The versions of {0} ({1}) {2}; no CustomResourceDefinition is generated for it",
        DiagnosticSeverity.Error, WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>KI0104: a CRD attribute (or a DataAnnotations attribute) has an argument the CRD cannot take.</summary>
    public static readonly DiagnosticDescriptor InvalidCrdAttribute = Create(
        "KI0104", "Invalid custom resource attribute argument",
        "{0}: {1}",
        DiagnosticSeverity.Error);

    /// <summary>KI0105: the generated schema breaks the API server's structural-schema rules.</summary>
    public static readonly DiagnosticDescriptor NonStructuralSchema = Create(
        "KI0105", "Schema is not structural",
        "The CRD schema of '{0}' is not structural at {1}: {2}",
        DiagnosticSeverity.Error);

    // KI02xx: uses of the runtime in user code (CachedObjectMutationAnalyzer).

    /// <summary>KI0200: a member of an object that came from the informer cache is assigned.</summary>
    public static readonly DiagnosticDescriptor CachedObjectWrite = Create(
        "KI0200", "Write to a cached object",
        "'{0}' comes from the informer cache ({1}) and is shared; mutate a copy: {2}.DeepCopy()",
        DiagnosticSeverity.Warning);

    /// <summary>KI0201: a collection reached from an object that came from the informer cache is changed.</summary>
    public static readonly DiagnosticDescriptor CachedCollectionMutation = Create(
        "KI0201", "Collection of a cached object changed",
        "'{0}' comes from the informer cache ({1}) and is shared; {2} changes a collection every reader sees; mutate a copy: {3}.DeepCopy()",
        DiagnosticSeverity.Warning);

    /// <summary>Every descriptor, for the analyzer's <c>SupportedDiagnostics</c> and the docs test.</summary>
    public static readonly DiagnosticDescriptor[] All =
    {
        NotKubernetesEntity, MissingKubernetesObject, MissingResourceName, UnknownIndexPath, IndexLeafNotIndexable,
        DuplicateIndexName, DuplicateResource, AccessorCollision, UnsupportedDeclaration, InvalidIndexMethod,
        InvalidAttributeArgument, NotListable, RedundantDeclaration, IndexWithoutInformer, InvalidProjection,
        UnknownProjectionPath, ProjectionTypeMismatch, InvalidProjectionMember, ProjectionAccessorCollision,
        JsonPathOutsideProjection, CustomResourceWithoutGroup, GeneratorInternalError, UnsupportedSchemaType, InexpressibleSchemaMember, ConflictingJsonNames,
        InconsistentCrdVersions, InvalidCrdAttribute, NonStructuralSchema,
        CachedObjectWrite, CachedCollectionMutation,
    };
}
