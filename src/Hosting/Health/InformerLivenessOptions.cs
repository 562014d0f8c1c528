namespace KubeInformers.Hosting.Health;

/// <summary>When the liveness check declares an informer dead.</summary>
public sealed class InformerLivenessOptions
{
    /// <summary>
    /// An informer whose list/watch has kept failing (<see cref="ISharedInformer.LastError"/> set, never cleared by a
    /// success) for this long is unhealthy (5 minutes; the reflector backs off up to 30 s between attempts, so this is
    /// about ten failed attempts in a row).
    /// </summary>
    public TimeSpan FailureThreshold { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// An informer that has received nothing (no list, event or bookmark; <see cref="ISharedInformer.LastActivity"/>) for
    /// this long is unhealthy. Null (the default) disables the check: the API server does not promise bookmarks, so a
    /// healthy watch of a quiet resource can be silent for hours. Set it for resources that change often.
    /// </summary>
    public TimeSpan? SilenceThreshold { get; set; }

    /// <summary>How often the hosted service samples informer errors between health probes (5 s).</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);
}
