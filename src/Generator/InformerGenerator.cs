using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace KubeInformers.Generator;

/// <summary>
/// The KubeInformers incremental generator: turns <c>[GenerateInformer]</c>, <c>[InformerProjection]</c> (with
/// <c>[JsonPath]</c> members), <c>[InformerIndex]</c>, <c>[InformerIndexFunction]</c>, <c>[GenerateBuiltInInformers]</c>
/// and <c>[InformerFactory]</c> into typed informers, listers, index functions, projection readers and a factory.
/// </summary>
/// <remarks>
/// Pipeline: one <c>ForAttributeWithMetadataName</c> per attribute parses its targets into equatable models (never
/// symbols or syntax), which are collected and assembled into one <see cref="GenerationModel"/>; each resource and the
/// factory are then emitted from their own model, so an edit re-emits only what it changed. The generator reports no
/// diagnostics and never throws on bad input: invalid targets are skipped, and <see cref="InformerAnalyzer"/> explains them.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class InformerGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var customResources = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.GenerateInformer,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Safely(() => ParseCustomResource(ctx, ct)))
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.CustomResources);

        var projections = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.InformerProjection,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Safely(() => ParseProjection(ctx, ct)))
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.Projections);

        var referencedResources = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.GenerateInformer,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, ct) => Safely(() => ParseEach(ctx, ct, Parser.ParseReferencedResource)))
            .WithTrackingName(TrackingNames.ReferencedResources);

        var catalogue = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.GenerateBuiltInInformers,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, ct) => Safely(() => Parser.ParseCatalogue(KnownSymbols.For(ctx.SemanticModel.Compilation), ct)))
            .WithTrackingName(TrackingNames.BuiltInCatalogue);

        var assemblyIndexes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.InformerIndex,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, ct) => Safely(() => ParseEach(ctx, ct, Parser.ParseAssemblyIndex)))
            .WithTrackingName(TrackingNames.AssemblyIndexes);

        var indexFunctions = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.InformerIndexFunction,
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, ct) => Safely(() => ParseIndexFunction(ctx, ct)))
            .Where(static index => index is not null)
            .Select(static (index, _) => index!)
            .WithTrackingName(TrackingNames.IndexFunctions);

        var factoryOptions = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.InformerFactory,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, ct) => Safely(() => ParseEach(ctx, ct, static (a, _, r, t) => Parser.ParseFactoryOptions(a, r, t))))
            .WithTrackingName(TrackingNames.FactoryOptions);

        var defaultNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var ns) && Naming.IsNamespace(ns) ? ns : null)
            .Combine(context.CompilationProvider.Select(static (compilation, _) => compilation.AssemblyName))
            .Select(static (pair, _) => pair.Left ?? Naming.NamespaceFromAssemblyName(pair.Right))
            .WithTrackingName(TrackingNames.DefaultNamespace);

        var model = customResources.Collect()
            .Combine(projections.Collect())
            .Select(static (pair, _) => pair.Left.AddRange(pair.Right))
            .Combine(referencedResources.Collect())
            .Combine(catalogue.Collect())
            .Combine(assemblyIndexes.Collect())
            .Combine(indexFunctions.Collect())
            .Combine(factoryOptions.Collect())
            .Combine(defaultNamespace)
            .Select(static (input, _) => Safely(() =>
            {
                var ((((((crs, refs), cat), asmIndexes), methodIndexes), options), ns) = input;
                var explicitResources = refs.SelectMany(static r => r).Concat(crs).ToList();
                var indexes = asmIndexes.SelectMany(static i => i).Concat(methodIndexes).ToList();
                return Assembler.Assemble(explicitResources, cat.SelectMany(static c => c).ToList(), indexes,
                    options.SelectMany(static o => o).FirstOrDefault(), ns ?? string.Empty, issues: null);
            }) ?? new GenerationModel(EquatableArray<ResourceOutput>.Empty, null))
            .WithTrackingName(TrackingNames.GenerationModel);

        RegisterCompiledReaders(context);
        RegisterCustomResourceDefinitions(context, model);

        var resources = model
            .SelectMany(static (m, _) => m.Resources)
            .WithTrackingName(TrackingNames.ResourceOutputs);
        context.RegisterSourceOutput(resources, static (spc, output) =>
        {
            var text = Safely(() => Emitter.EmitResource(output));
            if (text is not null)
            {
                spc.AddSource(output.HintName, SourceText.From(text, Encoding.UTF8));
            }
        });

        var factory = model
            .Select(static (m, _) => m.Factory)
            .WithTrackingName(TrackingNames.FactoryOutput);
        context.RegisterSourceOutput(factory, static (spc, spec) =>
        {
            if (spec is null)
            {
                return;
            }

            var text = Safely(() => Emitter.EmitFactory(spec));
            if (text is not null)
            {
                spc.AddSource((spec.Namespace.Length == 0 ? string.Empty : spec.Namespace + ".") + spec.TypeName + ".g.cs", SourceText.From(text, Encoding.UTF8));
            }
        });
    }

    /// <summary>
    /// The compiled readers: the model graph of every informer root type (custom resources, referenced types and the
    /// built-in catalogue), merged and emitted as one file with a module initializer registering each root. Emitted only
    /// when the compilation has module initializers and a runtime with <c>CompiledReaderRegistry</c>.
    /// </summary>
    private static void RegisterCompiledReaders(IncrementalGeneratorInitializationContext context)
    {
        var ofClasses = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.GenerateInformer,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Safely(() => ReaderGraphOfClass(ctx, ct)) ?? ReaderGraph.Empty)
            .WithTrackingName(TrackingNames.ReaderGraphsOfClasses);

        var ofReferences = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.GenerateInformer,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, ct) => Safely(() => ReaderGraphOfReferences(ctx, ct)) ?? ReaderGraph.Empty)
            .WithTrackingName(TrackingNames.ReaderGraphsOfReferences);

        var ofCatalogue = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.GenerateBuiltInInformers,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, ct) => Safely(() => ReaderGraphOfCatalogue(ctx, ct)) ?? ReaderGraph.Empty)
            .WithTrackingName(TrackingNames.ReaderGraphOfCatalogue);

        var supported = context.CompilationProvider
            .Select(static (c, _) => c.GetTypeByMetadataName("System.Runtime.CompilerServices.ModuleInitializerAttribute") is not null
                && c.GetTypeByMetadataName("KubeInformers.CompiledReaderRegistry") is not null);

        var graph = ofClasses.Collect()
            .Combine(ofReferences.Collect())
            .Combine(ofCatalogue.Collect())
            .Combine(supported)
            .Select(static (input, _) => Safely(() =>
            {
                var (((classes, references), catalogue), isSupported) = input;
                return isSupported ? ReaderGraphBuilder.Merge(classes.Concat(references).Concat(catalogue)) : ReaderGraph.Empty;
            }) ?? ReaderGraph.Empty)
            .WithTrackingName(TrackingNames.ReaderGraph);

        context.RegisterSourceOutput(graph, static (spc, g) =>
        {
            var text = Safely(() => ReaderEmitter.Emit(g));
            if (text is not null)
            {
                spc.AddSource(ReaderEmitter.HintName, SourceText.From(text, Encoding.UTF8));
            }
        });
    }

    private static ReaderGraph? ReaderGraphOfClass(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        if (ctx.TargetSymbol is not INamedTypeSymbol type || ctx.Attributes.IsDefaultOrEmpty
            || ParseCustomResource(ctx, ct) is null)
        {
            return null;
        }

        return ReaderGraphBuilder.Build([type], ctx.SemanticModel.Compilation, ct);
    }

    private static ReaderGraph ReaderGraphOfReferences(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        var known = KnownSymbols.For(ctx.SemanticModel.Compilation);
        var roots = new List<ITypeSymbol>();
        foreach (var attribute in ctx.Attributes)
        {
            ct.ThrowIfCancellationRequested();
            if (Safely(() => Parser.ParseReferencedResource(attribute, known, new Reporter(), ct)) is not null
                && attribute.ConstructorArguments[0].Value is INamedTypeSymbol type)
            {
                roots.Add(type);
            }
        }

        return ReaderGraphBuilder.Build(roots, ctx.SemanticModel.Compilation, ct);
    }

    private static ReaderGraph ReaderGraphOfCatalogue(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        if (ctx.Attributes.Any(static a => a.NamedArguments.Any(static n => n.Key == "CompiledReaders" && n.Value.Value is false)))
        {
            return ReaderGraph.Empty;
        }

        var known = KnownSymbols.For(ctx.SemanticModel.Compilation);
        var specs = new HashSet<string>(Parser.ParseCatalogue(known, ct).Select(static s => s.ModelType), StringComparer.Ordinal);
        if (known.KubernetesClientAssembly is not { } assembly || specs.Count == 0)
        {
            return ReaderGraph.Empty;
        }

        var roots = BuiltInCatalog.For(assembly).Entries
            .Select(static e => (ITypeSymbol)e.Key)
            .Where(t => specs.Contains(t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)))
            .ToList();
        return ReaderGraphBuilder.Build(roots, ctx.SemanticModel.Compilation, ct);
    }

    private static ResourceSpec? ParseCustomResource(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        if (ctx.TargetSymbol is not INamedTypeSymbol type || ctx.Attributes.IsDefaultOrEmpty)
        {
            return null;
        }

        return Parser.ParseCustomResource(type, ctx.Attributes[0], KnownSymbols.For(ctx.SemanticModel.Compilation), new Reporter(), ct);
    }

    private static ResourceSpec? ParseProjection(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        if (ctx.TargetSymbol is not INamedTypeSymbol type || ctx.Attributes.IsDefaultOrEmpty)
        {
            return null;
        }

        return ProjectionParser.Parse(type, ctx.Attributes[0], KnownSymbols.For(ctx.SemanticModel.Compilation), new Reporter(), ct);
    }

    private static TargetedIndex? ParseIndexFunction(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        if (ctx.TargetSymbol is not IMethodSymbol method || ctx.Attributes.IsDefaultOrEmpty)
        {
            return null;
        }

        return Parser.ParseIndexFunction(method, ctx.Attributes[0], KnownSymbols.For(ctx.SemanticModel.Compilation), new Reporter(), ct);
    }

    private static EquatableArray<T> ParseEach<T>(
        GeneratorAttributeSyntaxContext ctx, CancellationToken ct, Func<AttributeData, KnownSymbols, Reporter, CancellationToken, T?> parse)
        where T : class, IEquatable<T>
    {
        var known = KnownSymbols.For(ctx.SemanticModel.Compilation);
        var result = new List<T>();
        foreach (var attribute in ctx.Attributes)
        {
            ct.ThrowIfCancellationRequested();
            if (Safely(() => parse(attribute, known, new Reporter(), ct)) is { } parsed)
            {
                result.Add(parsed);
            }
        }

        return result.ToEquatableArray();
    }

    // The generator must never fail a build: anything unexpected skips the target (cancellation still propagates).
    private static T? Safely<T>(Func<T?> action)
    {
        try
        {
            BeforeGuardedStep();
            return action();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            ReportInternalError(ex);
            return default;
        }
    }
}
