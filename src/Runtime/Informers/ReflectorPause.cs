namespace KubeInformers;

/// <summary>How long a reflector in <see cref="ReflectorStep.BackingOff"/> waits.</summary>
internal enum ReflectorPause
{
    /// <summary>Not backing off.</summary>
    None,

    /// <summary>The next delay of the reflector's jittered exponential retry backoff.</summary>
    Backoff,

    /// <summary>The server's Retry-After (<see cref="ReflectorState.RetryAfter"/>) plus up to 10 % jitter, instead of the backoff.</summary>
    RetryAfter,
}
