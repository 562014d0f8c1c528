namespace KubeInformers;

/// <summary>
/// Gives a custom resource version the scale subresource (<c>subresources.scale</c>), so <c>kubectl scale</c> and the
/// HorizontalPodAutoscaler can drive it. Paths are JSON paths in the resource, as the API server expects them.
/// </summary>
/// <code>
/// [ScaleSubresource(".spec.replicas", ".status.replicas", LabelSelectorPath = ".status.selector")]
/// </code>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ScaleSubresourceAttribute : Attribute
{
    /// <summary>Declares the scale subresource.</summary>
    /// <param name="specReplicasPath">Where the desired replicas live, under <c>.spec</c>, e.g. <c>.spec.replicas</c>.</param>
    /// <param name="statusReplicasPath">Where the observed replicas live, under <c>.status</c>, e.g. <c>.status.replicas</c>.</param>
    public ScaleSubresourceAttribute(string specReplicasPath, string statusReplicasPath)
    {
        SpecReplicasPath = specReplicasPath;
        StatusReplicasPath = statusReplicasPath;
    }

    /// <summary>The JSON path of the desired replicas (<c>specReplicasPath</c>).</summary>
    public string SpecReplicasPath { get; }

    /// <summary>The JSON path of the observed replicas (<c>statusReplicasPath</c>).</summary>
    public string StatusReplicasPath { get; }

    /// <summary>The JSON path of the serialized label selector under <c>.status</c> (<c>labelSelectorPath</c>), or null.</summary>
    public string? LabelSelectorPath { get; set; }
}
