using System.Collections;
using System.Reflection;
using KubeInformers.Generator.Model;
using KubeInformers.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KubeInformers.Generator.Tests;

/// <summary>The generator is incremental: unchanged inputs are cached, unrelated edits re-emit nothing, real edits re-emit only what changed.</summary>
public class IncrementalTests
{
    private const string Unrelated = """
        namespace MyApp;
        public static class Unrelated
        {
            public static int Answer() => 42;
        }
        """;

    private const string FactoryName = """
        using KubeInformers;
        [assembly: InformerFactory("Informers", Namespace = "MyApp.Kube")]
        """;

    private static readonly string[] AllStepNames = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    private const string Catalogue = "[assembly: KubeInformers.GenerateBuiltInInformers(CompiledReaders = true)]";

    private static CSharpCompilation Everything(bool catalogue = false)
        => catalogue
            ? TestCompilation.Create(Sources.CronTab, MoreSources.PodsWithIndexes, FactoryName, Unrelated, ProjectionSources.PodSummary, Catalogue)
            : TestCompilation.Create(Sources.CronTab, MoreSources.PodsWithIndexes, FactoryName, Unrelated, ProjectionSources.PodSummary);

    [Fact]
    public void SameInputTwiceLeavesEveryTrackedStepCachedOrUnchanged()
    {
        var compilation = Everything(catalogue: true);
        var driver = TestCompilation.CreateDriver().RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.Clone());
        var result = driver.GetRunResult().Results.Single();

