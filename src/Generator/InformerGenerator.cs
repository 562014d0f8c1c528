using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using KubeInformers.Generator.Crds;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KubeInformers.Generator;

/// <summary>
/// The KubeInformers incremental generator: turns <c>[GenerateInformer]</c>, <c>[InformerProjection]</c> (with
/// <c>[JsonPath]</c> members), <c>[InformerIndex]</c>, <c>[InformerIndexFunction]</c>, <c>[GenerateBuiltInInformers]</c>
/// and <c>[InformerFactory]</c> into typed informers, listers, index functions, projection readers and a factory.
/// </summary>
/// <remarks>
/// Pipeline: one <c>ForAttributeWithMetadataName</c> per attribute parses its targets (classes, methods or the assembly,
/// whichever the attribute allows) into equatable models (never symbols or syntax); a <c>[GenerateInformer]</c> target
/// and the catalogue also yield the compiled-reader graph of the types they parsed, in the same pass. The models are
/// collected and assembled into one <see cref="GenerationModel"/>; each resource and the factory are then emitted from
/// their own model, so an edit re-emits only what it changed. The generator never throws on bad input: invalid targets
/// are skipped and <see cref="InformerAnalyzer"/> explains them. Its own bugs are reported as KI0022 (see
/// <c>InformerGenerator.InternalErrors.cs</c>). To add an output, derive it from the providers built here and register
/// it at the end of <see cref="Initialize"/>.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class InformerGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // [GenerateInformer] on a class (a custom resource) or on the assembly (typeof(T), one per attribute).
        var informers = ReportInternalErrors(context, context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.GenerateInformer,
                static (node, _) => node is TypeDeclarationSyntax or CompilationUnitSyntax,
                static (ctx, ct) => Guard(Describe(ctx), () => ParseInformerDeclaration(ctx, ct), InformerDeclaration.None(ctx.TargetSymbol is IAssemblySymbol)))
            .WithTrackingName(TrackingNames.InformerDeclarations));

        var projections = ReportInternalErrors(context, context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.InformerProjection,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Guard(Describe(ctx), () => Optional(ParseProjection(ctx, ct)), EquatableArray<ResourceSpec>.Empty))
            .WithTrackingName(TrackingNames.Projections));

        var catalogue = ReportInternalErrors(context, context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.GenerateBuiltInInformers,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, ct) => Guard(Describe(ctx), () => ParseCatalogue(ctx, ct), CatalogueDeclaration.None))
            .WithTrackingName(TrackingNames.BuiltInCatalogue));

        var assemblyIndexes = ReportInternalErrors(context, context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.InformerIndex,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, ct) => Guard(Describe(ctx), () => ParseEach(ctx, ct, Parser.ParseAssemblyIndex), EquatableArray<TargetedIndex>.Empty))
            .WithTrackingName(TrackingNames.AssemblyIndexes));

        var indexFunctions = ReportInternalErrors(context, context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.InformerIndexFunction,
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, ct) => Guard(Describe(ctx), () => Optional(ParseIndexFunction(ctx, ct)), EquatableArray<TargetedIndex>.Empty))
            .WithTrackingName(TrackingNames.IndexFunctions));

        var factoryOptions = ReportInternalErrors(context, context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.InformerFactory,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, ct) => Guard(Describe(ctx), () => ParseEach(ctx, ct, static (a, _, r, t) => Parser.ParseFactoryOptions(a, r, t)), EquatableArray<FactoryOptions>.Empty))
            .WithTrackingName(TrackingNames.FactoryOptions));

        var defaultNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var ns) && Naming.IsNamespace(ns) ? ns : null)
            .Combine(context.CompilationProvider.Select(static (compilation, _) => compilation.AssemblyName))
            .Select(static (pair, _) => pair.Left ?? Naming.NamespaceFromAssemblyName(pair.Right))
            .WithTrackingName(TrackingNames.DefaultNamespace);

        var model = ReportInternalErrors(context, informers.Collect()
            .Combine(projections.Collect())
            .Combine(catalogue.Collect())
            .Combine(assemblyIndexes.Collect())
            .Combine(indexFunctions.Collect())
            .Combine(factoryOptions.Collect())
            .Combine(defaultNamespace)
            .Select(static (input, _) => Guard("assembling the generation model", () =>
            {
                var ((((((declared, views), cat), asmIndexes), methodIndexes), options), ns) = input;

                // Assembly-level declarations first, then classes, then projections, each in declaration order (the
                // analyzer sorts the same way, so both drop the same one of two conflicting declarations).
                var explicitResources = declared.Where(static d => d.OnAssembly).Concat(declared.Where(static d => !d.OnAssembly))
                    .SelectMany(static d => d.Resources)
                    .Concat(views.SelectMany(static v => v))
                    .ToList();
                var indexes = asmIndexes.SelectMany(static i => i).Concat(methodIndexes.SelectMany(static i => i)).ToList();
                return Assembler.Assemble(explicitResources, cat.SelectMany(static c => c.Resources).ToList(), indexes,
                    options.SelectMany(static o => o).FirstOrDefault(), ns ?? string.Empty, issues: null);
            }, new GenerationModel(EquatableArray<ResourceOutput>.Empty, null)))
            .WithTrackingName(TrackingNames.GenerationModel));

        var resources = model
            .SelectMany(static (m, _) => m.Resources)
            .WithTrackingName(TrackingNames.ResourceOutputs);
        context.RegisterSourceOutput(resources, static (spc, output) => AddSourceGuarded(spc, output.HintName, () => Emitter.EmitResource(output)));

        var factory = model
            .Select(static (m, _) => m.Factory)
            .WithTrackingName(TrackingNames.FactoryOutput);
        context.RegisterSourceOutput(factory, static (spc, spec) =>
        {
            if (spec is not null)
            {
                AddSourceGuarded(spc, (spec.Namespace.Length == 0 ? string.Empty : spec.Namespace + ".") + spec.TypeName + ".g.cs", () => Emitter.EmitFactory(spec));
            }
        });

        RegisterCompiledReaders(context, informers, catalogue);
        RegisterDeepCopies(context, informers, catalogue);
        RegisterCustomResourceDefinitions(context, informers, model);
    }

    /// <summary>
    /// The compiled readers: the reader graphs that the <c>[GenerateInformer]</c> targets and the catalogue built while
    /// parsing, merged and emitted as one file with a module initializer registering each root. Emitted only when the
    /// compilation has module initializers and a runtime with <c>CompiledReaderRegistry</c>.
    /// </summary>
    private static void RegisterCompiledReaders(
        IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<InformerDeclaration> informers,
        IncrementalValuesProvider<CatalogueDeclaration> catalogue)
    {
        var supported = context.CompilationProvider
            .Select(static (c, _) => c.GetTypeByMetadataName("System.Runtime.CompilerServices.ModuleInitializerAttribute") is not null
                && c.GetTypeByMetadataName("KubeInformers.CompiledReaderRegistry") is not null);

        var graph = ReportInternalErrors(context, informers.Select(static (d, _) => d.Readers).Collect()
            .Combine(catalogue.Select(static (c, _) => c.Readers).Collect())
            .Combine(supported)
            .Select(static (input, _) => Guard("merging the compiled-reader graphs", () =>
            {
                var ((declared, cat), isSupported) = input;
                return isSupported ? ReaderGraphBuilder.Merge(declared.Concat(cat)) : ReaderGraph.Empty;
            }, ReaderGraph.Empty))
            .WithTrackingName(TrackingNames.ReaderGraph));

        context.RegisterSourceOutput(graph, static (spc, g) => AddSourceGuarded(spc, ReaderEmitter.HintName, () => ReaderEmitter.Emit(g)));
    }

    /// <summary>What a step is about, for an internal error: the attribute and its target.</summary>
    private static string Describe(GeneratorAttributeSyntaxContext ctx)
    {
        var attribute = ctx.Attributes.IsDefaultOrEmpty ? "an attribute" : "[" + ctx.Attributes[0].AttributeClass?.Name.Replace("Attribute", string.Empty) + "]";
        var target = ctx.TargetSymbol is IAssemblySymbol ? "the assembly" : "'" + ctx.TargetSymbol.ToDisplayString() + "'";
        return "parsing " + attribute + " on " + target;
    }

    /// <summary>
    /// One <c>[GenerateInformer]</c> target: a class, or the assembly's <c>typeof(T)</c> attributes of one file. The
    /// reader graph is built from the types whose parse succeeded, so a type is walked once and only when valid.
    /// </summary>
    private static InformerDeclaration ParseInformerDeclaration(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        var compilation = ctx.SemanticModel.Compilation;
        var known = KnownSymbols.For(compilation);
        var onAssembly = ctx.TargetSymbol is IAssemblySymbol;
        var resources = new List<ResourceSpec>();
        var roots = new List<ITypeSymbol>();
        if (onAssembly)
        {
            foreach (var attribute in ctx.Attributes)
            {
                ct.ThrowIfCancellationRequested();
                if (Parser.ParseReferencedResource(attribute, known, new Reporter(), ct) is { } spec
                    && attribute.ConstructorArguments[0].Value is INamedTypeSymbol type)
                {
                    resources.Add(spec);
                    roots.Add(type);
                }
            }
        }
        else if (ctx.TargetSymbol is INamedTypeSymbol type && !ctx.Attributes.IsDefaultOrEmpty
            && Parser.ParseCustomResource(type, ctx.Attributes[0], known, new Reporter(), ct) is { } spec)
        {
            resources.Add(spec);
            roots.Add(type);
        }

        var crd = !onAssembly && ctx.TargetSymbol is INamedTypeSymbol target && !ctx.Attributes.IsDefaultOrEmpty
            ? CrdParser.Parse(target, ctx.Attributes[0], known, CrdSymbols.For(compilation), new Reporter(), ct)
            : null;
        return resources.Count == 0
            ? InformerDeclaration.None(onAssembly) with { Crd = crd }
            : new InformerDeclaration(onAssembly, resources.ToEquatableArray(), ReaderGraphBuilder.Build(roots, compilation, ct),
                DeepCopyGraphBuilder.Build(roots.OfType<INamedTypeSymbol>(), compilation, ct), crd);
    }

    /// <summary>
    /// The catalogue and, with <c>CompiledReaders = true</c>, the reader graph of the types it parsed. Both depend only
    /// on the KubernetesClient assembly, whose symbol Roslyn shares between the compilations of successive edits, and on
    /// the assembly asking (for accessibility): so they are computed once per such pair and reused on every keystroke,
    /// where they would otherwise cost more than the rest of the generator together.
    /// </summary>
    private static CatalogueDeclaration ParseCatalogue(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        var compilation = ctx.SemanticModel.Compilation;
        var known = KnownSymbols.For(compilation);
        if (known.KubernetesClientAssembly is not { } client)
        {
            return CatalogueDeclaration.None;
        }

        var withReaders = ctx.Attributes.Any(static a => a.NamedArguments.Any(static n => n.Key == "CompiledReaders" && n.Value.Value is true));
        return CatalogueCache.GetOrCreateValue(client).GetOrAdd((compilation.AssemblyName, withReaders), _ =>
        {
            var parsed = Parser.ParseCatalogueTypes(known, ct);
            var readers = withReaders && parsed.Count > 0
                ? ReaderGraphBuilder.Build(parsed.Select(static p => (ITypeSymbol)p.Type), compilation, ct)
                : ReaderGraph.Empty;
            var deepCopies = DeepCopyGraphBuilder.Build(parsed.Select(static p => p.Type), compilation, ct);
            return new CatalogueDeclaration(parsed.Select(static p => p.Spec).ToEquatableArray(), readers, deepCopies);
        });
    }

    private static readonly ConditionalWeakTable<IAssemblySymbol, ConcurrentDictionary<(string? AssemblyName, bool WithReaders), CatalogueDeclaration>> CatalogueCache = new();

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

    private static EquatableArray<T> Optional<T>(T? value)
        where T : class, IEquatable<T>
        => value is null ? EquatableArray<T>.Empty : new EquatableArray<T>(new[] { value });

    private static EquatableArray<T> ParseEach<T>(
        GeneratorAttributeSyntaxContext ctx, CancellationToken ct, Func<AttributeData, KnownSymbols, Reporter, CancellationToken, T?> parse)
        where T : class, IEquatable<T>
    {
        var known = KnownSymbols.For(ctx.SemanticModel.Compilation);
        var result = new List<T>();
        foreach (var attribute in ctx.Attributes)
        {
            ct.ThrowIfCancellationRequested();
            if (parse(attribute, known, new Reporter(), ct) is { } parsed)
            {
                result.Add(parsed);
            }
        }

        return result.ToEquatableArray();
    }
}
