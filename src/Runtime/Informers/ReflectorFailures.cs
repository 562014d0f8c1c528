using System.Net;
using System.Net.Sockets;

namespace KubeInformers;

/// <summary>Maps list and watch exceptions to a <see cref="ReflectorFailure"/> class. Pure and thread-safe.</summary>
internal static class ReflectorFailures
{
    /// <summary>The class of <paramref name="error"/>. An <see cref="OperationCanceledException"/> that reaches here is a
    /// timeout (the reflector's own cancellation never does).</summary>
    public static ReflectorFailure Classify(Exception error) => error switch
    {
        KubernetesApiException { IsExpired: true } => ReflectorFailure.Expired,
        KubernetesApiException { IsResourceVersionTooLarge: true } => ReflectorFailure.ResourceVersionTooLarge,
        KubernetesApiException { IsTooManyRequests: true } => ReflectorFailure.Throttled,
        KubernetesApiException { StatusCode: >= HttpStatusCode.InternalServerError and not HttpStatusCode.NotImplemented } => ReflectorFailure.ServerError,
        KubernetesApiException => ReflectorFailure.Rejected,
        KubernetesDecodeException => ReflectorFailure.Decode,
        TimeoutException or OperationCanceledException => ReflectorFailure.Timeout,
        HttpRequestException or IOException or SocketException => ReflectorFailure.Connection,
        _ => ReflectorFailure.Unexpected,
    };

    /// <summary>Whether the same request, later, may succeed (so the reflector retries it rather than relisting).</summary>
    public static bool IsRetriable(this ReflectorFailure failure) => failure is ReflectorFailure.Throttled or ReflectorFailure.ServerError
        or ReflectorFailure.Connection or ReflectorFailure.Timeout or ReflectorFailure.Decode or ReflectorFailure.Idle;

    /// <summary>Whether the resourceVersion asked for is unusable (expired or too large).</summary>
    public static bool IsVersionUnavailable(this ReflectorFailure failure) => failure is ReflectorFailure.Expired or ReflectorFailure.ResourceVersionTooLarge;

    /// <summary>Whether a status rejecting a streaming-list request means the server does not support it at all.</summary>
    public static bool RejectsStreaming(int? statusCode) => statusCode is 400 or 403 or 404 or 405 or 415 or 422 or 501;
}
