using System.ComponentModel.DataAnnotations;
using k8s;
using k8s.Models;

namespace KubeInformers.Hosting.Tests.Crds;

/// <summary>A custom resource whose CRD the generator emits into this assembly (gadgets.crd.kubeinformers.io/v1, namespaced).</summary>
[KubernetesEntity(Group = "crd.kubeinformers.io", ApiVersion = "v1", Kind = "Gadget", PluralName = "gadgets")]
[GenerateInformer]
public sealed class Gadget : IKubernetesObject<V1ObjectMeta>
{
    /// <inheritdoc/>
    public string ApiVersion { get; set; } = "crd.kubeinformers.io/v1";

    /// <inheritdoc/>
    public string Kind { get; set; } = "Gadget";

    /// <inheritdoc/>
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What the user asks for.</summary>
    public GadgetSpec Spec { get; set; } = new();

    /// <summary>What was observed.</summary>
    public GadgetStatus? Status { get; set; }
}

/// <summary>The desired gadget.</summary>
public sealed class GadgetSpec
{
    /// <summary>How many.</summary>
    [Range(1, 5)]
    public int Count { get; set; } = 1;

    /// <summary>A label.</summary>
    [MaxLength(10)]
    public string? Label { get; set; }
}

/// <summary>The observed gadget.</summary>
public sealed class GadgetStatus
{
    /// <summary>The phase.</summary>
    public string? Phase { get; set; }
}
