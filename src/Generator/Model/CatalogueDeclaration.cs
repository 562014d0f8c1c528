using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>The <c>[assembly: GenerateBuiltInInformers]</c> catalogue, parsed once: its resources and (unless turned off) their reader graph.</summary>
/// <param name="Resources">Every listable built-in, sorted by model type.</param>
/// <param name="Readers">Their compiled-reader graph, empty when <c>CompiledReaders</c> is off.</param>
public sealed record CatalogueDeclaration(EquatableArray<ResourceSpec> Resources, ReaderGraph Readers)
{
    /// <summary>No catalogue.</summary>
    public static CatalogueDeclaration None { get; } = new(EquatableArray<ResourceSpec>.Empty, ReaderGraph.Empty);
}
