namespace KubeInformers;

/// <summary>
/// The reflector's state machine: one pure function from (state, outcome of its step) to the next state. No I/O, no
/// clock, no randomness: the reflector's loop performs <see cref="ReflectorState.Step"/>, turns what happened into a
/// <see cref="ReflectorOutcome"/> and asks <see cref="Next"/> what to do. Thread-safe (stateless).
/// </summary>
/// <remarks>
/// <para>States (<see cref="ReflectorStep"/>): <c>Listing</c>, <c>StreamingInitialEvents</c>, <c>Watching</c>,
/// <c>BackingOff</c> (then <see cref="ReflectorState.Resume"/>). Start: <c>StreamingInitialEvents</c> when streaming lists
/// are enabled, else <c>Listing</c>. "Relist" below means <see cref="ReflectorState.RelistStep"/>: a streaming list while
/// the server supports it, else a list.</para>
/// <list type="table">
/// <item><term>Listing + listed</term><description>Watching (reason initial); the version is usable again; remember a paginated "0" list.</description></item>
/// <item><term>Listing + expired/too large at a version other than ""</term><description>Listing at "" now (consistent read).</description></item>
/// <item><term>Listing + any other failure</term><description>BackingOff, then Listing (reason retry).</description></item>
/// <item><term>Watching + clean end</term><description>Watching now (reason closed); if it lasted &lt; 1 s with no event: BackingOff, then Watching (very_short).</description></item>
/// <item><term>Watching + expired/too large</term><description>Relist now (reason expired); BackingOff first only when it is the first watch after a list and it delivered nothing (a server answering every fresh watch with 410 must not make a list loop).</description></item>
/// <item><term>Watching + throttled, 5xx, connection, timeout, decode, idle</term><description>BackingOff (Retry-After when the server sent one), then Watching from the last version, no relist.</description></item>
/// <item><term>Watching + rejected/unexpected</term><description>BackingOff, then relist (reason error).</description></item>
/// <item><term>StreamingInitialEvents + retriable failure</term><description>BackingOff, then StreamingInitialEvents again.</description></item>
/// <item><term>StreamingInitialEvents + clean end, expired or rejection before the bookmark</term><description>Listing now (streaming_fallback); a rejection of the request itself (400, 403, 404, 405, 415, 422, 501) turns streaming off for good; expired lists at "".</description></item>
/// <item><term>StreamingInitialEvents after its bookmark</term><description>as Watching (the same stream went on as a plain watch).</description></item>
/// <item><term>BackingOff + waited</term><description>Resume.</description></item>
/// </list>
/// </remarks>
internal static class ReflectorTransition
{
    /// <summary>A watch that ends cleanly sooner than this without any event is treated as a failure (client-go's "very short watch").</summary>
    public static readonly TimeSpan VeryShortWatch = TimeSpan.FromSeconds(1);

    /// <summary>The next state after <paramref name="outcome"/> in <paramref name="state"/>.</summary>
    /// <exception cref="ArgumentException">The outcome cannot come from the state's step.</exception>
    public static ReflectorState Next(ReflectorState state, ReflectorOutcome outcome) => (state.Step, outcome.Kind) switch
    {
        (ReflectorStep.BackingOff, ReflectorOutcomeKind.Waited) => state with { Step = state.Resume, Pause = ReflectorPause.None, RetryAfter = default },
        (ReflectorStep.Listing, ReflectorOutcomeKind.Listed) => state with
        {
            Step = ReflectorStep.Watching,
            WatchReason = ReflectorWatchReason.Initial,
            ResourceVersionUnavailable = false,
            ListsPaginated = state.ListsPaginated || outcome.Paginated,
        },
        (ReflectorStep.Listing, ReflectorOutcomeKind.ListFailed) => AfterListFailure(state, outcome),
        (ReflectorStep.StreamingInitialEvents, ReflectorOutcomeKind.WatchStartFailed or ReflectorOutcomeKind.WatchEnded) when !outcome.Synced =>
            AfterStreamingFailure(state, outcome),
        (ReflectorStep.StreamingInitialEvents, ReflectorOutcomeKind.WatchEnded) =>
            AfterWatch(state with { Step = ReflectorStep.Watching, ResourceVersionUnavailable = false }, outcome),
        (ReflectorStep.Watching, ReflectorOutcomeKind.WatchStartFailed or ReflectorOutcomeKind.WatchEnded) => AfterWatch(state, outcome),
        _ => throw new ArgumentException($"A {outcome.Kind} outcome cannot come from the {state.Step} step.", nameof(outcome)),
    };

