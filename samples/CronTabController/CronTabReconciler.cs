using System.Globalization;
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers;
using KubeInformers.Hosting.Controllers;

namespace CronTabController;

/// <summary>
/// Reconciles one CronTab (key <c>namespace/name</c>) into a ConfigMap <c>{name}-crontab</c> owned by it (an
/// ownerReference with <c>controller: true</c>, so Kubernetes garbage-collects it) and writes the CronTab's status.
/// Reads only from the informer caches; writes go to the API server and come back through the informers, which enqueue
/// the key again, so the second pass finds nothing to do. Never mutates cached objects.
/// </summary>
public sealed partial class CronTabReconciler : IReconciler<string>
{
    /// <summary>The label on every ConfigMap this controller manages (its ConfigMap informer selects on it).</summary>
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    /// <summary>The label's value.</summary>
    public const string ManagedByValue = "crontab-controller";

    private readonly InformerFactory _informers;
    private readonly IKubernetes _client;
    private readonly ILogger<CronTabReconciler> _logger;

    /// <summary>Creates the reconciler.</summary>
    public CronTabReconciler(InformerFactory informers, IKubernetes client, ILogger<CronTabReconciler> logger)
    {
        _informers = informers;
        _client = client;
        _logger = logger;
    }

    /// <summary>The ConfigMap name for a CronTab.</summary>
    public static string ConfigMapName(string cronTabName) => cronTabName + "-crontab";

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = CacheKeys.Split(key);
        var cronTab = _informers.Stable.V1.CronTabs.Lister.Get(ns, name);
        var configMapName = ConfigMapName(name);
        var existing = _informers.Core.V1.ConfigMaps.Lister.Get(ns, configMapName);

        if (cronTab is null)
        {
            // Gone. On a cluster the garbage collector deletes the owned ConfigMap; doing it here too works everywhere.
            if (existing is not null && existing.Metadata.Labels?.TryGetValue(ManagedByLabel, out var managedBy) == true && managedBy == ManagedByValue)
            {
                await IgnoreNotFound(_client.CoreV1.DeleteNamespacedConfigMapAsync(configMapName, ns, cancellationToken: cancellationToken));
                Log.Deleted(_logger, ns, configMapName);
            }
            return ReconcileResult.Done;
        }

        var desired = DesiredData(cronTab);
        string phase;
        if (existing is null)
        {
            try
            {
                await _client.CoreV1.CreateNamespacedConfigMapAsync(NewConfigMap(cronTab, configMapName, desired, resourceVersion: null), ns,
                    cancellationToken: cancellationToken);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
            {
                return ReconcileResult.Requeue; // the cache has not seen it yet
            }
            Log.Created(_logger, ns, configMapName);
            phase = "Ready";
        }
        else if (!IsOwnedBy(existing, cronTab))
        {
            phase = "Conflict";
        }
        else
        {
            if (!SameData(existing.Data, desired))
            {
                try
                {
                    await _client.CoreV1.ReplaceNamespacedConfigMapAsync(NewConfigMap(cronTab, configMapName, desired, existing.Metadata.ResourceVersion),
                        configMapName, ns, cancellationToken: cancellationToken);
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    return ReconcileResult.Requeue; // stale cache: try again once the informer caught up
                }
                Log.Updated(_logger, ns, configMapName);
            }
            phase = "Ready";
        }

        // The typed index: CronTabs of this namespace that share the schedule.
        var sameSchedule = cronTab.Spec.CronSpec is { } schedule
            ? _informers.Stable.V1.CronTabs.Lister.Namespace(ns).BySchedule(schedule).Count
            : 0;
        var status = new CronTabStatus
        {
            ConfigMapName = configMapName,
            ObservedGeneration = cronTab.Metadata.Generation,
            Phase = phase,
            SameScheduleCount = sameSchedule,
        };
        if (!SameStatus(cronTab.Status, status))
        {
            var patch = JsonSerializer.Serialize(new { status });
            await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch),
                CronTab.Group, CronTab.Version, ns, CronTab.Plural, name, cancellationToken: cancellationToken);
            Log.StatusWritten(_logger, ns, name, phase, sameSchedule);
        }
        return ReconcileResult.Done;
    }

    private static Dictionary<string, string> DesiredData(CronTab cronTab) => new()
    {
        ["schedule"] = cronTab.Spec.CronSpec ?? "",
        ["image"] = cronTab.Spec.Image ?? "",
        ["replicas"] = (cronTab.Spec.Replicas ?? 1).ToString(CultureInfo.InvariantCulture),
    };

    private static V1ConfigMap NewConfigMap(CronTab owner, string name, Dictionary<string, string> data, string? resourceVersion) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = owner.Metadata.NamespaceProperty,
            ResourceVersion = resourceVersion,
            Labels = new Dictionary<string, string> { [ManagedByLabel] = ManagedByValue },
            OwnerReferences =
            [
                new V1OwnerReference
                {
                    ApiVersion = owner.ApiVersion,
                    Kind = owner.Kind,
                    Name = owner.Metadata.Name,
                    Uid = owner.Metadata.Uid,
                    Controller = true,
                    BlockOwnerDeletion = true,
                },
            ],
        },
        Data = data,
    };

    private static bool IsOwnedBy(V1ConfigMap configMap, CronTab owner) =>
        configMap.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == owner.Metadata.Uid) == true;

    private static bool SameData(IDictionary<string, string>? actual, Dictionary<string, string> desired) =>
        actual is not null && actual.Count == desired.Count && desired.All(d => actual.TryGetValue(d.Key, out var v) && v == d.Value);

    private static bool SameStatus(CronTabStatus? a, CronTabStatus b) =>
        a is not null && a.ConfigMapName == b.ConfigMapName && a.ObservedGeneration == b.ObservedGeneration && a.Phase == b.Phase
        && a.SameScheduleCount == b.SameScheduleCount;

    private static async Task IgnoreNotFound(Task task)
    {
        try
        {
            await task;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created ConfigMap {Namespace}/{Name}.")]
        public static partial void Created(ILogger logger, string @namespace, string name);

        [LoggerMessage(2, LogLevel.Information, "Updated ConfigMap {Namespace}/{Name}.")]
        public static partial void Updated(ILogger logger, string @namespace, string name);

        [LoggerMessage(3, LogLevel.Information, "Deleted ConfigMap {Namespace}/{Name}: its CronTab is gone.")]
        public static partial void Deleted(ILogger logger, string @namespace, string name);

        [LoggerMessage(4, LogLevel.Information, "CronTab {Namespace}/{Name}: status {Phase}, {Count} CronTab(s) share its schedule.")]
        public static partial void StatusWritten(ILogger logger, string @namespace, string name, string phase, int count);
    }
}
