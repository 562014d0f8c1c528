using k8s.Models;
using KubeInformers;

// Built-ins declared at assembly level, with a path index and a method index on Pods.
[assembly: GenerateInformer(typeof(V1Deployment))]
[assembly: GenerateInformer(typeof(V1Pod))]
[assembly: GenerateInformer(typeof(V1Namespace))]
[assembly: InformerIndex(typeof(V1Pod), "byNode", "spec.nodeName")]
[assembly: InformerIndex(typeof(V1Pod), "byImage", "spec.containers.image")]

namespace KubeInformers.Generator.IntegrationTests.Model;

/// <summary>Index functions computed by code.</summary>
public static class PodIndexFunctions
{
    /// <summary>The UIDs of a pod's owners.</summary>
    [InformerIndexFunction("byOwner")]
    public static IEnumerable<string> OwnerUids(V1Pod pod)
        => pod.Metadata?.OwnerReferences?.Select(o => o.Uid) ?? [];
}