        foreach (var name in AllStepNames)
        {
            Assert.True(result.TrackedSteps.ContainsKey(name), $"step {name} was not tracked");
            AssertReasons(result.TrackedSteps[name], name, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        AssertReasons(result.TrackedOutputSteps.SelectMany(s => s.Value), "outputs", IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void UnrelatedEditLeavesOutputsUnchanged()
    {
        var compilation = Everything();
        var driver = TestCompilation.CreateDriver().RunGenerators(compilation);
        var unrelated = compilation.SyntaxTrees.Single(t => t.ToString().Contains("class Unrelated", StringComparison.Ordinal));
        var edited = compilation.ReplaceSyntaxTree(unrelated, CSharpSyntaxTree.ParseText(
            Unrelated.Replace("=> 42", "=> 43") + "\npublic class Another { }", TestCompilation.ParseOptions, unrelated.FilePath));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();

        AssertReasons(result.TrackedSteps[TrackingNames.GenerationModel], TrackingNames.GenerationModel, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result.TrackedOutputSteps.SelectMany(s => s.Value), "outputs", IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void AddingAPropertyToACustomResourceReEmitsTheCompiledReadersButNotTheOtherGraphs()
    {
        var compilation = Everything();
        var driver = TestCompilation.CreateDriver().RunGenerators(compilation);
        var cronTab = compilation.SyntaxTrees.Single(t => t.ToString().Contains("class CronTab ", StringComparison.Ordinal));
        var edited = compilation.ReplaceSyntaxTree(cronTab, CSharpSyntaxTree.ParseText(
            Sources.CronTab.Replace("public bool Suspend { get; set; }", "public bool Suspend { get; set; }\n    public long? Budget { get; set; }"),
            TestCompilation.ParseOptions, cronTab.FilePath));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();

        // One pass parses each [GenerateInformer] target and builds its reader graph: the class re-ran and changed,
        // the assembly-level declarations (V1Pod's graph) re-ran equal, and the merged graph changed.
        AssertReasons(Declarations(result, onAssembly: false), "the CronTab declaration", IncrementalStepRunReason.Modified);
        AssertReasons(Declarations(result, onAssembly: true), "the assembly-level declarations", IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.Contains(result.TrackedSteps[TrackingNames.ReaderGraph].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        var readers = result.GeneratedSources.Single(s => s.HintName == "KubeInformers.CompiledReaders.g.cs").SourceText.ToString();
        Assert.Contains("\"budget\"u8", readers);
    }

    [Fact]
    public void ChangingAnIndexPathReEmitsOnlyThatResource()
    {
        var compilation = Everything();
        var driver = TestCompilation.CreateDriver().RunGenerators(compilation);
        var cronTab = compilation.SyntaxTrees.Single(t => t.ToString().Contains("class CronTab ", StringComparison.Ordinal));
        var edited = compilation.ReplaceSyntaxTree(cronTab, CSharpSyntaxTree.ParseText(
            Sources.CronTab.Replace("\"spec.cronSpec\"", "\"spec.suspend\""), TestCompilation.ParseOptions, cronTab.FilePath));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();

        AssertReasons(Declarations(result, onAssembly: false), "the CronTab declaration", IncrementalStepRunReason.Modified);
        AssertReasons(Declarations(result, onAssembly: true), "the assembly-level declarations", IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        var resources = result.TrackedSteps[TrackingNames.ResourceOutputs].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(resources, o => o.Reason == IncrementalStepRunReason.Modified && ((ResourceOutput)o.Value).Resource.Kind == "CronTab");
        Assert.Contains(resources, o => o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached && ((ResourceOutput)o.Value).Resource.Kind == "Pod");
        AssertReasons(result.TrackedSteps[TrackingNames.FactoryOutput], TrackingNames.FactoryOutput, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        Assert.Contains("spec.suspend", result.GeneratedSources.Single(s => s.HintName == "MyApp.CronTabInformer.g.cs").SourceText.ToString());
    }

    [Fact]
    public void ChangingAProjectionPathReEmitsOnlyThatProjection()
    {
        var compilation = Everything();
        var driver = TestCompilation.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("record PodSummary", StringComparison.Ordinal));
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(
            ProjectionSources.PodSummary.Replace("\"status.phase\"", "\"status.podIP\""), TestCompilation.ParseOptions, tree.FilePath));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();

        AssertReasons(result.TrackedSteps[TrackingNames.InformerDeclarations], TrackingNames.InformerDeclarations, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        var resources = result.TrackedSteps[TrackingNames.ResourceOutputs].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(resources, o => o.Reason == IncrementalStepRunReason.Modified && ((ResourceOutput)o.Value).Resource.Stem == "PodSummary");
        Assert.All(resources.Where(o => ((ResourceOutput)o.Value).Resource.Stem != "PodSummary"),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, $"{((ResourceOutput)o.Value).Resource.Stem} was {o.Reason}"));
        AssertReasons(result.TrackedSteps[TrackingNames.FactoryOutput], TrackingNames.FactoryOutput, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        Assert.Contains("\"podIP\"u8", result.GeneratedSources.Single(s => s.HintName == "MyApp.Lean.PodSummaryInformer.g.cs").SourceText.ToString());
    }

    [Fact]
    public void EditingATypeTheIndexPathCrossesReEmitsTheResource()
    {
        const string resource = """
            using k8s;
            using k8s.Models;
            using KubeInformers;
            namespace MyApp;
            [KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "crontabs")]
            [GenerateInformer]
            [InformerIndex("bySchedule", "spec.cronSpec")]
            public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
            {
                public string ApiVersion { get; set; } = "";
                public string Kind { get; set; } = "";
                public V1ObjectMeta Metadata { get; set; } = new();
                public CronTabSpec? Spec { get; set; }
            }
            """;
        const string spec = "namespace MyApp; public sealed class CronTabSpec { public string? CronSpec { get; set; } }";
        var compilation = TestCompilation.Create(resource, spec);
        var driver = TestCompilation.CreateDriver().RunGenerators(compilation);
        Assert.Contains("BySchedule", driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith("CronTabInformer.g.cs", StringComparison.Ordinal)).ToString());

        var specTree = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(specTree, CSharpSyntaxTree.ParseText(
            spec.Replace("CronSpec", "Schedule"), TestCompilation.ParseOptions, specTree.FilePath));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();

        AssertReasons(result.TrackedSteps[TrackingNames.InformerDeclarations], TrackingNames.InformerDeclarations, IncrementalStepRunReason.Modified);
        Assert.DoesNotContain("BySchedule", result.GeneratedSources.Single(s => s.HintName == "MyApp.CronTabInformer.g.cs").SourceText.ToString());
    }

    [Fact]
    public void AddingAResourceModifiesTheFactory()
    {
        var compilation = Everything();
        var driver = TestCompilation.CreateDriver().RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "[assembly: KubeInformers.GenerateInformer(typeof(k8s.Models.V1Deployment))]", TestCompilation.ParseOptions, "Added.cs")));
        var result = driver.GetRunResult().Results.Single();

        AssertReasons(result.TrackedSteps[TrackingNames.FactoryOutput], TrackingNames.FactoryOutput, IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedSteps[TrackingNames.ResourceOutputs].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.New);
    }

    [Fact]
    public void IdenticalSourcesGiveEqualButDistinctModels()
    {
        var first = Model(TestCompilation.CreateDriver().RunGenerators(Everything()));
        var second = Model(TestCompilation.CreateDriver().RunGenerators(Everything()));
        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public void ModelsHoldNoSymbolsSyntaxOrCompilation()
    {
        var driver = TestCompilation.CreateDriver().RunGenerators(Everything(catalogue: true));
        var result = driver.GetRunResult().Results.Single();
        foreach (var name in AllStepNames)
        {
            foreach (var output in result.TrackedSteps[name].SelectMany(s => s.Outputs))
            {
                Walk(output.Value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }

        // And statically: no model type declares a field of a forbidden type.
        var modelTypes = typeof(InformerGenerator).Assembly.GetTypes().Where(t => t.Namespace == typeof(ResourceSpec).Namespace);
        foreach (var type in modelTypes)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                Assert.False(IsForbidden(field.FieldType), $"{type.Name}.{field.Name} is a {field.FieldType.Name}");
            }
        }
    }

    /// <summary>The run steps of the <c>[GenerateInformer]</c> pass, each narrowed to the class targets or the assembly targets.</summary>
    private static IEnumerable<IncrementalGeneratorRunStep> Declarations(GeneratorRunResult result, bool onAssembly)
        => result.TrackedSteps[TrackingNames.InformerDeclarations]
            .Where(s => s.Outputs.Any(o => ((Guarded<InformerDeclaration>)o.Value).Value.OnAssembly == onAssembly));

    private static GenerationModel Model(GeneratorDriver driver)
        => ((Guarded<GenerationModel>)driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.GenerationModel].Single().Outputs.Single().Value).Value;

    private static void Walk(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Assert.False(IsForbidden(value.GetType()), $"{path} holds a {value.GetType().Name}");
        if (value is IEnumerable enumerable)
        {
            var i = 0;
            foreach (var item in enumerable)
            {
                Walk(item, $"{path}[{i++}]", seen);
            }

            return;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            if (property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
            {
                Walk(property.GetValue(value), path + "." + property.Name, seen);
            }
        }
    }

    private static bool IsForbidden(Type type)
        => typeof(ISymbol).IsAssignableFrom(type) || typeof(Compilation).IsAssignableFrom(type) || typeof(SyntaxNode).IsAssignableFrom(type)
            || typeof(SemanticModel).IsAssignableFrom(type) || typeof(Location).IsAssignableFrom(type) || typeof(SyntaxTree).IsAssignableFrom(type)
            || typeof(AttributeData).IsAssignableFrom(type);

    private static void AssertReasons(IEnumerable<IncrementalGeneratorRunStep> steps, string name, params IncrementalStepRunReason[] allowed)
    {
        var outputs = steps.SelectMany(s => s.Outputs).ToList();
        Assert.True(outputs.Count > 0, $"step {name} produced no outputs, so there is nothing to check");
        Assert.All(outputs, o => Assert.True(allowed.Contains(o.Reason), $"step {name}: an output was {o.Reason}, expected one of {string.Join("/", allowed)}"));
    }
}
