using System.Net;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// A controller's finalizer on objects of one resource. Call <see cref="HandleAsync"/> first thing in a reconcile:
/// on a live object it adds the finalizer (so the API server keeps the object until the cleanup has run) before the
/// reconcile makes any side effect; once <c>deletionTimestamp</c> is set it runs the cleanup and then removes the
/// finalizer, which lets the deletion complete.
/// <para>
/// Safe under conflicts: both patches are merge patches conditional on the <c>resourceVersion</c> read; on 409 the object
/// is read again and the step re-decided (a cleanup that already ran in this call is not run again), at most
/// <see cref="MaxConflictRetries"/> times before the reconcile fails and is retried with backoff. Safe under restarts:
/// the finalizer stays until a cleanup has completed, so a process that dies mid-cleanup runs it again after the restart —
/// the cleanup must be idempotent (deleting what is already gone is success). Thread-safe; stateless between calls.
/// </para>
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
public sealed partial class Finalizer<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ObjectWrites _writes;
    private readonly ResourceDescriptor _resource;
    private readonly ILogger _logger;

    /// <summary>Creates the finalizer helper.</summary>
    /// <param name="client">The client to patch with (a <see cref="Kubernetes"/>).</param>
    /// <param name="resource">The resource of <typeparamref name="T"/>.</param>
    /// <param name="name">The finalizer, a qualified name such as <c>webapps.example.com/cleanup</c>.</param>
    /// <param name="logger">Logs cleanups.</param>
    public Finalizer(IKubernetes client, ResourceDescriptor resource, string name, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Finalizer '{name}' must be domain-qualified (e.g. example.com/cleanup), as the API server requires for custom finalizers.", nameof(name));
        }
        _writes = new ObjectWrites(client);
        _resource = resource;
        Name = name;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The finalizer's name.</summary>
    public string Name { get; }

    /// <summary>How many 409 conflicts one call absorbs (reading the object again each time) before it throws (5).</summary>
    public int MaxConflictRetries { get; init; } = 5;

    /// <summary>Whether <paramref name="obj"/> carries this finalizer.</summary>
    public bool IsOn(T obj) => obj?.Metadata?.Finalizers?.Contains(Name) == true;

    /// <summary>
    /// Adds the finalizer to a live object, or, when the object is being deleted, runs <paramref name="cleanup"/> (given the
    /// freshest object read) and removes the finalizer. <paramref name="obj"/> is not modified (it may be the cached one).
    /// </summary>
    /// <exception cref="KubernetesApiException">A patch failed (other than 404, and 409 within the retry bound).</exception>
    /// <exception cref="FinalizerConflictException">Still conflicting after <see cref="MaxConflictRetries"/> re-reads.</exception>
    public async Task<FinalizerOutcome> HandleAsync(T obj, Func<T, CancellationToken, Task> cleanup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(cleanup);
        var current = obj;
        var cleaned = false;
        for (var attempt = 0; ; attempt++)
        {
            var meta = current.Metadata;
            var finalizers = meta.Finalizers ?? [];
            var deleting = meta.DeletionTimestamp is not null;
            if (!deleting && finalizers.Contains(Name))
            {
                return FinalizerOutcome.Continue;
            }
            if (deleting && !finalizers.Contains(Name))
            {
                return FinalizerOutcome.NothingToDo;
            }
            if (deleting && !cleaned)
            {
                Log.CleaningUp(_logger, Name, CacheKeys.MetaNamespaceKey(current));
                await cleanup(current, cancellationToken).ConfigureAwait(false);
                cleaned = true;
            }
            var wanted = deleting ? finalizers.Where(f => f != Name).ToList() : [.. finalizers, Name];
            try
            {
                await _writes.MergePatchAsync<T>(_resource, meta.NamespaceProperty, meta.Name, FinalizersPatch(meta.ResourceVersion, wanted),
                    null, cancellationToken).ConfigureAwait(false);
                if (deleting)
                {
                    Log.Removed(_logger, Name, CacheKeys.MetaNamespaceKey(current));
                    return FinalizerOutcome.Finalized;
                }
                return FinalizerOutcome.Continue;
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                return cleaned ? FinalizerOutcome.Finalized : FinalizerOutcome.NothingToDo;
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
            {
                if (attempt >= MaxConflictRetries)
                {
                    throw new FinalizerConflictException(Name, CacheKeys.MetaNamespaceKey(current), attempt + 1, ex);
                }
                Log.Conflict(_logger, Name, CacheKeys.MetaNamespaceKey(current));
                var fresh = await _writes.GetAsync<T>(_resource, meta.NamespaceProperty, meta.Name, cancellationToken).ConfigureAwait(false);
                if (fresh is null)
                {
                    return cleaned ? FinalizerOutcome.Finalized : FinalizerOutcome.NothingToDo;
                }
                current = fresh;
            }
        }
    }

    private static string FinalizersPatch(string? resourceVersion, List<string> finalizers) =>
        JsonSerializer.Serialize(new { metadata = new { resourceVersion, finalizers } });

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Finalizer {Finalizer}: cleaning up {Key} before its deletion.")]
        public static partial void CleaningUp(ILogger logger, string finalizer, string key);

        [LoggerMessage(2, LogLevel.Information, "Finalizer {Finalizer}: removed from {Key}; its deletion can complete.")]
        public static partial void Removed(ILogger logger, string finalizer, string key);

        [LoggerMessage(3, LogLevel.Debug, "Finalizer {Finalizer}: {Key} changed meanwhile (409); reading it again.")]
        public static partial void Conflict(ILogger logger, string finalizer, string key);
    }
}
