using KubeInformers.Generator.Tests.Infrastructure;

namespace KubeInformers.Generator.Tests;

/// <summary>The emitted code, compared with checked-in baselines (UPDATE_BASELINES=1 rewrites them), and compiled.</summary>
public class GeneratorBaselineTests
{
    [Fact]
    public void NamespacedCustomResourceEmitsInformerListerNamespaceListerAndIndexes()
    {
        var run = TestCompilation.Run(Sources.CronTab).AssertClean();
        Baseline.Verify("CronTab.Informer", run.Sources["MyApp.CronTabInformer.g.cs"]);
        Baseline.Verify("CronTab.Factory", run.Sources["TestApp.InformerFactory.g.cs"]);
    }

    [Fact]
    public void CustomResourceEmitsCompiledReadersOfItsWholeModelGraph()
    {
        var run = TestCompilation.Run(Sources.CronTab).AssertClean();
        var readers = run.Sources["KubeInformers.CompiledReaders.g.cs"];
        Baseline.Verify("CronTab.CompiledReaders", readers);

        // The root is registered; its graph (spec, metadata and what metadata holds) is read member by member.
        Assert.Contains("CompiledReaderRegistry.Register<global::MyApp.CronTab>(", readers);
        Assert.Contains("Read_MyApp_CronTabSpec(ref JsonReader reader", readers);
        Assert.Contains("Read_k8s_Models_V1OwnerReference(ref JsonReader reader", readers);
        Assert.DoesNotContain("Register<global::k8s.Models.V1ObjectMeta>", readers);
    }

    [Fact]
    public void TypesCompiledReadersDoNotReproduceAreLeftToJsonSerializer()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Text.Json.Serialization;
            using k8s;
            using k8s.Models;
            using KubeInformers;
            namespace MyApp;
            [KubernetesEntity(Group = "example.com", ApiVersion = "v1", Kind = "Thing", PluralName = "things")]
            [GenerateInformer]
            public sealed class Thing : IKubernetesObject<V1ObjectMeta>
            {
                public string ApiVersion { get; set; } = "";
                public string Kind { get; set; } = "";
                public V1ObjectMeta Metadata { get; set; } = new();
                public Positional? Positional { get; set; }
                public WithExtensionData? Extra { get; set; }
                public InitOnly? Init { get; set; }
                public int[]? Numbers { get; set; }
                public SortedSet<string>? Sorted { get; set; }
                public Tree? Tree { get; set; }
                [JsonIgnore] public string? Ignored { get; set; }
                [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? StillRead { get; set; }
                public string ReadOnly => "";
                public string @class { get; set; } = "";
            }
            public sealed record Positional(string A, int B);
            public sealed class WithExtensionData { [JsonExtensionData] public Dictionary<string, object>? Rest { get; set; } }
            public sealed class InitOnly { public string? A { get; init; } }
            public sealed class Tree { public List<Tree>? Children { get; set; } public Tree? Parent { get; set; } public string? Name { get; init; } }
            """;
        var run = TestCompilation.Run(source).AssertClean();
        var readers = run.Sources["KubeInformers.CompiledReaders.g.cs"];
        Assert.Contains("_c.ReadDelegated<global::MyApp.Positional>", readers);
        Assert.Contains("_c.ReadDelegated<global::MyApp.WithExtensionData>", readers);
        Assert.Contains("_c.ReadDelegated<global::MyApp.InitOnly>", readers);
        Assert.Contains("_c.ReadDelegated<global::MyApp.Tree>", readers); // recursive, and delegated after its walk began
        Assert.Contains("_c.ReadDelegated<int[]>", readers);
        Assert.Contains("_c.ReadDelegated<global::System.Collections.Generic.SortedSet<string>>", readers);
        Assert.Contains("\"stillRead\"u8", readers);
        Assert.DoesNotContain("\"ignored\"u8", readers);
        Assert.DoesNotContain("\"readOnly\"u8", readers);
        Assert.Contains("result.@class = v!;", readers);
    }

    [Fact]
    public void BuiltInWithPathListMapAndMethodIndexesEmitsTypedLookups()
    {
        var run = TestCompilation.Run(MoreSources.PodsWithIndexes).AssertClean();
        Baseline.Verify("Pod.Informer", run.Sources["TestApp.Informers.Core.V1.PodInformer.g.cs"]);
    }

    [Fact]
    public void ProjectionEmitsASkippingReaderAndATypedInformerListerAndIndexes()
    {
        var run = TestCompilation.Run(ProjectionSources.PodSummary, MoreSources.PodsWithIndexes).AssertClean();

        // The generated docs are complete too (CS1591 and friends), whatever the user's own members lack.
        var documented = TestCompilation.Run(TestCompilation.DocumentedParseOptions, ProjectionSources.PodSummary, MoreSources.PodsWithIndexes);
        var generatedProblems = documented.GeneratedCodeProblems;
        Assert.True(generatedProblems.Count == 0, string.Join("\n", generatedProblems.Take(10)));
        Baseline.Verify("PodSummary.Projection", run.Sources["MyApp.Lean.PodSummaryInformer.g.cs"]);
        Baseline.Verify("DeploymentMetadata.Projection", run.Sources["MyApp.Lean.DeploymentMetadataInformer.g.cs"]);
        var factory = run.Sources["TestApp.InformerFactory.g.cs"];
        Assert.Contains("public global::MyApp.Lean.PodSummaryInformer PodSummaries", factory);
        Assert.Contains("public global::TestApp.Informers.Core.V1.PodInformer Pods", factory);
        Assert.Contains("public global::MyApp.Lean.DeploymentMetadataInformer DeploymentMetadatas", factory);
    }

    [Fact]
    public void ProjectionTypesCompileAgainstUserCode()
    {
        const string usage = """
            using KubeInformers;
            using MyApp.Lean;
            using TestApp;