    private static ReflectorState AfterListFailure(ReflectorState state, ReflectorOutcome outcome)
    {
        if (outcome.Failure.IsVersionUnavailable() && outcome.ResourceVersion is { Length: > 0 })
        {
            // The version asked for is gone (or not there yet): list again at once with a consistent read.
            return state with { Step = ReflectorStep.Listing, ResourceVersionUnavailable = true, ListReason = ReflectorListReason.Expired };
        }

        return BackOff(state with { ListReason = ReflectorListReason.Retry }, outcome, ReflectorStep.Listing);
    }

    private static ReflectorState AfterWatch(ReflectorState state, ReflectorOutcome outcome)
    {
        var failure = outcome.Failure;
        if (failure == ReflectorFailure.None)
        {
            return outcome.Events == 0 && outcome.Duration < VeryShortWatch
                ? BackOff(state with { WatchReason = ReflectorWatchReason.VeryShort }, outcome, ReflectorStep.Watching)
                : state with { Step = ReflectorStep.Watching, WatchReason = ReflectorWatchReason.Closed };
        }

        if (failure.IsVersionUnavailable())
        {
            var relisting = state with { ListReason = ReflectorListReason.Expired };
            return outcome.Events == 0 && state.WatchReason == ReflectorWatchReason.Initial
                ? BackOff(relisting, outcome, state.RelistStep)
                : relisting with { Step = state.RelistStep };
        }

        if (failure.IsRetriable())
        {
            var reason = outcome.Kind == ReflectorOutcomeKind.WatchStartFailed ? ReflectorWatchReason.RequestFailed : failure switch
            {
                ReflectorFailure.Decode => ReflectorWatchReason.DecodeError,
                ReflectorFailure.Idle => ReflectorWatchReason.Idle,
                _ => ReflectorWatchReason.Error,
            };
            return BackOff(state with { WatchReason = reason }, outcome, ReflectorStep.Watching);
        }

        return BackOff(state with { ListReason = ReflectorListReason.Error }, outcome, state.RelistStep);
    }

    private static ReflectorState AfterStreamingFailure(ReflectorState state, ReflectorOutcome outcome)
    {
        var failure = outcome.Failure;
        if (failure.IsRetriable())
        {
            var reason = outcome.Kind == ReflectorOutcomeKind.WatchStartFailed ? ReflectorWatchReason.RequestFailed : ReflectorWatchReason.Error;
            return BackOff(state with { WatchReason = reason }, outcome, ReflectorStep.StreamingInitialEvents);
        }

        // A clean end before the bookmark (a server that ignores sendInitialEvents), an expired version or a rejection.
        return state with
        {
            Step = ReflectorStep.Listing,
            ListReason = ReflectorListReason.StreamingFallback,
            StreamingUnsupported = state.StreamingUnsupported || (failure == ReflectorFailure.Rejected && ReflectorFailures.RejectsStreaming(outcome.StatusCode)),
            ResourceVersionUnavailable = state.ResourceVersionUnavailable || failure.IsVersionUnavailable(),
        };
    }

    private static ReflectorState BackOff(ReflectorState state, ReflectorOutcome outcome, ReflectorStep resume) =>
        outcome.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero
            ? state with { Step = ReflectorStep.BackingOff, Resume = resume, Pause = ReflectorPause.RetryAfter, RetryAfter = retryAfter }
            : state with { Step = ReflectorStep.BackingOff, Resume = resume, Pause = ReflectorPause.Backoff, RetryAfter = default };
}
