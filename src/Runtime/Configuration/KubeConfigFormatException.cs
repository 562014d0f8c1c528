namespace KubeInformers;

/// <summary>
/// A kubeconfig file that is not valid YAML or JSON. The message names the file and the line;
/// <see cref="Exception.InnerException"/> carries the parser's own exception when there is one.
/// </summary>
public sealed class KubeConfigFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> at <paramref name="line"/> (1-based; 0 when unknown).</summary>
    public KubeConfigFormatException(string filePath, int line, string problem, Exception? innerException = null)
        : base(line > 0 ? $"The kubeconfig file '{filePath}' is malformed at line {line}: {problem}" : $"The kubeconfig file '{filePath}' is malformed: {problem}", innerException)
    {
        FilePath = filePath;
        Line = line;
    }

    /// <summary>The kubeconfig file's full path.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line where the problem is, or 0 when the parser did not say.</summary>
    public int Line { get; }
}
