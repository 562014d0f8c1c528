namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// A server-side apply was refused (409) because another field manager owns some of the applied fields with a different
/// value, and the apply was not forced. Retrying the same apply cannot succeed: force it (take ownership), or stop
/// applying those fields. The reconcile fails and is retried with backoff.
/// </summary>
public sealed class FieldManagerConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="key">The object's cache key.</param>
    /// <param name="fieldManager">The manager that applied.</param>
    /// <param name="conflicts">The server's conflict causes (field path and the manager that owns it).</param>
    /// <param name="innerException">The API error.</param>
    public FieldManagerConflictException(string key, string fieldManager, IReadOnlyList<string> conflicts, Exception? innerException = null)
        : base($"Apply of {key} as field manager '{fieldManager}' conflicts with other managers' fields: {string.Join("; ", conflicts)}. "
            + "Set ForceApply to take ownership of them, or leave them out of the applied object.", innerException)
    {
        Key = key;
        FieldManager = fieldManager;
        Conflicts = conflicts;
    }

    /// <summary>The object's cache key.</summary>
    public string Key { get; }

    /// <summary>The manager that applied.</summary>
    public string FieldManager { get; }

    /// <summary>One entry per conflicting field: <c>.status.phase: conflict with "other" using v1</c>.</summary>
    public IReadOnlyList<string> Conflicts { get; }
}
