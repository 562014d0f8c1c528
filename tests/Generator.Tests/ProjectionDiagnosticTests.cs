using static KubeInformers.Generator.Tests.Infrastructure.AnalyzerVerifier;

namespace KubeInformers.Generator.Tests;

/// <summary>Every projection diagnostic (KI0015–KI0020), with its exact ID and span.</summary>
public class ProjectionDiagnosticTests
{
    [Fact]
    public Task ValidProjectionsReportNothing() => VerifyAsync("""
        [assembly: GenerateInformer(typeof(V1Pod))]

        [InformerProjection(typeof(V1Pod))]
        [InformerIndex("byNode", "nodeName")]
        [InformerIndex("byApp", "metadata.labels.app")]
        public partial record PodSummary
        {
            [JsonPath("spec.nodeName")] public string? NodeName { get; init; }
            [JsonPath("status.phase")] public string? Phase { get; init; }
            [JsonPath("spec.containers[*].image")] public IReadOnlyList<string> Images { get; init; } = [];
            [JsonPath("spec.containers.ports.containerPort")] public int[] Ports { get; init; } = [];
            [JsonPath("metadata.labels")] public IDictionary<string, string>? Labels { get; init; }
            [JsonPath("metadata.labels.app.kubernetes.io/name")] public string? AppName { get; init; }
            [JsonPath("metadata.creationTimestamp")] public System.DateTime? Created { get; init; }
            [JsonPath("spec.priority")] public int Priority { get; private set; }
            [JsonPath("status.conditions")] public IEnumerable<V1PodCondition> Conditions { get; init; } = [];
            [JsonPath("spec.securityContext")] public V1PodSecurityContext? SecurityContext { get; init; }
            public string Computed => NodeName ?? "";
        }

        [InformerProjection(typeof(V1Node))]
        internal partial class NodeMetadata;
        """);

