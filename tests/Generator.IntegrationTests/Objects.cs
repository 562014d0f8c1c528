using k8s.Models;
using KubeInformers.Generator.IntegrationTests.Model;

namespace KubeInformers.Generator.IntegrationTests;

/// <summary>Builders of test objects.</summary>
internal static class Objects
{
    public static V1Pod Pod(string ns, string name, string? node = null, string[]? images = null, string? ownerUid = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            ResourceVersion = "1",
            OwnerReferences = ownerUid is null ? null : [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = ownerUid }],
        },
        Spec = new V1PodSpec
        {
            NodeName = node,
            Containers = (images ?? ["nginx"]).Select((image, i) => new V1Container { Name = "c" + i, Image = image }).ToList(),
        },
    };

    public static CronTab CronTab(string ns, string name, string schedule, int? replicas = null, string? team = null, params string[] images) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Labels = team is null ? null : new Dictionary<string, string> { ["example.com/team"] = team },
        },
        Spec = new CronTabSpec { CronSpec = schedule, Replicas = replicas, Images = [.. images] },
    };
}
