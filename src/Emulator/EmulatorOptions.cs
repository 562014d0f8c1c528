using Microsoft.Extensions.Logging;

namespace KubeInformers.Emulator;

/// <summary>
/// Settings of a <see cref="KubernetesEmulator"/>. Read once at start; changing them afterwards has no effect.
/// Defaults follow a real API server where that keeps tests fast (see each property).
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 (the default) picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>When set, every API request must carry <c>Authorization: Bearer {Token}</c>, else 401 Unauthorized.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// Token the admin endpoint (<c>/emulator/…</c>, fault injection) requires as <c>Authorization: Bearer …</c>. When
    /// null, the admin endpoint requires <see cref="Token"/> if that is set, and nothing otherwise.
    /// </summary>
    public string? AdminToken { get; set; }

    /// <summary>
    /// Serve HTTPS with a self-signed certificate (its own CA; the created client and the written kubeconfig trust it).
    /// kubectl sends a bearer token only over HTTPS, so a <see cref="Token"/> needs TLS to be usable from kubectl.
    /// </summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// With <see cref="UseTls"/>: a directory holding the serving certificate (<c>tls.crt</c>, <c>tls.key</c>). It is
    /// created there on first start and reused afterwards, so clients that trust it can reconnect after a restart of the
    /// process. Null (the default): a new certificate at every start.
    /// </summary>
    public string? CertificateDirectory { get; set; }

    /// <summary>
    /// Most history events kept per resource for watch resume and consistent (exact/continue) lists. Older ones are
    /// compacted: resuming before them gives 410 Expired. Default 10,000.
    /// </summary>
    public int HistoryMaxEvents { get; set; } = 10_000;

    /// <summary>Events kept per resource regardless of age (the real watch cache keeps at least 100). Default 100.</summary>
    public int HistoryMinEvents { get; set; } = 100;

    /// <summary>Events older than this are compacted once more than <see cref="HistoryMinEvents"/> are held. Default 75 s (the real watch cache's horizon).</summary>
    public TimeSpan HistoryMaxAge { get; set; } = TimeSpan.FromSeconds(75);

    /// <summary>How often a watch with <c>allowWatchBookmarks=true</c> gets a BOOKMARK. Default 1 minute, like the real server.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a list at a resourceVersion newer than the server's waits for it before failing with 504
    /// "Too large resource version" (the real server waits about 3 s). Default 3 s.
    /// </summary>
    public TimeSpan TooLargeResourceVersionWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How far (in events) a watcher may fall behind the newest event of its resource before it is closed with a
    /// 410 Expired ERROR event, like the real server closes a watcher whose buffer is full. Default 10,000.
    /// </summary>
    public int MaxWatcherLag { get; set; } = 10_000;

    /// <summary>
    /// Serve lists the way an API server with its watch cache does (default true): a list at resourceVersion "0" is
    /// answered whole from the cache, ignoring <c>limit</c>. False behaves like a server started with
    /// <c>--watch-cache=false</c> (or a resource whose cache is off): a list at "0" is read from storage and honours
    /// <c>limit</c>, so a client's first list comes back paginated. A client-go style reflector then paginates its
    /// relists at an exact resourceVersion too, and the server reads those at exactly that version: 410 Gone
    /// ("The resourceVersion for the provided list is too old.") once it is compacted. Either way, a paginated list at
    /// an exact version is read at that version, and an unpaginated one returns the newest state. Watches (with their
    /// bookmarks and <c>sendInitialEvents</c>) are the same either way.
    /// </summary>
    public bool ServeListsFromWatchCache { get; set; } = true;

    /// <summary>
    /// Largest request body accepted, in bytes; a bigger one is answered 413 <c>RequestEntityTooLarge</c> and nothing is
    /// stored. Default 3 MiB, the real API server's limit.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>The clock for timestamps, history ageing, bookmarks and timeouts. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Logger factory for the emulator's own diagnostics (never object contents). Default: none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Create the namespaces <c>default</c>, <c>kube-system</c>, <c>kube-public</c> and <c>kube-node-lease</c> at start. Default true.</summary>
    public bool CreateDefaultNamespaces { get; set; } = true;
}
