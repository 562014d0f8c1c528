using System.Net;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// The API server answered with an error: an HTTP status other than 2xx, or an ERROR event on a watch.
/// Carries the Kubernetes <see cref="V1Status"/> (code, reason, message).
/// </summary>
public sealed class KubernetesApiException : Exception
{
    /// <summary>Creates the exception from a status.</summary>
    public KubernetesApiException(V1Status status, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(FormatMessage(status), innerException)
    {
        Status = status;
        RetryAfter = retryAfter;
    }

    /// <summary>The status the server sent (or one built from the HTTP response when the body was not a Status).</summary>
    public V1Status Status { get; }

    /// <summary>The HTTP status code (from <see cref="V1Status.Code"/>; 0 when the status carries none).</summary>
    public HttpStatusCode StatusCode => (HttpStatusCode)(Status.Code ?? 0);

    /// <summary>The machine-readable reason, such as <c>Expired</c>, <c>NotFound</c>, <c>Forbidden</c>.</summary>
    public string? Reason => Status.Reason;

    /// <summary>How long the server asked us to wait (Retry-After header or <c>details.retryAfterSeconds</c>).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>410 Gone / reason Expired: the requested resourceVersion or continue token is too old; relist.</summary>
    public bool IsExpired => StatusCode == HttpStatusCode.Gone || Reason is "Expired" or "Gone";

    /// <summary>The requested resourceVersion is newer than the server has seen ("Too large resource version").</summary>
    public bool IsResourceVersionTooLarge =>
        Status.Details?.Causes?.Any(c => c.Reason == "ResourceVersionTooLarge") == true
        || (Status.Message?.Contains("Too large resource version", StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>429 Too Many Requests.</summary>
    public bool IsTooManyRequests => StatusCode == HttpStatusCode.TooManyRequests;

    private static string FormatMessage(V1Status status)
    {
        var code = status.Code is { } c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
        return $"The Kubernetes API server answered {code} {status.Reason}: {status.Message}";
    }
}
