using k8s.Models;
using KubeInformers.Generator.IntegrationTests.Model;
using KubeInformers.Generator.IntegrationTests.Informers.Apps.V1;
using KubeInformers.Generator.IntegrationTests.Informers.Core.V1;

namespace KubeInformers.Generator.IntegrationTests;

/// <summary>The generated API compiled by the real build (generator as an analyzer) and its index functions, without a server.</summary>
public class GeneratedShapeTests
{
    [Fact]
    public void ResourceDescriptorsCarryGroupVersionPluralKindAndScope()
    {
        Assert.Equal(new ResourceDescriptor("stable.example.com", "v1", "crontabs", "CronTab", true), CronTabInformer.Resource);
        Assert.Equal(new ResourceDescriptor("", "v1", "pods", "Pod", true), PodInformer.Resource);
        Assert.Equal(new ResourceDescriptor("apps", "v1", "deployments", "Deployment", true), DeploymentInformer.Resource);
        Assert.Equal(new ResourceDescriptor("", "v1", "namespaces", "Namespace", false), NamespaceInformer.Resource);
    }

    [Fact]
    public void FactoryExposesGroupVersionResourceProperties()
    {
        Assert.Equal(typeof(CronTabInformer), typeof(InformerFactory.StableV1Informers).GetProperty("CronTabs")!.PropertyType);
        Assert.Equal(typeof(DeploymentInformer), typeof(InformerFactory.AppsV1Informers).GetProperty("Deployments")!.PropertyType);
        Assert.Equal(typeof(PodInformer), typeof(InformerFactory.CoreV1Informers).GetProperty("Pods")!.PropertyType);
        Assert.True(typeof(SharedInformerFactory).IsAssignableFrom(typeof(InformerFactory)));
    }

    [Fact]
    public void ClusterScopedResourcesGetNoNamespaceLister()
    {
        Assert.Null(typeof(NamespaceLister).GetMethod("Namespace"));
        Assert.NotNull(typeof(NamespaceLister).GetMethod("Get", [typeof(string)]));
        Assert.NotNull(typeof(PodLister).GetMethod("Namespace"));
        Assert.Null(typeof(InformerFactory).Assembly.GetType("KubeInformers.Generator.IntegrationTests.Informers.Core.V1.NamespaceNamespaceLister"));
    }

    [Fact]
    public void PathIndexReadsNestedValue()
    {
        Assert.Equal(["node-1"], PodIndexes.IndexByNode(Objects.Pod("ns", "a", node: "node-1")));
        Assert.Empty(PodIndexes.IndexByNode(Objects.Pod("ns", "a", node: null)));
        Assert.Empty(PodIndexes.IndexByNode(new V1Pod()));
    }

    [Fact]
    public void ListPathIndexIsMultiValued()
    {
        Assert.Equal(["nginx", "redis"], PodIndexes.IndexByImage(Objects.Pod("ns", "a", images: ["nginx", "redis"])));
        Assert.Equal(["a", "b"], CronTabIndexes.IndexByImage(Objects.CronTab("ns", "c", "* * * * *", null, null, "a", "b")));
        Assert.Empty(CronTabIndexes.IndexByImage(new CronTab()));
    }

    [Fact]
    public void MapPathIndexReadsALabelWhoseKeyHasDotsAndSlashes()
    {
        Assert.Equal(["blue"], CronTabIndexes.IndexByTeam(Objects.CronTab("ns", "c", "x", team: "blue")));
        Assert.Empty(CronTabIndexes.IndexByTeam(Objects.CronTab("ns", "c", "x")));
    }

    [Fact]
    public void NumberIndexIsFormattedInvariantly()
    {
        var culture = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("ar-SA");
            Assert.Equal(["12345"], CronTabIndexes.IndexByReplicas(Objects.CronTab("ns", "c", "x", replicas: 12345)));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }

    [Fact]
    public void MethodIndexCallsTheUserFunction()
    {
        Assert.Equal(["uid-1"], PodIndexes.IndexByOwner(Objects.Pod("ns", "a", ownerUid: "uid-1")));
        Assert.Equal(PodIndexes.ByOwner, "byOwner");
        Assert.Equal(["byImage", "byNode", "byOwner"], PodIndexes.Indexers.Keys.Order(StringComparer.Ordinal));
    }
}
