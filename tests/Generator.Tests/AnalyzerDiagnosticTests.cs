using KubeInformers.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using static KubeInformers.Generator.Tests.Infrastructure.AnalyzerVerifier;

namespace KubeInformers.Generator.Tests;

/// <summary>One test (at least) per diagnostic ID, asserting the exact ID and span.</summary>
public class AnalyzerDiagnosticTests
{
    private const string Entity = """[KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "crontabs")]""";

    private const string MinimalBody = """{ public string ApiVersion { get; set; } = ""; public string Kind { get; set; } = ""; public V1ObjectMeta Metadata { get; set; } = new(); }""";

    [Fact]
    public Task ValidDeclarationsReportNothing() => VerifyAsync($$"""
        [assembly: GenerateInformer(typeof(V1Pod))]
        [assembly: InformerIndex(typeof(V1Pod), "byNode", "spec.nodeName")]
        [assembly: InformerFactory("Informers", Namespace = "My.App")]

        {{Entity}}
        [GenerateInformer]
        [InformerIndex("bySchedule", "spec.cronSpec")]
        [InformerIndex("byImage", "spec.images")]
        [InformerIndex("byAt", "spec.schedules.daily.at")]
        [InformerIndex("byApp", "metadata.labels.app.kubernetes.io/name")]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}

        public static class Functions
        {
            [InformerIndexFunction("byOwner")]
            public static IEnumerable<string> Owners(V1Pod pod) => new string[0];
        }
        """);

    [Fact]
    public Task KI0001_ClassWithoutKubernetesEntity() => VerifyAsync($$"""
        [GenerateInformer]
        public sealed class {|KI0001:CronTab|} : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """);

    [Fact]
    public Task KI0001_ReferencedTypeWithoutKubernetesEntity() => VerifyAsync($$"""
        [assembly: GenerateInformer({|KI0001:typeof(Plain)|})]
        public sealed class Plain : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """);

    [Fact]
    public Task KI0002_MissingKubernetesObjectInterface() => VerifyAsync($$"""
        {{Entity}}
        [GenerateInformer]
        public sealed class {|KI0002:CronTab|}
        {
            public V1ObjectMeta Metadata { get; set; } = new();
        }
        """);

    [Fact]
    public Task KI0003_EmptyPlural() => VerifyAsync($$"""
        [KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "")]
        [GenerateInformer]
        public sealed class {|KI0003:CronTab|} : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """);

    [Fact]
    public Task KI0003_MissingPlural() => VerifyAsync($$"""
        [KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab")]
        [GenerateInformer]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """, Diagnostic("KI0003").WithSpan(8, 21, 8, 28).WithArguments("CronTab", "PluralName"));

    [Fact]
    public Task KI0004_UnknownSegmentNamesTheValidMembers() => VerifyAsync($$"""
        {{Entity}}
        [GenerateInformer]
        [InformerIndex("bySchedule", "spec.cronSpek")]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """, Diagnostic("KI0004").WithSpan(8, 30, 8, 45).WithArguments("bySchedule", "cronSpek", "Spec", "spec", "cronSpec, images, schedules"));

    [Fact]
    public Task KI0004_UnknownSegmentOnBuiltIn() => VerifyAsync("""
        [assembly: GenerateInformer(typeof(V1Pod))]
        [assembly: InformerIndex(typeof(V1Pod), "byNode", {|KI0004:"spec.node"|})]
        """);

    [Fact]
    public Task KI0005_LeafIsAnObject() => VerifyAsync($$"""
        {{Entity}}
        [GenerateInformer]
        [InformerIndex("bySpec", {|KI0005:"spec"|})]
        [InformerIndex("byLabels", {|KI0005:"metadata.labels"|})]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """);

    [Fact]
    public Task KI0006_DuplicateIndexNameOnClass() => VerifyAsync($$"""
        {{Entity}}
        [GenerateInformer]
        [InformerIndex("bySchedule", "spec.cronSpec")]
        [InformerIndex({|KI0006:"bySchedule"|}, "spec.images")]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """);

    [Fact]
    public Task KI0006_DuplicateIndexNameAcrossDeclarations() => VerifyAsync("""
        [assembly: GenerateInformer(typeof(V1Pod))]
        [assembly: InformerIndex(typeof(V1Pod), "byNode", "spec.nodeName")]
        [assembly: InformerIndex(typeof(V1Pod), {|KI0006:"byNode"|}, "spec.hostname")]
        """);

    [Fact]
    public Task KI0007_TwoTypesClaimTheSameResource() => VerifyAsync($$"""
        {{Entity}}
        [GenerateInformer]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}

        {{Entity}}
        [GenerateInformer]
        public sealed class {|KI0007:OtherCronTab|} : IKubernetesObject<V1ObjectMeta>
        {
            public string ApiVersion { get; set; } = "";
            public string Kind { get; set; } = "";
            public V1ObjectMeta Metadata { get; set; } = new();
        }
        """);

