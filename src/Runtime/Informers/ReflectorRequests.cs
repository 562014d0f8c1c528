namespace KubeInformers;

/// <summary>
/// The list and watch requests a reflector sends in a given <see cref="ReflectorState"/>, with client-go's choices of
/// resourceVersion, page size and timeout. Pure and thread-safe.
/// </summary>
internal static class ReflectorRequests
{
    /// <summary>The resourceVersion a list asks for: "" after an expired/too-large version, else the last one seen, else "0" (the watch cache).</summary>
    public static string ListResourceVersion(ReflectorState state, string? lastResourceVersion) =>
        state.ResourceVersionUnavailable ? "" : lastResourceVersion ?? "0";

    /// <summary>
    /// The page size of a list at <paramref name="resourceVersion"/>: <paramref name="pageSize"/>, except for a list at an
    /// exact version, which the watch cache serves whole (paginating would bypass it), unless the first list showed the
    /// cache is off (<see cref="ReflectorState.ListsPaginated"/>).
    /// </summary>
    public static int? ListLimit(ReflectorState state, int? pageSize, string resourceVersion)
    {
        int? limit = pageSize is > 0 ? pageSize : null;
        return limit is not null && !state.ListsPaginated && resourceVersion is not ("" or "0") ? null : limit;
    }

    /// <summary>The watch for <paramref name="state"/>: a streaming list (<c>sendInitialEvents</c>, <c>NotOlderThan</c>) or a plain watch from the last version.</summary>
    public static WatchRequest Watch(ReflectorState state, string? lastResourceVersion, int timeoutSeconds) =>
        state.Step == ReflectorStep.StreamingInitialEvents
            ? new WatchRequest
            {
                ResourceVersion = state.ResourceVersionUnavailable ? "" : lastResourceVersion ?? "",
                ResourceVersionMatch = "NotOlderThan",
                SendInitialEvents = true,
                AllowWatchBookmarks = true,
                TimeoutSeconds = timeoutSeconds,
            }
            : new WatchRequest
            {
                ResourceVersion = lastResourceVersion,
                AllowWatchBookmarks = true,
                TimeoutSeconds = timeoutSeconds,
            };

    /// <summary>The server-side watch timeout: a random value in [min, 2·min) seconds (at least 1 s), so watches do not all end together.</summary>
    /// <param name="minWatchTimeout">The minimum (<see cref="ReflectorOptions.MinWatchTimeout"/>).</param>
    /// <param name="random">A number in [0, 1).</param>
    public static int WatchTimeoutSeconds(TimeSpan minWatchTimeout, double random)
    {
        var min = Math.Max(1, minWatchTimeout.TotalSeconds);
        return (int)(min * (1 + random));
    }

    /// <summary>The wait for a server's Retry-After: the delay (at most <paramref name="cap"/>) plus up to 10 % jitter, so throttled clients do not return in step.</summary>
    public static TimeSpan RetryAfterDelay(TimeSpan retryAfter, TimeSpan cap, double random)
    {
        var delay = retryAfter > cap ? cap : retryAfter;
        return delay + delay * (0.1 * random);
    }
}
