using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// Writes an object's status through the <c>/status</c> subresource, so the spec is never written (the API server
/// ignores everything but status there). Optimistic concurrency: the PUT carries the <c>resourceVersion</c> the change was
/// computed from; on 409 the object is read again and the change re-applied to it, at most <see cref="MaxConflictRetries"/>
/// times before <see cref="StatusConflictException"/>. The change is a function of the object, so it is re-computed on the
/// fresh object rather than replaying a stale value. A change that leaves the status as it was writes nothing.
/// The given object is never modified (it may be the cached one): the change runs on a copy. Thread-safe.
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

    /// <summary>How many 409 conflicts one update absorbs before it throws (5).</summary>
    public int MaxConflictRetries { get; init; } = 5;

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
            var before = JsonNode.Parse(KubernetesJson.Serialize(current))!.AsObject();
            var copy = KubernetesJson.Deserialize<T>(before.ToJsonString());
            change(copy);
            var after = JsonNode.Parse(KubernetesJson.Serialize(copy))!.AsObject();
            if (JsonNode.DeepEquals(before["status"], after["status"]))
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

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Status of {Key}: conflict on attempt {Attempt}; re-reading and re-applying the change.")]
        public static partial void Conflict(ILogger logger, string key, int attempt);
    }
}
