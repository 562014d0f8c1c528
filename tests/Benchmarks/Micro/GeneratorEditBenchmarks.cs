using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using KubeInformers.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KubeInformers.Benchmarks.Micro;

/// <summary>
/// What one keystroke costs the IDE in the KubeInformers generator: a driver that has already run over a project (a
/// custom resource with indexes, two built-ins, an unrelated class) is re-run after one edit, the way the IDE re-runs
/// generators on every change. <see cref="Catalogue"/> adds <c>[assembly: GenerateBuiltInInformers]</c> (as is, or
/// with <c>CompiledReaders = true</c>: about 50,000 more generated lines); <see cref="Edit"/> is an
/// edit of an unrelated file, an edit of the custom resource (a new property: its informer and the readers file change),
/// or a cold first run. Each iteration starts from the same warm driver with a fresh edited compilation, so nothing a
/// previous iteration bound is reused. Runs in process (it measures an API call, and needs no generated project):
/// <c>dotnet run -c Release --project tests/Benchmarks -- micro --filter '*GeneratorEdit*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class GeneratorEditBenchmarks
{
    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() => AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3).WithIterationCount(12).WithInvocationCount(1).WithUnrollFactor(1));
    }

    private const string Resource = """
        using System.Collections.Generic;
        using k8s;
        using k8s.Models;
        using KubeInformers;

        namespace MyApp;

        [KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "crontabs")]
        [GenerateInformer]
        [InformerIndex("bySchedule", "spec.cronSpec")]
        [InformerIndex("byImage", "spec.images")]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {
            public string ApiVersion { get; set; } = "stable.example.com/v1";
            public string Kind { get; set; } = "CronTab";
            public V1ObjectMeta Metadata { get; set; } = new();
            public CronTabSpec? Spec { get; set; }
        }

        public sealed class CronTabSpec
        {
            public string? CronSpec { get; set; }
            public List<string>? Images { get; set; }
            public bool Suspend { get; set; }
            // EDIT
        }
        """;

    private const string BuiltIns = """
        using k8s.Models;
        using KubeInformers;
        [assembly: GenerateInformer(typeof(V1Pod))]
        [assembly: GenerateInformer(typeof(V1Deployment))]
        [assembly: InformerIndex(typeof(V1Pod), "byNode", "spec.nodeName")]
        """;

    private const string Unrelated = """
        namespace MyApp;
        public static class Unrelated
        {
            public static int Answer() => 42;
        }
        """;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f is "netstandard.dll" or "mscorlib.dll"))
            .Concat([typeof(k8s.Kubernetes).Assembly.Location, typeof(SharedInformerFactory).Assembly.Location,
                typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location])
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    private CSharpCompilation _base = null!;
    private GeneratorDriver _warm = null!;
    private Compilation _input = null!;
    private GeneratorDriver _driver = null!;
    private int _edits;

    /// <summary>Which catalogue the project declares.</summary>
    [Params("none", "catalogue", "catalogue-with-readers")]
    public string Catalogue { get; set; } = "none";

    /// <summary>The change measured.</summary>
    [Params("unrelated-file", "custom-resource", "cold")]
    public string Edit { get; set; } = "unrelated-file";

    [GlobalSetup]
    public void Setup()
    {
        _base = Create();
        _warm = CreateDriver().RunGenerators(_base);
        var generated = _warm.GetRunResult();
        if (generated.Diagnostics.Length > 0 || !generated.GeneratedTrees.Any(t => t.FilePath.EndsWith("CronTabInformer.g.cs", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("the generator did not run cleanly: " + string.Join("; ", generated.Diagnostics));
        }

        Console.WriteLine($"// {Catalogue}: {generated.GeneratedTrees.Length} files, {generated.GeneratedTrees.Sum(t => t.GetText().Lines.Count):N0} generated lines");
    }

    [IterationSetup]
    public void PrepareEdit()
    {
        var n = ++_edits;
        switch (Edit)
        {
            case "cold":
                _input = Create();
                _driver = CreateDriver();
                break;
            case "unrelated-file":
                _input = Replace(_base, "class Unrelated", Unrelated.Replace("=> 42", "=> " + n));
                _driver = _warm;
                break;
            default:
                _input = Replace(_base, "class CronTab ", Resource.Replace("// EDIT", $"public long? Budget{n} {{ get; set; }}"));
                _driver = _warm;
                break;
        }
    }

    /// <summary>One generator run after the edit, as the IDE does it.</summary>
    [Benchmark]
    public GeneratorDriver RunAfterEdit() => _driver.RunGenerators(_input);

    private CSharpCompilation Create()
    {
        var sources = new List<string> { Resource, BuiltIns, Unrelated };
        if (Catalogue == "catalogue")
        {
            sources.Add("[assembly: KubeInformers.GenerateBuiltInInformers]");
        }
        else if (Catalogue == "catalogue-with-readers")
        {
            sources.Add("[assembly: KubeInformers.GenerateBuiltInInformers(CompiledReaders = true)]");
        }

        return CSharpCompilation.Create(
            "EditApp",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create([new InformerGenerator().AsSourceGenerator()], parseOptions: ParseOptions);

    private static Compilation Replace(CSharpCompilation compilation, string marker, string text)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.ToString().Contains(marker, StringComparison.Ordinal));
        return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(text, ParseOptions, tree.FilePath));
    }
}
