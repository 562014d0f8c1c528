namespace KubeInformers;

/// <summary>
/// The result of one reflector step, the input of <see cref="ReflectorTransition.Next"/>: a plain value, so a test can
/// build any outcome without a server. The factory methods classify exceptions with <see cref="ReflectorFailures"/>.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Failure">The failure class, <see cref="ReflectorFailure.None"/> for a success or a clean watch end.</param>
/// <param name="Error">The exception, if any (reported to the error handler and <see cref="Reflector{T}.LastError"/>).</param>
/// <param name="RetryAfter">How long the server asked to wait (Retry-After), if it did.</param>
/// <param name="StatusCode">The HTTP status of an API error.</param>
/// <param name="Events">Watch events (bookmarks included) the watch delivered.</param>
/// <param name="Duration">How long the watch was open.</param>
/// <param name="Synced">A streaming list reached its initial-events-end bookmark and replaced the store.</param>
/// <param name="Paginated">A list at resourceVersion "0" came back in pages (the server's watch cache is off).</param>
/// <param name="ResourceVersion">The resourceVersion the failed list asked for.</param>
internal readonly record struct ReflectorOutcome(
    ReflectorOutcomeKind Kind,
    ReflectorFailure Failure = ReflectorFailure.None,
    Exception? Error = null,
    TimeSpan? RetryAfter = null,
    int? StatusCode = null,
    int Events = 0,
    TimeSpan Duration = default,
    bool Synced = false,
    bool Paginated = false,
    string? ResourceVersion = null)
{
    /// <summary>A list succeeded.</summary>
    public static ReflectorOutcome Listed(bool paginated) => new(ReflectorOutcomeKind.Listed, Paginated: paginated);

    /// <summary>A list at <paramref name="resourceVersion"/> failed with <paramref name="error"/>.</summary>
    public static ReflectorOutcome ListFailed(Exception error, string resourceVersion) =>
        Failed(ReflectorOutcomeKind.ListFailed, error, ReflectorFailures.Classify(error)) with { ResourceVersion = resourceVersion };

    /// <summary>A watch request failed with <paramref name="error"/>.</summary>
    public static ReflectorOutcome WatchStartFailed(Exception error) =>
        Failed(ReflectorOutcomeKind.WatchStartFailed, error, ReflectorFailures.Classify(error));

    /// <summary>A watch ended cleanly.</summary>
    public static ReflectorOutcome WatchClosed(int events, TimeSpan duration, bool synced = false) =>
        new(ReflectorOutcomeKind.WatchEnded, Events: events, Duration: duration, Synced: synced);

    /// <summary>A watch ended with <paramref name="error"/> of class <paramref name="failure"/> (by default, its classification).</summary>
    public static ReflectorOutcome WatchFailed(Exception error, int events, TimeSpan duration, bool synced = false, ReflectorFailure? failure = null) =>
        Failed(ReflectorOutcomeKind.WatchEnded, error, failure ?? ReflectorFailures.Classify(error)) with { Events = events, Duration = duration, Synced = synced };

    /// <summary>A backoff is over.</summary>
    public static ReflectorOutcome Waited() => new(ReflectorOutcomeKind.Waited);

    private static ReflectorOutcome Failed(ReflectorOutcomeKind kind, Exception error, ReflectorFailure failure) =>
        new(kind, failure, error, (error as KubernetesApiException)?.RetryAfter, (int?)(error as KubernetesApiException)?.StatusCode);
}
