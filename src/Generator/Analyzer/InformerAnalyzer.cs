using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KubeInformers.Generator;

/// <summary>
/// Reports what <see cref="InformerGenerator"/> silently skips, by running the generator's own parser and assembler
/// over the same declarations: per declaration as soon as it is analysed (IDE squiggles), and the cross-declaration
/// conflicts (duplicates, accessor collisions, orphan indexes) at compilation end.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InformerAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = DiagnosticDescriptors.All.ToImmutableArray();

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var compilation = start.Compilation;
            var generateInformer = compilation.GetTypeByMetadataName(AttributeNames.GenerateInformer);
            if (generateInformer is null)
            {
                return; // KubeInformers is not referenced
            }

            var state = new State(
                compilation,
                KnownSymbols.For(compilation),
                generateInformer,
                compilation.GetTypeByMetadataName(AttributeNames.InformerIndex),
                compilation.GetTypeByMetadataName(AttributeNames.InformerIndexFunction),
                compilation.GetTypeByMetadataName(AttributeNames.GenerateBuiltInInformers),
                compilation.GetTypeByMetadataName(AttributeNames.InformerFactory),
                compilation.GetTypeByMetadataName(AttributeNames.InformerProjection));

            start.RegisterSymbolAction(state.AnalyzeType, SymbolKind.NamedType);
            start.RegisterSymbolAction(state.AnalyzeMethod, SymbolKind.Method);
            start.RegisterSemanticModelAction(state.AnalyzeAssemblyAttributes);
            start.RegisterCompilationEndAction(state.AnalyzeCompilation);
        });
    }

    private sealed class State
    {
        private readonly Compilation _compilation;
        private readonly KnownSymbols _known;
        private readonly INamedTypeSymbol _generateInformer;
        private readonly INamedTypeSymbol? _informerIndex;
        private readonly INamedTypeSymbol? _indexFunction;
        private readonly INamedTypeSymbol? _builtIns;
        private readonly INamedTypeSymbol? _factory;
        private readonly INamedTypeSymbol? _projection;
        private readonly ConcurrentBag<Declared<ResourceSpec>> _resources = new();
        private readonly ConcurrentBag<Declared<TargetedIndex>> _indexes = new();
        private readonly ConcurrentBag<Declared<FactoryOptions>> _options = new();
        private readonly ConcurrentDictionary<string, byte> _reported = new();
        private readonly ConcurrentBag<(string ModelType, string TypeName, string Name, Location? Location)> _classIndexes = new();
        private int _catalogue;

        public State(
            Compilation compilation, KnownSymbols known, INamedTypeSymbol generateInformer, INamedTypeSymbol? informerIndex,
            INamedTypeSymbol? indexFunction, INamedTypeSymbol? builtIns, INamedTypeSymbol? factory, INamedTypeSymbol? projection)
        {
            _compilation = compilation;
            _known = known;
            _generateInformer = generateInformer;
            _informerIndex = informerIndex;
            _indexFunction = indexFunction;
            _builtIns = builtIns;
            _factory = factory;
            _projection = projection;
        }

        public void AnalyzeType(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            var projection = type.GetAttributes().FirstOrDefault(a => Is(a, _projection));
            if (projection is not null)
            {
                var found = new List<Diagnostic>();
                var parsed = InformerGenerator.ProjectionParser.Parse(type, projection, _known, new Reporter(found), context.CancellationToken);
                Report(context.ReportDiagnostic, found);
                if (parsed is not null)
                {
                    _resources.Add(new Declared<ResourceSpec>(parsed, type.Locations.FirstOrDefault(), Order(projection, 2)));
                }

                return;
            }

            ReportJsonPathOutsideProjection(context, type);
            var attribute = type.GetAttributes().FirstOrDefault(a => Is(a, _generateInformer));
            if (attribute is null)
            {
                // Class-level indexes count only if an assembly-level [GenerateInformer(typeof(...))] names this type.
                foreach (var index in type.GetAttributes().Where(a => Is(a, _informerIndex) && a.ConstructorArguments.Length == 2))
                {
                    _classIndexes.Add((type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), type.Name,
                        index.ConstructorArguments[0].Value as string ?? string.Empty,
                        InformerGenerator.Parser.ArgumentLocation(index, 0, context.CancellationToken)));
                }

                return;
            }

            var diagnostics = new List<Diagnostic>();
            var spec = InformerGenerator.Parser.ParseCustomResource(type, attribute, _known, new Reporter(diagnostics), context.CancellationToken);
            Report(context.ReportDiagnostic, diagnostics);
            if (spec is not null)
            {
                _resources.Add(new Declared<ResourceSpec>(spec, type.Locations.FirstOrDefault(), Order(attribute, 1)));
            }
        }

        /// <summary>KI0020: <c>[JsonPath]</c> only means something on a projection's members; elsewhere it is silently ignored.</summary>
        private void ReportJsonPathOutsideProjection(SymbolAnalysisContext context, INamedTypeSymbol type)
        {
            if (_known.JsonPathAttribute is null)
            {
                return;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is not (IPropertySymbol or IFieldSymbol) || member.IsImplicitlyDeclared)
                {
                    continue;
                }

                var jsonPath = member.GetAttributes().FirstOrDefault(a => Is(a, _known.JsonPathAttribute));
                if (jsonPath?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is { } syntax)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.JsonPathOutsideProjection, syntax.GetLocation(), member.Name, type.Name));
                }
            }
        }

        public void AnalyzeMethod(SymbolAnalysisContext context)
        {
            var method = (IMethodSymbol)context.Symbol;
            var attribute = _indexFunction is null ? null : method.GetAttributes().FirstOrDefault(a => Is(a, _indexFunction));
            if (attribute is null)
            {
                return;
            }

            var diagnostics = new List<Diagnostic>();
            var index = InformerGenerator.Parser.ParseIndexFunction(method, attribute, _known, new Reporter(diagnostics), context.CancellationToken);
            Report(context.ReportDiagnostic, diagnostics);
            if (index is not null)
            {
                _indexes.Add(new Declared<TargetedIndex>(index, method.Locations.FirstOrDefault(), Order(attribute, 1)));
            }
        }

        public void AnalyzeAssemblyAttributes(SemanticModelAnalysisContext context)
        {
            var tree = context.SemanticModel.SyntaxTree;
            var ct = context.CancellationToken;
            foreach (var attribute in _compilation.Assembly.GetAttributes())
            {
                if (attribute.ApplicationSyntaxReference?.SyntaxTree != tree)
                {
                    continue;
                }

                var diagnostics = new List<Diagnostic>();
                var reporter = new Reporter(diagnostics);
                if (Is(attribute, _generateInformer))
                {
                    if (InformerGenerator.Parser.ParseReferencedResource(attribute, _known, reporter, ct) is { } spec)
                    {
                        _resources.Add(new Declared<ResourceSpec>(spec, InformerGenerator.Parser.ArgumentLocation(attribute, 0, ct), Order(attribute, 0)));
                    }
                }
                else if (Is(attribute, _informerIndex))
                {
                    if (InformerGenerator.Parser.ParseAssemblyIndex(attribute, _known, reporter, ct) is { } index)
                    {
                        _indexes.Add(new Declared<TargetedIndex>(index, InformerGenerator.Parser.ArgumentLocation(attribute, 1, ct), Order(attribute, 0)));
                    }
                }
                else if (Is(attribute, _builtIns))
                {
                    Interlocked.Exchange(ref _catalogue, 1);
                }
                else if (Is(attribute, _factory))
                {
                    if (InformerGenerator.Parser.ParseFactoryOptions(attribute, reporter, ct) is { } options)
                    {
                        _options.Add(new Declared<FactoryOptions>(options, null, Order(attribute, 0)));
                    }
                }

                Report(context.ReportDiagnostic, diagnostics);
            }
        }

        public void AnalyzeCompilation(CompilationAnalysisContext context)
        {
            var resources = _resources.OrderBy(r => r.Order).ToList();
            var indexes = _indexes.OrderBy(i => i.Order).ToList();
            var catalogue = _catalogue == 1
                ? InformerGenerator.Parser.ParseCatalogue(_known, context.CancellationToken).ToList()
                : new List<ResourceSpec>();
            var issues = new List<InformerGenerator.Assembler.Issue>();
            InformerGenerator.Assembler.Assemble(
                resources.Select(r => r.Value).ToList(),
                catalogue,
                indexes.Select(i => i.Value).ToList(),
                _options.OrderBy(o => o.Order).Select(o => o.Value).FirstOrDefault(),
                string.Empty,
                issues);
            var declared = new HashSet<string>(resources.Select(r => r.Value.ModelType), System.StringComparer.Ordinal);
            foreach (var orphan in _classIndexes)
            {
                if (!declared.Contains(orphan.ModelType))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.IndexWithoutInformer, orphan.Location ?? Location.None, orphan.Name, orphan.TypeName));
                }
            }

            foreach (var issue in issues)
            {
                var location = issue.Resource >= 0 ? resources[issue.Resource].Location
                    : issue.Index >= 0 ? indexes[issue.Index].Location
                    : null;
                context.ReportDiagnostic(Diagnostic.Create(issue.Descriptor, location ?? Location.None, issue.Args));
            }
        }

        private void Report(System.Action<Diagnostic> report, List<Diagnostic> diagnostics)
        {
            foreach (var diagnostic in diagnostics)
            {
                var key = diagnostic.Id + "|" + diagnostic.Location.SourceTree?.FilePath + "|" + diagnostic.Location.SourceSpan + "|" + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
                if (_reported.TryAdd(key, 0))
                {
                    report(diagnostic);
                }
            }
        }

        // Sorts like the generator's pipeline: assembly attributes before classes, then by file order and position.
        private (int Kind, int Tree, int Position) Order(AttributeData attribute, int kind)
        {
            var reference = attribute.ApplicationSyntaxReference;
            var treeIndex = reference is null ? int.MaxValue : IndexOf(reference.SyntaxTree);
            return (kind, treeIndex, reference?.Span.Start ?? 0);
        }

        private int IndexOf(SyntaxTree tree)
        {
            var i = 0;
            foreach (var candidate in _compilation.SyntaxTrees)
            {
                if (candidate == tree)
                {
                    return i;
                }

                i++;
            }

            return int.MaxValue;
        }

        private static bool Is(AttributeData attribute, INamedTypeSymbol? type)
            => type is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, type);
    }

    private sealed class Declared<T>
    {
        public Declared(T value, Location? location, (int Kind, int Tree, int Position) order)
        {
            Value = value;
            Location = location;
            Order = order;
        }

        public T Value { get; }

        public Location? Location { get; }

        public (int Kind, int Tree, int Position) Order { get; }
    }
}
