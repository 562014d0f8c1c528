using k8s.Models;

namespace KubeInformers.Reliability.Harness;

/// <summary>What one informer of a run selects and how it lists.</summary>
public sealed record InformerSpec(string Name, string? Namespace, string? LabelSelector, bool Streaming, int? PageSize, bool ViaFactory = false, bool ResyncHandler = false)
{
    /// <summary>Whether <paramref name="obj"/> is in this informer's selection (the emulator's truth, filtered).</summary>
    public bool Selects(V1ConfigMap obj) =>
        (Namespace is null || obj.Metadata.NamespaceProperty == Namespace)
        && (LabelSelector is null || (obj.Metadata.Labels is { } l && l.TryGetValue("tier", out var t) && "tier=" + t == LabelSelector));
}
