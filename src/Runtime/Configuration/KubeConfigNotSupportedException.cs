namespace KubeInformers;

/// <summary>
/// A kubeconfig file that uses YAML beyond the subset <see cref="KubeConfig"/> reads itself (anchors, tags, block
/// scalars, flow collections, several documents, …), in a program published with Native AOT, where KubernetesClient's
/// own YAML loader (which reads the rest under JIT) cannot run. The message names the file, the line and the
/// construct, and what to do: write the file in plain YAML or JSON (<c>kubectl config view --flatten</c> does), or
/// build the client configuration another way. Never thrown under JIT.
/// </summary>
public sealed class KubeConfigNotSupportedException : NotSupportedException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>, whose <paramref name="construct"/> at <paramref name="line"/> (1-based; 0 when unknown) is outside the subset.</summary>
    public KubeConfigNotSupportedException(string filePath, int line, string construct)
        : base($"The kubeconfig file '{filePath}' has{(line > 0 ? $" at line {line}" : "")} YAML that KubeInformers' kubeconfig reader does not read ({construct}), " +
            "and KubernetesClient's YAML loader, which reads the rest, cannot run under Native AOT. Write the file in plain YAML " +
            "(block mappings and sequences, plain or quoted scalars, as `kubectl config view --flatten` prints it) or as JSON " +
            "(`kubectl config view --flatten -o json`), or build the KubernetesClientConfiguration yourself.")
    {
        FilePath = filePath;
        Line = line;
        Construct = construct;
    }

    /// <summary>The kubeconfig file's full path.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line of the construct, or 0 when the reader did not say.</summary>
    public int Line { get; }

    /// <summary>What the reader does not read, in words (for example <c>the indicator '&amp;'</c>).</summary>
    public string Construct { get; }
}
