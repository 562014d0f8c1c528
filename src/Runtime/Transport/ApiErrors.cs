using System.Net;
using System.Text;
using System.Text.Json;
using k8s.Models;

namespace KubeInformers;

/// <summary>Turns an HTTP error response into a <see cref="KubernetesApiException"/> carrying the server's <see cref="V1Status"/>.</summary>
internal static class ApiErrors
{
    private const int MaxErrorBodyBytes = 1 << 20;

    public static async Task<KubernetesApiException> FromResponseAsync(HttpResponseMessage response, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        byte[] body;
        try
        {
            body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            body = [];
        }

        var status = TryParseStatus(body);
        if (status is null)
        {
            var message = $"the server responded with {code} {response.ReasonPhrase}";
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (body.Length > 0 && mediaType is not null && mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
            {
                var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 256)).Trim();
                if (text.Length > 0)
                {
                    message += ": " + text;
                }
            }

            status = new V1Status
            {
                ApiVersion = "v1",
                Kind = "Status",
                Status = "Failure",
                Code = code,
                Reason = ReasonFor(response.StatusCode),
                Message = message,
            };
        }
        else
        {
            status.Code ??= code;
        }

        return new KubernetesApiException(status, RetryAfter(response, status, timeProvider));
    }

    /// <summary>Parses a Status object from a complete JSON value; null when it is not one.</summary>
    public static V1Status? TryParseStatus(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(json, isFinalBlock: true, state: default);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var status = KubernetesJsonCodec.Deserialize<V1Status>(ref reader);
            return status.Kind == "Status" ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, V1Status status, TimeProvider timeProvider)
    {
        if (response.Headers.RetryAfter is { } header)
        {
            if (header.Delta is { } delta)
            {
                return delta;
            }

            if (header.Date is { } date)
            {
                var wait = date - timeProvider.GetUtcNow();
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return status.Details?.RetryAfterSeconds is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static string ReasonFor(HttpStatusCode code) => (int)code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Gone",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "Unknown",
    };

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var room = MaxErrorBodyBytes - (int)buffer.Length;
            buffer.Write(chunk, 0, Math.Min(room, read));
            if (read >= room)
            {
                break;
            }
        }

        return buffer.ToArray();
    }
}
