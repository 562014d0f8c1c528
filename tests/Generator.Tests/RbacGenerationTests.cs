using KubeInformers.Generator.Tests.Infrastructure;

namespace KubeInformers.Generator.Tests;

/// <summary>
/// The RBAC manifest follows the code: informers give list and watch; the toolkit's StatusUpdater&lt;T&gt;, Finalizer&lt;T&gt;
/// and EventRecorder give the verbs they write with; look-alike types of other namespaces give nothing. The toolkit types
/// are declared here with their real namespaces (the generator recognises them by namespace and name).
/// </summary>
public class RbacGenerationTests
{
    private static readonly string CronTabSample = File.ReadAllText(Path.Combine(TestCompilation.RepositoryRoot, "samples", "CronTabController", "CronTab.cs"));

    private const string Toolkit = """
        namespace KubeInformers.Hosting.Controllers
        {
            public sealed class StatusUpdater<T> { }
            public sealed class Finalizer<T> { }
        }
        namespace KubeInformers.Hosting.Events
        {
            public sealed class EventRecorder { }
        }
        """;

    private const string Writer = """
        using KubeInformers.Hosting.Controllers;
        using KubeInformers.Hosting.Events;
        using CronTabController;

        namespace TestApp;

        public sealed class CronTabWriter
        {
            private readonly StatusUpdater<CronTab> _status = new();
            private readonly Finalizer<k8s.Models.V1ConfigMap> _finalizer = new();
            public CronTabWriter(EventRecorder recorder) { }
        }
        """;

    [Fact]
    public void StatusUpdaterFinalizerAndEventRecorderAddTheirRules()
    {
        var run = TestCompilation.Run(CronTabSample, Toolkit, Writer).AssertClean();
        CrdGenerationTests.VerifyManifest("rbac.writes.yaml", Rbac(run));
    }

    [Fact]
    public void WithoutToolkitTypesTheRoleOnlyListsAndWatches()
    {
        var yaml = Rbac(TestCompilation.Run(CronTabSample, Toolkit).AssertClean());

        Assert.DoesNotContain("crontabs/status", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("- update", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("events.k8s.io", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void LookAlikeTypesInOtherNamespacesAddNothing()
    {
        const string lookAlikes = """
            namespace Other
            {
                public sealed class StatusUpdater<T> { }
                public sealed class EventRecorder { }
                public sealed class User { private readonly StatusUpdater<CronTabController.CronTab> _s = new(); public User(EventRecorder r) { } }
            }
            """;

        var yaml = Rbac(TestCompilation.Run(CronTabSample, lookAlikes).AssertClean());

        Assert.DoesNotContain("crontabs/status", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("events.k8s.io", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusRulesNameTheStatusSubresourceWithGetUpdateAndPatch()
    {
        var yaml = Rbac(TestCompilation.Run(CronTabSample, Toolkit, Writer).AssertClean());

        Assert.Contains("""
            - apiGroups:
              - stable.example.com
              resources:
              - crontabs/status
              verbs:
              - get
              - patch
              - update
            """.Replace("\r\n", "\n", StringComparison.Ordinal), yaml, StringComparison.Ordinal);
        Assert.Contains("""
            - apiGroups:
              - events.k8s.io
              resources:
              - events
              verbs:
              - create
              - patch
            """.Replace("\r\n", "\n", StringComparison.Ordinal), yaml, StringComparison.Ordinal);
    }

    private static string Rbac(GeneratorRun run) => CrdGenerationTests.ConstString(run.Sources["TestApp.InformerRbac.g.cs"], "Yaml");
}
