using KubeInformers.CodeFixes;
using KubeInformers.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace KubeInformers.Generator.Tests;

/// <summary>
/// The code fixes of the diagnostics whose fix is one edit: a misspelt path (KI0004, KI0016) becomes the nearest valid
/// member, a projection that is not partial (KI0015) becomes partial, a projection member without a setter (KI0018)
/// gets an init accessor. Each fixed source is re-analysed and must report nothing; where no edit is certain, no fix
/// is offered (the fixed code is the original).
/// </summary>
public class CodeFixTests
{
    private const string Entity = """[KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "crontabs")]""";

    [Fact]
    public Task KI0004_MisspeltIndexPathBecomesTheNearestMember() => VerifyAsync<NearestPathCodeFix>($$"""
        {{Entity}}
        [GenerateInformer]
        [InformerIndex("bySchedule", {|KI0004:"spec.cronSpek"|})]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{AnalyzerVerifier.ObjectBody}}
        """, $$"""
        {{Entity}}
        [GenerateInformer]
        [InformerIndex("bySchedule", "spec.cronSpec")]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{AnalyzerVerifier.ObjectBody}}
        """);

    [Fact]
    public Task KI0004_WrongCaseOnAnAssemblyIndexIsFixed() => VerifyAsync<NearestPathCodeFix>("""
        [assembly: GenerateInformer(typeof(V1Pod))]
        [assembly: InformerIndex(typeof(V1Pod), "byNode", {|KI0004:"spec.NodeName"|})]
        """, """
        [assembly: GenerateInformer(typeof(V1Pod))]
        [assembly: InformerIndex(typeof(V1Pod), "byNode", "spec.nodeName")]
        """);

    [Fact]
    public Task KI0016_MisspeltProjectionPathKeepsItsListMarker() => VerifyAsync<NearestPathCodeFix>("""
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath({|KI0016:"spec.containrs[*].image"|})] public IReadOnlyList<string> Images { get; init; } = [];
            [JsonPath({|KI0016:"spec.nodname"|})] public string? NodeName { get; init; }
        }
        """, """
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath("spec.containers[*].image")] public IReadOnlyList<string> Images { get; init; } = [];
            [JsonPath("spec.nodeName")] public string? NodeName { get; init; }
        }
        """);

    [Fact]
    public Task KI0016_NoFixWhenNoMemberIsNearEnough()
    {
        const string source = """
            [InformerProjection(typeof(V1Pod))]
            public partial record PodSummary
            {
                [JsonPath({|KI0016:"spec.xyzzy"|})] public string? Thing { get; init; }
            }
            """;
        return VerifyAsync<NearestPathCodeFix>(source, source);
    }

    [Fact]
    public Task KI0015_ProjectionBecomesPartial() => VerifyAsync<AddPartialCodeFix>("""
        [InformerProjection(typeof(V1Pod))]
        public sealed record {|KI0015:PodSummary|}
        {
            [JsonPath("spec.nodeName")] public string? NodeName { get; init; }
        }

        /// <summary>Nodes.</summary>
        [InformerProjection(typeof(V1Node))]
        class {|KI0015:NodeView|}
        {
        }
        """, """
        [InformerProjection(typeof(V1Pod))]
        public sealed partial record PodSummary
        {
            [JsonPath("spec.nodeName")] public string? NodeName { get; init; }
        }

        /// <summary>Nodes.</summary>
        [InformerProjection(typeof(V1Node))]
        partial class NodeView
        {
        }
        """);

    [Fact]
    public Task KI0015_OtherReasonsHaveNoFix()
    {
        const string source = """
            [InformerProjection(typeof(V1Pod))]
            public partial record {|KI0015:PodSummary|}(string NodeName);
            """;
        return VerifyAsync<AddPartialCodeFix>(source, source);
    }

    [Fact]
    public Task KI0018_GetOnlyMemberGetsAnInitAccessor() => VerifyAsync<AddInitAccessorCodeFix>("""
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath("spec.nodeName")] public string? {|KI0018:NodeName|} { get; }
            [JsonPath("status.phase")]
            public string? {|KI0018:Phase|} { get; } // the phase
        }
        """, """
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath("spec.nodeName")] public string? NodeName { get; init; }
            [JsonPath("status.phase")]
            public string? Phase { get; init; } // the phase
        }
        """);

    [Fact]
    public Task KI0018_ComputedMemberHasNoFix()
    {
        const string source = """
            [InformerProjection(typeof(V1Pod))]
            public partial record PodSummary
            {
                [JsonPath("spec.nodeName")] public string? {|KI0018:NodeName|} => "fixed";
            }
            """;
        return VerifyAsync<AddInitAccessorCodeFix>(source, source);
    }

    [Theory]
    [InlineData("nodname", "nodeName")]
    [InlineData("NODENAME", "nodeName")]
    [InlineData("hostnam", "hostname")]
    [InlineData("xyzzy", null)]
    [InlineData("n", null)]
    public void NearestMemberIsOnlySuggestedWhenItIsClearlyMeant(string segment, string? expected)
        => Assert.Equal(expected, InformerGenerator.PathResolver.Nearest(segment, ["nodeName", "nodeSelector", "hostname", "hostNetwork", "priority"]));

    private static async Task VerifyAsync<TFix>(string source, string fixedSource)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<InformerAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = AnalyzerVerifier.Usings + source,
            FixedCode = AnalyzerVerifier.Usings + fixedSource,
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(TestCompilation.References);
        test.FixedState.AdditionalReferences.AddRange(TestCompilation.References);
        await test.RunAsync();
    }
}
