using System.Text.Json;
using k8s.Models;

namespace KubeInformers.Benchmarks.Tests;

/// <summary>The benchmark's Pods repeat what a cluster's Pods repeat, and nothing else.</summary>
public sealed class RealisticPodsTests
{
    private static string Doc(V1Pod pod, string manager) => ((JsonElement)pod.Metadata.ManagedFields.Single(m => m.Manager == manager).FieldsV1).GetRawText();

    [Fact]
    public void Replica_sets_hold_3_to_10_pods_that_share_the_owner_and_the_controller_entry_and_nothing_a_kubelet_writes()
    {
        var pods = Enumerable.Range(0, 2_000).Select(i => RealisticPods.Create(i, PodMix.ReplicaSets)).ToList();
        var sets = pods.GroupBy(p => p.Metadata.OwnerReferences.Single().Uid).ToList();
        Assert.All(sets.SkipLast(1), s => Assert.InRange(s.Count(), 3, 10));
        foreach (var set in sets)
        {
            Assert.Single(set.Select(p => Doc(p, "kube-controller-manager")).Distinct());
            Assert.Single(set.Select(p => p.Metadata.Labels["pod-template-hash"]).Distinct());
            Assert.Contains(set.Key, Doc(set.First(), "kube-controller-manager"));
        }
        Assert.Equal(sets.Count, pods.Select(p => Doc(p, "kube-controller-manager")).Distinct().Count());

        // Unique per Pod: identity, addresses, times, container IDs and the kubelet's entry, keyed by the Pod's own IP.
        Assert.Equal(pods.Count, pods.Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name).Distinct().Count());
        Assert.Equal(pods.Count, pods.Select(p => p.Metadata.Uid).Distinct().Count());
        Assert.Equal(pods.Count, pods.Select(p => p.Status.PodIP).Distinct().Count());
        Assert.Equal(pods.Count, pods.Select(p => p.Status.HostIP).Distinct().Count());
        Assert.Equal(pods.Count, pods.Select(p => p.Status.StartTime).Distinct().Count());
        Assert.Equal(pods.Count * 2, pods.SelectMany(p => p.Status.ContainerStatuses.Select(c => c.ContainerID)).Distinct().Count());
        Assert.Equal(pods.Count, pods.Select(p => Doc(p, "kubelet")).Distinct().Count());
        Assert.All(pods, p => Assert.Contains("k:{\\\"ip\\\":\\\"" + p.Status.PodIP + "\\\"}", Doc(p, "kubelet")));

        // Shared cluster-wide: images and image IDs (one per app), nodes from a pool of 200.
        Assert.InRange(pods.SelectMany(p => p.Status.ContainerStatuses.Select(c => c.ImageID)).Distinct().Count(), 2, 9);
        Assert.InRange(pods.Select(p => p.Spec.NodeName).Distinct().Count(), 150, 200);
    }

    [Fact]
    public void All_unique_gives_every_pod_its_own_replica_set_so_no_managed_fields_document_repeats()
    {
        var pods = Enumerable.Range(0, 500).Select(i => RealisticPods.Create(i, PodMix.AllUnique)).ToList();
        Assert.Equal(pods.Count, pods.Select(p => p.Metadata.OwnerReferences.Single().Uid).Distinct().Count());
        Assert.Equal(pods.Count, pods.Select(p => Doc(p, "kube-controller-manager")).Distinct().Count());
        Assert.Equal(pods.Count, pods.Select(p => Doc(p, "kubelet")).Distinct().Count());
    }

    [Fact]
    public void The_same_index_gives_the_same_bytes_whatever_was_built_before()
    {
        var late = k8s.KubernetesJson.Serialize(RealisticPods.Create(12_345, PodMix.ReplicaSets));
        _ = RealisticPods.Create(400_000, PodMix.ReplicaSets);
        Assert.Equal(late, k8s.KubernetesJson.Serialize(RealisticPods.Create(12_345, PodMix.ReplicaSets)));
    }
}