    [Fact]
    public Task KI0015_ProjectionNotPartial() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        public record {|KI0015:PodSummary|}
        {
            [JsonPath("spec.nodeName")] public string? NodeName { get; init; }
        }
        """);

    [Fact]
    public Task KI0015_ProjectionDeclaresMetadata() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        public partial class {|KI0015:PodSummary|}
        {
            public V1ObjectMeta? Metadata { get; set; }
        }
        """, Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.None);

    [Fact]
    public Task KI0015_ProjectionWithoutParameterlessConstructor() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        public partial record {|KI0015:PodSummary|}(string NodeName);
        """);

    [Fact]
    public Task KI0015_NestedProjection() => VerifyAsync("""
        public static partial class Outer
        {
            [InformerProjection(typeof(V1Pod))]
            public partial class {|KI0015:PodSummary|};
        }
        """);

    [Fact]
    public Task KI0016_UnknownSegmentNamesValidMembers() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath({|#0:"spec.node"|})] public string? NodeName { get; init; }
        }
        """,
        Diagnostic("KI0016").WithLocation(0).WithArguments("NodeName", "node", "V1PodSpec", "spec",
            string.Join(", ", typeof(k8s.Models.V1PodSpec).GetProperties()
                .Select(p => p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), false)
                    .Cast<System.Text.Json.Serialization.JsonPropertyNameAttribute>().Single().Name)
                .Order(StringComparer.Ordinal))));

    [Fact]
    public Task KI0016_UnknownSegmentThroughAList() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath({|KI0016:"spec.containers.imageName"|})] public IReadOnlyList<string> Images { get; init; } = [];
        }
        """);

    [Fact]
    public Task KI0017_SingleValueForAListPath() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath({|#0:"spec.containers.image"|})] public string? Image { get; init; }
        }
        """,
        Diagnostic("KI0017").WithLocation(0).WithMessage(
            "Member 'Image' is string, but path 'spec.containers.image' crosses a list, so it is multi-valued: it holds any number of string values; "
            + "declare it as a list of them, IReadOnlyList<string> (nulls are left out, so the element is not nullable)"));

    [Fact]
    public Task KI0017_ListOfTheWrongElementForAListPath() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath({|#0:"spec.containers.ports.containerPort"|})] public IReadOnlyList<long> Ports { get; init; } = [];
        }
        """,
        Diagnostic("KI0017").WithLocation(0).WithMessage(
            "Member 'Ports' is IReadOnlyList<long>, but path 'spec.containers.ports.containerPort' crosses a list, so it is multi-valued: it holds any number of int values; "
            + "declare it as a list of them, IReadOnlyList<int> (nulls are left out, so the element is not nullable)"));

    [Fact]
    public Task KI0017_WrongScalarType() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath({|#0:"spec.priority"|})] public long? Priority { get; init; }
        }
        """,
        Diagnostic("KI0017").WithLocation(0).WithMessage("Member 'Priority' is long?, but path 'spec.priority' holds int?; declare it as int?"));

    [Fact]
    public Task KI0017_MapAsWrongShape() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath({|KI0017:"metadata.labels"|})] public IDictionary<string, int>? Labels { get; init; }
        }
        """);

    [Fact]
    public Task KI0018_MemberWithoutSetter() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath("spec.nodeName")] public string? {|KI0018:NodeName|} { get; }
        }
        """);

    [Fact]
    public Task KI0018_EmptyPathSegment() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath({|KI0018:"spec..nodeName"|})] public string? NodeName { get; init; }
        }
        """);

    [Fact]
    public Task KI0019_AccessorTakenByTheFullInformer() => VerifyAsync("""
        [assembly: GenerateInformer(typeof(V1Pod))]

        namespace Lean
        {
            [InformerProjection(typeof(V1Pod))]
            public partial class {|#0:Pod|};
        }
        """,
        Diagnostic("KI0019").WithLocation(0).WithArguments("Pod", "Core.V1.Pods", "the informer of V1Pod"));

    [Fact]
    public Task KI0019_TwoProjectionsWithOneAccessor() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod), Accessor = "Lean")]
        public partial class PodA;

        [InformerProjection(typeof(V1Pod), Accessor = "Lean")]
        public partial class {|KI0019:PodB|};
        """);

    [Fact]
    public Task SourceWithoutEntityIsReportedAtTheTypeArgument() => VerifyAsync("""
        [InformerProjection({|KI0001:typeof(Plain)|})]
        public partial class PlainSummary;

        public sealed class Plain : IKubernetesObject<V1ObjectMeta>
        {
            public string ApiVersion { get; set; } = "";
            public string Kind { get; set; } = "";
            public V1ObjectMeta Metadata { get; set; } = new();
        }
        """);

    [Fact]
    public Task AssemblyIndexOnAProjectionStartsFromItsMembersAndMetadata() => VerifyAsync("""
        [assembly: InformerIndex(typeof(PodSummary), "byApp", "metadata.labels.app")]
        [assembly: InformerIndex(typeof(PodSummary), "byNode", "nodeName")]
        [assembly: InformerIndex(typeof(PodSummary), "byWrong", {|KI0004:"spec.nodeName"|})]

        [InformerProjection(typeof(V1Pod))]
        public partial record PodSummary
        {
            [JsonPath("spec.nodeName")] public string? NodeName { get; init; }
        }
        """);

    [Fact]
    public Task IndexOnAProjectionIsResolvedAgainstItsMembers() => VerifyAsync("""
        [InformerProjection(typeof(V1Pod))]
        [InformerIndex("byNode", {|KI0004:"spec.nodeName"|})]
        public partial record PodSummary
        {
            [JsonPath("spec.nodeName")] public string? NodeName { get; init; }
        }
        """);

    [Fact]
    public Task KI0020_JsonPathOnATypeThatIsNotAProjection() => VerifyAsync("""
        public partial record PodSummary
        {
            [{|KI0020:JsonPath("spec.nodeName")|}] public string? NodeName { get; init; }
            public string? Unmarked { get; init; }
        }
        """);
}