            public static class Usage
            {
                public static void Use(InformerFactory factory)
                {
                    var pods = factory.Core.V1.PodSummaries;
                    System.Collections.Generic.IReadOnlyList<PodSummary> onNode = pods.Lister.ByNode("node-1");
                    var inNs = pods.Lister.Namespace("default").ByApp("web");
                    PodSummary? one = pods.Lister.Get("default", "p");
                    pods.AddEventHandler(onAdd: (pod, initial) => _ = pod.NodeName, onDelete: (pod, unknown) => _ = pod.Metadata.Uid);
                    k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> asObject = new PodSummary();
                    SharedIndexInformer<DeploymentMetadata> deployments = factory.Apps.V1.DeploymentMetadatas.Informer;
                    _ = PodSummaryIndexes.ByNode;
                }
            }
            """;
        TestCompilation.Run(ProjectionSources.PodSummary, MoreSources.PodsWithIndexes, usage).AssertClean();
    }

    [Fact]
    public void AssemblyLevelIndexesOnAProjectionAreEmittedFromItsMembersAndMetadata()
    {
        const string indexes = """
            using KubeInformers;
            [assembly: InformerIndex(typeof(MyApp.Lean.PodSummary), "byPhase", "phase")]
            [assembly: InformerIndex(typeof(MyApp.Lean.PodSummary), "byTeam", "metadata.labels.team")]
            """;
        var run = TestCompilation.Run(ProjectionSources.PodSummary, indexes).AssertClean();
        var source = run.Sources["MyApp.Lean.PodSummaryInformer.g.cs"];
        Assert.Contains("public const string ByPhase = \"byPhase\";", source);
        Assert.Contains("public const string ByTeam = \"byTeam\";", source);
        Assert.Contains("obj.Metadata", source);
    }

    [Fact]
    public void ClusterScopedProjectionWithOverlappingPathsHasNoNamespaceLister()
    {
        const string source = """
            using System.Collections.Generic;
            using k8s.Models;
            using KubeInformers;
            namespace MyApp.Nodes;
            [InformerProjection(typeof(V1Node))]
            [InformerIndex("byZone", "metadata.labels.topology.kubernetes.io/zone")]
            internal partial class NodeView
            {
                [JsonPath("metadata")] public V1ObjectMeta? Meta { get; init; }
                [JsonPath("metadata.name")] public string? Name { get; init; }
                [JsonPath("metadata.labels")] public Dictionary<string, string>? Labels { get; init; }
                [JsonPath("status.conditions.type")] public string[] Conditions { get; private set; } = [];
            }
            """;
        var run = TestCompilation.Run(source).AssertClean();
        var node = run.Sources["MyApp.Nodes.NodeViewInformer.g.cs"];
        Assert.DoesNotContain("NamespaceLister", node);
        Assert.Contains("internal sealed partial class NodeViewInformer", node);
        Assert.Contains("Get(string name)", node);
        Assert.Contains("var copy = reader;", node); // "metadata" is read whole and walked for identity and labels
        Assert.Contains("NodeViews", run.Sources["TestApp.InformerFactory.g.cs"]);
    }

    [Fact]
    public void ClusterScopedResourcesHaveNoNamespaceLister()
    {
        var run = TestCompilation.Run(MoreSources.ClusterScoped).AssertClean();
        var node = run.Sources["TestApp.Informers.Core.V1.NodeInformer.g.cs"];
        var policy = run.Sources["MyApp.Cluster.ClusterPolicyInformer.g.cs"];
        Baseline.Verify("Node.Informer", node);
        Baseline.Verify("ClusterPolicy.Informer", policy);
        Assert.DoesNotContain("NamespaceLister", node);
        Assert.DoesNotContain("NamespaceLister", policy);
        Assert.Contains("Get(string name)", node);
    }

    [Fact]
    public void CustomResourceWithoutAGroupIsSkippedNotGeneratedUnderTheCoreGroup()
    {
        const string source = """
            using k8s;
            using k8s.Models;
            using KubeInformers;
            namespace MyApp;
            [KubernetesEntity(ApiVersion = "v1", Kind = "NoGroup", PluralName = "nogroups")]
            [GenerateInformer]
            public sealed class NoGroup : IKubernetesObject<V1ObjectMeta>
            {
                public string ApiVersion { get; set; } = "";
                public string Kind { get; set; } = "";
                public V1ObjectMeta Metadata { get; set; } = new();
            }

