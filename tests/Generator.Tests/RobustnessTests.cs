using System.Collections.Immutable;
using KubeInformers.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KubeInformers.Generator.Tests;

/// <summary>
/// Malformed, partial and adversarial declarations: the generator never throws (no CS8785, no exception in the run
/// result) and never hits its internal-error path (an exception it catches to keep the build going and reports as
/// KI0022), never emits code that fails to compile on its own, and the analyzer never crashes (no AD0001). And when
/// the generator does have a bug (injected through <see cref="InformerGenerator.FaultInjection"/>), it surfaces as KI0022.
/// </summary>
public class RobustnessTests
{
    private const string Prelude = """
        using System.Collections.Generic;
        using k8s;
        using k8s.Models;
        using KubeInformers;

        """;

    private const string Body = """
        {
            public string ApiVersion { get; set; } = "";
            public string Kind { get; set; } = "";
            public V1ObjectMeta Metadata { get; set; } = new();
            public Self? Spec { get; set; }
        }
        public sealed class Self { public Self? Next { get; set; } public string? Name { get; set; } public List<List<int>>? Grid { get; set; } public Dictionary<string, Self>? Map { get; set; } }
        """;

    private const string Entity = """[KubernetesEntity(Group = "g.example.com", ApiVersion = "v1", Kind = "Thing", PluralName = "things")]""";

