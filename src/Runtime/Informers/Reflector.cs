using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace KubeInformers;

/// <summary>Options of a <see cref="Reflector{T}"/>. Defaults follow client-go.</summary>
public sealed record ReflectorOptions
{
    /// <summary>Page size of the initial list (500). Null or 0 lists in one request.</summary>
    public int? PageSize { get; init; } = 500;
    /// <summary>Minimum server-side watch timeout; each watch picks a random timeout in [min, 2·min] (5 min).</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>First backoff delay after a failure (800 ms); it doubles, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);
    /// <summary>Largest backoff delay (30 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The backoff resets after this long without a failure (2 min).</summary>
    public TimeSpan BackoffReset { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>A watch that delivers nothing (not even a bookmark) for this long is presumed dead and restarted. Null disables the watchdog.</summary>
    public TimeSpan? WatchIdleTimeout { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>Use a streaming list (<c>sendInitialEvents</c>) instead of list + watch, falling back when the server does not support it.</summary>
    public bool UseStreamingList { get; init; }
}

/// <summary>
/// Keeps a store in step with the API server: lists, then watches from the list's resourceVersion, relisting on 410 Expired
/// and backing off on failures, with client-go's semantics. One loop per reflector; the store is written only from it.
/// </summary>
public sealed class Reflector<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Creates a reflector.</summary>
    public Reflector(IListWatch<T> listWatch, IReflectorStore<T> store, ReflectorOptions? options = null,
        TimeProvider? timeProvider = null, ILogger? logger = null, string? name = null) => throw new NotImplementedException();

    /// <summary>A name for logs (the resource, usually).</summary>
    public string Name => throw new NotImplementedException();

    /// <summary>The resourceVersion of the last list, watch event or bookmark seen.</summary>
    public string? LastSyncResourceVersion => throw new NotImplementedException();

    /// <summary>The last list or watch error, or null after a success.</summary>
    public Exception? LastError => throw new NotImplementedException();

    /// <summary>When the last list, watch event or bookmark arrived.</summary>
    public DateTimeOffset? LastActivity => throw new NotImplementedException();

    /// <summary>Called on every list or watch error, before the reflector backs off or relists. Must not throw.</summary>
    public Action<Exception>? WatchErrorHandler { get; set; }

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled; never throws for server or network errors.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
