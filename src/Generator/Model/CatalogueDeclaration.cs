using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>The <c>[assembly: GenerateBuiltInInformers]</c> catalogue, parsed once: its resources, (with <c>CompiledReaders</c>) their reader graph, and their deep-copy graph.</summary>
/// <param name="Resources">Every listable built-in, sorted by model type.</param>
/// <param name="Readers">Their compiled-reader graph, empty when <c>CompiledReaders</c> is off.</param>
/// <param name="DeepCopies">Their deep-copy graph.</param>
public sealed record CatalogueDeclaration(EquatableArray<ResourceSpec> Resources, ReaderGraph Readers, DeepCopyGraph DeepCopies)
{
    /// <summary>No catalogue.</summary>
    public static CatalogueDeclaration None { get; } = new(EquatableArray<ResourceSpec>.Empty, ReaderGraph.Empty, DeepCopyGraph.Empty);
}
