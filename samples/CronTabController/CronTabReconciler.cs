using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using KubeInformers;
using KubeInformers.Hosting.Events;

namespace CronTabController;

/// <summary>
/// Reconciles one CronTab into the ConfigMap <c>{name}-crontab</c> it controls (an ownerReference with
/// <c>controller: true</c>), on the controller toolkit: a <see cref="Finalizer{T}"/> that deletes that ConfigMap before
/// the CronTab may go, the status (<c>Ready</c> condition, <c>observedGeneration</c>, <c>sameScheduleCount</c> from the
/// typed index) through <see cref="StatusUpdater{T}"/>, and Events. Reads only the caches and never mutates a cached
/// object; every write comes back through an informer and reconciles again, which then finds nothing to do.
/// Called by the controller's workers, never for one key twice at once.
/// </summary>
public sealed class CronTabReconciler : IObjectReconciler<CronTab>
{
    /// <summary>The label on every ConfigMap this controller manages (its ConfigMap informer selects on it).</summary>
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    /// <summary>The label's value, also the field manager of the controller's writes.</summary>
    public const string ManagedByValue = "crontab-controller";
    /// <summary>The finalizer that keeps a CronTab until its ConfigMap is deleted.</summary>
    public const string FinalizerName = "stable.example.com/configmap-cleanup";

    private static readonly ResourceDescriptor Resource = ResourceDescriptor.ForEntity<CronTab>(namespaced: true);

    private readonly InformerFactory _informers;
    private readonly IKubernetes _client;
    private readonly EventRecorder _events;
    private readonly Finalizer<CronTab> _finalizer;
    private readonly StatusUpdater<CronTab> _status;

    /// <summary>Creates the reconciler (from the container).</summary>
    public CronTabReconciler(InformerFactory informers, IKubernetes client, EventRecorder events, ILogger<CronTabReconciler> logger)
    {
        _informers = informers;
        _client = client;
        _events = events;
        _finalizer = new Finalizer<CronTab>(client, Resource, FinalizerName, logger);
        _status = new StatusUpdater<CronTab>(client, Resource, logger) { Copy = c => c.DeepCopy() };
    }

    /// <summary>The ConfigMap name for a CronTab.</summary>
    public static string ConfigMapName(string cronTabName) => cronTabName + "-crontab";

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ReconcileContext<CronTab> context, CancellationToken cancellationToken)
    {
        if (context.Object is not { } cronTab)
        {
            return ReconcileResult.Done; // gone: its finalizer ran before it went
        }
        switch (await _finalizer.HandleAsync(cronTab, (_, ct) => DeleteOwnedAsync(context.Owned<V1ConfigMap>(), ct), cancellationToken))
        {
            case FinalizerOutcome.Finalized:
                _events.Normal(cronTab, "ConfigMapDeleted", "Delete", $"deleted ConfigMap {ConfigMapName(cronTab.Name())}");
                return ReconcileResult.Done;
            case FinalizerOutcome.NothingToDo:
                return ReconcileResult.Done;
        }

        // The finalizer is on: side effects are safe now.
        var desired = DesiredConfigMap(cronTab);
        var (ready, reason, message) = (true, "ConfigMapReady", $"ConfigMap {desired.Name()} matches the spec");
        if (context.Owned<V1ConfigMap>().FirstOrDefault() is not { } owned)
        {
            try
            {
                await _client.CoreV1.CreateNamespacedConfigMapAsync(desired, cronTab.Namespace(), fieldManager: ManagedByValue,
                    cancellationToken: cancellationToken);
                _events.Normal(cronTab, "ConfigMapCreated", "Create", $"created ConfigMap {desired.Name()}");
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
            {
                var existing = await _client.CoreV1.ReadNamespacedConfigMapAsync(desired.Name(), cronTab.Namespace(), cancellationToken: cancellationToken);
                if (existing.GetController()?.Uid == cronTab.Uid())
                {
                    return ReconcileResult.Done; // ours, and the cache has not seen it yet: its informer will reconcile again
                }
                (ready, reason, message) = (false, "ConfigMapExists", $"ConfigMap {desired.Name()} exists and is not controlled by this CronTab");
                _events.Warning(cronTab, reason, "Create", message);
            }
        }
        else if (!SameData(owned.Data, desired.Data))
        {
            var updated = owned.DeepCopy(); // the cached ConfigMap is shared: change a copy
            updated.Data = desired.Data;
            await _client.CoreV1.ReplaceNamespacedConfigMapAsync(updated, updated.Name(), cronTab.Namespace(), fieldManager: ManagedByValue,
                cancellationToken: cancellationToken); // a 409 (stale cache) throws: the key is retried with backoff
            _events.Normal(cronTab, "ConfigMapUpdated", "Update", $"updated ConfigMap {desired.Name()}");
        }

        // The typed index: CronTabs of this namespace that share the schedule.
        var sameSchedule = SameSchedule(_informers, cronTab).Count;
        await _status.UpdateAsync(cronTab, copy =>
        {
            copy.Status ??= new CronTabStatus();
            copy.Status.ConfigMapName = desired.Name();
            copy.Status.ObservedGeneration = copy.Metadata.Generation;
            copy.Status.SameScheduleCount = sameSchedule;
            Conditions.Set(copy.Status.Conditions ??= [], "Ready", ready ? "True" : "False", reason, message, copy.Metadata.Generation);
        }, cancellationToken);
        return ready ? ReconcileResult.Done : ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(30)); // the name may be freed
    }

    /// <summary>The CronTabs in <paramref name="cronTab"/>'s namespace with its schedule (itself included), from the index.</summary>
    public static IReadOnlyList<CronTab> SameSchedule(InformerFactory informers, CronTab cronTab) => cronTab.Spec.CronSpec is { } schedule
        ? informers.Stable.V1.CronTabs.Lister.Namespace(cronTab.Namespace()).BySchedule(schedule)
        : [];

    /// <summary>The finalizer's cleanup: deletes the ConfigMaps this CronTab controls; one already gone counts as deleted.</summary>
    private async Task DeleteOwnedAsync(IReadOnlyList<V1ConfigMap> owned, CancellationToken cancellationToken)
    {
        foreach (var configMap in owned)
        {
            try
            {
                await _client.CoreV1.DeleteNamespacedConfigMapAsync(configMap.Name(), configMap.Namespace(), cancellationToken: cancellationToken);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }
        }
    }

    private static V1ConfigMap DesiredConfigMap(CronTab owner) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = ConfigMapName(owner.Name()),
            NamespaceProperty = owner.Namespace(),
            Labels = new Dictionary<string, string> { [ManagedByLabel] = ManagedByValue },
            OwnerReferences =
            [
                new V1OwnerReference
                {
                    ApiVersion = owner.ApiVersion, Kind = owner.Kind, Name = owner.Name(), Uid = owner.Uid(), Controller = true, BlockOwnerDeletion = true,
                },
            ],
        },
        Data = new Dictionary<string, string>
        {
            ["schedule"] = owner.Spec.CronSpec ?? "",
            ["image"] = owner.Spec.Image ?? "",
            ["replicas"] = (owner.Spec.Replicas ?? 1).ToString(CultureInfo.InvariantCulture),
        },
    };

    private static bool SameData(IDictionary<string, string>? actual, IDictionary<string, string> desired) =>
        actual is not null && actual.Count == desired.Count && desired.All(d => actual.TryGetValue(d.Key, out var v) && v == d.Value);
}