            [KubernetesEntity(Group = "", ApiVersion = "v1", Kind = "ConfigMap", PluralName = "configmaps")]
            [GenerateInformer(GroupAccessor = "Slim")]
            public sealed class SlimConfigMap : IKubernetesObject<V1ObjectMeta>
            {
                public string ApiVersion { get; set; } = "";
                public string Kind { get; set; } = "";
                public V1ObjectMeta Metadata { get; set; } = new();
            }
            """;
        var run = TestCompilation.Run(source).AssertClean();

        Assert.DoesNotContain(run.Sources.Keys, h => h.Contains("NoGroup", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Sources.Values, text => text.Contains("nogroups", StringComparison.Ordinal));
        // A source-declared model of a resource Kubernetes serves in the core group is still generated.
        Assert.Contains("\"configmaps\"", run.Sources["MyApp.ConfigMapInformer.g.cs"]);
    }

    [Fact]
    public void FactoryHasGroupVersionResourceAccessorsWithConfiguredName()
    {
        var run = TestCompilation.Run(MoreSources.Factory).AssertClean();
        var factory = run.Sources["MyApp.Kubernetes.ClusterInformers.g.cs"];
        Baseline.Verify("Factory", factory);
        Assert.Contains("public global::MyApp.Kubernetes.ClusterInformers.AppsInformers Apps { get; }", factory);
        Assert.Contains("public global::MyApp.Kubernetes.ClusterInformers.CoreInformers Core { get; }", factory);
        Assert.Contains("public global::MyApp.Kubernetes.Informers.Apps.V1.DeploymentInformer Deployments", factory);
        Assert.Contains("public global::MyApp.Kubernetes.ClusterInformers.AutoscalingV2Informers V2 { get; }", factory);
        Assert.Contains("public global::MyApp.Kubernetes.Informers.Networking.V1.IngressInformer Ingresses", factory);
    }

    [Fact]
    public void GeneratedFactoryAccessorsCompileAgainstUserCode()
    {
        const string usage = """
            using KubeInformers;
            using MyApp;
            using TestApp;

