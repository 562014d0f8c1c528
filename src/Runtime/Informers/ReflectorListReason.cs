namespace KubeInformers;

/// <summary>Why a reflector lists; the tag <c>reason</c> of <see cref="ReflectorInstruments.Lists"/> (<see cref="ReflectorReasonTags"/>).</summary>
internal enum ReflectorListReason
{
    /// <summary>The first list (<c>initial</c>).</summary>
    Initial,

    /// <summary>The watch or the previous list got 410 Expired or "too large resourceVersion" (<c>expired</c>).</summary>
    Expired,

    /// <summary>The watch failed in a way a re-watch cannot fix (<c>error</c>).</summary>
    Error,

    /// <summary>The previous list failed (<c>retry</c>).</summary>
    Retry,

    /// <summary>The streaming list did not work (<c>streaming_fallback</c>).</summary>
    StreamingFallback,
}
