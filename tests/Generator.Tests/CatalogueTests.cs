using KubeInformers.Generator.Tests.Infrastructure;

namespace KubeInformers.Generator.Tests;

/// <summary><c>[assembly: GenerateBuiltInInformers]</c> generates the whole catalogue (with its compiled readers on request), and it compiles.</summary>
public class CatalogueTests
{
    private const string Catalogue = """
        using KubeInformers;
        [assembly: GenerateBuiltInInformers(CompiledReaders = true)]
        """;

    [Fact]
    public void WholeCatalogueCompilesWithoutErrorsOrWarningsAndExposesWellKnownAccessors()
    {
        const string usage = """
            using TestApp;
            public static class Usage
            {
                public static object[] Use(InformerFactory f) =>
                [
                    f.Core.V1.Pods, f.Core.V1.Nodes, f.Core.V1.Events, f.Core.V1.ConfigMaps, f.Apps.V1.Deployments,
                    f.Apps.V1.StatefulSets, f.Batch.V1.CronJobs, f.Networking.V1.Ingresses, f.Networking.V1.NetworkPolicies,
                    f.Rbac.V1.ClusterRoles, f.Events.V1.Events, f.Autoscaling.V2.HorizontalPodAutoscalers,
                    f.Apiextensions.V1.CustomResourceDefinitions, f.Coordination.V1.Leases, f.Resource.V1.ResourceClaims,
                ];
            }
            """;
        var run = TestCompilation.Run(Catalogue, usage).AssertClean();
        Assert.Equal(93 + 4, run.Sources.Count); // one file per resource, plus the factory, the compiled readers, the deep copies and the RBAC manifest
        var readers = run.Sources["KubeInformers.CompiledReaders.g.cs"];
        Assert.Equal(93, readers.Split("CompiledReaderRegistry.Register<").Length - 1);
    }

    [Fact]
    public void ExplicitDeclarationMergesWithTheCatalogueAndAddsItsIndexes()
    {
        const string source = """
            using k8s.Models;
            using KubeInformers;
            [assembly: GenerateBuiltInInformers]
            [assembly: GenerateInformer(typeof(V1Pod))]
            [assembly: InformerIndex(typeof(V1Pod), "byNode", "spec.nodeName")]
            """;
        var run = TestCompilation.Run(source).AssertClean();
        Assert.Equal(97, run.Sources.Count); // 95 + the deep copies and the RBAC manifest
        Assert.Contains("ByNode(string value)", run.Sources["TestApp.Informers.Core.V1.PodInformer.g.cs"]);
    }

    [Theory]
    [InlineData("[assembly: GenerateBuiltInInformers]")]
    [InlineData("[assembly: GenerateBuiltInInformers(CompiledReaders = false)]")]
    public void CompiledReadersOfTheCatalogueAreOptInWhileExplicitDeclarationsKeepTheirs(string catalogue)
    {
        var source = $"""
            using k8s.Models;
            using KubeInformers;
            {catalogue}
            [assembly: GenerateInformer(typeof(V1Pod))]
            """;
        var run = TestCompilation.Run(source).AssertClean();
        Assert.Equal(97, run.Sources.Count); // 95 + the deep copies and the RBAC manifest
        var readers = run.Sources["KubeInformers.CompiledReaders.g.cs"];
        Assert.Equal(1, readers.Split("CompiledReaderRegistry.Register<").Length - 1);
        Assert.Contains("Register<global::k8s.Models.V1Pod>", readers);
    }

    [Fact]
    public void TheCatalogueAloneEmitsNoReadersUnlessAskedFor()
    {
        var run = TestCompilation.Run("[assembly: KubeInformers.GenerateBuiltInInformers]").AssertClean();
        Assert.Equal(93 + 3, run.Sources.Count); // one file per resource, the factory, the deep copies and the RBAC manifest
        Assert.DoesNotContain("KubeInformers.CompiledReaders.g.cs", run.Sources.Keys);
    }
}
