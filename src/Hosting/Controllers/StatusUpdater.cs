using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// Writes an object's status through the <c>/status</c> subresource, so the spec is never written (the API server
/// ignores everything but status there), in one of two ways:
/// <list type="bullet">
/// <item><see cref="UpdateAsync"/> — optimistic concurrency: the PUT carries the <c>resourceVersion</c> the change was
/// computed from; on 409 the object is read again and the change re-applied to it, at most <see cref="MaxConflictRetries"/>
/// times before <see cref="StatusConflictException"/>. The change is a function of the object, so it is re-computed on the
/// fresh object rather than replaying a stale value. A change that leaves the status as it was writes nothing. The given
/// object is never modified (it may be the cached one): the change runs on a copy made by <see cref="Copy"/> (the
/// generated <c>DeepCopy()</c>) or, without it, a JSON round trip.</item>
/// <item><see cref="ApplyAsync"/> — server-side apply as <see cref="FieldManager"/>: the status given is this manager's
/// whole intent (fields it applied before and leaves out are removed); no <c>resourceVersion</c>, so no 409 for a
/// concurrent write, but 409 <see cref="FieldManagerConflictException"/> when another manager owns an applied field with
/// a different value, unless <see cref="ForceApply"/> takes ownership.</item>
/// </list>
/// Thread-safe.
/// </summary>
/// <typeparam name="T">The object type; it must have a <c>status</c> subresource.</typeparam>
public sealed partial class StatusUpdater<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ObjectWrites _writes;
    private readonly ResourceDescriptor _resource;
    private readonly ILogger _logger;

    /// <summary>Creates the updater.</summary>
    /// <param name="client">The client (a <see cref="Kubernetes"/>).</param>
    /// <param name="resource">The resource of <typeparamref name="T"/>.</param>
    /// <param name="logger">Logs conflicts.</param>
    public StatusUpdater(IKubernetes client, ResourceDescriptor resource, ILogger? logger = null)
    {
        _writes = new ObjectWrites(client);
        _resource = resource ?? throw new ArgumentNullException(nameof(resource));
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>How many 409 conflicts one <see cref="UpdateAsync"/> absorbs before it throws (5).</summary>
    public int MaxConflictRetries { get; init; } = 5;

    /// <summary>
    /// Makes the copy <see cref="UpdateAsync"/>'s change runs on: pass the generated copy, <c>o =&gt; o.DeepCopy()</c> (the
    /// hosting library cannot call it itself: the generated methods are internal to the assembly that declares the
    /// informers). Null: a JSON round trip through <see cref="KubernetesJson"/>. The copy must share no mutable instance
    /// with its source.
    /// </summary>
    public Func<T, T>? Copy { get; init; }

    /// <summary>The field manager <see cref="ApplyAsync"/> applies as, e.g. <c>webapp-operator</c>; required for it.</summary>
    public string? FieldManager { get; init; }

    /// <summary>
    /// Whether <see cref="ApplyAsync"/> forces (<c>force=true</c>): fields another manager owns become this manager's
    /// instead of failing with a conflict. A controller that is the sole writer of its status usually forces, as
    /// controller-runtime recommends. Default false.
    /// </summary>
    public bool ForceApply { get; init; }

    /// <summary>
    /// Applies <paramref name="change"/> to a copy of <paramref name="obj"/> and writes the copy's status. Returns the object
    /// as the server stored it (or <paramref name="obj"/> itself when the status did not change).
    /// </summary>
    /// <param name="obj">The object the change starts from (cached: not modified).</param>
    /// <param name="change">Sets the status on the copy it is given; may run again on a fresher copy after a conflict.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <exception cref="StatusConflictException">Still conflicting after <see cref="MaxConflictRetries"/> re-reads.</exception>
    /// <exception cref="KubernetesApiException">The server refused the update (other than 409), e.g. 404 when the object is gone.</exception>
    public async Task<T> UpdateAsync(T obj, Action<T> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(change);
        var current = obj;
        for (var attempt = 0; ; attempt++)
        {
            var copy = MakeCopy(current);
            var before = StatusOf(current);
            change(copy);
            if (JsonNode.DeepEquals(before, StatusOf(copy)))
            {
                return current;
            }
            try
            {
                return await _writes.ReplaceAsync(_resource, copy.Metadata.NamespaceProperty, copy.Metadata.Name, copy, "status", cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
            {
                var key = CacheKeys.MetaNamespaceKey(current);
                if (attempt >= MaxConflictRetries)
                {
                    throw new StatusConflictException(key, attempt + 1, ex);
                }
                Log.Conflict(_logger, key, attempt + 1);
                current = await _writes.GetAsync<T>(_resource, current.Metadata.NamespaceProperty, current.Metadata.Name, cancellationToken)
                    .ConfigureAwait(false) ?? throw new KubernetesApiException(new V1Status
                    {
                        Code = 404, Reason = "NotFound", Status = "Failure", Message = $"{key} was deleted while its status was being written.",
                    });
            }
        }
    }

    /// <summary>
    /// Server-side applies <paramref name="status"/> to the <c>/status</c> subresource of <paramref name="obj"/> as
    /// <see cref="FieldManager"/> (forced when <see cref="ForceApply"/>). The body is <c>apiVersion</c>, <c>kind</c>,
    /// <c>metadata.name</c>/<c>namespace</c> and <c>status</c>: never the spec. <paramref name="status"/> is everything this
    /// manager wants in the status (a field it applied before and leaves out now is removed, unless another manager owns
    /// it too); build it fresh rather than from a cached object's status, so it names only this manager's fields. Every
    /// call is sent: an apply that changes nothing is a no-op on the server (no new <c>resourceVersion</c>).
    /// </summary>
    /// <param name="obj">The object whose status is applied (names it; may be cached: not modified).</param>
    /// <param name="status">The status intent, serialized with <see cref="KubernetesJson"/>.</param>
    /// <param name="cancellationToken">Cancels the apply.</param>
    /// <returns>The object as the server stored it.</returns>
    /// <exception cref="InvalidOperationException"><see cref="FieldManager"/> is not set.</exception>
    /// <exception cref="FieldManagerConflictException">Another manager owns an applied field with another value (not forced).</exception>
    /// <exception cref="KubernetesApiException">The server refused the apply, e.g. 404 when the object is gone.</exception>
    public async Task<T> ApplyAsync(T obj, object status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(status);
        var manager = FieldManager ?? throw new InvalidOperationException(
            $"StatusUpdater<{typeof(T).Name}>.ApplyAsync needs a FieldManager (set it when creating the updater).");
        var meta = obj.Metadata;
        var body = new JsonObject
        {
            ["apiVersion"] = obj.ApiVersion ?? _resource.ApiVersion,
            ["kind"] = obj.Kind ?? _resource.Kind,
            ["metadata"] = _resource.Namespaced
                ? new JsonObject { ["name"] = meta.Name, ["namespace"] = meta.NamespaceProperty }
                : new JsonObject { ["name"] = meta.Name },
            ["status"] = JsonNode.Parse(KubernetesJson.Serialize(status)),
        };
        try
        {
            return await _writes.ApplyAsync<T>(_resource, meta.NamespaceProperty, meta.Name, body.ToJsonString(), "status", manager, ForceApply,
                cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            var conflicts = ex.Status.Details?.Causes?.Select(c => $"{c.Field}: {c.Message}").ToList() is { Count: > 0 } causes
                ? causes
                : [ex.Status.Message ?? "conflict"];
            throw new FieldManagerConflictException(CacheKeys.MetaNamespaceKey(obj), manager, conflicts, ex);
        }
    }

    private T MakeCopy(T source) =>
        Copy is { } copy ? copy(source) : KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(source));

    private static JsonNode? StatusOf(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!["status"];

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Status of {Key}: conflict on attempt {Attempt}; re-reading and re-applying the change.")]
        public static partial void Conflict(ILogger logger, string key, int attempt);
    }
}