    [Fact]
    public Task KI0008_TwoGroupsMapToTheSameAccessor() => VerifyAsync($$"""
        {{Entity}}
        [GenerateInformer]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}

        [KubernetesEntity(Group = "stable.other.io", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
        [GenerateInformer]
        public sealed class {|KI0008:Widget|} : IKubernetesObject<V1ObjectMeta>
        {
            public string ApiVersion { get; set; } = "";
            public string Kind { get; set; } = "";
            public V1ObjectMeta Metadata { get; set; } = new();
        }
        """);

    [Fact]
    public Task KI0008_GroupAccessorOverrideResolvesTheCollision() => VerifyAsync($$"""
        {{Entity}}
        [GenerateInformer]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}

        [KubernetesEntity(Group = "stable.other.io", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
        [GenerateInformer(GroupAccessor = "StableOther")]
        public sealed class Widget : IKubernetesObject<V1ObjectMeta>
        {
            public string ApiVersion { get; set; } = "";
            public string Kind { get; set; } = "";
            public V1ObjectMeta Metadata { get; set; } = new();
        }
        """);

    [Fact]
    public Task KI0008_GroupAccessorHidingAFactoryMember() => VerifyAsync("""
        [KubernetesEntity(Group = "options.example.com", ApiVersion = "v1", Kind = "Knob", PluralName = "knobs")]
        [GenerateInformer]
        public sealed class {|KI0008:Knob|} : IKubernetesObject<V1ObjectMeta>
        {
            public string ApiVersion { get; set; } = "";
            public string Kind { get; set; } = "";
            public V1ObjectMeta Metadata { get; set; } = new();
        }
        """);

    [Fact]
    public Task KI0008_FactoryNamedLikeAGroupAccessor() => VerifyAsync("""
        [assembly: GenerateInformer({|KI0008:typeof(V1Pod)|})]
        [assembly: InformerFactory("Core")]
        """);

    [Fact]
    public Task KI0009_GenericType() => VerifyAsync($$"""
        {{Entity}}
        [GenerateInformer]
        public sealed class {|KI0009:CronTab|}<T> : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """);

    [Fact]
    public Task KI0009_NestedInGenericType() => VerifyAsync($$"""
        public static class Outer<T>
        {
            {{Entity}}
            [GenerateInformer]
            public sealed class {|KI0009:CronTab|} : IKubernetesObject<V1ObjectMeta>
            {
                public string ApiVersion { get; set; } = "";
                public string Kind { get; set; } = "";
                public V1ObjectMeta Metadata { get; set; } = new();
            }
        }
        """);

    [Fact]
    public Task KI0009_AbstractClass() => VerifyAsync($$"""
        {{Entity}}
        [GenerateInformer]
        public abstract class {|KI0009:CronTab|} : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """);

    [Fact]
    public Task KI0009_Struct() => VerifyAsync("""
        [{|CS0592:KubernetesEntity|}(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "crontabs")]
        [{|CS0592:GenerateInformer|}]
        public struct {|KI0009:CronTab|}
        {
        }
        """);

    [Fact]
    public Task KI0010_IndexMethodNotStatic() => VerifyAsync("""
        [assembly: GenerateInformer(typeof(V1Pod))]
        public sealed class Functions
        {
            [InformerIndexFunction("byOwner")]
            public IEnumerable<string> {|KI0010:Owners|}(V1Pod pod) => new string[0];
        }
        """);

    [Fact]
    public Task KI0010_IndexMethodWrongReturnType() => VerifyAsync("""
        [assembly: GenerateInformer(typeof(V1Pod))]
        public static class Functions
        {
            [InformerIndexFunction("byOwner")]
            public static string {|KI0010:Owner|}(V1Pod pod) => "";
        }
        """);

    [Fact]
    public Task KI0010_IndexMethodPrivate() => VerifyAsync("""
        [assembly: GenerateInformer(typeof(V1Pod))]
        public static class Functions
        {
            [InformerIndexFunction("byOwner")]
            private static IEnumerable<string> {|KI0010:Owners|}(V1Pod pod) => new string[0];
        }
        """);

    [Fact]
    public Task KI0011_NullType() => VerifyAsync("""
        [assembly: GenerateInformer({|KI0011:null|})]
        """);

    [Fact]
    public Task KI0011_EmptyIndexName() => VerifyAsync("""
        [assembly: GenerateInformer(typeof(V1Pod))]
        [assembly: InformerIndex(typeof(V1Pod), {|KI0011:""|}, "spec.nodeName")]
        """);

    [Fact]
    public Task KI0011_InvalidFactoryName() => VerifyAsync("""
        [assembly: InformerFactory({|KI0011:"my factory"|})]
        """);

