using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator.Helpers;

/// <summary>
/// The well-known symbols the parser needs, looked up once per compilation (<see cref="For"/>; immutable, so shared by
/// concurrent parses of that compilation). Never stored in a model. Any of them may be null when the compilation lacks
/// the reference.
/// </summary>
internal sealed class KnownSymbols
{
    private static readonly ConditionalWeakTable<Compilation, KnownSymbols> Cache = new();

    /// <summary>The symbols of <paramref name="compilation"/>, looked up on first use and kept while it lives.</summary>
    public static KnownSymbols For(Compilation compilation) => Cache.GetValue(compilation, static c => new KnownSymbols(c));

    public KnownSymbols(Compilation compilation)
    {
        Compilation = compilation;
        KubernetesEntityAttribute = compilation.GetTypeByMetadataName("k8s.Models.KubernetesEntityAttribute");
        V1ObjectMeta = compilation.GetTypeByMetadataName("k8s.Models.V1ObjectMeta");
        JsonPropertyNameAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonPropertyNameAttribute");
        JsonIgnoreAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonIgnoreAttribute");
        InformerIndexAttribute = compilation.GetTypeByMetadataName(AttributeNames.InformerIndex);
        JsonPathAttribute = compilation.GetTypeByMetadataName(AttributeNames.JsonPath);
        IReadOnlyListOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyList_T);
        IReadOnlyCollectionOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyCollection_T);
        DictionaryOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.Dictionary`2");
        IEnumerableOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        IDictionaryOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IDictionary`2");
        IReadOnlyDictionaryOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2");
        var kubernetesObjectOfT = compilation.GetTypeByMetadataName("k8s.IKubernetesObject`1");
        KubernetesObjectOfMeta = kubernetesObjectOfT is not null && V1ObjectMeta is not null
            ? kubernetesObjectOfT.Construct(V1ObjectMeta)
            : null;
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol? KubernetesEntityAttribute { get; }

    public INamedTypeSymbol? V1ObjectMeta { get; }

    public INamedTypeSymbol? KubernetesObjectOfMeta { get; }

    public INamedTypeSymbol? JsonPropertyNameAttribute { get; }

    public INamedTypeSymbol? JsonIgnoreAttribute { get; }

    public INamedTypeSymbol? InformerIndexAttribute { get; }

    public INamedTypeSymbol IEnumerableOfT { get; }

    public INamedTypeSymbol? JsonPathAttribute { get; }

    public INamedTypeSymbol IReadOnlyListOfT { get; }

    public INamedTypeSymbol IReadOnlyCollectionOfT { get; }

    public INamedTypeSymbol? DictionaryOfT { get; }

    public INamedTypeSymbol? IDictionaryOfT { get; }

    public INamedTypeSymbol? IReadOnlyDictionaryOfT { get; }

    /// <summary>The KubernetesClient assembly (the one defining <c>V1ObjectMeta</c>), whose models are the built-ins.</summary>
    public IAssemblySymbol? KubernetesClientAssembly => V1ObjectMeta?.ContainingAssembly;
}

/// <summary>Metadata names of the marker attributes (they live in the KubeInformers runtime assembly).</summary>
public static class AttributeNames
{
    /// <summary><c>KubeInformers.GenerateInformerAttribute</c>.</summary>
    public const string GenerateInformer = "KubeInformers.GenerateInformerAttribute";

    /// <summary><c>KubeInformers.InformerIndexAttribute</c>.</summary>
    public const string InformerIndex = "KubeInformers.InformerIndexAttribute";

    /// <summary><c>KubeInformers.InformerIndexFunctionAttribute</c>.</summary>
    public const string InformerIndexFunction = "KubeInformers.InformerIndexFunctionAttribute";

    /// <summary><c>KubeInformers.GenerateBuiltInInformersAttribute</c>.</summary>
    public const string GenerateBuiltInInformers = "KubeInformers.GenerateBuiltInInformersAttribute";

    /// <summary><c>KubeInformers.InformerProjectionAttribute</c>.</summary>
    public const string InformerProjection = "KubeInformers.InformerProjectionAttribute";

    /// <summary><c>KubeInformers.JsonPathAttribute</c>.</summary>
    public const string JsonPath = "KubeInformers.JsonPathAttribute";

    /// <summary><c>KubeInformers.InformerFactoryAttribute</c>.</summary>
    public const string InformerFactory = "KubeInformers.InformerFactoryAttribute";
}
