using System.Linq;
using System.Text;
using KubeInformers.Generator.Crds;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace KubeInformers.Generator;

public sealed partial class InformerGenerator
{
    /// <summary>
    /// The CustomResourceDefinitions and RBAC manifests: one <c>ForAttributeWithMetadataName</c> over
    /// <c>[GenerateInformer]</c> classes parses each into a <see cref="CrdVersionSpec"/>, the versions are assembled per
    /// kind, and each CRD is emitted from its own value-equal model; the RBAC file follows the assembled informer model.
    /// Emitted only when the runtime has <c>GeneratedManifestAttribute</c>. Reports nothing: see
    /// <see cref="CustomResourceDefinitionAnalyzer"/>.
    /// </summary>
    private static void RegisterCustomResourceDefinitions(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<GenerationModel> model)
    {
        var supported = context.CompilationProvider
            .Select(static (c, _) => CrdSymbols.For(c).GeneratedManifest is not null && CrdSymbols.For(c).V1CustomResourceDefinition is not null);

        var versions = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.GenerateInformer,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Safely(() => ctx.TargetSymbol is INamedTypeSymbol type && !ctx.Attributes.IsDefaultOrEmpty
                    ? CrdParser.Parse(type, ctx.Attributes[0], KnownSymbols.For(ctx.SemanticModel.Compilation), CrdSymbols.For(ctx.SemanticModel.Compilation), new Reporter(), ct)
                    : null))
            .Where(static v => v is not null)
            .Select(static (v, _) => v!)
            .WithTrackingName(CrdTrackingNames.CrdVersions);

        var definitions = versions.Collect()
            .Combine(supported)
            .Select(static (input, _) => input.Right ? Safely(() => CrdAssembler.Assemble(input.Left, issues: null)) : EquatableArray<CrdSpec>.Empty)
            .SelectMany(static (crds, _) => crds)
            .WithTrackingName(CrdTrackingNames.CrdDefinitions);
        context.RegisterSourceOutput(definitions, static (spc, crd) =>
        {
            var text = Safely(() => CrdEmitter.Emit(crd));
            if (text is not null)
            {
                spc.AddSource(CrdEmitter.HintName(crd), SourceText.From(text, Encoding.UTF8));
            }
        });

        var rbac = model
            .Combine(supported)
            .Select(static (input, _) => input.Right ? Safely(() => RbacBuilder.From(input.Left)) : null)
            .WithTrackingName(CrdTrackingNames.Rbac);
        context.RegisterSourceOutput(rbac, static (spc, spec) =>
        {
            if (spec is null)
            {
                return;
            }

            var text = Safely(() => CrdEmitter.EmitRbac(spec));
            if (text is not null)
            {
                spc.AddSource(CrdEmitter.RbacHintName(spec), SourceText.From(text, Encoding.UTF8));
            }
        });
    }
}
