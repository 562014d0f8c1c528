namespace KubeInformers;

/// <summary>
/// A list body or watch line that is not valid JSON for the expected type (malformed, truncated, a value of the wrong
/// type). Nothing is lost: after a bad watch line the watch resumes from the last good resourceVersion; after a bad list
/// the list is retried with backoff.
/// </summary>
public sealed class KubernetesDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KubernetesDecodeException(string message, Exception? innerException = null) : base(message, innerException) { }
}
