using System.Net.Sockets;

namespace KubeInformers;

/// <summary>
/// The class of a list or watch failure; the transition picks the recovery by class (<see cref="ReflectorTransition"/>).
/// <see cref="ReflectorFailures.Classify"/> maps an exception to its class.
/// </summary>
internal enum ReflectorFailure
{
    /// <summary>No failure (a success, or a watch that ended cleanly).</summary>
    None,

    /// <summary>410 Expired/Gone, as a status or an ERROR event: the resourceVersion is too old. Relist now.</summary>
    Expired,

    /// <summary>"Too large resource version": the server has not seen that version yet. Relist now.</summary>
    ResourceVersionTooLarge,

    /// <summary>429 Too Many Requests. Retry after Retry-After, or the backoff.</summary>
    Throttled,

    /// <summary>A 5xx status (except 501) or ERROR event. Retry after the backoff (or Retry-After).</summary>
    ServerError,

    /// <summary>Connection refused, reset or dropped (<see cref="HttpRequestException"/>, <see cref="IOException"/>, <see cref="SocketException"/>). Retry after the backoff.</summary>
    Connection,

    /// <summary>A request got no answer in time (watch start, list page). Retry after the backoff.</summary>
    Timeout,

    /// <summary>A watch line that is not a valid event. Re-watch from the last good version after the backoff.</summary>
    Decode,

    /// <summary>The watchdog gave up on a watch that sent nothing. Re-watch after the backoff.</summary>
    Idle,

    /// <summary>Any other API status (400, 403, 404, 422, 501, ...): a re-watch will not help. Relist after the backoff.</summary>
    Rejected,

    /// <summary>Any other exception (a store that threw, a bug). Relist after the backoff.</summary>
    Unexpected,
}
