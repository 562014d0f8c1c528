using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// Routes and serves Kubernetes API requests (discovery, get/list/watch/create/update/patch/delete, status
/// subresource) over <see cref="ApiState"/>. Stateless apart from its collaborators; safe for concurrent requests.
/// </summary>
internal sealed partial class ApiHandler
{
    private readonly ApiState _state;
    private readonly FaultState _faults;
    private readonly ILogger _logger;

    private readonly long _maxBodyBytes;

    public ApiHandler(ApiState state, FaultState faults, ILogger logger)
    {
        _maxBodyBytes = state.Options.MaxRequestBodyBytes;
        _state = state;
        _faults = faults;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context, string serverAddress)
    {
        try
        {
            await DispatchAsync(context, serverAddress).ConfigureAwait(false);
        }
        catch (ApiException ex)
        {
            LogApiError(_logger, context.Request.Method, context.Request.Path, ex.Code, ex.Reason);
            if (!context.Response.HasStarted)
            {
                await WriteStatusAsync(context, ex).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException)
        {
        }
        catch (Exception ex)
        {
            LogUnexpected(_logger, context.Request.Method, context.Request.Path, ex);
            if (!context.Response.HasStarted)
            {
                await WriteStatusAsync(context, new ApiException(500, "InternalError", "Internal error occurred: the emulator failed to handle the request")).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception exception);

    /// <summary>Runs a write whose body may have the wrong JSON shape (e.g. a number where a string belongs): that is a 400.</summary>
    private static StoredObject Write(Func<StoredObject> write)
    {
        try
        {
            return write();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidCastException)
        {
            throw ApiException.BadRequest($"the object provided is unrecognized or malformed: {ex.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} -> {Code} {Reason}")]
    private static partial void LogApiError(ILogger logger, string method, string path, int code, string reason);

    public static async Task WriteStatusAsync(HttpContext context, ApiException ex)
    {
        context.Response.StatusCode = ex.Code;
        if (ex.RetryAfterSeconds is int r)
        {
            context.Response.Headers.RetryAfter = r.ToString(CultureInfo.InvariantCulture);
        }

        await WriteJsonAsync(context, ex.Code, ex.ToStatus()).ConfigureAwait(false);
    }

    public static async Task WriteJsonAsync(HttpContext context, int code, JsonNode node)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(node, JsonContext.Options);
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteRawAsync(HttpContext context, int code, byte[] json)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The request path's segments, each percent-decoded on its own from the raw request target (Kestrel's decoded
    /// path has already resolved <c>%2e%2e</c> to the parent, which would turn a name of <c>..</c> into another URL).
    /// A <c>.</c> or <c>..</c> segment, or one that decodes to contain <c>/</c> or <c>%</c>, is rejected like the real
    /// server rejects such names.
    /// </summary>
    internal static string[] PathSegments(HttpContext context)
    {
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            raw = context.Request.Path.Value ?? "/";
        }

        var q = raw.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            raw = raw[..q];
        }

        var parts = raw.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var decoded = Uri.UnescapeDataString(parts[i]);
            if (decoded is "." or "..")
            {
                throw ApiException.BadRequest($"invalid resource name \"{decoded}\": [may not be '{decoded}']");
            }

            if (decoded.Contains('/', StringComparison.Ordinal) || decoded.Contains('%', StringComparison.Ordinal))
            {
                throw ApiException.BadRequest($"invalid resource name \"{decoded}\": [may not contain '{(decoded.Contains('/', StringComparison.Ordinal) ? "/" : "%")}']");
            }

            parts[i] = decoded;
        }

        return parts;
    }

    private async Task DispatchAsync(HttpContext context, string serverAddress)
    {
        var seg = PathSegments(context);
        var method = context.Request.Method;
        var types = _state.ResourceTypes;
        switch (seg)
        {
            case []:
                await WriteJsonAsync(context, 200, new JsonObject { ["paths"] = new JsonArray("/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/readyz", "/version") }).ConfigureAwait(false);
                return;
            case ["version"]:
                await WriteJsonAsync(context, 200, Discovery.Version()).ConfigureAwait(false);
                return;
            case ["healthz" or "livez" or "readyz"]:
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("ok", context.RequestAborted).ConfigureAwait(false);
                return;
            case ["api"]:
                await WriteJsonAsync(context, 200, Discovery.CoreVersions(serverAddress)).ConfigureAwait(false);
                return;
            case ["apis"]:
                await WriteJsonAsync(context, 200, Discovery.GroupList(types)).ConfigureAwait(false);
                return;
            case ["apis", var g]:
                await WriteJsonAsync(context, 200, Discovery.Group(types, g) ?? throw ApiException.NotFoundPath()).ConfigureAwait(false);
                return;
            case ["api", var v]:
                await WriteJsonAsync(context, 200, Discovery.ResourceList(types, string.Empty, v) ?? throw ApiException.NotFoundPath()).ConfigureAwait(false);
                return;
            case ["apis", var g, var v]:
                await WriteJsonAsync(context, 200, Discovery.ResourceList(types, g, v) ?? throw ApiException.NotFoundPath()).ConfigureAwait(false);
                return;
            case ["openapi", "v2"] when context.Request.Headers.Accept.ToString().Contains("application/com.github.proto-openapi.spec.v2", StringComparison.OrdinalIgnoreCase):
                {
                    // The protobuf form older kubectl (< 1.27) reads for apply, create -f validation and explain.
                    var proto = OpenApi.OpenApiV2Protobuf.Encode(OpenApi.OpenApiDocuments.V2(types));
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = "application/octet-stream"; // as the real server labels it (Go's mime parser rejects the '@' of the requested type)
                    context.Response.ContentLength = proto.Length;
                    await context.Response.Body.WriteAsync(proto, context.RequestAborted).ConfigureAwait(false);
                    return;
                }

            case ["openapi", "v2"]:
                await WriteJsonAsync(context, 200, OpenApi.OpenApiDocuments.V2(types)).ConfigureAwait(false);
                return;
            case ["openapi", "v3"]:
                await WriteJsonAsync(context, 200, OpenApi.OpenApiDocuments.V3Index(types)).ConfigureAwait(false);
                return;
            case ["openapi", "v3", .. var gv]:
                await WriteJsonAsync(context, 200, OpenApi.OpenApiDocuments.V3GroupVersion(types, string.Join("/", gv)) ?? throw ApiException.NotFoundPath()).ConfigureAwait(false);
                return;
            case ["api", var v, .. var rest]:
                await ResourceAsync(context, string.Empty, v, rest).ConfigureAwait(false);
                return;
            case ["apis", var g, var v, .. var rest]:
                await ResourceAsync(context, g, v, rest).ConfigureAwait(false);
                return;
            default:
                throw ApiException.NotFoundPath();
        }
    }

    private async Task ResourceAsync(HttpContext context, string group, string version, string[] rest)
    {
        var legacyWatch = false;
        if (rest is ["watch", ..])
        {
            legacyWatch = true;
            rest = rest[1..];
        }

        string? ns = null;
        if (rest is ["namespaces", var n, var plural, ..] && _state.Find(group, version, plural) is { Type.Namespaced: true })
        {
            ns = n;
            rest = rest[2..];
        }

        if (rest.Length is 0 or > 3)
        {
            throw ApiException.NotFoundPath();
        }

        var store = _state.Find(group, version, rest[0]) ?? throw ApiException.NotFoundPath();
        var rt = store.Type;
        var name = rest.Length > 1 ? rest[1] : null;
        var sub = rest.Length > 2 ? rest[2] : null;
        if (sub is not null && !(sub == "status" && rt.HasStatusSubresource) && !(sub == "scale" && rt.Scale is not null))
        {
            throw ApiException.NotFoundPath();
        }

        if (!rt.Namespaced && ns is not null)
        {
            throw ApiException.NotFoundPath();
        }

        if (rt.Namespaced && ns is null && (name is not null || context.Request.Method != "GET"))
        {
            if (name is not null)
            {
                throw ApiException.NotFoundPath();
            }

            throw ApiException.MethodNotAllowed();
        }

        var q = context.Request.Query;
        var ct = context.RequestAborted;
        var dryRun = false;
        foreach (var d in q["dryRun"])
        {
            if (d != "All")
            {
                throw ApiException.BadRequest($"Invalid dryRun value \"{d}\": supported values: \"All\"");
            }

            dryRun = true;
        }

        var table = TableRequest.From(context);
        switch (context.Request.Method, name)
        {
            case ("GET", null):
                var filter = ObjectFilter.Create(rt, ns, q["labelSelector"], q["fieldSelector"]);
                var hasSelectors = !string.IsNullOrWhiteSpace(q["labelSelector"]) || !string.IsNullOrWhiteSpace(q["fieldSelector"]);
                if (legacyWatch || IsTrue(q["watch"]))
                {
                    await WatchAsync(context, store, filter, table).ConfigureAwait(false);
                }
                else
                {
                    if (!string.IsNullOrEmpty(q["sendInitialEvents"]))
                    {
                        throw new ApiException(422, "Invalid", "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list");
                    }

                    var page = await _state.ListAsync(store, filter, hasSelectors, q["resourceVersion"], q["resourceVersionMatch"], ParseInt(q["limit"], "limit"), q["continue"], ct).ConfigureAwait(false);
                    if (table is not null)
                    {
                        await WriteJsonAsync(context, 200, TableConverter.Build(rt, page.Items, table, _state.Options.TimeProvider.GetUtcNow(), page.ResourceVersion, page.Continue, page.RemainingItemCount)).ConfigureAwait(false);
                    }
                    else
                    {
                        await WriteListAsync(context, rt, page).ConfigureAwait(false);
                    }
                }

                return;
            case ("GET", _):
                {
                    var found = _state.Get(store, ns, name) ?? throw ApiException.NotFound(rt, name);
                    if (sub == "scale")
                    {
                        await WriteJsonAsync(context, 200, ScaleConverter.ToScale(rt, found.ToNode())).ConfigureAwait(false);
                    }
                    else if (table is not null)
                    {
                        await WriteJsonAsync(context, 200, TableConverter.Build(rt, [found], table, _state.Options.TimeProvider.GetUtcNow(), null, null, null)).ConfigureAwait(false);
                    }
                    else
                    {
                        await WriteRawAsync(context, 200, found.Json).ConfigureAwait(false);
                    }

                    return;
                }

            case ("POST", null):
                {
                    var body = await ReadBodyAsync(context, _maxBodyBytes).ConfigureAwait(false);
                    CheckFields(context, rt, body, BodyKind.Object, null);
                    ValidateBuiltIn(rt, body);
                    ServerSideApply.RecordUpdate(null, body, FieldManager(context), Now);
                    var created = Write(() => _state.Create(store, ns, body, dryRun));
                    await WriteRawAsync(context, 201, created.Json).ConfigureAwait(false);
                    return;
                }

            case ("PUT", not null):
                {
                    var body = await ReadBodyAsync(context, _maxBodyBytes).ConfigureAwait(false);
                    if (sub == "scale")
                    {
                        var scaled = Write(() => _state.Patch(store, ns, name, current => ScaleConverter.Apply(rt, current, body), statusOnly: false, dryRun));
                        await WriteJsonAsync(context, 200, ScaleConverter.ToScale(rt, scaled.ToNode())).ConfigureAwait(false);
                        return;
                    }

                    CheckFields(context, rt, body, BodyKind.Object, null);
                    if (sub is null)
                    {
                        ValidateBuiltIn(rt, body);
                    }

                    if (sub is null && _state.Get(store, ns, name) is { } before)
                    {
                        ServerSideApply.RecordUpdate(before.ToNode(), body, FieldManager(context), Now);
                    }

                    var updated = Write(() => _state.Update(store, ns, name, body, sub == "status", dryRun));
                    await WriteRawAsync(context, 200, updated.Json).ConfigureAwait(false);
                    return;
                }

            case ("PATCH", not null):
                {
                    var contentType = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
                    Func<JsonObject, JsonObject> apply;
                    JsonObject? strategicPatch = null;
                    switch (contentType)
                    {
                        case "application/merge-patch+json":
                            {
                                var patch = await ReadJsonAsync(context, _maxBodyBytes).ConfigureAwait(false) as JsonObject ?? throw ApiException.BadRequest("a merge patch must be a JSON object");
                                apply = current => (JsonObject)MergePatch.Apply(current, patch)!;
                                break;
                            }

                        case "application/strategic-merge-patch+json" when !rt.IsCustom:
                            {
                                var patch = await ReadJsonAsync(context, _maxBodyBytes).ConfigureAwait(false) as JsonObject ?? throw ApiException.BadRequest("a strategic merge patch must be a JSON object");
                                strategicPatch = patch;
                                apply = current => StrategicMergePatch.Apply(current, patch);
                                break;
                            }

                        case "application/json-patch+json":
                            {
                                var patch = await ReadJsonAsync(context, _maxBodyBytes).ConfigureAwait(false) as JsonArray ?? throw ApiException.BadRequest("json patch must be an array of operations");
                                apply = current => JsonPatch.Apply(current, patch);
                                break;
                            }

                        case "application/apply-patch+yaml" or "application/apply-patch+json":
                            {
                                var bytes = await ReadBytesAsync(context, _maxBodyBytes).ConfigureAwait(false);
                                var applied = ServerSideApply.Parse(bytes);
                                var manager = q["fieldManager"].ToString();
                                if (manager.Length == 0)
                                {
                                    throw ApiException.BadRequest("PATCH, application/apply-patch+yaml requires fieldManager to be set");
                                }

                                var force = IsTrue(q["force"]);
                                if (sub is null)
                                {
                                    CheckFields(context, rt, applied, BodyKind.Apply, null, ns, name);
                                }

                                if (sub is null && _state.Get(store, ns, name) is null)
                                {
                                    var toCreate = ServerSideApply.ForCreate(applied, manager, _state.Options.TimeProvider.GetUtcNow());
                                    ValidateBuiltIn(rt, toCreate);
                                    var created = Write(() => _state.Create(store, ns, toCreate, dryRun));
                                    await WriteRawAsync(context, 201, created.Json).ConfigureAwait(false);
                                    return;
                                }

                                apply = current => ServerSideApply.Apply(current, applied, manager, force, _state.Options.TimeProvider.GetUtcNow(), sub);
                                break;
                            }

                        default:
                            throw ApiException.UnsupportedMediaType(contentType ?? string.Empty);
                    }

                    if (sub == "scale")
                    {
                        var scaled = Write(() => _state.Patch(store, ns, name, current => ScaleConverter.Apply(rt, current, apply(ScaleConverter.ToScale(rt, current))), statusOnly: false, dryRun));
                        await WriteJsonAsync(context, 200, ScaleConverter.ToScale(rt, scaled.ToNode())).ConfigureAwait(false);
                        return;
                    }

                    if (sub is null && contentType is not ("application/apply-patch+yaml" or "application/apply-patch+json"))
                    {
                        var patchOnly = apply;
                        var manager = FieldManager(context);
                        apply = current => ServerSideApply.RecordUpdate(current, patchOnly((JsonObject)current.DeepClone()), manager, Now);
                    }

                    if (sub is null)
                    {
                        var unchecked_ = apply;
                        var isApply = contentType is "application/apply-patch+yaml" or "application/apply-patch+json";
                        apply = current =>
                        {
                            var result = unchecked_(current);
                            if (!isApply)
                            {
                                CheckFields(context, rt, result, BodyKind.Patch, strategicPatch);
                            }

                            ValidateBuiltIn(rt, result);
                            return result;
                        };
                    }

                    var patched = Write(() => _state.Patch(store, ns, name, apply, sub == "status", dryRun));
                    await WriteRawAsync(context, 200, patched.Json).ConfigureAwait(false);
                    return;
                }

            case ("DELETE", not null) when sub is null:
                {
                    JsonObject? options = null;
                    if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
                    {
                        var raw = await ReadBytesAsync(context, _maxBodyBytes).ConfigureAwait(false);
                        if (raw.Length > 0)
                        {
                            options = IsProtobuf(context) ? Protobuf.ProtobufBody.Decode(raw) : ApiState.ParseObject(raw);
                            if (options["dryRun"] is JsonArray { Count: > 0 })
                            {
                                dryRun = true;
                            }
                        }
                    }

                    var policy = q["propagationPolicy"].ToString();
                    var (obj, deleted) = _state.Delete(store, ns, name, options, dryRun, policy.Length > 0 ? policy : null);
                    if (deleted && !ReturnsDeletedObject(rt))
                    {
                        await WriteJsonAsync(context, 200, SuccessStatus(rt, obj)).ConfigureAwait(false);
                    }
                    else
                    {
                        await WriteRawAsync(context, 200, obj.Json).ConfigureAwait(false);
                    }

                    return;
                }

            case ("DELETE", null):
                {
                    var f = ObjectFilter.Create(rt, ns, q["labelSelector"], q["fieldSelector"]);
                    var page = await _state.ListAsync(store, f, true, null, null, null, null, ct).ConfigureAwait(false);
                    var policy = q["propagationPolicy"].ToString();
                    foreach (var o in page.Items)
                    {
                        try
                        {
                            _state.Delete(store, o.Namespace, o.Name, null, dryRun, policy.Length > 0 ? policy : null);
                        }
                        catch (ApiException e) when (e.Code == 404)
                        {
                        }
                    }

                    await WriteJsonAsync(context, 200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success" }).ConfigureAwait(false);
                    return;
                }

            default:
                throw ApiException.MethodNotAllowed();
        }
    }

    /// <summary>
    /// The built-ins whose real registry sets <c>ReturnDeletedObject</c>: a completed DELETE answers with the object.
    /// Every other resource (and every custom resource) answers with a Success Status.
    /// </summary>
    private static readonly HashSet<(string Group, string Plural)> s_returnDeletedObject =
    [
        ("", "pods"), ("", "services"), ("", "namespaces"), ("", "persistentvolumes"), ("", "persistentvolumeclaims"),
        ("", "serviceaccounts"), ("storage.k8s.io", "storageclasses"), ("storage.k8s.io", "volumeattachments"),
        ("apiextensions.k8s.io", "customresourcedefinitions"),
    ];

    private static bool ReturnsDeletedObject(ResourceType rt) => !rt.IsCustom && s_returnDeletedObject.Contains((rt.Group, rt.Plural));

    private static JsonObject SuccessStatus(ResourceType rt, StoredObject obj)
    {
        var details = new JsonObject { ["name"] = obj.Name };
        if (rt.Group.Length > 0)
        {
            details["group"] = rt.Group;
        }

        details["kind"] = rt.Plural;
        details["uid"] = obj.ToNode()["metadata"]?["uid"]?.DeepClone();
        return new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["details"] = details };
    }

    private async Task WatchAsync(HttpContext context, ResourceStore store, ObjectFilter filter, TableRequest? table)
    {
        var q = context.Request.Query;
        var sendInitial = q["sendInitialEvents"].ToString();
        bool? sendInitialEvents = sendInitial.Length == 0 ? null : IsTrue(sendInitial);
        if (sendInitial.Length > 0 && q["resourceVersionMatch"] != "NotOlderThan")
        {
            throw new ApiException(422, "Invalid", "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
        }

        if (sendInitial.Length == 0 && !string.IsNullOrEmpty(q["resourceVersionMatch"]))
        {
            throw new ApiException(422, "Invalid", "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
        }

        var timeout = ParseInt(q["timeoutSeconds"], "timeoutSeconds");
        if (timeout < 0)
        {
            throw ApiException.BadRequest($"invalid value for timeoutSeconds: \"{timeout}\": must be greater than or equal to 0");
        }

        var request = new WatchRequest(
            store,
            filter,
            q["resourceVersion"],
            IsTrue(q["allowWatchBookmarks"]) && _state.Options.ServeListsFromWatchCache, // bookmarks come from the watch cache
            sendInitialEvents,
            timeout is > 0 ? TimeSpan.FromSeconds(timeout.Value) : null)
        {
            Table = table,
        };
        var session = new WatchSession(context, _state, _faults);
        await session.RunAsync(request, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteListAsync(HttpContext context, ResourceType rt, ApiState.ListPage page)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var meta = new JsonObject { ["resourceVersion"] = page.ResourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (page.Continue is not null)
        {
            meta["continue"] = page.Continue;
        }

        if (page.RemainingItemCount is long remaining)
        {
            meta["remainingItemCount"] = remaining;
        }

        var head = new JsonObject { ["kind"] = rt.ListKind, ["apiVersion"] = rt.ApiVersion, ["metadata"] = meta };
        var headBytes = JsonSerializer.SerializeToUtf8Bytes(head, JsonContext.Options);
        PipeWriter output = context.Response.BodyWriter;
        output.Write(headBytes.AsSpan(0, headBytes.Length - 1));
        output.Write(",\"items\":["u8);
        var written = 0;
        // Like the real server, items of built-in lists carry no kind/apiVersion (custom resources keep them).
        // Stored JSON always starts with {"kind":…,"apiVersion":…, so the type meta is a known prefix.
        var typeMeta = rt.IsCustom ? null : JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["kind"] = rt.Kind, ["apiVersion"] = rt.ApiVersion }, JsonContext.Options);
        var prefixLength = typeMeta is null ? 0 : typeMeta.Length - 1; // without the closing brace; a comma follows in the item
        for (var i = 0; i < page.Items.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            var json = page.Items[i].Json;
            if (typeMeta is not null && json.Length > prefixLength + 1 && json[prefixLength] == (byte)',' && json.AsSpan(0, prefixLength).SequenceEqual(typeMeta.AsSpan(0, prefixLength)))
            {
                output.Write("{"u8);
                output.Write(json.AsSpan(prefixLength + 1));
            }
            else
            {
                output.Write(json);
            }

            written += json.Length;
            if (written > 64 * 1024)
            {
                await output.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                written = 0;
            }
        }

        output.Write("]}"u8);
        await output.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1";

    private static int? ParseInt(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)
            ? i
            : throw ApiException.BadRequest($"invalid value for {name}: \"{value}\"");
    }

    /// <summary>What a checked body is: a create/update object, the result of a patch, or an apply configuration.</summary>
    private enum BodyKind
    {
        Object,
        Patch,
        Apply,
    }

    /// <summary>
    /// Decodes a body as the real server decodes it into its Go type, and applies the request's <c>fieldValidation</c>
    /// directive (<c>Warn</c>, the default: a <c>Warning</c> header per unknown field; <c>Strict</c>: an error;
    /// <c>Ignore</c>: nothing). Built-ins: a body that does not decode (wrong JSON type, an integer out of range, …) is
    /// 400 BadRequest (<c>Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal …</c>) for
    /// a create or update, 422 Invalid on the field <c>patch</c> for a patch, 400 for an apply; unknown fields are
    /// removed, as decoding drops them, and an apply naming one is 400 (<c>field not declared in schema</c>) whatever
    /// the directive. Custom resources: only the unknown-field directive (their schema validator prunes and checks
    /// types).
    /// </summary>
    private static void CheckFields(HttpContext context, ResourceType rt, JsonObject body, BodyKind kind, JsonObject? strategicPatch, string? ns = null, string? name = null)
    {
        var directive = context.Request.Query["fieldValidation"].ToString();
        if (directive.Length == 0)
        {
            directive = "Warn"; // the real server's default
        }
        else if (directive is not ("Strict" or "Warn" or "Ignore"))
        {
            throw ApiException.BadRequest($"fieldValidation: Unsupported value: \"{directive}\": supported values: \"Ignore\", \"Warn\", \"Strict\"");
        }

        List<string> unknown;
        if (rt.ModelType is { } model)
        {
            var decoded = OpenApi.BuiltInDecoding.Decode(model, body);
            if (decoded.Error is { } error)
            {
                throw kind switch
                {
                    BodyKind.Patch => PatchInvalid(body, strategicPatch, error),
                    _ => ApiException.BadRequest($"{rt.Kind} in version \"{rt.Version}\" cannot be handled as a {rt.Kind}: {error}"),
                };
            }

            unknown = decoded.UnknownFields;
            if (kind == BodyKind.Apply && unknown.Count > 0)
            {
                var where = rt.Namespaced ? $"{ns}/{name}" : name;
                throw ApiException.BadRequest($"failed to create typed patch object ({where}; {rt.ApiVersion}, Kind={rt.Kind}): .{unknown[0]}: field not declared in schema");
            }
        }
        else
        {
            if (directive == "Ignore")
            {
                return;
            }

            unknown = OpenApi.FieldValidation.UnknownFields(rt, body);
        }

        if (unknown.Count == 0 || directive == "Ignore")
        {
            return;
        }

        if (directive == "Strict")
        {
            var strict = "strict decoding error: " + string.Join(", ", unknown.Select(f => $"unknown field \"{f}\""));
            throw kind == BodyKind.Patch
                ? PatchInvalid(body, strategicPatch, strict)
                : ApiException.BadRequest($"{rt.Kind} in version \"{rt.Version}\" cannot be handled as a {rt.Kind}: {strict}");
        }

        if (!context.Response.HasStarted)
        {
            foreach (var f in unknown)
            {
                context.Response.Headers.Append("Warning", $"299 - \"unknown field \\\"{f}\\\"\"");
            }
        }
    }

    /// <summary>
    /// The 422 a real server answers when a patched object does not decode: <c>NewInvalid</c> with an empty kind and
    /// name on the field <c>patch</c>, whose value is the patched object (JSON and merge patches) or the patch as Go
    /// prints a map (strategic merge patches).
    /// </summary>
    private static ApiException PatchInvalid(JsonObject patched, JsonObject? strategicPatch, string error)
    {
        var value = strategicPatch is null ? patched.ToJsonString() : GoValue(strategicPatch);
        var message = $"Invalid value: {System.Text.Json.JsonSerializer.Serialize(value)}: {error}";
        var causes = new JsonArray { new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = message, ["field"] = "patch" } };
        return new ApiException(422, "Invalid", $" \"\" is invalid: patch: {message}", new JsonObject { ["causes"] = causes });
    }

    /// <summary>A JSON value as Go's <c>%+v</c> prints the map it decodes to: <c>map[spec:map[replicas:x]]</c>.</summary>
    private static string GoValue(JsonNode? node) => node switch
    {
        null => "<nil>",
        JsonObject o => "map[" + string.Join(" ", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + GoValue(p.Value))) + "]",
        JsonArray a => "[" + string.Join(" ", a.Select(GoValue)) + "]",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    /// <summary>The field validations a real server makes on a built-in (<see cref="Validation.BuiltInValidation"/>): 422 Invalid.</summary>
    private static void ValidateBuiltIn(ResourceType rt, JsonObject body)
    {
        if (rt.ModelType is null)
        {
            return;
        }

        var errors = Validation.BuiltInValidation.Validate(rt, body);
        if (errors.Count > 0)
        {
            var name = (body["metadata"] as JsonObject)?["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : string.Empty;
            throw Validation.BuiltInValidation.Invalid(rt, name, errors);
        }
    }

    private DateTimeOffset Now => _state.Options.TimeProvider.GetUtcNow();

    /// <summary>The request's field manager: <c>fieldManager</c>, else the User-Agent's product name, as the real server derives it.</summary>
    private static string FieldManager(HttpContext context)
    {
        var manager = context.Request.Query["fieldManager"].ToString();
        if (manager.Length > 0)
        {
            return manager;
        }

        var agent = context.Request.Headers.UserAgent.ToString();
        var slash = agent.IndexOf('/', StringComparison.Ordinal);
        var product = (slash > 0 ? agent[..slash] : agent).Trim();
        return product.Length > 0 ? product : "unknown";
    }

    private static bool IsProtobuf(HttpContext context) =>
        string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), Protobuf.ProtobufBody.MediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the whole body; one over <paramref name="limit"/> bytes is a 413 like the real server's limit.</summary>
    internal static async Task<byte[]> ReadBytesAsync(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        using var ms = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (ms.Length + read > limit)
                {
                    throw TooLarge(limit);
                }

                ms.Write(buffer, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == 413)
        {
            throw TooLarge(limit);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return ms.ToArray();
    }

    private static ApiException TooLarge(long limit) =>
        new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {limit.ToString(CultureInfo.InvariantCulture)}");

    private static async Task<JsonObject> ReadBodyAsync(HttpContext context, long limit)
    {
        var contentType = context.Request.ContentType?.Split(';')[0].Trim();
        var bytes = await ReadBytesAsync(context, limit).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            throw ApiException.BadRequest("the request body is empty");
        }

        if (string.IsNullOrEmpty(contentType) || contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || contentType == "*/*")
        {
            return ApiState.ParseObject(bytes);
        }

        if (contentType.Equals(Protobuf.ProtobufBody.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return Protobuf.ProtobufBody.Decode(bytes);
        }

        if (contentType.Equals("application/yaml", StringComparison.OrdinalIgnoreCase))
        {
            return ServerSideApply.Parse(bytes);
        }

        throw ApiException.UnsupportedMediaType(contentType);
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpContext context, long limit)
    {
        var bytes = await ReadBytesAsync(context, limit).ConfigureAwait(false);
        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest($"the object provided is unrecognized or malformed: {ex.Message}");
        }
    }
}
