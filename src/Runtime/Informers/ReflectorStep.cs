namespace KubeInformers;

/// <summary>
/// What a reflector is doing: the states of its state machine (see <see cref="ReflectorTransition"/>). Exactly one at a
/// time; the reflector's loop performs the step and feeds its <see cref="ReflectorOutcome"/> to the transition.
/// </summary>
internal enum ReflectorStep
{
    /// <summary>A full list (all pages), then <see cref="IReflectorStore{T}.Replace"/>.</summary>
    Listing,

    /// <summary>A streaming list: a watch with <c>sendInitialEvents</c> whose events are collected until the bookmark
    /// annotated <c>k8s.io/initial-events-end</c>, then Replace; the same watch then goes on as a plain watch.</summary>
    StreamingInitialEvents,

    /// <summary>A plain watch from the last resourceVersion; events go to the store as they come.</summary>
    Watching,

    /// <summary>Waiting (an exponential backoff or the server's Retry-After) before <see cref="ReflectorState.Resume"/>.</summary>
    BackingOff,
}
