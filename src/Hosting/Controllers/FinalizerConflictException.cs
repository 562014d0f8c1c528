namespace KubeInformers.Hosting.Controllers;

/// <summary>A finalizer patch kept conflicting (409) with other writers; the reconcile fails and is retried with backoff.</summary>
public sealed class FinalizerConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FinalizerConflictException(string finalizer, string key, int attempts, Exception? innerException = null)
        : base($"Finalizer '{finalizer}' on {key}: the object kept changing; gave up after {attempts} conflicting patch(es).", innerException)
    {
        Finalizer = finalizer;
        Key = key;
        Attempts = attempts;
    }

    /// <summary>The finalizer.</summary>
    public string Finalizer { get; }

    /// <summary>The object's cache key.</summary>
    public string Key { get; }

    /// <summary>How many patches were tried.</summary>
    public int Attempts { get; }
}
