using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>
/// What one <c>[GenerateInformer]</c> target yields, parsed once: the resources it declares (one for a class, one per
/// attribute on the assembly) and the compiled-reader and deep-copy graphs of exactly those model types. Value equality.
/// </summary>
/// <param name="OnAssembly">Whether the target is the assembly (<c>[assembly: GenerateInformer(typeof(T))]</c>) rather than a class.</param>
/// <param name="Resources">The valid resources, in attribute order.</param>
/// <param name="Readers">The compiled-reader graph of their model types (empty when none).</param>
/// <param name="DeepCopies">The deep-copy graph of their model types (empty when none).</param>
/// <param name="Crd">For a class target: the CRD version it declares, or null (assembly targets, or nothing to generate).</param>
public sealed record InformerDeclaration(bool OnAssembly, EquatableArray<ResourceSpec> Resources, ReaderGraph Readers, DeepCopyGraph DeepCopies,
    CrdVersionSpec? Crd = null)
{
    /// <summary>A target that yields nothing (invalid, or skipped after an internal error).</summary>
    public static InformerDeclaration None(bool onAssembly) => new(onAssembly, EquatableArray<ResourceSpec>.Empty, ReaderGraph.Empty, DeepCopyGraph.Empty);
}