    public static TheoryData<string, string> Cases => new()
    {
        { "syntax error in class", "[GenerateInformer] public class {" },
        { "syntax error in typeof", "[assembly: GenerateInformer(typeof(]" },
        { "unterminated attribute", "[assembly: GenerateInformer(typeof(V1Pod)" },
        { "missing type", "[assembly: GenerateInformer(typeof(DoesNotExist))]" },
        { "string instead of type", "[assembly: GenerateInformer(\"V1Pod\")]" },
        { "null type", "[assembly: GenerateInformer(null)]" },
        { "unbound generic", "[assembly: GenerateInformer(typeof(List<>))]" },
        { "closed generic", "[assembly: GenerateInformer(typeof(List<V1Pod>))]" },
        { "value type", "[assembly: GenerateInformer(typeof(int))]" },
        { "interface built-in", "[assembly: GenerateInformer(typeof(IKubernetesObject<V1ObjectMeta>))]" },
        { "non-listable built-in", "[assembly: GenerateInformer(typeof(V1Scale))]" },
        { "list type", "[assembly: GenerateInformer(typeof(V1PodList))]" },
        { "null index arguments", "[assembly: GenerateInformer(typeof(V1Pod))][assembly: InformerIndex(typeof(V1Pod), null, null)]" },
        { "dots only path", "[assembly: GenerateInformer(typeof(V1Pod))][assembly: InformerIndex(typeof(V1Pod), \"x\", \"....\")]" },
        { "double dot path", "[assembly: GenerateInformer(typeof(V1Pod))][assembly: InformerIndex(typeof(V1Pod), \"x\", \"spec..nodeName\")]" },
        { "object list leaf", "[assembly: GenerateInformer(typeof(V1Pod))][assembly: InformerIndex(typeof(V1Pod), \"x\", \"spec.containers[*]\")]" },
        { "weird index names", "[assembly: GenerateInformer(typeof(V1Pod))][assembly: InformerIndex(typeof(V1Pod), \"123\", \"spec.nodeName\")][assembly: InformerIndex(typeof(V1Pod), \"!!!\", \"spec.hostname\")][assembly: InformerIndex(typeof(V1Pod), \"by node\", \"spec.schedulerName\")][assembly: InformerIndex(typeof(V1Pod), \"class\", \"spec.priorityClassName\")]" },
        { "quotes and unicode in names", "[assembly: GenerateInformer(typeof(V1Pod))][assembly: InformerIndex(typeof(V1Pod), \"by\\\"quote\\\\ünï\", \"metadata.annotations.a\\\"b\\\\c\")]" },
        { "two-argument index on assembly", "[assembly: InformerIndex(\"x\", \"spec.nodeName\")]" },
        { "typed index on class", $"{Entity}[GenerateInformer][InformerIndex(typeof(V1Pod), \"x\", \"spec.nodeName\")] public sealed class Thing : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "typeof on class attribute", $"{Entity}[GenerateInformer(typeof(V1Pod))] public sealed class Thing : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "generic class", $"{Entity}[GenerateInformer] public sealed class Thing<T> : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "nested in generic", $"public class Outer<T> {{ {Entity}[GenerateInformer] public sealed class Thing : IKubernetesObject<V1ObjectMeta> {{ public string ApiVersion {{ get; set; }} = \"\"; public string Kind {{ get; set; }} = \"\"; public V1ObjectMeta Metadata {{ get; set; }} = new(); }} }}" },
        { "nested private", $"public class Outer {{ {Entity}[GenerateInformer] private sealed class Thing : IKubernetesObject<V1ObjectMeta> {{ public string ApiVersion {{ get; set; }} = \"\"; public string Kind {{ get; set; }} = \"\"; public V1ObjectMeta Metadata {{ get; set; }} = new(); }} }}" },
        { "nested public", $"public static class Outer {{ {Entity}[GenerateInformer][InformerIndex(\"byName\", \"metadata.name\")] public sealed class Thing : IKubernetesObject<V1ObjectMeta> {{ public string ApiVersion {{ get; set; }} = \"\"; public string Kind {{ get; set; }} = \"\"; public V1ObjectMeta Metadata {{ get; set; }} = new(); }} }}" },
        { "internal class", $"{Entity}[GenerateInformer][InformerIndex(\"byName\", \"spec.next.next.name\")][InformerIndex(\"byGrid\", \"spec.grid\")][InformerIndex(\"byMap\", \"spec.map.a.name\")] internal sealed class Thing : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "interface", $"{Entity}[GenerateInformer] public interface IThing {{ }}" },
        { "enum", $"[GenerateInformer] public enum Thing {{ A }}" },
        { "record struct", $"{Entity}[GenerateInformer] public record struct Thing(int A);" },
        { "record class", $"{Entity}[GenerateInformer] public sealed record Thing : IKubernetesObject<V1ObjectMeta> {{ public string ApiVersion {{ get; set; }} = \"\"; public string Kind {{ get; set; }} = \"\"; public V1ObjectMeta Metadata {{ get; set; }} = new(); }}" },
        { "static class", $"{Entity}[GenerateInformer] public static class Thing {{ }}" },
        { "partial across declarations", $"{Entity}[GenerateInformer] public sealed partial class Thing : IKubernetesObject<V1ObjectMeta> {{ public string ApiVersion {{ get; set; }} = \"\"; }} public sealed partial class Thing {{ public string Kind {{ get; set; }} = \"\"; public V1ObjectMeta Metadata {{ get; set; }} = new(); }}" },
        { "invalid kind", $"[KubernetesEntity(Group = \"g.example.com\", ApiVersion = \"v1\", Kind = \"Weird-Kind\", PluralName = \"things\")][GenerateInformer] public sealed class Thing : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "keyword kind", $"[KubernetesEntity(Group = \"g.example.com\", ApiVersion = \"v1\", Kind = \"class\", PluralName = \"things\")][GenerateInformer] public sealed class Thing : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "group and version in ApiVersion", $"[KubernetesEntity(ApiVersion = \"g.example.com/v1\", Kind = \"Thing\", PluralName = \"things\")][GenerateInformer] public sealed class Thing : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "odd group and version", $"[KubernetesEntity(Group = \"-.é.\", ApiVersion = \"1 beta\", Kind = \"Thing\", PluralName = \"Thing-s\")][GenerateInformer] public sealed class Thing : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "core group custom resource colliding with pods", $"[assembly: GenerateInformer(typeof(V1Pod))] [KubernetesEntity(Group = \"\", ApiVersion = \"v1\", Kind = \"Pod\", PluralName = \"pods\")][GenerateInformer] public sealed class Pod : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "bad group accessor", $"{Entity}[GenerateInformer(GroupAccessor = \"not valid\")] public sealed class Thing : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "factory named like its base", "[assembly: GenerateInformer(typeof(V1Pod))][assembly: InformerFactory(\"SharedInformerFactory\", Namespace = \"\")]" },
        { "bad factory namespace", "[assembly: GenerateInformer(typeof(V1Pod))][assembly: InformerFactory(\"F\", Namespace = \"a..b\")]" },
        { "null factory name", "[assembly: GenerateInformer(typeof(V1Pod))][assembly: InformerFactory(null)]" },
        { "index function shapes", "[assembly: GenerateInformer(typeof(V1Pod))] public static class F { [InformerIndexFunction(\"a\")] public static IEnumerable<string> A(ref V1Pod p) => null!; [InformerIndexFunction(\"b\")] public static IEnumerable<string> B<T>(V1Pod p) => null!; [InformerIndexFunction(\"c\")] public static List<string> C(V1Pod p) => null!; [InformerIndexFunction(null)] public static IEnumerable<string> D(V1Pod p) => null!; [InformerIndexFunction(\"e\")] public static IEnumerable<string> E(object p) => null!; [InformerIndexFunction(\"f\")] public static IEnumerable<string> G(this V1Pod p) => null!; [InformerIndexFunction(\"g\")] public static IEnumerable<string> H(V1Pod p) => null!; }" },
        { "index function in generic", "[assembly: GenerateInformer(typeof(V1Pod))] public static class F<T> { [InformerIndexFunction(\"a\")] public static IEnumerable<string> A(V1Pod p) => null!; }" },
        { "factory named like a group accessor", "[assembly: GenerateInformer(typeof(V1Pod))][assembly: InformerFactory(\"Core\")]" },
        { "factory named like a nested class", "[assembly: GenerateInformer(typeof(V1Pod))][assembly: InformerFactory(\"CoreV1Informers\")]" },
        { "group class named like a version class", $"[assembly: GenerateInformer(typeof(V1Pod))] {Entity}[GenerateInformer(GroupAccessor = \"CoreV1\")] public sealed class Thing : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "kinds whose generated types overlap", $"[KubernetesEntity(Group = \"g.example.com\", ApiVersion = \"v1\", Kind = \"Foo\", PluralName = \"foos\")][GenerateInformer] public sealed class Foo : IKubernetesObject<V1ObjectMeta> {Body} [KubernetesEntity(Group = \"g.example.com\", ApiVersion = \"v1\", Kind = \"FooNamespace\", PluralName = \"foonamespaces\")][GenerateInformer] public sealed class FooNamespace : IKubernetesObject<V1ObjectMeta> {{ public string ApiVersion {{ get; set; }} = \"\"; public string Kind {{ get; set; }} = \"\"; public V1ObjectMeta Metadata {{ get; set; }} = new(); }}" },
        { "index member named like a generated type", $"[KubernetesEntity(Group = \"g.example.com\", ApiVersion = \"v1\", Kind = \"By\", PluralName = \"bys\")][GenerateInformer][InformerIndex(\"lister\", \"metadata.name\")][InformerIndex(\"indexes\", \"metadata.name\")] public sealed class By : IKubernetesObject<V1ObjectMeta> {Body}" },
        { "class named like a generated type", "[KubernetesEntity(Group = \"g.example.com\", ApiVersion = \"v1\", Kind = \"Thing\", PluralName = \"things\")][GenerateInformer] public sealed class ThingInformer : IKubernetesObject<V1ObjectMeta> { public string ApiVersion { get; set; } = \"\"; public string Kind { get; set; } = \"\"; public V1ObjectMeta Metadata { get; set; } = new(); }" },
        { "plural giving accessor Lock and Factory", "[KubernetesEntity(Group = \"g.example.com\", ApiVersion = \"v1\", Kind = \"Lock\", PluralName = \"lock\")][GenerateInformer] public sealed class Lock : IKubernetesObject<V1ObjectMeta> { public string ApiVersion { get; set; } = \"\"; public string Kind { get; set; } = \"\"; public V1ObjectMeta Metadata { get; set; } = new(); } [KubernetesEntity(Group = \"g.example.com\", ApiVersion = \"v1\", Kind = \"Factory\", PluralName = \"factory\")][GenerateInformer] public sealed class Factory : IKubernetesObject<V1ObjectMeta> { public string ApiVersion { get; set; } = \"\"; public string Kind { get; set; } = \"\"; public V1ObjectMeta Metadata { get; set; } = new(); }" },
        { "keyword property in path", "[KubernetesEntity(Group = \"g.example.com\", ApiVersion = \"v1\", Kind = \"Thing\", PluralName = \"things\")][GenerateInformer][InformerIndex(\"byClass\", \"spec.class\")][InformerIndex(\"byEvent\", \"spec.event\")] public sealed class Thing : IKubernetesObject<V1ObjectMeta> { public string ApiVersion { get; set; } = \"\"; public string Kind { get; set; } = \"\"; public V1ObjectMeta Metadata { get; set; } = new(); public KeywordSpec? Spec { get; set; } } public sealed class KeywordSpec { public string? @class { get; set; } public int @event { get; set; } }" },
        { "markup and line breaks in names", "[KubernetesEntity(Group = \"a<b>\\n&.example.com\", ApiVersion = \"v1\\n</c>\", Kind = \"Thing\", PluralName = \"p</c>\\r\\n\\u2028x\")][GenerateInformer][InformerIndex(\"by\\nline</c>\", \"metadata.labels.a\\nb<&>\")] public sealed class Thing : IKubernetesObject<V1ObjectMeta> { public string ApiVersion { get; set; } = \"\"; public string Kind { get; set; } = \"\"; public V1ObjectMeta Metadata { get; set; } = new(); }" },
        { "catalogue twice", "[assembly: GenerateBuiltInInformers][assembly: GenerateBuiltInInformers]" },
        { "projection of a cluster-scoped built-in, internal", "[InformerProjection(typeof(V1Node))][InformerIndex(\"byZone\", \"metadata.labels.topology.kubernetes.io/zone\")] internal partial class NodeView { [JsonPath(\"metadata\")] public V1ObjectMeta? Meta { get; init; } [JsonPath(\"metadata.name\")] public string? Name { get; init; } [JsonPath(\"metadata.annotations\")] public Dictionary<string, string>? Annotations { get; init; } [JsonPath(\"status.conditions.type\")] public string[] Conditions { get; private set; } = []; [JsonPath(\"kind\")] public string? K { get; init; } }" },
        { "projection of a resource whose group has a line break", "[KubernetesEntity(Group = \"g.example.com\\n// x\", ApiVersion = \"v1\", Kind = \"Thing\", PluralName = \"things\")] public sealed class Thing : IKubernetesObject<V1ObjectMeta> " + Body + " [InformerProjection(typeof(Thing))] public partial class ThingView { [JsonPath(\"spec.name\")] public string? Name { get; init; } }" },
        { "projection of nothing", "[InformerProjection(null)] public partial class P;" },
        { "projection of a missing type", "[InformerProjection(typeof(Missing))] public partial class P;" },
        { "projection of a non-listable built-in", "[InformerProjection(typeof(V1Scale))] public partial class P;" },
        { "projection of itself", "[InformerProjection(typeof(P))] public partial class P;" },
        { "projection struct", "[InformerProjection(typeof(V1Pod))] public partial struct P { }" },
        { "projection generic", "[InformerProjection(typeof(V1Pod))] public partial class P<T> { }" },
        { "projection with odd paths", "[InformerProjection(typeof(V1Pod))] public partial class P { [JsonPath(null)] public string? A { get; init; } [JsonPath(\"\")] public string? B { get; init; } [JsonPath(\"....\")] public string? C { get; init; } [JsonPath(\"metadata.labels.a\\\"b<&>\\nc\")] public string? D { get; init; } [JsonPath(\"spec.containers[*]\")] public IReadOnlyList<V1Container> E { get; init; } = []; [JsonPath(\"spec\")] public V1PodSpec? F { get; init; } [JsonPath(\"spec.nodeName\")] public static string? G { get; set; } [JsonPath(\"spec.nodeName\")] public string? this[int i] => null; }" },
        { "projection members named like generated code", "[InformerProjection(typeof(V1Pod))] public partial record P { [JsonPath(\"spec.nodeName\")] public string? Values { get; init; } [JsonPath(\"status.phase\")] public string? StringReader { get; init; } [JsonPath(\"spec.hostname\")] public string? @class { get; init; } [JsonPath(\"spec.priority\")] public int Read { get; init; } }" },
        { "projection accessor keyword", "[InformerProjection(typeof(V1Pod), Accessor = \"class\")] public partial class P;" },
        { "projection named like a generated type", "[InformerProjection(typeof(V1Pod))] public partial class PodInformer;" },
        { "projection colliding with the full informer", "[assembly: GenerateInformer(typeof(V1Pod))] [InformerProjection(typeof(V1Pod), Accessor = \"Pods\")] public partial class P;" },
        { "projection of a custom resource", $"{Entity}[GenerateInformer] public sealed class Thing : IKubernetesObject<V1ObjectMeta> {Body} [InformerProjection(typeof(Thing))] public partial class ThingView {{ [JsonPath(\"spec.next.next.name\")] public string? Name {{ get; init; }} [JsonPath(\"spec.grid\")] public int[] Grid {{ get; init; }} = []; [JsonPath(\"spec.map\")] public IDictionary<string, Self>? Map {{ get; init; }} }}" },
        { "empty file", "" },
    };

    public static TheoryData<int> TruncationPoints()
    {
        var data = new TheoryData<int>();
        var length = (Sources.CronTab + MoreSources.PodsWithIndexes).Length;
        for (var i = 1; i <= 24; i++)
        {
            data.Add(length * i / 25);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TruncationPoints))]
    public async Task PartiallyTypedDeclarationsNeverCrash(int length)
    {
        // Simulates typing: every prefix of valid declarations is a compilation the IDE hands to the generator.
        var text = (Sources.CronTab + MoreSources.PodsWithIndexes.Replace("namespace MyApp;", string.Empty))[..length];
        await GeneratorAndAnalyzerSurviveAdversarialInput("prefix of " + length, text);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GeneratorAndAnalyzerSurviveAdversarialInput(string name, string source)
    {
        var run = TestCompilation.Run(TestCompilation.DocumentedParseOptions, Prelude + source);
        AssertNoInternalError(name, InternalErrors(run));
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8785" or "CS8784");

        // Generated code must never be the cause of an error or warning (docs checked too): any must come from the user's own source.
        var generatedErrors = run.GeneratedCodeProblems;
        Assert.True(generatedErrors.Count == 0, $"{name}: generated code has errors or warnings:\n{string.Join("\n", generatedErrors.Take(10))}");

        var analyzers = run.Input.WithAnalyzers([new InformerAnalyzer()]);
        var diagnostics = await analyzers.GetAllDiagnosticsAsync();
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }

    [Fact]
    public void An_exception_while_parsing_is_reported_as_KI0022_with_its_type_and_message_and_the_build_goes_on()
    {
        var run = RunWithFault(
            step => step.StartsWith("parsing [GenerateInformer]", StringComparison.Ordinal),
            "[assembly: GenerateInformer(typeof(V1Pod))][assembly: GenerateInformer(typeof(V1Node))]");

        // The compiler goes on (nothing in the run result, no CS8785) and the failed target is skipped...
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8785" or "CS8784");
        Assert.Empty(run.Sources);

        // ...and the bug does not vanish: one warning naming the step, the exception type and its message.
        var error = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("KI0022", error.Id);
        Assert.Equal(DiagnosticSeverity.Warning, error.Severity);
        Assert.Equal(
            "The KubeInformers generator failed while parsing [GenerateInformer] on the assembly (System.InvalidOperationException: injected generator bug) "
            + "and left that output out; this is a bug in KubeInformers, please report it with the declaration involved at https://github.com/kubeinformers/kubeinformers/issues",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        // And the adversarial-input check above would fail on it.
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertNoInternalError("injected", InternalErrors(run)));
        Assert.Contains("injected generator bug", failure.Message);
    }

    [Fact]
    public void An_exception_while_emitting_one_file_is_reported_as_KI0022_and_only_that_file_is_left_out()
    {
        var run = RunWithFault(step => step == "emitting MyApp.Informers.Core.V1.PodInformer.g.cs",
            "[assembly: GenerateInformer(typeof(V1Pod))][assembly: GenerateInformer(typeof(V1Node))][assembly: InformerFactory(\"InformerFactory\", Namespace = \"MyApp\")]");

        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        var error = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("KI0022", error.Id);
        Assert.Contains("while emitting MyApp.Informers.Core.V1.PodInformer.g.cs (System.InvalidOperationException: injected generator bug)",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var hints = run.Sources.Keys.ToList();
        Assert.DoesNotContain("MyApp.Informers.Core.V1.PodInformer.g.cs", hints);
        Assert.Contains("MyApp.Informers.Core.V1.NodeInformer.g.cs", hints);
        Assert.Contains("MyApp.InformerFactory.g.cs", hints);
    }

    [Fact]
    public void An_exception_while_building_the_readers_leaves_the_informers_and_reports_KI0022()
    {
        var run = RunWithFault(step => step == "merging the compiled-reader graphs", "[assembly: GenerateInformer(typeof(V1Pod))]");

        var error = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("KI0022", error.Id);
        var hints = run.Sources.Keys.ToList();
        Assert.DoesNotContain("KubeInformers.CompiledReaders.g.cs", hints);
        Assert.Contains(hints, h => h.EndsWith("PodInformer.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_clean_run_reports_no_internal_error_and_generates_the_informer()
    {
        var run = TestCompilation.Run(TestCompilation.DocumentedParseOptions, Prelude + "[assembly: GenerateInformer(typeof(V1Pod))]");

        Assert.Empty(InternalErrors(run));
        Assert.NotEmpty(run.Sources);
    }

    /// <summary>The generator's internal errors in <paramref name="run"/> (KI0022, reported by the generator itself).</summary>
    private static IReadOnlyList<Diagnostic> InternalErrors(GeneratorRun run)
        => run.GeneratorDiagnostics.Where(d => d.Id == DiagnosticDescriptors.GeneratorInternalError.Id).ToList();

    /// <summary>Runs the generator with an exception injected at the start of every step <paramref name="fails"/> selects (this test's flow only).</summary>
    private static GeneratorRun RunWithFault(Func<string, bool> fails, string source)
    {
        InformerGenerator.FaultInjection.Value = step =>
        {
            if (fails(step))
            {
                throw new InvalidOperationException("injected generator bug");
            }
        };
        try
        {
            return TestCompilation.Run(TestCompilation.DocumentedParseOptions, Prelude + source);
        }
        finally
        {
            InformerGenerator.FaultInjection.Value = null;
        }
    }

    private static void AssertNoInternalError(string name, IReadOnlyList<Diagnostic> internalErrors) =>
        Assert.True(internalErrors.Count == 0,
            $"{name}: the generator hit its internal-error path {internalErrors.Count} times (KI0022); first: {internalErrors.FirstOrDefault()}");
}
