namespace KubeInformers;

/// <summary>
/// Thrown inside the fast kubeconfig loader when the document uses a construct outside the subset it reads (anchors,
/// tags, block scalars, flow collections, several documents, duplicate keys, a value shape the model does not
/// expect). Never escapes <see cref="KubeConfig"/>: it makes the loader fall back to KubernetesClient's own YAML
/// loader for that file, or, under Native AOT where that loader cannot run, becomes the public
/// <see cref="KubeConfigNotSupportedException"/>.
/// </summary>
internal sealed class KubeConfigBeyondSubsetException(string reason, int line) : Exception($"line {line}: {reason}")
{
    public string Reason { get; } = reason;

    public int Line { get; } = line;
}
