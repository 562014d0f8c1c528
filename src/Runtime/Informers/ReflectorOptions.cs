namespace KubeInformers;

/// <summary>
/// Options of a <see cref="Reflector{T}"/>. Defaults follow client-go. Set them before the reflector starts (the factory's
/// <see cref="SharedInformerFactoryOptions.Reflector"/> before its informers are created): one instance may serve many
/// reflectors, and changes afterwards are not supported.
/// </summary>
public sealed class ReflectorOptions
{
    /// <summary>Page size of the initial list (500). Null or 0 lists in one request.</summary>
    public int? PageSize { get; set; } = 500;
    /// <summary>Minimum server-side watch timeout; each watch picks a random timeout in [min, 2·min] (5 min).</summary>
    public TimeSpan MinWatchTimeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// First backoff delay after a failure (800 ms); it doubles, with jitter, up to <see cref="MaxBackoff"/>. Used for
    /// 429, 5xx, refused or dropped connections, timeouts, undecodable lines and silent watches, unless the server sent
    /// Retry-After (then that is waited, plus up to 10 %). 410 Expired and a clean watch end need no wait.
    /// </summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(800);
    /// <summary>Largest backoff delay (30 s).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The backoff starts over after this long without a backoff (2 min); it also starts over as soon as a watch delivers an event.</summary>
    public TimeSpan BackoffReset { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>A watch that delivers nothing (not even a bookmark) for this long is presumed dead and restarted. Null disables the watchdog.</summary>
    public TimeSpan? WatchIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Use a streaming list (<c>sendInitialEvents</c>) instead of list + watch, falling back when the server does not support it.</summary>
    public bool UseStreamingList { get; set; }
    /// <summary>
    /// How long to wait for the server to answer a watch request (its status line and headers) before giving up and
    /// retrying with backoff (1 min). Null: no limit. The <see cref="WatchIdleTimeout"/> takes over once the watch is open.
    /// </summary>
    public TimeSpan? WatchStartTimeout { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>
    /// How long one list request (one page, body included) may take before it is cancelled and retried with backoff
    /// (100 s, like KubernetesClient's default). Measured on the reflector's <see cref="TimeProvider"/>, so it bounds any
    /// <see cref="IListWatch{T}"/> (it is the only list timeout: <see cref="HttpListWatch{T}"/> has none of its own) and a fake clock drives it. Null: no limit.
    /// </summary>
    public TimeSpan? ListTimeout { get; set; } = TimeSpan.FromSeconds(100);
}
