namespace KubeInformers;

/// <summary>Why a reflector (re)starts a watch; the tag <c>reason</c> of <see cref="ReflectorInstruments.WatchRestarts"/> (<see cref="ReflectorReasonTags"/>).</summary>
internal enum ReflectorWatchReason
{
    /// <summary>The first watch after a list, or the first streaming list (<c>initial</c>).</summary>
    Initial,

    /// <summary>The previous watch ended cleanly, usually its server timeout (<c>closed</c>).</summary>
    Closed,

    /// <summary>The previous watch ended cleanly within 1 s without an event (<c>very_short</c>).</summary>
    VeryShort,

    /// <summary>The watchdog gave up on a silent watch (<c>idle</c>).</summary>
    Idle,

    /// <summary>The previous watch sent a line that could not be decoded (<c>decode_error</c>).</summary>
    DecodeError,

    /// <summary>The previous watch broke: dropped connection, 429 or 5xx ERROR event (<c>error</c>).</summary>
    Error,

    /// <summary>The previous watch request was refused, throttled, failed or got no answer (<c>request_failed</c>).</summary>
    RequestFailed,
}