            public static class Usage
            {
                public static void Use(InformerFactory factory)
                {
                    var pods = factory.Core.V1.Pods;
                    var onNode = pods.Lister.ByNode("node-1");
                    var inNs = pods.Lister.Namespace("default").ByImage("nginx");
                    var owned = pods.Lister.ByOwner("uid");
                    pods.SetTransform(p => { p.Metadata.ManagedFields = null; return p; });
                    var crons = factory.Stable.V1.CronTabs;
                    crons.AddEventHandler(
                        onAdd: (obj, initial) => _ = obj.Spec?.CronSpec,
                        onUpdate: (oldObj, newObj) => _ = newObj.Metadata.Name,
                        onDelete: (obj, finalStateUnknown) => _ = obj.Metadata.Name);
                    _ = CronTabIndexes.BySchedule;
                    var task = crons.WaitForCacheSyncAsync();
                    k8s.Models.V1Pod? pod = pods.Lister.Get("default", "p");
                }
            }
            """;
        TestCompilation.Run(Sources.CronTab, MoreSources.PodsWithIndexes, usage).AssertClean();
    }

    [Fact]
    public void OutputIsIdenticalAcrossRunsAndDeclarationOrder()
    {
        var first = TestCompilation.Run(MoreSources.Factory, Sources.CronTab).Sources;
        var second = TestCompilation.Run(Sources.CronTab, MoreSources.Factory).Sources;
        Assert.Equal(first.Keys.Order(StringComparer.Ordinal), second.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, text) in first)
        {
            Assert.Equal(text, second[name]);
        }
    }

    [Fact]
    public void DefaultFactoryNamespaceIsTheRootNamespaceWhenVisible()
    {
        var compilation = TestCompilation.Create(MoreSources.PodsWithIndexes);
        Microsoft.CodeAnalysis.GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            [Microsoft.CodeAnalysis.GeneratorExtensions.AsSourceGenerator(new InformerGenerator())],
            parseOptions: TestCompilation.ParseOptions,
            optionsProvider: new SingleGlobalOption("build_property.RootNamespace", "Contoso.Operator"));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var names = driver.GetRunResult().GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).ToList();
        Assert.Contains("Contoso.Operator.InformerFactory.g.cs", names);
        Assert.Contains("Contoso.Operator.Informers.Core.V1.PodInformer.g.cs", names);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
    }

    private sealed class SingleGlobalOption(string key, string value) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider
    {
        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GlobalOptions { get; } = new Options(key, value);

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(Microsoft.CodeAnalysis.SyntaxTree tree) => new Options(null, null);

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(Microsoft.CodeAnalysis.AdditionalText textFile) => new Options(null, null);

        private sealed class Options(string? key, string? value) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions
        {
            public override bool TryGetValue(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? result)
            {
                result = name == key ? value : null;
                return result is not null;
            }
        }
    }

    [Fact]
    public void PathThroughKeywordNamedPropertiesIsEscaped()
    {
        const string source = """
            using k8s;
            using k8s.Models;
            using KubeInformers;
            namespace MyApp;
            [KubernetesEntity(Group = "g.example.com", ApiVersion = "v1", Kind = "Thing", PluralName = "things")]
            [GenerateInformer]
            [InformerIndex("byClass", "spec.class")]
            public sealed class Thing : IKubernetesObject<V1ObjectMeta>
            {
                public string ApiVersion { get; set; } = "";
                public string Kind { get; set; } = "";
                public V1ObjectMeta Metadata { get; set; } = new();
                public ThingSpec? Spec { get; set; }
            }
            public sealed class ThingSpec { public string? @class { get; set; } }
            """;
        var run = TestCompilation.Run(source).AssertClean();
        Assert.Contains("v0.@class is { } v1", run.Sources["MyApp.ThingInformer.g.cs"]);
    }

    [Fact]
    public void EveryGeneratedFileHasHeaderAndNullableContext()
    {
        var run = TestCompilation.Run(Sources.CronTab, MoreSources.PodsWithIndexes);
        Assert.All(run.Sources.Values, text =>
        {
            Assert.StartsWith("// <auto-generated/>", text);
            Assert.Contains("#nullable enable", text);
        });
    }
}

/// <summary>Every public generated member carries XML docs (checked by the compiler in documentation mode).</summary>
public class GeneratedDocumentationTests
{
    [Fact]
    public void GeneratedCodeHasNoMissingOrBrokenXmlDocs()
    {
        var parse = TestCompilation.ParseOptions.WithDocumentationMode(Microsoft.CodeAnalysis.DocumentationMode.Diagnose);
        var compilation = TestCompilation.Create(Sources.CronTab, MoreSources.PodsWithIndexes, MoreSources.ClusterScoped, MoreSources.Factory);
        compilation = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(t => t.WithRootAndOptions(t.GetRoot(), parse)));
        var driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create([Microsoft.CodeAnalysis.GeneratorExtensions.AsSourceGenerator(new InformerGenerator())], parseOptions: parse);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var generated = output.SyntaxTrees.Except(compilation.SyntaxTrees).ToHashSet();
        Assert.NotEmpty(generated);
        var problems = output.GetDiagnostics()
            .Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree) && d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
        Assert.Contains(output.GetDiagnostics(), d => d.Id == "CS1591"); // the check is live: undocumented test sources are reported
    }
}
