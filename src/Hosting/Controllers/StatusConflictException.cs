namespace KubeInformers.Hosting.Controllers;

/// <summary>A status update kept conflicting (409) with other writers; the reconcile fails and is retried with backoff.</summary>
public sealed class StatusConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StatusConflictException(string key, int attempts, Exception? innerException = null)
        : base($"Status of {key}: the object kept changing; gave up after {attempts} conflicting update(s).", innerException)
    {
        Key = key;
        Attempts = attempts;
    }

    /// <summary>The object's cache key.</summary>
    public string Key { get; }

    /// <summary>How many updates were tried.</summary>
    public int Attempts { get; }
}
