using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// An API error that becomes a Kubernetes <c>Status</c> body with the real code, reason and message.
/// </summary>
internal sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }
    public string Reason { get; }
    public JsonObject? Details { get; }
    public int? RetryAfterSeconds { get; init; }
    /// <summary>A continue token placed in the Status's metadata (expired continue).</summary>
    public string? Continue { get; init; }

    public JsonObject ToStatus()
    {
        var meta = new JsonObject();
        if (Continue is not null)
        {
            meta["continue"] = Continue;
        }

        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = meta,
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.DeepClone();
        }

        status["code"] = Code;
        return status;
    }

    private static JsonObject Named(ResourceType rt, string name, bool useKind = false)
    {
        var d = new JsonObject { ["name"] = name };
        if (rt.Group.Length > 0)
        {
            d["group"] = rt.Group;
        }

        d["kind"] = useKind ? rt.Kind : rt.Plural;
        return d;
    }

    public static ApiException NotFound(ResourceType rt, string name) =>
        new(404, "NotFound", $"{rt.GroupResource} \"{name}\" not found", Named(rt, name));

    public static ApiException NotFoundPath() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiException AlreadyExists(ResourceType rt, string name) =>
        new(409, "AlreadyExists", $"{rt.GroupResource} \"{name}\" already exists", Named(rt, name));

    public static ApiException Conflict(ResourceType rt, string name, string why = "the object has been modified; please apply your changes to the latest version and try again") =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {rt.GroupResource} \"{name}\": {why}", Named(rt, name));

    public static ApiException Invalid(ResourceType rt, string name, string field, string causeReason, string causeMessage)
    {
        var details = Named(rt, name, useKind: true);
        details["causes"] = new JsonArray(new JsonObject { ["reason"] = causeReason, ["message"] = causeMessage, ["field"] = field });
        return new(422, "Invalid", $"{rt.Kind} \"{name}\" is invalid: {field}: {causeMessage}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new JsonObject());

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", null);

    public static ApiException Expired(string message) => new(410, "Expired", message);

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiException TooLargeResourceVersion(long requested, long current)
    {
        var details = new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ResourceVersionTooLarge", ["message"] = "Too large resource version" }),
            ["retryAfterSeconds"] = 1,
        };
        return new ApiException(504, "Timeout", $"Too large resource version: {requested}, current: {current}", details) { RetryAfterSeconds = 1 };
    }

    public static ApiException Injected(int code, int? retryAfterSeconds)
    {
        var (reason, message) = code switch
        {
            429 => ("TooManyRequests", "Too many requests, please try again later."),
            500 => ("InternalError", "Internal error occurred: injected by the emulator"),
            503 => ("ServiceUnavailable", "The server is currently unable to handle the request"),
            504 => ("Timeout", "The server was unable to return a response in the time allotted, but may still be processing the request"),
            401 => ("Unauthorized", "Unauthorized"),
            403 => ("Forbidden", "forbidden: injected by the emulator"),
            _ => ("InternalError", "injected failure"),
        };
        JsonObject? details = retryAfterSeconds is int r ? new JsonObject { ["retryAfterSeconds"] = r } : null;
        return new ApiException(code, reason, message, details) { RetryAfterSeconds = retryAfterSeconds };
    }
}
