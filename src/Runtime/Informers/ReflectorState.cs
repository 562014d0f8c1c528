namespace KubeInformers;

/// <summary>
/// Where a reflector is, as a plain value: the <see cref="Step"/> it performs next, why, and the facts about the
/// server it has learned (which list form works, whether streaming lists do). Only <see cref="ReflectorTransition.Next"/>
/// makes a new state; the reflector's loop owns the current one (one loop, no sharing). The last resourceVersion is not
/// part of it: it advances with every watch event, and the loop keeps it (<see cref="Reflector{T}.LastSyncResourceVersion"/>).
/// </summary>
/// <param name="Step">What to do next.</param>
/// <param name="Resume">In <see cref="ReflectorStep.BackingOff"/>: the step after the wait.</param>
/// <param name="Pause">In <see cref="ReflectorStep.BackingOff"/>: how long to wait.</param>
/// <param name="RetryAfter">With <see cref="ReflectorPause.RetryAfter"/>: the server's delay.</param>
/// <param name="ListReason">Why the next list happens (metrics).</param>
/// <param name="WatchReason">Why the next watch starts (metrics).</param>
/// <param name="StreamingEnabled">Streaming lists were asked for (<see cref="ReflectorOptions.UseStreamingList"/>).</param>
/// <param name="StreamingUnsupported">The server rejected a streaming list: never ask again.</param>
/// <param name="ResourceVersionUnavailable">The last resourceVersion is expired or too large: the next list (or streaming list) is at "" (a consistent read).</param>
/// <param name="ListsPaginated">The first list at "0" came back in pages (watch cache off): relists at an exact version are paginated too.</param>
internal readonly record struct ReflectorState(
    ReflectorStep Step,
    ReflectorStep Resume = ReflectorStep.Listing,
    ReflectorPause Pause = ReflectorPause.None,
    TimeSpan RetryAfter = default,
    ReflectorListReason ListReason = ReflectorListReason.Initial,
    ReflectorWatchReason WatchReason = ReflectorWatchReason.Initial,
    bool StreamingEnabled = false,
    bool StreamingUnsupported = false,
    bool ResourceVersionUnavailable = false,
    bool ListsPaginated = false)
{
    /// <summary>The state a reflector starts in: a streaming list if enabled, else a list.</summary>
    public static ReflectorState Initial(bool useStreamingList) => new(
        useStreamingList ? ReflectorStep.StreamingInitialEvents : ReflectorStep.Listing, StreamingEnabled: useStreamingList);

    /// <summary>How this reflector gets a full state again: a streaming list while that works, else a list.</summary>
    public ReflectorStep RelistStep => StreamingEnabled && !StreamingUnsupported ? ReflectorStep.StreamingInitialEvents : ReflectorStep.Listing;

    /// <inheritdoc/>
    public override string ToString() => Step == ReflectorStep.BackingOff
        ? $"{Step}({Pause}{(Pause == ReflectorPause.RetryAfter ? " " + RetryAfter.TotalSeconds + " s" : "")}, then {Resume})"
        : Step.ToString();
}
