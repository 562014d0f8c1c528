namespace KubeInformers;

/// <summary>What kind of thing a reflector step produced (the input of <see cref="ReflectorTransition.Next"/>).</summary>
internal enum ReflectorOutcomeKind
{
    /// <summary>A full list succeeded and replaced the store.</summary>
    Listed,

    /// <summary>A list failed (<see cref="ReflectorOutcome.Failure"/> says how).</summary>
    ListFailed,

    /// <summary>A watch request failed before the server answered with a stream.</summary>
    WatchStartFailed,

    /// <summary>An open watch ended: cleanly (<see cref="ReflectorFailure.None"/>) or with a failure.</summary>
    WatchEnded,

    /// <summary>A backoff wait is over.</summary>
    Waited,
}
