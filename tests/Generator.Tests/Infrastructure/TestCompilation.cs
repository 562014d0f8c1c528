using System.Collections.Immutable;
using System.Reflection;
using KubeInformers.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KubeInformers.Generator.Tests.Infrastructure;

/// <summary>
/// Builds compilations against the local SDK's reference pack, KubernetesClient and the KubeInformers runtime (nothing is
/// downloaded), and runs the generator on them with step tracking.
/// </summary>
public static class TestCompilation
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    /// <summary>The references every test compilation gets.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>The repository root (from the build).</summary>
    public static string RepositoryRoot { get; } = typeof(TestCompilation).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The SDK's <c>Microsoft.NETCore.App.Ref</c> reference assemblies for net10.0.</summary>
    public static IReadOnlyList<string> FrameworkReferencePaths()
    {
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (string.IsNullOrEmpty(root) || !Directory.Exists(Path.Combine(root, "packs")))
        {
            root = Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location)!)!; // shared/Microsoft.NETCore.App → shared
            root = Path.GetDirectoryName(root)!;
        }

        var packs = Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref");
        if (!Directory.Exists(packs))
        {
            packs = "/usr/share/dotnet/packs/Microsoft.NETCore.App.Ref";
        }

        var version = Directory.GetDirectories(packs)
            .Select(Path.GetFileName)
            .Where(v => v!.StartsWith("10.", StringComparison.Ordinal))
            .OrderByDescending(v => Version.TryParse(v!.Split('-')[0], out var parsed) ? parsed : new Version(0, 0))
            .First()!;
        return Directory.GetFiles(Path.Combine(packs, version, "ref", "net10.0"), "*.dll");
    }

    /// <summary>KubernetesClient, the KubeInformers runtime and logging abstractions.</summary>
    public static IReadOnlyList<string> LibraryReferencePaths() =>
    [
        typeof(k8s.Kubernetes).Assembly.Location,
        typeof(SharedInformerFactory).Assembly.Location,
        typeof(Microsoft.Extensions.Logging.ILoggerFactory).Assembly.Location,
    ];

    private static ImmutableArray<MetadataReference> LoadReferences()
        => FrameworkReferencePaths().Concat(LibraryReferencePaths())
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();

    /// <summary>The parse options of test sources.</summary>
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>The parse options of test sources with XML documentation checked (CS1570, CS1591, ...).</summary>
    public static CSharpParseOptions DocumentedParseOptions { get; } = ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);

    /// <summary>A compilation of <paramref name="sources"/> (a DLL named <c>TestApp</c>, nullable enabled).</summary>
    public static CSharpCompilation Create(params string[] sources) => Create(ParseOptions, sources);

    /// <summary>A compilation of <paramref name="sources"/> parsed with <paramref name="options"/>.</summary>
    public static CSharpCompilation Create(CSharpParseOptions options, params string[] sources)
        => CSharpCompilation.Create(
            "TestApp",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, options, path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>A driver with step tracking.</summary>
    public static GeneratorDriver CreateDriver(CSharpParseOptions? options = null)
        => CSharpGeneratorDriver.Create(
            [new InformerGenerator().AsSourceGenerator()],
            parseOptions: options ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator on <paramref name="sources"/>.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(ParseOptions, sources);

    /// <summary>Runs the generator on <paramref name="sources"/> parsed with <paramref name="options"/>.</summary>
    public static GeneratorRun Run(CSharpParseOptions options, params string[] sources)
    {
        var compilation = Create(options, sources);
        var driver = CreateDriver(options).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(driver, compilation, output, diagnostics);
    }
}

/// <summary>The result of one generator run.</summary>
public sealed record GeneratorRun(GeneratorDriver Driver, Compilation Input, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    /// <summary>The run result.</summary>
    public GeneratorDriverRunResult Result => Driver.GetRunResult();

    /// <summary>Generated sources by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources => Result.Results
        .SelectMany(r => r.GeneratedSources)
        .ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);

    /// <summary>Errors and warnings of the output compilation (user code plus generated code).</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems => Output.GetDiagnostics()
        .Where(d => d.Severity >= DiagnosticSeverity.Warning)
        .ToList();

    /// <summary>Errors and warnings of the output compilation located in generated code (none may come from there).</summary>
    public IReadOnlyList<Diagnostic> GeneratedCodeProblems
    {
        get
        {
            var generatedTrees = Result.GeneratedTrees.ToHashSet();
            return Output.GetDiagnostics()
                .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree))
                .ToList();
        }
    }

    /// <summary>Fails unless the generator ran cleanly and the output compiles without errors or warnings.</summary>
    public GeneratorRun AssertClean()
    {
        Assert.Empty(GeneratorDiagnostics);
        Assert.All(Result.Results, r => Assert.Null(r.Exception));
        var problems = CompilationProblems;
        Assert.True(problems.Count == 0, "Generated code does not compile cleanly:\n" + string.Join("\n", problems.Take(30)));
        return this;
    }
}
