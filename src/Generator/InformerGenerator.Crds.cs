using System.Linq;
using KubeInformers.Generator.Crds;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;

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
    private static void RegisterCustomResourceDefinitions(
        IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<InformerDeclaration> informers,
        IncrementalValueProvider<GenerationModel> model)
    {
        var supported = context.CompilationProvider
            .Select(static (c, _) => CrdSymbols.For(c).GeneratedManifest is not null && CrdSymbols.For(c).V1CustomResourceDefinition is not null);

        var versions = informers
            .Where(static d => d.Crd is not null)
            .Select(static (d, _) => d.Crd!)
            .WithTrackingName(CrdTrackingNames.CrdVersions);

        var definitions = ReportInternalErrors(context, versions.Collect()
            .Combine(supported)
            .Select(static (input, _) => Guard("assembling the CustomResourceDefinitions",
                () => input.Right ? CrdAssembler.Assemble(input.Left, issues: null) : EquatableArray<CrdSpec>.Empty, EquatableArray<CrdSpec>.Empty)))
            .SelectMany(static (crds, _) => crds)
            .WithTrackingName(CrdTrackingNames.CrdDefinitions);
        context.RegisterSourceOutput(definitions, static (spc, crd) => AddSourceGuarded(spc, CrdEmitter.HintName(crd), () => CrdEmitter.Emit(crd)));

        var writes = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => RbacWriteParser.IsCandidate(node),
                static (ctx, ct) => RbacWriteParser.Parse(ctx.SemanticModel, ctx.Node, ct))
            .Where(static w => w is not null)
            .Collect()
            .Select(static (all, _) => all.Distinct()
                .OrderBy(w => w!.Group, System.StringComparer.Ordinal).ThenBy(w => w!.Plural, System.StringComparer.Ordinal).ThenBy(w => w!.Kind)
                .Select(w => w!).ToEquatableArray())
            .WithTrackingName(CrdTrackingNames.RbacWrites);

        var rbac = ReportInternalErrors(context, model
            .Combine(writes)
            .Combine(supported)
            .Select(static (input, _) => Guard("building the RBAC manifest",
                () => input.Right ? new RbacSpecOrNone(RbacBuilder.From(input.Left.Left, input.Left.Right)) : RbacSpecOrNone.None, RbacSpecOrNone.None)))
            .WithTrackingName(CrdTrackingNames.Rbac);
        context.RegisterSourceOutput(rbac, static (spc, spec) =>
        {
            if (spec.Spec is { } value)
            {
                AddSourceGuarded(spc, CrdEmitter.RbacHintName(value), () => CrdEmitter.EmitRbac(value));
            }
        });
    }

    /// <summary>The RBAC manifest to emit, or none (a value, so the pipeline can cache and compare it).</summary>
    private readonly record struct RbacSpecOrNone(RbacSpec? Spec)
    {
        public static RbacSpecOrNone None => default;
    }
}
