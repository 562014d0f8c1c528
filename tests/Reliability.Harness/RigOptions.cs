namespace KubeInformers.Reliability.Harness;

/// <summary>
/// How a <see cref="ReliabilityRig"/> is built: the informers, the objects present before they start, the emulator's
/// settings and the reflectors' timings. The convergence property uses <see cref="Convergence"/> (short timings, small
/// pages, everything recorded); the soak uses <see cref="Soak"/> (many objects, realistic timings, nothing kept that
/// grows with time).
/// </summary>
public sealed record RigOptions
{
    /// <summary>The informers, each with its own client and a checking handler.</summary>
    public required IReadOnlyList<InformerSpec> Specs { get; init; }

    /// <summary>Objects seeded before the informers start.</summary>
    public int InitialObjects { get; init; }

    /// <summary>Bytes of filler data in every object the rig writes (a realistic object size for the soak).</summary>
    public int PayloadBytes { get; init; }

    /// <summary>Whether lists are served from the emulator's watch cache (false: paged lists at an exact version, as without one).</summary>
    public bool ServeListsFromWatchCache { get; init; } = true;

    /// <summary>The emulator's bookmark interval.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long the emulator keeps history (null: its default).</summary>
    public TimeSpan? HistoryMaxAge { get; init; }

    /// <summary>Reflector backoff start and cap.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <inheritdoc cref="InitialBackoff"/>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Reflector watchdog: a watch silent this long is declared dead.</summary>
    public TimeSpan WatchIdleTimeout { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Shortest server-side watch timeout the reflectors ask for.</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A settle step's bound (<see cref="SettleStep.Milliseconds"/>, 5–250 ms) is multiplied by this. The generated bounds
    /// were chosen against reflector timings of 10 → 200 ms backoff and a 2 s watchdog; the convergence rig runs 4–10×
    /// shorter timings, so its settles are scaled by ¼ to keep a settle's length in proportion to them (the scenario,
    /// its seeds and its steps are unchanged; a settle still ends early once every informer has caught up).
    /// </summary>
    public double SettleScale { get; init; } = 0.25;

    /// <summary>Log lines kept for a failure report.</summary>
    public int LogCapacity { get; init; } = 600;

    /// <summary>
    /// Whether the rig keeps what grows with time: each request's log, every deleted key, the per-key journal of writes,
    /// wire events and deliveries. On for the convergence property (a failure explains itself), off for the soak.
    /// </summary>
    public bool Record { get; init; } = true;

    /// <summary>Deadline of the initial sync.</summary>
    public TimeSpan SyncDeadline { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The six informers of the convergence property (see docs/reliability.md).</summary>
    public static readonly InformerSpec[] ConvergenceSpecs =
    [
        new("all-paged", null, null, Streaming: false, PageSize: 3, ResyncHandler: true),
        new("ns-b-stream", "rel-b", null, Streaming: true, PageSize: 500),
        new("gold-paged", null, "tier=gold", Streaming: false, PageSize: 2),
        new("all-stream", null, null, Streaming: true, PageSize: 3),
        new("ns-a-gold", "rel-a", "tier=gold", Streaming: false, PageSize: 1),
        new("factory-ns-c", "rel-c", null, Streaming: false, PageSize: 1, ViaFactory: true),
    ];

    /// <summary>The soak's informers: all namespaces list+watch, gold with a streaming list, one namespace.</summary>
    public static readonly InformerSpec[] SoakSpecs =
    [
        new("all", null, null, Streaming: false, PageSize: 500),
        new("gold", null, "tier=gold", Streaming: true, PageSize: 500),
        new("ns-b", "rel-b", null, Streaming: false, PageSize: 500),
    ];

    /// <summary>The convergence property's rig for a scenario with <paramref name="initialObjects"/> objects.</summary>
    public static RigOptions Convergence(int initialObjects, bool withoutWatchCache) => new()
    {
        Specs = ConvergenceSpecs,
        InitialObjects = initialObjects,
        ServeListsFromWatchCache = !withoutWatchCache,
    };

    /// <summary>The soak's rig: <paramref name="objects"/> objects of ~200 bytes, history kept 20 s, realistic reflector timings.</summary>
    public static RigOptions Soak(int objects) => new()
    {
        Specs = SoakSpecs,
        InitialObjects = objects,
        PayloadBytes = 200,
        BookmarkInterval = TimeSpan.FromSeconds(5),
        // History kept 20 s (the real watch cache keeps 75 s): the emulator's own memory reaches its plateau within the
        // first sample periods, so the heap figures show the informers' trend rather than the server's warm-up.
        HistoryMaxAge = TimeSpan.FromSeconds(20),
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromSeconds(2),
        WatchIdleTimeout = TimeSpan.FromSeconds(20),
        MinWatchTimeout = TimeSpan.FromSeconds(30),
        LogCapacity = 300,
        Record = false,
        SyncDeadline = TimeSpan.FromMinutes(2),
    };
}
