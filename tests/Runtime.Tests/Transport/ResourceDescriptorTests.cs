using k8s.Models;

namespace KubeInformers.Tests.Transport;

public sealed class ResourceDescriptorTests
{
    [Fact]
    public void Collection_paths_follow_the_API_layout_for_core_and_named_groups()
    {
        var pods = new ResourceDescriptor("", "v1", "pods", "Pod", true);
        var deployments = ResourceDescriptor.ForEntity<V1Deployment>(namespaced: true);
        var nodes = ResourceDescriptor.ForEntity<V1Node>(namespaced: false);

        Assert.Equal("api/v1/pods", pods.CollectionPath());
        Assert.Equal("api/v1/namespaces/kube-system/pods", pods.CollectionPath("kube-system"));
        Assert.Equal("apis/apps/v1/namespaces/ns1/deployments", deployments.CollectionPath("ns1"));
        Assert.Equal("api/v1/nodes", nodes.CollectionPath("ignored-for-cluster-scoped"));
        Assert.Equal(("apps/v1", "deployments.apps", "Deployment"), (deployments.ApiVersion, deployments.GroupResource, deployments.Kind));
    }

    [Fact]
    public void A_type_without_a_usable_KubernetesEntity_attribute_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ResourceDescriptor.ForEntity<string>(true));
        Assert.Throws<ArgumentException>(() => ResourceDescriptor.ForEntity<V1Scale>(true)); // no plural: a sub-resource
    }
}
