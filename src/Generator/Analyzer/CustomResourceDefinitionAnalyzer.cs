using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using KubeInformers.Generator.Crds;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KubeInformers.Generator;

/// <summary>
/// Reports why a <c>[GenerateInformer]</c> custom resource gets a weaker CRD schema or none (KI0100–KI0105), by running
/// the generator's own CRD parser on each class as it is analysed, and its assembler over all of them at compilation
/// end (versions of one kind: KI0103).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CustomResourceDefinitionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnsupportedSchemaType, DiagnosticDescriptors.InexpressibleSchemaMember, DiagnosticDescriptors.ConflictingJsonNames,
        DiagnosticDescriptors.InconsistentCrdVersions, DiagnosticDescriptors.InvalidCrdAttribute, DiagnosticDescriptors.NonStructuralSchema);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var generateInformer = start.Compilation.GetTypeByMetadataName(AttributeNames.GenerateInformer);
            var crd = CrdSymbols.For(start.Compilation);
            if (generateInformer is null || crd.GeneratedManifest is null)
            {
                return; // no KubeInformers, or a runtime without CRD generation
            }

            var known = KnownSymbols.For(start.Compilation);
            var versions = new ConcurrentBag<(CrdVersionSpec Spec, Location? Location)>();
            start.RegisterSymbolAction(symbolContext =>
            {
                var type = (INamedTypeSymbol)symbolContext.Symbol;
                var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, generateInformer));
                if (attribute is null)
                {
                    return;
                }

                var found = new List<Diagnostic>();
                var spec = CrdParser.Parse(type, attribute, known, crd, new Reporter(found), symbolContext.CancellationToken);
                foreach (var diagnostic in found.GroupBy(d => d.Id + "|" + d.Location.SourceSpan + "|" + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Select(g => g.First()))
                {
                    symbolContext.ReportDiagnostic(diagnostic);
                }

                if (spec is not null)
                {
                    versions.Add((spec, type.Locations.FirstOrDefault()));
                }
            }, SymbolKind.NamedType);

            start.RegisterCompilationEndAction(end =>
            {
                var all = versions.ToList();
                var issues = new List<CrdAssembler.Issue>();
                CrdAssembler.Assemble(all.Select(v => v.Spec), issues);
                foreach (var issue in issues)
                {
                    foreach (var (spec, location) in all.Where(v => issue.ModelTypes.Contains(v.Spec.ModelType)))
                    {
                        end.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InconsistentCrdVersions, location ?? Location.None,
                            issue.Kind, spec.Version, issue.Problem));
                    }
                }
            });
        });
    }
}