    [Fact]
    public Task KI0011_AssemblyFormWithoutType() => VerifyAsync("""
        [assembly: {|KI0011:GenerateInformer|}]
        """);

    [Fact]
    public Task KI0012_BuiltInWithoutListOperation() => VerifyAsync("""
        [assembly: GenerateInformer({|KI0012:typeof(V1Binding)|})]
        """);

    [Fact]
    public Task KI0013_SameTypeDeclaredTwice() => VerifyAsync("""
        [assembly: GenerateInformer(typeof(V1Pod))]
        [assembly: GenerateInformer({|KI0013:typeof(V1Pod)|})]
        """);

    [Fact]
    public Task KI0014_IndexForTypeWithoutInformer() => VerifyAsync("""
        [assembly: InformerIndex(typeof(V1Pod), {|KI0014:"byNode"|}, "spec.nodeName")]
        """);

    [Fact]
    public Task KI0014_ClassIndexOnTypeWithoutInformer() => VerifyAsync($$"""
        {{Entity}}
        [InformerIndex({|KI0014:"bySchedule"|}, "spec.cronSpec")]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """);

    [Fact]
    public Task ClassIndexOnTypeDeclaredAtAssemblyLevelIsUsed() => VerifyAsync($$"""
        [assembly: GenerateInformer(typeof(CronTab))]
        {{Entity}}
        [InformerIndex("bySchedule", "spec.cronSpec")]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """);

    [Fact]
    public Task KI0021_CustomResourceWithoutGroup() => VerifyAsync($$"""
        [KubernetesEntity(ApiVersion = "v1", Kind = "NoGroup", PluralName = "nogroups")]
        [GenerateInformer]
        public sealed class {|#0:NoGroup|} : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """,
        Diagnostic("KI0021").WithLocation(0).WithMessage(
            "[KubernetesEntity] on 'NoGroup' has no Group, so it would be read from the core group (/api/v1/.../nogroups); "
            + "a custom resource's group must be a domain with at least one dot, as CustomResourceDefinitions require (for example Group = \"stable.example.com\")"));

    [Fact]
    public Task KI0021_CustomResourceWithDotlessGroup() => VerifyAsync($$"""
        [KubernetesEntity(Group = "example", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
        [GenerateInformer]
        public sealed class {|#0:Widget|} : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """,
        Diagnostic("KI0021").WithLocation(0).WithArguments("Widget", "Group 'example', which has no dot"));

    [Fact]
    public Task KI0021_ReferencedTypeAndProjectionSourceWithoutGroup() => VerifyAsync($$"""
        [assembly: GenerateInformer({|KI0021:typeof(NoGroup)|})]
        [KubernetesEntity(ApiVersion = "v1", Kind = "NoGroup", PluralName = "nogroups")]
        public sealed class NoGroup : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}

        [InformerProjection({|KI0021:typeof(NoGroup)|})]
        public partial class NoGroupView;
        """);

    [Fact]
    public Task KI0021_NotReportedForALocalModelOfABuiltInOrAGroupFromApiVersion() => VerifyAsync($$"""
        // A lighter model of a resource Kubernetes serves in a dotless group is fine: the path exists.
        [KubernetesEntity(Group = "", ApiVersion = "v1", Kind = "ConfigMap", PluralName = "configmaps")]
        [GenerateInformer(GroupAccessor = "Slim")]
        public sealed class SlimConfigMap : IKubernetesObject<V1ObjectMeta>
        {{MinimalBody}}

        [KubernetesEntity(Group = "apps", ApiVersion = "v1", Kind = "Deployment", PluralName = "deployments")]
        [GenerateInformer(GroupAccessor = "SlimApps")]
        public sealed class SlimDeployment : IKubernetesObject<V1ObjectMeta>
        {{MinimalBody}}

        // The group may come with the version instead.
        [KubernetesEntity(ApiVersion = "stable.example.com/v1", Kind = "CronTab", PluralName = "crontabs")]
        [GenerateInformer]
        public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
        {{ObjectBody}}
        """);

    [Fact]
    public void EveryDescriptorHasAStableIdHelpLinkAndDocsSection()
    {
        var docs = File.ReadAllText(Path.Combine(TestCompilation.RepositoryRoot, "docs", "diagnostics.md"));
        var ids = DiagnosticDescriptors.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(DiagnosticDescriptors.All, d =>
        {
            Assert.Matches("^KI[0-9]{4}$", d.Id);
            Assert.Equal(DiagnosticDescriptors.HelpLinkBase + d.Id.ToLowerInvariant(), d.HelpLinkUri);
            Assert.Contains("## " + d.Id, docs);
        });
        var analyzerIds = new InformerAnalyzer().SupportedDiagnostics.Select(d => d.Id);
        Assert.Equal(ids.Order(), analyzerIds.Order());
    }
}
